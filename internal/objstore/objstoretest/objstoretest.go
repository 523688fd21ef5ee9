// Package objstoretest is the conformance suite every objstore backend runs.
package objstoretest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/internal/objstore"
)

// Run checks a store against the contract. bucket must exist and be empty.
func Run(t *testing.T, s objstore.Store, bucket string) {
	ctx := context.Background()
	put := func(key, body string, md map[string]string) objstore.Info {
		t.Helper()
		info, err := s.Put(ctx, bucket, key, strings.NewReader(body), int64(len(body)), md)
		if err != nil {
			t.Fatalf("put %s: %v", key, err)
		}
		return info
	}
	t.Run("PutGetStat", func(t *testing.T) {
		a := put("scans/2025/46.pdf", "%PDF-1.7 first", map[string]string{"Agency": "ubnd-qn"})
		if a.Size != 14 || a.ETag == "" || a.Key != "scans/2025/46.pdf" {
			t.Fatalf("info %+v", a)
		}
		if a.Metadata["agency"] != "ubnd-qn" {
			t.Errorf("metadata %v", a.Metadata)
		}
		rc, info, err := s.Get(ctx, bucket, "scans/2025/46.pdf")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if string(b) != "%PDF-1.7 first" || info.ETag != a.ETag {
			t.Errorf("got %q etag %s", b, info.ETag)
		}
	})
	t.Run("OverwriteChangesETag", func(t *testing.T) {
		a := put("x/doc.png", "one", nil)
		same := put("x/doc.png", "one", nil)
		b := put("x/doc.png", "two", nil)
		if a.ETag != same.ETag {
			t.Errorf("same bytes, ETag %s then %s", a.ETag, same.ETag)
		}
		if a.ETag == b.ETag {
			t.Error("other bytes, same ETag: stages could not tell a new upload")
		}
	})
	t.Run("NotFound", func(t *testing.T) {
		if _, err := s.Stat(ctx, bucket, "no/such.pdf"); !errors.Is(err, objstore.ErrNotFound) {
			t.Errorf("stat: %v", err)
		}
		if _, _, err := s.Get(ctx, bucket, "no/such.pdf"); !errors.Is(err, objstore.ErrNotFound) {
			t.Errorf("get: %v", err)
		}
		if err := s.Delete(ctx, bucket, "no/such.pdf"); err != nil {
			t.Errorf("delete of a missing object: %v", err)
		}
	})
	t.Run("BadKeys", func(t *testing.T) {
		for _, k := range []string{"../etc/passwd", "/abs.pdf", "a//b.pdf", "a/./b", "a\\b.pdf", "bad\x00.pdf", "\xff\xfe.pdf", ""} {
			_, err := s.Put(ctx, bucket, k, bytes.NewReader(nil), 0, nil)
			if !errors.Is(err, objstore.ErrBadKey) {
				t.Errorf("put %q: %v, want ErrBadKey", k, err)
			}
		}
	})
	t.Run("ListInKeyOrder", func(t *testing.T) {
		put("list/b.pdf", "b", nil)
		put("list/a.pdf", "a", nil)
		put("list/sub/c.pdf", "c", nil)
		put("other/d.pdf", "d", nil)
		got, err := s.List(ctx, bucket, "list/")
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, i := range got {
			keys = append(keys, i.Key)
		}
		if strings.Join(keys, ",") != "list/a.pdf,list/b.pdf,list/sub/c.pdf" {
			t.Errorf("list: %v", keys)
		}
	})
	t.Run("Delete", func(t *testing.T) {
		put("del/x.pdf", "x", nil)
		if err := s.Delete(ctx, bucket, "del/x.pdf"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Stat(ctx, bucket, "del/x.pdf"); !errors.Is(err, objstore.ErrNotFound) {
			t.Errorf("after delete: %v", err)
		}
	})
	t.Run("ShortBodyRejected", func(t *testing.T) {
		if _, err := s.Put(ctx, bucket, "short.pdf", strings.NewReader("abc"), 10, nil); err == nil {
			t.Error("a body shorter than its declared size was stored")
		}
	})
}
