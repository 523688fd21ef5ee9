// Package minio stores objects in MinIO (or any S3) through minio-go.
package minio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	mgo "github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/notification"

	"github.com/vanthu/vanthu/internal/objstore"
)

// Store is a MinIO client.
type Store struct{ c *mgo.Client }

var _ objstore.Store = (*Store)(nil)

// Config of the connection. Secrets come from the environment or a
// Secret, never from values files.
type Config struct {
	Endpoint  string // host:port
	AccessKey string
	SecretKey string
	Secure    bool
}

// ParseURL reads "http(s)://ACCESS:SECRET@host:port".
func ParseURL(raw string) (Config, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User == nil {
		return Config{}, fmt.Errorf("MinIO URL %q: want http(s)://ACCESS:SECRET@host:port", redact(raw))
	}
	secret, _ := u.User.Password()
	return Config{Endpoint: u.Host, AccessKey: u.User.Username(), SecretKey: secret, Secure: u.Scheme == "https"}, nil
}

func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		u.User = url.User(u.User.Username())
		return u.String()
	}
	return "(unparsable)"
}

// New connects.
func New(cfg Config) (*Store, error) {
	c, err := mgo.New(cfg.Endpoint, &mgo.Options{Creds: credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""), Secure: cfg.Secure})
	if err != nil {
		return nil, fmt.Errorf("MinIO client for %s: %w", cfg.Endpoint, err)
	}
	return &Store{c: c}, nil
}

// Client exposes minio-go for setup (buckets, notifications).
func (s *Store) Client() *mgo.Client { return s.c }

func check(bucket, key string) error {
	if err := objstore.CheckBucket(bucket); err != nil {
		return err
	}
	return objstore.CheckKey(key)
}

func notFound(err error) bool {
	var resp mgo.ErrorResponse
	if errors.As(err, &resp) {
		return resp.Code == "NoSuchKey" || resp.Code == "NoSuchBucket" || resp.StatusCode == 404
	}
	return false
}

func info(bucket string, o mgo.ObjectInfo) objstore.Info {
	md := map[string]string{}
	for k, v := range o.UserMetadata {
		md[strings.ToLower(strings.TrimPrefix(strings.ToLower(k), "x-amz-meta-"))] = v
	}
	if len(md) == 0 {
		md = nil
	}
	return objstore.Info{Bucket: bucket, Key: o.Key, ETag: strings.Trim(o.ETag, `"`), Size: o.Size, ModTime: o.LastModified, Metadata: md}
}

// Put uploads r; minio-go switches to multipart for large objects.
func (s *Store) Put(ctx context.Context, bucket, key string, r io.Reader, size int64, md map[string]string) (objstore.Info, error) {
	if err := check(bucket, key); err != nil {
		return objstore.Info{}, err
	}
	_, err := s.c.PutObject(ctx, bucket, key, r, size, mgo.PutObjectOptions{UserMetadata: md, ContentType: "application/octet-stream"})
	if err != nil {
		return objstore.Info{}, fmt.Errorf("put %s/%s: %w", bucket, key, err)
	}
	return s.Stat(ctx, bucket, key)
}

// Get opens the object.
func (s *Store) Get(ctx context.Context, bucket, key string) (io.ReadCloser, objstore.Info, error) {
	st, err := s.Stat(ctx, bucket, key)
	if err != nil {
		return nil, st, err
	}
	o, err := s.c.GetObject(ctx, bucket, key, mgo.GetObjectOptions{})
	if err != nil {
		return nil, st, fmt.Errorf("get %s/%s: %w", bucket, key, err)
	}
	return o, st, nil
}

// Stat describes the object.
func (s *Store) Stat(ctx context.Context, bucket, key string) (objstore.Info, error) {
	if err := check(bucket, key); err != nil {
		return objstore.Info{}, err
	}
	o, err := s.c.StatObject(ctx, bucket, key, mgo.StatObjectOptions{})
	if notFound(err) {
		return objstore.Info{}, fmt.Errorf("%s/%s: %w", bucket, key, objstore.ErrNotFound)
	}
	if err != nil {
		return objstore.Info{}, fmt.Errorf("stat %s/%s: %w", bucket, key, err)
	}
	return info(bucket, o), nil
}

// List lists recursively under prefix, in key order (as S3 lists).
func (s *Store) List(ctx context.Context, bucket, prefix string) ([]objstore.Info, error) {
	if err := objstore.CheckBucket(bucket); err != nil {
		return nil, err
	}
	var out []objstore.Info
	for o := range s.c.ListObjects(ctx, bucket, mgo.ListObjectsOptions{Prefix: prefix, Recursive: true, WithMetadata: true}) {
		if o.Err != nil {
			if notFound(o.Err) {
				return nil, nil
			}
			return nil, fmt.Errorf("list %s/%s: %w", bucket, prefix, o.Err)
		}
		out = append(out, info(bucket, o))
	}
	return out, nil
}

// Delete removes the object; a missing one is not an error.
func (s *Store) Delete(ctx context.Context, bucket, key string) error {
	if err := check(bucket, key); err != nil {
		return err
	}
	if err := s.c.RemoveObject(ctx, bucket, key, mgo.RemoveObjectOptions{}); err != nil && !notFound(err) {
		return fmt.Errorf("delete %s/%s: %w", bucket, key, err)
	}
	return nil
}

// NotifyBucket creates bucket if it does not exist and points its
// object-created notifications at the queue target arn (for example
// "arn:minio:sqs::VANTHU:webhook", the webhook target configured on the
// server). Idempotent.
func (s *Store) NotifyBucket(ctx context.Context, bucket, arn string) error {
	if err := objstore.CheckBucket(bucket); err != nil {
		return err
	}
	ok, err := s.c.BucketExists(ctx, bucket)
	if err != nil {
		return fmt.Errorf("bucket %s: %w", bucket, err)
	}
	if !ok {
		if err := s.c.MakeBucket(ctx, bucket, mgo.MakeBucketOptions{}); err != nil {
			return fmt.Errorf("make bucket %s: %w", bucket, err)
		}
	}
	target, err := notification.NewArnFromString(arn)
	if err != nil {
		return fmt.Errorf("notification target %q: %w", arn, err)
	}
	qc := notification.NewConfig(target)
	qc.AddEvents(notification.ObjectCreatedAll)
	var nc notification.Configuration
	nc.AddQueue(qc)
	if err := s.c.SetBucketNotification(ctx, bucket, nc); err != nil {
		return fmt.Errorf("notification of %s: %w", bucket, err)
	}
	return nil
}
