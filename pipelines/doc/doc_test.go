package doc

import (
	"reflect"
	"testing"
)

// Two lines of a slanted photo: each line falls 1.2 line heights from its
// left end to its right, so the first line's right end sits level with
// the second line's left end. The engine's lines are kept whole and in
// order, not interleaved by height.
func TestBuildLinesSlantedPhoto(t *testing.T) {
	var words []Word
	for l, text := range [][]string{{"Căn", "cứ", "Luật", "Tổ", "chức"}, {"chính", "quyền", "địa", "phương", "năm"}} {
		for i, s := range text {
			words = append(words, Word{Text: s, Conf: 0.9, Para: 1, LineNo: l + 1,
				Box: Box{X: float64(10 + 60*i), Y: float64(100 + 20*l + 6*i), W: 50, H: 20}})
		}
	}
	var got []string
	for _, l := range BuildLines(words, 40) {
		got = append(got, l.Text())
	}
	want := []string{"Căn cứ Luật Tổ chức", "chính quyền địa phương năm"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("lines %q, want %q", got, want)
	}
	// Words whose line is not known (a text layer) on one baseline, with
	// a wide gap: two lines, side by side.
	layer := []Word{{Text: "ỦY", Box: Box{X: 0, Y: 0, W: 30, H: 20}}, {Text: "BAN", Box: Box{X: 35, Y: 1, W: 40, H: 20}},
		{Text: "CỘNG", Box: Box{X: 300, Y: 0, W: 60, H: 20}}}
	got = nil
	for _, l := range BuildLines(layer, 40) {
		got = append(got, l.Text())
	}
	if want := []string{"ỦY BAN", "CỘNG"}; !reflect.DeepEqual(got, want) {
		t.Errorf("text layer lines %q, want %q", got, want)
	}
}
