package api

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vanthu/vanthu/internal/objstore"
)

// Fifty clerks upload at once: every upload is taken (202, an id that
// exists) or refused as busy (503 with Retry-After, nothing kept) — never
// a 415 for a database that was busy, never a stored file without its
// record (which a retrying client would duplicate).
func TestConcurrentUploadsAreTakenOrNot(t *testing.T) {
	f := newFixture(t)
	pdf := onePagePDF(t, "cong van")
	var mu sync.Mutex
	codes := map[int]int{}
	var ids []int64
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			for j := range 4 {
				body, ctype := multipartBody(t, map[string][]byte{fmt.Sprintf("cv-%d-%d.pdf", i, j): append(pdf, fmt.Sprint(i, j)...)})
				req, _ := http.NewRequest("POST", f.srv.URL+"/api/v1/documents", body)
				req.Header.Set("Authorization", "Bearer "+f.tokens["clerk-a"])
				req.Header.Set("Content-Type", ctype)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				var out struct{ ID int64 }
				json.Unmarshal(b, &out)
				mu.Lock()
				codes[res.StatusCode]++
				if res.StatusCode == http.StatusAccepted {
					ids = append(ids, out.ID)
				}
				mu.Unlock()
				switch res.StatusCode {
				case http.StatusAccepted:
				case http.StatusServiceUnavailable:
					if res.Header.Get("Retry-After") == "" {
						t.Error("503 without Retry-After")
					}
				default:
					t.Errorf("upload answered %d: %s", res.StatusCode, b)
				}
				if strings.Contains(string(b), "api/a/") {
					t.Errorf("the answer shows an internal key: %s", b)
				}
			}
		})
	}
	wg.Wait()
	t.Logf("answers: %v", codes)
	ctx := context.Background()
	stored, err := f.api.Store.List(ctx, "uploads", "api/")
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != len(ids) {
		t.Errorf("%d files stored for %d uploads taken", len(stored), len(ids))
	}
	for _, id := range ids {
		if _, err := f.st.DocumentByID(ctx, id); err != nil {
			t.Errorf("upload %d was taken but is not recorded: %v", id, err)
		}
	}
}

// failingStore refuses every write: a full or unreachable object store.
type failingStore struct{ objstore.Store }

func (failingStore) Put(context.Context, string, string, io.Reader, int64, map[string]string) (objstore.Info, error) {
	return objstore.Info{}, errors.New("disk full")
}

func TestUploadToAnUnwritableStoreIs503(t *testing.T) {
	f := newFixture(t)
	f.api.Store = failingStore{f.api.Store}
	body, ctype := multipartBody(t, map[string][]byte{"a.pdf": onePagePDF(t, "x")})
	res, b := f.do("clerk-a", "POST", "/api/v1/documents", body, "Content-Type", ctype)
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" || strings.Contains(string(b), "disk full") {
		t.Errorf("upload to a failing store: %d %v %s", res.StatusCode, res.Header, b)
	}
}

// An upload whose body stalls is cut after StallTimeout, not held open.
func TestStalledUploadIsCut(t *testing.T) {
	f := newFixture(t)
	f.api.StallTimeout = 300 * time.Millisecond
	conn, err := net.Dial("tcp", strings.TrimPrefix(f.srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/documents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 10000000\r\n\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n%%PDF-1.4\n", f.tokens["clerk-a"])
	// Then nothing. The server must end the exchange by itself.
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	start := time.Now()
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err == nil {
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the stalled upload was still held after %v", time.Since(start))
	}
	t.Logf("answered after %v: %v %v", time.Since(start).Round(time.Millisecond), err, res)
}
