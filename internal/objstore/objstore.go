// Package objstore is the seam to object storage: uploads land in a bucket,
// stages read them and write their artifacts beside them. Two backends: a
// local folder (the embedded default on a laptop) and MinIO/S3 (on
// Kubernetes). One conformance suite (objstoretest) runs against both.
package objstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// ErrNotFound is returned for a missing object.
var ErrNotFound = errors.New("object not found")

// ErrBadKey is returned for keys that could escape a folder or that no
// backend stores the same way; object keys come from outside and are never
// trusted.
var ErrBadKey = errors.New("bad object key")

// Info describes a stored object.
type Info struct {
	Bucket, Key string
	// ETag identifies the content: it changes when the object is
	// overwritten with other bytes, which is what stages key their
	// idempotency on.
	ETag    string
	Size    int64
	ModTime time.Time
	// Metadata is the user metadata set at upload (keys lower case).
	Metadata map[string]string
}

// Store is an object store.
type Store interface {
	Put(ctx context.Context, bucket, key string, r io.Reader, size int64, meta map[string]string) (Info, error)
	Get(ctx context.Context, bucket, key string) (io.ReadCloser, Info, error)
	Stat(ctx context.Context, bucket, key string) (Info, error)
	// List returns the objects under prefix, in key order.
	List(ctx context.Context, bucket, prefix string) ([]Info, error)
	Delete(ctx context.Context, bucket, key string) error
}

// CheckKey validates an object key: UTF-8, no NUL or backslash, not
// absolute, no empty, "." or ".." segment, at most 1024 bytes (S3's limit).
func CheckKey(key string) error {
	switch {
	case key == "" || len(key) > 1024:
		return fmt.Errorf("%w: length %d", ErrBadKey, len(key))
	case !utf8.ValidString(key):
		return fmt.Errorf("%w: not UTF-8", ErrBadKey)
	case strings.ContainsAny(key, "\x00\\"):
		return fmt.Errorf("%w: %q holds NUL or backslash", ErrBadKey, key)
	case strings.HasPrefix(key, "/"):
		return fmt.Errorf("%w: %q is absolute", ErrBadKey, key)
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return fmt.Errorf("%w: %q has an empty, . or .. segment", ErrBadKey, key)
		}
	}
	return nil
}

// CheckBucket validates a bucket name as S3 does (3–63 lower-case letters,
// digits, dots and hyphens).
func CheckBucket(b string) error {
	if len(b) < 3 || len(b) > 63 {
		return fmt.Errorf("%w: bucket %q", ErrBadKey, b)
	}
	for _, r := range b {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.') {
			return fmt.Errorf("%w: bucket %q", ErrBadKey, b)
		}
	}
	return nil
}
