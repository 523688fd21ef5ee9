package eval

import (
	"math"
	"testing"
	"time"

	"github.com/vanthu/vanthu/pipelines/doc"
)

func TestMatch(t *testing.T) {
	cases := []struct {
		field     string
		got, want any
		ok        bool
	}{
		{"issuer", "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", "UỶ BAN NHÂN DÂN TỈNH QUẢNG NGÃI", true},
		{"issuer", "ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM", "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", false},
		{"subject", "Về việc tăng cường công tác thi hành án hành chinh", "Về việc tăng cường công tác thi hành án hành chính", true},
		{"subject", "Về việc tăng cường", "Về việc tăng cường công tác thi hành án hành chính", false},
		{"recipients", []any{"Lưu: VT", "Như trên"}, []any{"Như trên", "Lưu: VT"}, true},
		{"pages", 2.0, 2.0, true},
		{"tasks", []any{map[string]any{"assignee": "Sở Y tế", "due": "2025-01-20"}}, []any{map[string]any{"assignee": "Sở Y tế", "due": "2025-01-20", "task": "x"}}, true},
	}
	for _, c := range cases {
		if got := Match(c.field, c.got, c.want); got != c.ok {
			t.Errorf("Match(%s, %v, %v) = %v", c.field, c.got, c.want, got)
		}
	}
}

func TestTextMetrics(t *testing.T) {
	if f := WordF1("a b c d", "a b c d"); f != 1 {
		t.Errorf("identical F1 %v", f)
	}
	if f := WordF1("a b x y", "a b c d"); math.Abs(f-0.5) > 1e-9 {
		t.Errorf("half F1 %v", f)
	}
	if c := CER("abcd", "abcx"); math.Abs(c-0.25) > 1e-9 {
		t.Errorf("CER %v", c)
	}
}

func TestScore(t *testing.T) {
	truth := []map[string]any{{"file": "a.pdf", "number": "46", "symbol": "TB-UBND", "text": "Số 46"}}
	rec := doc.NewRecord("dir/a.pdf")
	rec.Number, rec.Symbol, rec.Text, rec.Pages = "46", "TC-UBND", "Số 46", 1
	r := Score(truth, []doc.Record{rec}, time.Minute)
	if r.Overall != 0.5 || r.WordF1 != 1 || r.PagesPerMin != 1 || len(r.Misses) != 1 || r.Misses[0].Field != "symbol" {
		t.Errorf("%+v", r)
	}
}
