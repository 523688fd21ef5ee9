package lm

import (
	"bytes"
	"compress/gzip"
	"strings"
	"testing"
)

func model() *Model {
	m := New()
	for range 3 {
		m.Learn("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\n" +
			"Xét đề nghị của Giám đốc Sở Tài chính tại Tờ trình số 12/TTr-STC, quyết định:\n" +
			"Ủy ban nhân dân tỉnh Quảng Ngãi giao Ban Dân tộc chủ trì, tổng hợp.\n" +
			"HỎA TỐC. Báo cáo tổng kết công tác chỉ đạo.")
	}
	return m
}

func fix(m *Model, line string) string {
	ws := strings.Fields(line)
	for i, f := range m.Fix(ws) {
		if f != "" {
			ws[i] = f
		}
	}
	return strings.Join(ws, " ")
}

func TestFix(t *testing.T) {
	m := model()
	for _, c := range []struct{ in, want string }{
		{"Căn cứ Luật Tô chức chính quyên địa phương", "Căn cứ Luật Tổ chức chính quyền địa phương"}, // marks lost, put back by both neighbours
		{"Xét đề nghị, quyêt định:", "Xét đề nghị, quyết định:"},                                     // t-final without acute: cannot be as read
		{"giao Ban Dân tộc chủ trì", "giao Ban Dân tộc chủ trì"},                                     // read as written: stays though "tốc" is known
		{"ỦY BAN NHÂN DÂN TÍNH QUẢNG NGÃI", "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"},                       // case kept
		{"UỶ ban nhân dân", "UỶ ban nhân dân"},                                                       // mark placed the other way: as printed
		{"nguy cơ mât an toàn", "nguy cơ mât an toàn"},                                               // mất or mật: nothing beside it says
		{"Luật Tô, chức", "Luật Tô, chức"},                                                           // a comma ends the phrase
		{"Tô", "Tô"}, // a word alone
		{"(Tô chức)", "(Tô chức)"},
	} {
		if got := fix(m, c.in); got != c.want {
			t.Errorf("Fix(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	var empty *Model
	if got := empty.Fix([]string{"Tô", "chức"}); got[0] != "" || got[1] != "" {
		t.Errorf("no model: %q", got)
	}
}

func TestToneFits(t *testing.T) {
	for w, want := range map[string]bool{"quyết": true, "tịch": true, "quyêt": false, "Têt": false, "TICH": false, "mât": false, "tổng": true, "an": true, "hỏa": true, "cấp": true, "câp": false} {
		if toneFits(w) != want {
			t.Errorf("toneFits(%q) = %v", w, !want)
		}
	}
}

func TestReadWrite(t *testing.T) {
	m := model()
	var b bytes.Buffer
	if _, err := m.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	r, err := Read(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if r.Words() != m.Words() || fix(r, "Luật Tô chức") != "Luật Tổ chức" {
		t.Errorf("read back: %d words (want %d), %q", r.Words(), m.Words(), fix(r, "Luật Tô chức"))
	}
	var again bytes.Buffer
	r.WriteTo(&again)
	if !bytes.Equal(again.Bytes(), b.Bytes()) {
		t.Error("the same model writes other bytes")
	}
	cut := b.Bytes()[:b.Len()/2]
	if _, err := Read(bytes.NewReader(cut)); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("a cut model: %v, want it said truncated", err)
	}
	for _, bad := range [][]byte{nil, []byte("not gzip"), gz(""), gz("w tổ\n"), gz("w tổ x\n"), gz("b a 3\n"), gz("q a b 1\n"), gz("w tổ 0\n")} {
		if _, err := Read(bytes.NewReader(bad)); err == nil {
			t.Errorf("Read(%q) took it", bad)
		}
	}
}

func gz(s string) []byte {
	var b bytes.Buffer
	w := newGzip(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

func TestDefault(t *testing.T) {
	m := Default()
	if m == nil || m.Words() < 1000 {
		t.Fatalf("embedded model: %v", m)
	}
	if got := fix(m, "Căn cứ Luật Tô chức chính quyên địa phương"); got != "Căn cứ Luật Tổ chức chính quyền địa phương" {
		t.Errorf("embedded model: %q", got)
	}
}

func BenchmarkFix(b *testing.B) {
	m := Default()
	line := strings.Fields("Căn cứ Luật Tô chức chính quyên địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một sô điêu của Luật Tô chức Chính phủ")
	for b.Loop() {
		m.Fix(line)
	}
}

func newGzip(b *bytes.Buffer) *gzip.Writer { return gzip.NewWriter(b) }
