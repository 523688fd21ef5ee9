package records

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/vanthu/vanthu/pipelines/doc"
)

// Neighbour is a number an issuer gave under the same symbol in the same
// year, and the day it was given.
type Neighbour struct {
	Number   int
	IssuedAt string // YYYY-MM-DD
}

// handwrittenCap is the highest confidence a field read from handwriting
// gets (pipelines/extract's maxHandwritten): neighbours make the reading
// likelier, a person still confirms it.
const handwrittenCap = 0.75

// RankByNeighbours ranks the readings of a handwritten number by the
// numbers its issuer gave under the same symbol that year: an issuer
// numbers its documents in the order it signs them, so a number below
// one given on an earlier day, or above one given later, is unlikely
// (×0.3 for each), and a number given already belongs to another
// document (×0.1). Where the days
// before and after close the number in, numbers inside that the reading
// could be with a digit lost ("5" between 14 and 16: "15") become
// candidates too. It returns the likeliest number, its probability given
// the readings and the neighbours, and the candidates ranked; ok is false
// when there are no neighbours to rank by.
func RankByNeighbours(cands []doc.Candidate, issuedAt string, ns []Neighbour) (best string, p float64, ranked []doc.Candidate, ok bool) {
	if len(cands) == 0 || len(ns) == 0 || len(issuedAt) != 10 {
		return "", 0, nil, false
	}
	lo, hi := math.MinInt, math.MaxInt // the last number before the day, the first after
	given := map[int]bool{}            // numbers other documents hold
	for _, n := range ns {
		// The same number on the same day is this letter again (a second
		// copy, a rescan): the register links it as a duplicate, and it is
		// no evidence against the number.
		if n.IssuedAt != issuedAt {
			given[n.Number] = true
		}
		switch {
		case n.IssuedAt < issuedAt:
			lo = max(lo, n.Number)
		case n.IssuedAt > issuedAt:
			hi = min(hi, n.Number)
		}
	}
	all := 0.0
	byNumber := map[int]float64{}
	text := map[int]string{}
	for _, c := range cands {
		all += c.P
		n, err := strconv.Atoi(strings.TrimSpace(c.Digits))
		if err != nil || n <= 0 {
			continue
		}
		byNumber[n] += c.P
		if _, seen := text[n]; !seen {
			text[n] = strings.TrimSpace(c.Digits)
		}
	}
	if len(byNumber) == 0 {
		return "", 0, nil, false
	}
	if lo != math.MinInt && hi != math.MaxInt && hi-lo > 1 && hi-lo <= 50 {
		for m := lo + 1; m < hi; m++ {
			if _, ok := byNumber[m]; ok || given[m] {
				continue
			}
			s := strconv.Itoa(m)
			for n, pn := range byNumber {
				if oneDigitLost(text[n], s) {
					// Half the reading's probability: two neighbours close
					// it in, against a reading one of them contradicts.
					byNumber[m] = max(byNumber[m], 0.5*pn)
					text[m] = s
				}
			}
		}
	}
	weight := func(n int) float64 {
		out := 0
		for _, o := range ns {
			if o.IssuedAt < issuedAt && o.Number > n || o.IssuedAt > issuedAt && o.Number < n {
				out++
			}
		}
		// 0.3 for each, not less: a neighbour's own day or number may be
		// misread, and one such must not overturn a clear reading. At
		// most four count: the weight stays a number (700 neighbours out
		// of order would make it 0, and the shares 0/0).
		w := math.Pow(0.3, float64(min(out, 4)))
		if given[n] {
			w *= 0.1
		}
		return w
	}
	sum := 0.0
	for n, pn := range byNumber {
		q := pn * weight(n)
		ranked = append(ranked, doc.Candidate{Digits: text[n], P: q})
		sum += q
	}
	rest := max(0, 1-all)
	total := sum + rest
	if total <= 0 || math.IsNaN(total) || math.IsInf(total, 0) {
		return "", 0, nil, false
	}
	for i := range ranked {
		ranked[i].P /= total
	}
	sort.SliceStable(ranked, func(i, j int) bool {
		if ranked[i].P != ranked[j].P {
			return ranked[i].P > ranked[j].P
		}
		a, _ := strconv.Atoi(ranked[i].Digits)
		b, _ := strconv.Atoi(ranked[j].Digits)
		return a < b
	})
	ranked = ranked[:min(len(ranked), 5)]
	return ranked[0].Digits, ranked[0].P, ranked, true
}

