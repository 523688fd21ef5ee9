// Command learning measures what the archive learns (issue 11): each
// labelled document is read by the pipeline and then recorded in an
// archive that holds the folder's other documents, as the clerks left
// them — recorded, their wrong signers and numbers put right in review.
// The fields the archive can change (number, signer) are scored before
// (the pipeline's reading) and after (the archive's record), leave one
// out: every document is scored once, learnt from all the others.
//
//	go run ./bench/learning -dir ../shared/real-dev
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/vanthu/vanthu/internal/ompenv"
	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/pipelines"
	"github.com/vanthu/vanthu/pipelines/doc"
	"github.com/vanthu/vanthu/pipelines/eval"
	"github.com/vanthu/vanthu/pipelines/ocr"
)

var fields = []string{"number", "signer", "issuer", "doc_type"}

func main() {
	ompenv.EnsureSingleThread()
	dir := flag.String("dir", "../shared/real-dev", "labelled folder (truth.jsonl)")
	teach := flag.String("teach", "", "labelled folder the archive learns from (default: -dir itself); documents whose names begin as the held one's (the same letter's scan and photos: 8 characters) are left out")
	flag.Parse()
	ctx := context.Background()
	truth := mustTruth(filepath.Join(*dir, "truth.jsonl"))
	engine := ocr.New(ocr.Config{Workers: 2})
	defer engine.Close()
	p := pipelines.New(pipelines.DefaultConfig(), engine, 2)
	var names []string
	for n := range truth {
		names = append(names, n)
	}
	sort.Strings(names)
	recs := map[string]doc.Record{}
	for _, n := range names {
		recs[n] = p.Process(ctx, filepath.Join(*dir, n))
	}
	// The archive's documents: the folder's others, or the teaching folder's.
	tdir, ttruth, tnames, trecs := *dir, truth, names, recs
	if *teach != "" {
		tdir, ttruth, tnames, trecs = *teach, mustTruth(filepath.Join(*teach, "truth.jsonl")), nil, map[string]doc.Record{}
		for n := range ttruth {
			tnames = append(tnames, n)
		}
		sort.Strings(tnames)
		for _, n := range tnames {
			trecs[n] = p.Process(ctx, filepath.Join(tdir, n))
		}
	}
	before, after := map[string]int{}, map[string]int{}
	changed := map[string][2]int{} // field → right→wrong, wrong→right
	tmp, _ := os.MkdirTemp("", "vanthu-learning-")
	defer os.RemoveAll(tmp)
	for i, held := range names {
		s, err := records.OpenSQLite(ctx, filepath.Join(tmp, fmt.Sprintf("%d.db", i)))
		if err != nil {
			log.Fatal(err)
		}
		s.PutAgency(ctx, records.Agency{Code: "so-nv", Name: "SỞ NỘI VỤ TỈNH QUẢNG NGÃI"})
		clerk, err := s.CreateUser(ctx, records.User{Name: "vanthu", Role: records.RoleClerk, Agency: "so-nv", Clearance: records.UnknownSecrecy}, "mat-khau-dai-1")
		if err != nil {
			log.Fatal(err)
		}
		at := time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)
		for j, n := range tnames {
			if sameLetter(n, held) || trecs[n].Error != "" {
				continue
			}
			r, err := s.Record(ctx, records.Upload{Agency: "so-nv", Bucket: "b", Key: n, ETag: "e", At: at.Add(time.Duration(j) * time.Minute)}, trecs[n])
			if err != nil {
				log.Fatal(err)
			}
			fix := map[string]string{}
			for _, f := range fields {
				if want, _ := ttruth[n][f].(string); !eval.Match(f, value(r.Document.Record, f), want) {
					fix[f] = want
				}
			}
			if len(fix) > 0 {
				if _, err := s.Correct(ctx, clerk, r.Document.ID, fix); err != nil {
					log.Fatalf("%s: %v", n, err)
				}
			}
		}
		r, err := s.Record(ctx, records.Upload{Agency: "so-nv", Bucket: "b", Key: held, ETag: "e", At: at.Add(time.Hour)}, recs[held])
		if err != nil {
			log.Fatal(err)
		}
		for _, f := range fields {
			want := truth[held][f]
			b := eval.Match(f, value(recs[held], f), want)
			a := eval.Match(f, value(r.Document.Record, f), want)
			if b {
				before[f]++
			}
			if a {
				after[f]++
			}
			c := changed[f]
			if b && !a {
				c[0]++
				fmt.Printf("%s %s: %q → %q (want %v)\n", held, f, value(recs[held], f), value(r.Document.Record, f), want)
			}
			if !b && a {
				c[1]++
				fmt.Printf("%s %s: %q → %q, right\n", held, f, value(recs[held], f), value(r.Document.Record, f))
			}
			changed[f] = c
		}
		s.Close()
	}
	fmt.Printf("\n%d documents, each recorded in an archive of the other documents of %s (their wrong fields put right in review)\n", len(names), tdir)
	fmt.Printf("%-8s %8s %8s %12s %12s\n", "field", "pipeline", "archive", "wrong→right", "right→wrong")
	for _, f := range fields {
		fmt.Printf("%-8s %8.3f %8.3f %12d %12d\n", f, float64(before[f])/float64(len(names)), float64(after[f])/float64(len(names)), changed[f][1], changed[f][0])
	}
}

func value(r doc.Record, f string) string {
	switch f {
	case "number":
		return r.Number
	case "signer":
		return r.Signer
	case "issuer":
		return r.Issuer
	case "doc_type":
		return r.DocType
	}
	return ""
}

// sameLetter tells the documents of one letter: its scan and its photos
// share the first 8 characters of their names.
func sameLetter(a, b string) bool { return len(a) >= 8 && len(b) >= 8 && a[:8] == b[:8] || a == b }

func mustTruth(path string) map[string]map[string]any {
	t, err := eval.ReadTruth(path)
	if err != nil {
		log.Fatal(err)
	}
	return eval.ByFile(t)
}
