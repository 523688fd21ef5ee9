package main

import (
	"bytes"
	"context"
	"image"
	"image/draw"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vanthu/vanthu/internal/objstore/local"
	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/pipelines"
	"github.com/vanthu/vanthu/pipelines/digits"
	"github.com/vanthu/vanthu/pipelines/ocr"
)

// A number a clerk corrected becomes a labelled crop of the blank as the
// reader saw it; a secret document's does not.
func TestDigitCropsFromCorrections(t *testing.T) {
	scan := filepath.Join("..", "..", "..", "shared", "real-dev", "c636c9dc48dfa60b.pdf")
	data, err := os.ReadFile(scan)
	if err != nil {
		t.Skipf("real dev scans not here: %v", err)
	}
	ctx := context.Background()
	dir := t.TempDir()
	st, err := records.OpenSQLite(ctx, filepath.Join(dir, "vanthu.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	objs, err := local.New(filepath.Join(dir, "objects"))
	if err != nil {
		t.Fatal(err)
	}
	clerk, err := st.CreateUser(ctx, records.User{Name: "vt", Role: records.RoleClerk, Agency: "snv", Clearance: records.UnknownSecrecy}, "mat-khau-dai-1")
	if err != nil {
		t.Fatal(err)
	}
	engine := ocr.New(ocr.Config{Workers: 1})
	defer engine.Close()
	p := pipelines.New(pipelines.DefaultConfig(), engine, 1)
	rec := p.Process(ctx, scan)
	if rec.Error != "" {
		t.Fatal(rec.Error)
	}
	for i, secret := range []string{"", "MẬT"} {
		key := []string{"a.pdf", "b.pdf"}[i]
		if _, err := objs.Put(ctx, "uploads", key, bytes.NewReader(data), int64(len(data)), nil); err != nil {
			t.Fatal(err)
		}
		r := rec
		r.Number, r.IssuedAt, r.Confidentiality = "44", "2025-01-11", secret // the machine misread them
		res, err := st.Record(ctx, records.Upload{Agency: "snv", Bucket: "uploads", Key: key, ETag: key, At: time.Now()}, r)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Correct(ctx, clerk, res.Document.ID, map[string]string{"number": "47", "issued_at": "2025-01-17"}); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "crops")
	var stdout, stderr bytes.Buffer
	if err := digitCrops(ctx, st, objs, p, filepath.Join(dir, "other"), "another-agency", 100, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "other", "*.png")); len(files) != 0 {
		t.Errorf("another agency's crops: %v", files)
	}
	if err := digitCrops(ctx, st, objs, p, out, "snv", 100, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(out, "*-number-47.png"))
	days, _ := filepath.Glob(filepath.Join(out, "*-day-17.png"))
	all, _ := filepath.Glob(filepath.Join(out, "*.png"))
	if len(files) != 1 || len(days) != 1 || len(all) != 2 {
		t.Fatalf("crops %v (stdout %q, stderr %q), want one *-number-47.png and one *-day-17.png", all, stdout.String(), stderr.String())
	}
	f, _ := os.Open(files[0])
	defer f.Close()
	img, err := decodeGray(f)
	if err != nil {
		t.Fatal(err)
	}
	if pix, labels, err := digits.LabelledDigits(img, "47"); err != nil || len(pix) != 2 || labels[0] != 4 || labels[1] != 7 {
		t.Errorf("the crop's digits: %d %v %v", len(pix), labels, err)
	}
}

// decodeGray reads a PNG as grey.
func decodeGray(r io.Reader) (*image.Gray, error) {
	img, err := png.Decode(r)
	if err != nil {
		return nil, err
	}
	g := image.NewGray(img.Bounds())
	draw.Draw(g, g.Rect, img, img.Bounds().Min, draw.Src)
	return g, nil
}
