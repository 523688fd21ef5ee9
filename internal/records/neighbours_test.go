package records_test

import (
	"reflect"
	"testing"

	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/pipelines/doc"
)

func TestRankByNeighbours(t *testing.T) {
	week := []records.Neighbour{{Number: 13, IssuedAt: "2025-01-13"}, {Number: 14, IssuedAt: "2025-01-14"}, {Number: 16, IssuedAt: "2025-01-16"}, {Number: 17, IssuedAt: "2025-01-17"}}
	for _, c := range []struct {
		name  string
		cands []doc.Candidate
		day   string
		ns    []records.Neighbour
		want  string
		ok    bool
	}{
		{"a digit lost: 5 between 14 and 16", []doc.Candidate{{Digits: "5", P: 0.6}, {Digits: "6", P: 0.3}}, "2025-01-15", week, "15", true},
		{"the reader's second choice fits", []doc.Candidate{{Digits: "75", P: 0.55}, {Digits: "15", P: 0.35}}, "2025-01-15", week, "15", true},
		{"a number given already is unlikely", []doc.Candidate{{Digits: "16", P: 0.5}, {Digits: "15", P: 0.4}}, "2025-01-15", week, "15", true},
		{"no neighbours: nothing to rank by", []doc.Candidate{{Digits: "75", P: 0.55}, {Digits: "15", P: 0.35}}, "2025-01-15", nil, "", false},
		{"after the last one: the reading stands", []doc.Candidate{{Digits: "47", P: 0.6}, {Digits: "41", P: 0.3}}, "2025-01-20", week, "47", true},
		{"one misdated neighbour does not overturn a clear reading", []doc.Candidate{{Digits: "47", P: 0.8}, {Digits: "41", P: 0.1}}, "2025-03-10",
			[]records.Neighbour{{Number: 40, IssuedAt: "2025-03-03"}, {Number: 45, IssuedAt: "2025-03-11"}}, "47", true},
		{"leading zeros read alike", []doc.Candidate{{Digits: "015", P: 0.4}, {Digits: "15", P: 0.4}, {Digits: "75", P: 0.2}}, "2025-01-15", week, "015", true},
	} {
		best, p, ranked, ok := records.RankByNeighbours(c.cands, c.day, c.ns)
		if best != c.want || ok != c.ok {
			t.Errorf("%s: %q (p %.2f, %v), want %q", c.name, best, p, ranked, c.want)
		}
		if ok {
			sum := 0.0
			for _, r := range ranked {
				sum += r.P
			}
			if p <= 0 || p > 1 || sum > 1+1e-9 {
				t.Errorf("%s: p %.3f, probabilities sum to %.3f", c.name, p, sum)
			}
		}
	}
	// A large issuer's year: hundreds of neighbours out of order with
	// every reading still give probabilities, never NaN.
	var many []records.Neighbour
	for i := range 700 {
		many = append(many, records.Neighbour{Number: 1000 + i, IssuedAt: "2025-06-01"})
	}
	if best, p, _, ok := records.RankByNeighbours([]doc.Candidate{{Digits: "234", P: 0.7}, {Digits: "284", P: 0.3}}, "2025-10-01", many); !ok || best != "234" || !(p > 0 && p <= 1) {
		t.Errorf("700 neighbours out of order: %q %v %v", best, p, ok)
	}
	// The same number on the same day is this letter again: no evidence
	// against it.
	again := append(week, records.Neighbour{Number: 15, IssuedAt: "2025-01-15"})
	if best, _, _, _ := records.RankByNeighbours([]doc.Candidate{{Digits: "15", P: 0.6}, {Digits: "16", P: 0.3}}, "2025-01-15", again); best != "15" {
		t.Errorf("a second copy: %q, want 15", best)
	}
	// The ranking is the same whatever order the candidates come in.
	a, _, ra, _ := records.RankByNeighbours([]doc.Candidate{{Digits: "5", P: 0.5}, {Digits: "6", P: 0.4}}, "2025-01-15", week)
	b, _, rb, _ := records.RankByNeighbours([]doc.Candidate{{Digits: "6", P: 0.4}, {Digits: "5", P: 0.5}}, "2025-01-15", week)
	if a != b || !reflect.DeepEqual(ra, rb) {
		t.Errorf("order matters: %q %v / %q %v", a, ra, b, rb)
	}
}

