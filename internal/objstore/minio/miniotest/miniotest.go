// Package miniotest gives tests the MinIO server scripts/test starts.
package miniotest

import (
	"context"
	"testing"

	"github.com/vanthu/vanthu/internal/config"
	"github.com/vanthu/vanthu/internal/objstore/minio"
)

// Bucket connects to $VANTHU_MINIO_URL and has bucket notify the webhook
// target arn of its uploads. addrVar names the variable holding the
// address that target posts to (the test listens there); it is returned
// with $VANTHU_INGEST_TOKEN, the bearer token MinIO sends. Without a
// server the test is skipped.
func Bucket(t testing.TB, addrVar, bucket, arn string) (store *minio.Store, addr, token string) {
	t.Helper()
	raw, addr := config.Get("VANTHU_MINIO_URL"), config.Get(addrVar)
	if raw == "" || addr == "" {
		t.Skipf("no MinIO server with a webhook target at $%s (scripts/test starts one)", addrVar)
	}
	cfg, err := minio.ParseURL(raw)
	if err != nil {
		t.Fatal(err)
	}
	if store, err = minio.New(cfg); err != nil {
		t.Fatal(err)
	}
	if err := store.NotifyBucket(context.Background(), bucket, arn); err != nil {
		t.Fatal(err)
	}
	return store, addr, config.Get("VANTHU_INGEST_TOKEN")
}
