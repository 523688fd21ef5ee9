package bleve_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/vanthu/vanthu/internal/search"
	bleveidx "github.com/vanthu/vanthu/internal/search/bleve"
)

// Any query, paging and date range a caller sends is answered or refused
// with an error — never a panic (Bleve panics in goroutines of its own,
// where nothing can recover them, so every bound is checked first).
func FuzzSearch(f *testing.F) {
	x, err := bleveidx.OpenShards(filepath.Join(f.TempDir(), "idx"), 2)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { x.Close() })
	ctx := context.Background()
	if err := x.Index(ctx,
		search.Document{ID: "uploads/a@1", Agency: "a", DocType: "QĐ", Number: "46", Symbol: "QĐ-UBND", Issuer: "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI",
			IssuedAt: "2025-03-05", Subject: "Về việc thành lập Ban chỉ đạo", Text: "Quyết định thành lập Ban chỉ đạo chuyển đổi số."},
		search.Document{ID: "uploads/b@1", Agency: "a", Confidentiality: "MẬT", DocType: "CV", IssuedAt: "1999-12-31", Subject: "Kỳ họp thứ 9"},
	); err != nil {
		f.Fatal(err)
	}
	for _, s := range []struct {
		q              string
		offset, size   int
		from, to, kind string
	}{
		{"x", 9223372036854775807, 0, "", "", ""},
		{"thanh lap", -5, -1, "", "", ""},
		{`"ban chi dao"`, 0, 100, "0001-01-01", "9999-12-31", "QĐ"},
		{"chuy*", 9990, 10, "2025-03-06", "2025-03-01", ""},
		{"a*", 0, 20, "", "", ""},
		{"46/QĐ-UBND", 0, 20, "2025-02-30", "", ""},
		{"qưyết đinh thành lâp", 0, 20, "", "", ""},
		{"\xff\xfe\"*", 1, 1, "", "", ""},
	} {
		f.Add(s.q, s.offset, s.size, s.from, s.to, s.kind)
	}
	f.Fuzz(func(t *testing.T, q string, offset, size int, from, to, kind string) {
		opt := search.Options{Caller: search.Caller{Agency: "a", Cleared: []string{"MẬT"}}, Query: q, Offset: offset, Size: size, From: from, To: to, DocType: kind}
		res, err := x.Search(ctx, opt)
		if err == nil && len(res.Hits) > max(size, 20) {
			t.Errorf("%d hits for a page of %d", len(res.Hits), size)
		}
	})
}