func TestSnapSigner(t *testing.T) {
	known := []string{"Phạm Trường Thọ", "Trần Phước Hiền", "Nguyễn Hoàng Giang", "Nguyễn Hoàng Giáp", "Võ Văn Thọ"}
	for _, c := range []struct {
		read, want string
		ok         bool
	}{
		{"Trần Phước Hiên", "Trần Phước Hiền", true},       // a tone mark misread
		{"Tran Phuoc Hien", "Trần Phước Hiền", true},       // marks lost
		{"Trương Thọ", "Phạm Trường Thọ", true},            // family name dropped, marks lost
		{"Nguyễn Hoàng Giang", "Nguyễn Hoàng Giang", true}, // as written
		{"Nguyen Hoang Gian", "", false},                   // one letter from two known names: neither
		{"Thọ", "", false},                                 // one word is nobody's name
		{"Lê Văn Tám", "", false},                          // not known
	} {
		got, conf, ok := records.SnapSigner(c.read, known)
		if got != c.want || ok != c.ok || ok && (conf < 0.5 || conf > 0.95) {
			t.Errorf("SnapSigner(%q) = %q %.2f %v, want %q %v", c.read, got, conf, ok, c.want, c.ok)
		}
		// Only a name read as written skips review: "Hoa" may be Hòa or
		// another person.
		if ok && got != c.read && conf >= 0.8 {
			t.Errorf("SnapSigner(%q) = %q at %.2f: a changed name must be reviewed", c.read, got, conf)
		}
	}
	if got, _, ok := records.SnapSigner("Nguyễn Văn Anh", []string{"Nguyễn Văn An"}); ok {
		t.Errorf("Anh taken for An: %q", got)
	}
}

func TestDayByArrival(t *testing.T) {
	cands := []doc.Candidate{{Digits: "17", P: 0.6}, {Digits: "11", P: 0.3}}
	// Read as the 17th, arrived on the 13th: the 11th.
	if d, p, ok := records.DayByArrival(cands, "2025-01-17", "2025-01-13"); !ok || d != "2025-01-11" || p <= 0 || p > 1 {
		t.Errorf("after arrival: %q %.2f %v, want 2025-01-11", d, p, ok)
	}
	// Arrived after the date read: nothing changes.
	if _, _, ok := records.DayByArrival(cands, "2025-01-17", "2025-01-20"); ok {
		t.Error("a date before arrival was changed")
	}
	// No reading fits: the date stays as read (for a person to see).
	if _, _, ok := records.DayByArrival(cands, "2025-01-17", "2025-01-05"); ok {
		t.Error("no reading fits, yet one was taken")
	}
}

func TestSnapIssuer(t *testing.T) {
	known := []string{"BAN QUẢN LÝ CÁC KHU CÔNG NGHIỆP VÀ CHẾ XUẤT", "BAN CHỈ ĐẠO PHÒNG CHỐNG THIÊN TAI", "XÃ TỊNH ẤN",
		"ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", "UỶ BAN NHÂN DÂN TỈNH QUẢNG NGÃI", "ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM", "SỞ Y TẾ"}
	for _, c := range []struct {
		read, want string
		conf       float64
	}{
		{"BAN QUẢN LÝ CÁC KHU CÔNG", "BAN QUẢN LÝ CÁC KHU CÔNG NGHIỆP VÀ CHẾ XUẤT", 0.75}, // second line cut off
		{"BAN CHÍ ĐẠO PHÒNG CHỐNG THIÊN TAI", "BAN CHỈ ĐẠO PHÒNG CHỐNG THIÊN TAI", 0.85},  // a mark misread
		{"UY BAN NHAN DAN TINH QUANG NGAI", "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", 0.75},      // every mark lost: two spellings of one name are no tie, but a person confirms
		{"ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÀI", "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", 0.85},
		{"ỦY BAN NHÂN DÂN TỈNH QUẢNG NGAT", "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", 0.75}, // a letter misread
		{"ỦY BAN NHÂN DÂN TỈNH QUẢNG NAN", "ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM", 0.75},
		{"ỦY BAN NHÂN DÂN TỈNH QUẢNG NGAM", "", 0}, // one letter from Nam and from Ngãi: neither
		{"UBND TỈNH QUẢNG NAM", "", 0},             // another office, two letters from nobody: as read
		{"XÃ TỊNH AN", "XÃ TỊNH ẤN", 0.75},         // a vowel's mark differs: a person tells
		{"XÃ TỊNH ẤN", "XÃ TỊNH ẤN", 0.9},
		{"ỦY BAN NHÂN DÂN TỈNH", "", 0},       // the start of two names: neither
		{"ỦY BAN NHÂN DÂN TỈNH QUẢNG", "", 0}, // Ngãi or Nam
		{"SỞ Y", "", 0},             // too short to complete
		{"SỞ TƯ PHÁP", "", 0},       // not known
		{"sở y tế", "SỞ Y TẾ", 0.9}, // as written, in another case
	} {
		got, conf, ok := records.SnapIssuer(c.read, known)
		if got != c.want || ok != (c.want != "") || conf != c.conf {
			t.Errorf("SnapIssuer(%q) = %q %.2f %v, want %q %.2f", c.read, got, conf, ok, c.want, c.conf)
		}
	}
}
