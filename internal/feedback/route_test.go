package feedback

import (
	"bufio"
	"encoding/json"
	"os"
	"sort"
	"testing"

	"github.com/vanthu/vanthu/internal/records"
)

type labelled struct {
	Text, Topic, Agency string
}

func loadLabelled(t testing.TB) []labelled {
	f, err := os.Open("testdata/messages.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var l labelled
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("line %d: %v", len(out)+1, err)
		}
		out = append(out, l)
	}
	return out
}

// Score is the routing's accuracy over a labelled set: the topic, and
// the agency where the label names one.
type Score struct {
	N, Topic, AgencyN, Agency int
	Misses                    []string
	ByTopic                   map[string][2]int // topic → right, total
}

// Evaluate routes every message with r.
func Evaluate(r Router, set []labelled) Score {
	s := Score{ByTopic: map[string][2]int{}}
	for _, l := range set {
		got := r.Route(l.Text)
		s.N++
		bt := s.ByTopic[l.Topic]
		bt[1]++
		if got.Topic == l.Topic {
			s.Topic++
			bt[0]++
		} else {
			s.Misses = append(s.Misses, l.Topic+" → "+got.Topic+": "+l.Text)
		}
		s.ByTopic[l.Topic] = bt
		if l.Agency != "" {
			s.AgencyN++
			if got.Agency == l.Agency {
				s.Agency++
			}
		}
	}
	return s
}

// The routing on the labelled set: the even lines were read while the
// phrases were written (dev), the odd lines only measured (test). The
// figures go to BENCHMARKS.md (go run ./bench/routing).
func TestRoutingAccuracy(t *testing.T) {
	all := loadLabelled(t)
	if len(all) < 150 {
		t.Fatalf("only %d labelled messages", len(all))
	}
	var dev, test []labelled
	for i, l := range all {
		if i%2 == 0 {
			dev = append(dev, l)
		} else {
			test = append(test, l)
		}
	}
	for name, set := range map[string][]labelled{"dev": dev, "test": test} {
		s := Evaluate(Router{}, set)
		topic, agency := float64(s.Topic)/float64(s.N), float64(s.Agency)/float64(s.AgencyN)
		t.Logf("%s: topic %d/%d = %.3f, agency %d/%d = %.3f", name, s.Topic, s.N, topic, s.Agency, s.AgencyN, agency)
		keys := make([]string, 0, len(s.ByTopic))
		for k := range s.ByTopic {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			t.Logf("  %-16s %d/%d", k, s.ByTopic[k][0], s.ByTopic[k][1])
		}
		if testing.Verbose() {
			for _, m := range s.Misses {
				t.Logf("  miss %s", m)
			}
		}
		if topic < 0.85 || agency < 0.85 {
			t.Errorf("%s: topic %.3f, agency %.3f: below 0.85", name, topic, agency)
		}
	}
}

// What an office's reassignments teach moves the next case worded alike,
// and a rule an admin set wins over the default agency.
func TestRoutingLearnsAndObeysRules(t *testing.T) {
	text := "cong ty nuoc lam vo ong tren duong le loi, nuoc chay lenh lang may ngay"
	if got := (Router{}).Route(text); got.Agency != "so-xd" {
		t.Fatalf("default: %+v", got)
	}
	if got := (Router{Rules: map[string]string{"nuoc": "cty-cap-nuoc"}}).Route(text); got.Agency != "cty-cap-nuoc" {
		t.Errorf("rule: %+v", got)
	}
	m := records.RouteModel{Docs: map[string]int{"cty-cap-nuoc": 6, "so-xd": 1}, Words: map[string]map[string]int{}}
	for _, w := range records.RouteWords(text) {
		m.Words[w] = map[string]int{"cty-cap-nuoc": 6}
	}
	if got := (Router{Model: m}).Route("vo ong nuoc o duong le loi"); got.Agency != "cty-cap-nuoc" {
		t.Errorf("learnt: %+v", got)
	}
	if got := (Router{}).Route("PA-2025-000123 toi dau roi a"); got.Topic != StatusAsk {
		t.Errorf("status query: %+v", got)
	}
}

// A case code with a question is a status query; with a complaint, a
// message on the case.
func TestOnlyAsks(t *testing.T) {
	for text, want := range map[string]bool{
		"PA-2026-000001":                     true,
		"pa-2026-000001 toi dau roi a":       true,
		"PA 2026 12 sao chua ai tra loi vay": true,
		"PA-2026-000001 nhà tôi lại bị ngập, nước cống tràn vào bếp, xin xử lý gấp": false,
	} {
		if got := OnlyAsks(text); got != want {
			t.Errorf("%q: %v, want %v", text, got, want)
		}
	}
}
