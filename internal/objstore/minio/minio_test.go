package minio

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	mgo "github.com/minio/minio-go/v7"

	"github.com/vanthu/vanthu/internal/objstore/objstoretest"
)

// TestConformance runs the shared suite against a real MinIO server when
// VANTHU_MINIO_URL (http://ACCESS:SECRET@127.0.0.1:9000) is set.
func TestConformance(t *testing.T) {
	raw := os.Getenv("VANTHU_MINIO_URL")
	if raw == "" {
		t.Skip("VANTHU_MINIO_URL not set: no MinIO server to test against")
	}
	cfg, err := ParseURL(raw)
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	bucket := fmt.Sprintf("conformance-%d", time.Now().UnixNano())
	if err := s.Client().MakeBucket(ctx, bucket, mgo.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	objstoretest.Run(t, s, bucket)
}

func TestParseURLRedactsSecret(t *testing.T) {
	cfg, err := ParseURL("https://vanthu:s3cret@minio.local:9000")
	if err != nil || cfg.Endpoint != "minio.local:9000" || cfg.AccessKey != "vanthu" || cfg.SecretKey != "s3cret" || !cfg.Secure {
		t.Fatalf("%+v %v", cfg, err)
	}
	if _, err := ParseURL("http://minio.local:9000"); err == nil {
		t.Error("URL without credentials accepted")
	}
	if got := redact("http://a:secret@h:1"); got != "http://a@h:1" {
		t.Errorf("redact: %s", got)
	}
}
