package search

import (
	"strings"
	"testing"
)

func TestSnippetsMarkPrintedWordsForUnaccentedQuery(t *testing.T) {
	got := Snippets("Quyết định thành lập Tổ công tác <liên ngành>", "quyet dinh to cong tac", 3)
	want := "<mark>Quyết</mark> <mark>định</mark> thành lập <mark>Tổ</mark> <mark>công</mark> <mark>tác</mark> &lt;liên ngành&gt;"
	if len(got) != 1 || got[0] != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	// Đ folds to d; "ma" marks "mã" and "mà" but not "mạnh".
	got = Snippets("Đơn vị mã số thuế, mà mạnh", "don ma", 3)
	if len(got) != 1 || got[0] != "<mark>Đơn</mark> vị <mark>mã</mark> số thuế, <mark>mà</mark> mạnh" {
		t.Errorf("got %q", got)
	}
	if got := Snippets("không có gì", "quyet dinh", 3); got != nil {
		t.Errorf("no match gave %q", got)
	}
	long := strings.Repeat("chữ ", 100) + "thành lập" + strings.Repeat(" chữ", 100) + " thành lập"
	got = Snippets(long, "thanh lap", 1)
	if len(got) != 1 || !strings.HasPrefix(got[0], "…") || !strings.Contains(got[0], "<mark>thành</mark> <mark>lập</mark>") || len([]rune(got[0])) > 200 {
		t.Errorf("long text: %q", got)
	}
}
