// Package local stores objects as files under a folder: the embedded
// default. Writes go to a temporary file and are renamed into place, so a
// crash never leaves half an upload under its key.
package local

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/vanthu/vanthu/internal/objstore"
)

// metaDir holds each object's metadata beside the data tree.
const metaDir = ".vanthu-meta"

// Store is a folder of buckets.
type Store struct{ root string }

var _ objstore.Store = (*Store)(nil)

// New opens (and creates) the folder.
func New(root string) (*Store, error) {
	if err := os.MkdirAll(root, 0o750); err != nil {
		return nil, fmt.Errorf("object store %s: %w", root, err)
	}
	return &Store{root: root}, nil
}

type meta struct {
	ETag     string            `json:"etag"`
	Metadata map[string]string `json:"metadata,omitempty"`
}

func (s *Store) paths(bucket, key string) (data, side string, err error) {
	if err := objstore.CheckBucket(bucket); err != nil {
		return "", "", err
	}
	if err := objstore.CheckKey(key); err != nil {
		return "", "", err
	}
	if strings.HasPrefix(key, metaDir+"/") || key == metaDir {
		return "", "", fmt.Errorf("%w: %q is reserved", objstore.ErrBadKey, key)
	}
	data = filepath.Join(s.root, bucket, filepath.FromSlash(key))
	side = filepath.Join(s.root, bucket, metaDir, filepath.FromSlash(key)+".json")
	return data, side, nil
}

// Put stores r under key.
func (s *Store) Put(ctx context.Context, bucket, key string, r io.Reader, size int64, md map[string]string) (objstore.Info, error) {
	data, side, err := s.paths(bucket, key)
	if err != nil {
		return objstore.Info{}, err
	}
	if err := os.MkdirAll(filepath.Dir(data), 0o750); err != nil {
		return objstore.Info{}, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(data), ".upload-*")
	if err != nil {
		return objstore.Info{}, err
	}
	defer os.Remove(tmp.Name())
	h := md5.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), contextReader{ctx, r})
	if err == nil && size >= 0 && n != size {
		err = fmt.Errorf("put %s/%s: read %d bytes, expected %d", bucket, key, n, size)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return objstore.Info{}, err
	}
	m := meta{ETag: hex.EncodeToString(h.Sum(nil)), Metadata: lower(md)}
	if err := writeMeta(side, m); err != nil {
		return objstore.Info{}, err
	}
	if err := os.Rename(tmp.Name(), data); err != nil {
		return objstore.Info{}, err
	}
	return s.Stat(ctx, bucket, key)
}

func writeMeta(path string, m meta) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return err
	}
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o640); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func lower(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[strings.ToLower(k)] = v
	}
	return out
}

// Get opens the object.
func (s *Store) Get(ctx context.Context, bucket, key string) (io.ReadCloser, objstore.Info, error) {
	info, err := s.Stat(ctx, bucket, key)
	if err != nil {
		return nil, info, err
	}
	data, _, _ := s.paths(bucket, key)
	f, err := os.Open(data)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, info, fmt.Errorf("%s/%s: %w", bucket, key, objstore.ErrNotFound)
	}
	return f, info, err
}

// Stat describes the object.
func (s *Store) Stat(ctx context.Context, bucket, key string) (objstore.Info, error) {
	data, side, err := s.paths(bucket, key)
	if err != nil {
		return objstore.Info{}, err
	}
	st, err := os.Stat(data)
	if errors.Is(err, fs.ErrNotExist) || err == nil && st.IsDir() {
		return objstore.Info{}, fmt.Errorf("%s/%s: %w", bucket, key, objstore.ErrNotFound)
	}
	if err != nil {
		return objstore.Info{}, err
	}
	var m meta
	if b, err := os.ReadFile(side); err == nil {
		json.Unmarshal(b, &m)
	}
	if m.ETag == "" {
		// A file dropped into the folder by hand (a scanner's share):
		// hash it now.
		f, err := os.Open(data)
		if err != nil {
			return objstore.Info{}, err
		}
		h := md5.New()
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return objstore.Info{}, err
		}
		m.ETag = hex.EncodeToString(h.Sum(nil))
	}
	return objstore.Info{Bucket: bucket, Key: key, ETag: m.ETag, Size: st.Size(), ModTime: st.ModTime(), Metadata: m.Metadata}, nil
}

// List walks the bucket's folder.
func (s *Store) List(ctx context.Context, bucket, prefix string) ([]objstore.Info, error) {
	if err := objstore.CheckBucket(bucket); err != nil {
		return nil, err
	}
	base := filepath.Join(s.root, bucket)
	var keys []string
	err := filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if name == metaDir {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(name, ".upload-") || !d.Type().IsRegular() {
			return nil
		}
		rel, _ := filepath.Rel(base, p)
		key := filepath.ToSlash(rel)
		if strings.HasPrefix(key, prefix) && objstore.CheckKey(key) == nil {
			keys = append(keys, key)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(keys)
	out := make([]objstore.Info, 0, len(keys))
	for _, k := range keys {
		info, err := s.Stat(ctx, bucket, k)
		if err != nil {
			continue // removed while listing
		}
		out = append(out, info)
	}
	return out, nil
}

// Delete removes the object and its metadata; a missing object is not an
// error (deletes are retried).
func (s *Store) Delete(ctx context.Context, bucket, key string) error {
	data, side, err := s.paths(bucket, key)
	if err != nil {
		return err
	}
	if err := os.Remove(data); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.Remove(side); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

type contextReader struct {
	ctx context.Context
	r   io.Reader
}

func (c contextReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
