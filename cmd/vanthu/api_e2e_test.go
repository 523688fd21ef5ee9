package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/pipelines/corpus"
)

// The REST API on vanthu serve, end to end: an account made with vanthu
// admin, a token, a document uploaded through the API and followed
// through the stages to its register line, then found by search.
func TestAPIUploadToRegister(t *testing.T) {
	t.Setenv("VANTHU_MINIO_URL", "")
	t.Setenv("VANTHU_DB_URL", "")
	ctx := context.Background()
	data, src := t.TempDir(), t.TempDir()
	if err := corpus.Generate(ctx, src, corpus.Options{N: 1, Seed: 31, Formats: []string{"pdf"}}); err != nil {
		t.Fatal(err)
	}
	var tr map[string]any
	b, _ := os.ReadFile(filepath.Join(src, "truth.jsonl"))
	json.Unmarshal(b, &tr)

	var out, errb bytes.Buffer
	if code := run(ctx, []string{"admin", "create-user", "--data", data, "--name", "vt-qn", "--role", "clerk", "--agency", "ubnd-qn"}, &out, &errb); code != 0 {
		t.Fatalf("create-user: %d %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "created vt-qn (clerk of ubnd-qn)") {
		t.Errorf("create-user said %q", out.String())
	}
	out.Reset()
	if code := run(ctx, []string{"admin", "token", "--data", data, "--user", "vt-qn"}, &out, &errb); code != 0 {
		t.Fatalf("token: %d %s", code, errb.String())
	}
	token := strings.TrimSpace(out.String())

	base, serr := startServe(t, data)
	call := func(method, path string, body io.Reader, ctype string) (int, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, body)
		req.Header.Set("Authorization", "Bearer "+token)
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, nil
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, b
	}
	pdf, _ := os.ReadFile(filepath.Join(src, tr["file"].(string)))
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "Quyết định.pdf")
	fw.Write(pdf)
	mw.Close()
	code, resb := call("POST", "/api/v1/documents", &body, mw.FormDataContentType())
	var up struct{ ID int64 }
	json.Unmarshal(resb, &up)
	if code != http.StatusAccepted || up.ID == 0 {
		t.Fatalf("upload: %d %s", code, resb)
	}
	var doc struct {
		Status string
		Stages map[string]bool
		Record map[string]any
	}
	for deadline := time.Now().Add(5 * time.Minute); ; time.Sleep(100 * time.Millisecond) {
		_, resb = call("GET", fmt.Sprint("/api/v1/documents/", up.ID), nil, "")
		json.Unmarshal(resb, &doc)
		if doc.Status != "received" || time.Now().After(deadline) {
			break
		}
	}
	if (doc.Status != "registered" && doc.Status != "review") || !doc.Stages["extracted"] || doc.Record["number"] != tr["number"] || doc.Record["file"] != "Quyết định.pdf" {
		t.Fatalf("document: %s\nlog: %s", resb, serr.String())
	}
	_, resb = call("GET", "/api/v1/registers/incoming?year="+fmt.Sprint(time.Now().Year()), nil, "")
	var reg struct{ Entries []map[string]any }
	json.Unmarshal(resb, &reg)
	if len(reg.Entries) != 1 || reg.Entries[0]["arrival_number"] != float64(1) || reg.Entries[0]["number"] != tr["number"] {
		t.Errorf("register: %s", resb)
	}
	var hits struct{ Hits []map[string]any }
	q := tr["number"].(string) + "/" + tr["symbol"].(string)
	for deadline := time.Now().Add(time.Minute); len(hits.Hits) == 0 && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		_, resb = call("GET", "/api/v1/search?q="+strings.ReplaceAll(q, "/", "%2F"), nil, "")
		json.Unmarshal(resb, &hits)
	}
	if len(hits.Hits) != 1 || hits.Hits[0]["document_id"] != float64(up.ID) {
		t.Fatalf("search %q: %s", q, resb)
	}
	// A correction reaches the register and the search index.
	code, resb = call("PATCH", fmt.Sprint("/api/v1/documents/", up.ID), strings.NewReader(`{"subject": "Về việc nghiệm thu cầu Trà Khúc"}`), "application/json")
	if code != http.StatusOK {
		t.Fatalf("correct: %d %s", code, resb)
	}
	_, resb = call("GET", "/api/v1/search?q=nghiem+thu+cau+tra+khuc", nil, "")
	hits.Hits = nil
	json.Unmarshal(resb, &hits)
	if len(hits.Hits) != 1 || hits.Hits[0]["subject"] != "Về việc nghiệm thu cầu Trà Khúc" {
		t.Errorf("search after the correction: %s", resb)
	}
	_, resb = call("GET", "/api/v1/registers/incoming", nil, "")
	if !strings.Contains(string(resb), "nghiệm thu cầu Trà Khúc") {
		t.Errorf("register after the correction: %s", resb)
	}
}

// startServe runs vanthu serve with data as its state folder on a free
// port until the test ends, and returns its address once it answers, and
// its log.
func startServe(t *testing.T, data string) (base string, log *bytes.Buffer) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, stop := context.WithCancel(context.Background())
	exit := make(chan int, 1)
	log = &bytes.Buffer{}
	go func() {
		exit <- run(ctx, []string{"serve", "--addr", addr, "--data", data, "--reconcile", "0", "--workers", "2"}, io.Discard, log)
	}()
	t.Cleanup(func() {
		stop()
		<-exit
	})
	base = "http://" + addr
	for {
		if res, err := http.Get(base + "/"); err == nil {
			res.Body.Close()
			return base, log
		}
		select {
		case code := <-exit:
			t.Fatalf("serve exited %d: %s", code, log.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
}
