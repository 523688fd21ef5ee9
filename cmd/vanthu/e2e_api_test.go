package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"testing"
	"time"
)

// bearerCall is a request to a running vanthu serve with a user's
// bearer token: its status and body.
type bearerCall func(tok, method, path string, body io.Reader, ctype string) (int, []byte)

func bearer(t *testing.T, base string) bearerCall {
	return func(tok, method, path string, body io.Reader, ctype string) (int, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, body)
		req.Header.Set("Authorization", "Bearer "+tok)
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, b
	}
}

// uploadRead uploads a file as the user and waits until the pipeline
// has read it: its ID, status and record (the test fails when it was
// not registered).
func uploadRead(t *testing.T, call bearerCall, tok, name string, data []byte, serr *bytes.Buffer) (int64, map[string]any) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	code, b := call(tok, "POST", "/api/v1/documents", &body, mw.FormDataContentType())
	var up struct{ ID int64 }
	json.Unmarshal(b, &up)
	if code != http.StatusAccepted || up.ID == 0 {
		t.Fatalf("upload %s: %d %s", name, code, b)
	}
	var doc struct {
		Status string
		Record map[string]any
	}
	for deadline := time.Now().Add(5 * time.Minute); ; time.Sleep(100 * time.Millisecond) {
		_, b = call(tok, "GET", fmt.Sprint("/api/v1/documents/", up.ID), nil, "")
		doc.Status = ""
		json.Unmarshal(b, &doc)
		if doc.Status != "received" || time.Now().After(deadline) {
			break
		}
	}
	if doc.Status != "registered" && doc.Status != "review" {
		t.Fatalf("%s was not registered: %s\nlog: %s", name, b, serr.String())
	}
	return up.ID, doc.Record
}