// DayByArrival drops the readings of a handwritten day that would date a
// document after it arrived: a document is signed, then sent. issuedAt is
// the date as read (YYYY-MM-DD), cands the day's readings (digits of the
// day) with their probabilities, arrived the arrival day (YYYY-MM-DD, in
// the agency's time). When the date as read is after the arrival and a
// reading is not, it returns the likeliest such date and its share; ok
// is false when nothing changes.
func DayByArrival(cands []doc.Candidate, issuedAt, arrived string) (string, float64, bool) {
	if len(issuedAt) != 10 || len(arrived) != 10 || issuedAt <= arrived {
		return "", 0, false
	}
	best, bestP, sum, all := "", 0.0, 0.0, 0.0
	for _, c := range cands {
		all += c.P
		n, err := strconv.Atoi(strings.TrimSpace(c.Digits))
		if err != nil || n < 1 || n > 31 {
			continue
		}
		d := fmt.Sprintf("%s-%02d", issuedAt[:7], n)
		if d > arrived {
			continue
		}
		sum += c.P
		if c.P > bestP {
			best, bestP = d, c.P
		}
	}
	if best == "" {
		return "", 0, false
	}
	return best, bestP / (sum + max(0, 1-all)), true
}

// oneDigitLost: long is short with one digit put in somewhere (a pen's
// "1" the reader did not see).
func oneDigitLost(short, long string) bool {
	if len(long) != len(short)+1 {
		return false
	}
	for i := range long {
		if long[:i]+long[i+1:] == short {
			return true
		}
	}
	return false
}

// neighbours are the numbers the issuer gave under the symbol in the
// document's year, as the agency's registers hold them: the incoming one
// for another body's documents, the outgoing one for its own. Lines still
// waiting for review are left out: an unconfirmed reading must not spread.
func (s *Store) neighbours(ctx context.Context, tx *sql.Tx, agency string, own bool, rec doc.Record) ([]Neighbour, error) {
	if rec.Symbol == "" || len(rec.IssuedAt) != 10 {
		return nil, nil
	}
	year := rec.IssuedAt[:4] + "-%"
	var rows *sql.Rows
	var err error
	if own {
		rows, err = tx.QueryContext(ctx, s.q(`SELECT o.number, o.issued_at FROM outgoing o JOIN documents d ON d.id = o.document_id
			WHERE o.agency = ? AND o.symbol = ? AND o.issued_at LIKE ? AND d.status <> ? LIMIT 5000`),
			agency, rec.Symbol, year, StatusReview)
	} else {
		rows, err = tx.QueryContext(ctx, s.q(`SELECT number, issued_at FROM incoming
			WHERE agency = ? AND issuer_key = ? AND symbol = ? AND issued_at LIKE ? AND duplicate_of IS NULL AND status <> ? LIMIT 5000`),
			agency, nameKey(rec.Issuer), rec.Symbol, year, StatusReview)
	}
	if err != nil {
		return nil, fmt.Errorf("neighbouring numbers: %w", err)
	}
	defer rows.Close()
	var ns []Neighbour
	for rows.Next() {
		var num, day string
		if err := rows.Scan(&num, &day); err != nil {
			return nil, err
		}
		if n, err := strconv.Atoi(strings.TrimSpace(num)); err == nil && n > 0 && len(day) == 10 {
			ns = append(ns, Neighbour{Number: n, IssuedAt: day})
		}
	}
	return ns, rows.Err()
}

// vietnam is the agencies' time (UTC+7, no summer time): a document
// arriving at 06:00 on the 2nd is of the 2nd, whatever UTC says.
var vietnam = time.FixedZone("ICT", 7*3600)
