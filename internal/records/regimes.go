package records

import (
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/vanthu/vanthu/pipelines/doc"
)

// The reporting system (Decree 09/2019): a receiving agency declares
// report regimes — who reports, how often, by which day, which
// indicators — and each báo cáo that arrives is matched to its regime
// and period by who issued it, its subject and the period it names. A
// match the rules are unsure of waits for a person; a report that
// matches nothing stays a document, never a wrong submission.

// Regime periods.
const (
	PeriodMonth   = "month"
	PeriodQuarter = "quarter"
	PeriodHalf    = "half"
	PeriodYear    = "year"
	PeriodOnce    = "once"
)

// RegimePeriods lists the periods a regime may have.
var RegimePeriods = []string{PeriodMonth, PeriodQuarter, PeriodHalf, PeriodYear, PeriodOnce}

// Submission statuses.
const (
	SubmissionMatched   = "matched"   // the rules matched it with confidence
	SubmissionDoubtful  = "doubtful"  // the rules think so; a person confirms
	SubmissionConfirmed = "confirmed" // a person said so
)

// Reporter statuses in a period.
const (
	ReportOnTime   = "on_time"
	ReportLate     = "late"
	ReportMissing  = "missing"
	ReportDoubtful = "doubtful" // only a doubtful match so far
)

// Regime is a report regime a receiving agency declared.
type Regime struct {
	ID         int64
	Agency     string // the receiving agency
	Name       string
	Period     string // month, quarter, half, year, once
	Due        string // "20": that day of the period's last month; "12-20": that day of the year; "2025-06-30" for once
	Reporters  []string
	Indicators []string
	CreatedBy  string
	CreatedAt  string
}

// Bounds of a regime, so that no client makes one unbounded.
const (
	maxReporters  = 1000
	maxIndicators = 100
	maxRegimes    = 200 // per receiving agency
)

var (
	reDueDay     = regexp.MustCompile(`^(\d{1,2})$`)
	reDueMonthDy = regexp.MustCompile(`^(\d{1,2})-(\d{1,2})$`)
)

// check validates a regime; reporters are checked against the directory
// by the caller.
func (r *Regime) check() error {
	r.Name = strings.Join(strings.Fields(cleanText(r.Name)), " ")
	r.Period = strings.ToLower(strings.TrimSpace(r.Period))
	r.Due = strings.TrimSpace(r.Due)
	switch {
	case r.Name == "":
		return fmt.Errorf("%w: a regime needs a name", ErrInvalid)
	case len([]rune(r.Name)) > 200:
		return fmt.Errorf("%w: name: at most 200 characters", ErrInvalid)
	case !slices.Contains(RegimePeriods, r.Period):
		return fmt.Errorf("%w: period %q: want one of %s", ErrInvalid, truncate(r.Period, 20), strings.Join(RegimePeriods, ", "))
	case len(r.Reporters) == 0:
		return fmt.Errorf("%w: a regime needs at least one reporter", ErrInvalid)
	case len(r.Reporters) > maxReporters:
		return fmt.Errorf("%w: at most %d reporters", ErrInvalid, maxReporters)
	case len(r.Indicators) > maxIndicators:
		return fmt.Errorf("%w: at most %d indicators", ErrInvalid, maxIndicators)
	}
	if _, err := r.dueIn(r.samplePeriod()); err != nil {
		return err
	}
	seen := map[string]bool{}
	var reps []string
	for _, c := range r.Reporters {
		c = strings.TrimSpace(c)
		if !agencyCode.MatchString(c) {
			return fmt.Errorf("%w: reporter %q: an agency code", ErrInvalid, truncate(c, 40))
		}
		if !seen[c] {
			seen[c] = true
			reps = append(reps, c)
		}
	}
	r.Reporters = reps
	keys := map[string]bool{}
	var inds []string
	for _, ind := range r.Indicators {
		ind = strings.Join(strings.Fields(cleanText(ind)), " ")
		switch {
		case ind == "":
			return fmt.Errorf("%w: an indicator needs a name", ErrInvalid)
		case len([]rune(ind)) > 200:
			return fmt.Errorf("%w: indicator %q: at most 200 characters", ErrInvalid, truncate(ind, 40))
		case keys[nameKey(ind)]:
			return fmt.Errorf("%w: indicator %q named twice", ErrInvalid, truncate(ind, 40))
		}
		keys[nameKey(ind)] = true
		inds = append(inds, ind)
	}
	r.Indicators = nonNil(inds)
	return nil
}

// samplePeriod is a period of the regime's kind, to check its due day
// against (a leap year, so that 02-29 is possible).
func (r Regime) samplePeriod() string {
	switch r.Period {
	case PeriodMonth:
		return "2024-02"
	case PeriodQuarter:
		return "2024-Q1"
	case PeriodHalf:
		return "2024-H1"
	case PeriodYear:
		return "2024"
	}
	return PeriodOnce
}

// PeriodOf is the regime's period a day falls in.
func (r Regime) PeriodOf(t time.Time) string {
	y, m := t.Year(), int(t.Month())
	switch r.Period {
	case PeriodMonth:
		return fmt.Sprintf("%04d-%02d", y, m)
	case PeriodQuarter:
		return fmt.Sprintf("%04d-Q%d", y, (m+2)/3)
	case PeriodHalf:
		return fmt.Sprintf("%04d-H%d", y, (m+5)/6)
	case PeriodYear:
		return fmt.Sprintf("%04d", y)
	}
	return PeriodOnce
}

var (
	rePeriodMonth   = regexp.MustCompile(`^(\d{4})-(0[1-9]|1[0-2])$`)
	rePeriodQuarter = regexp.MustCompile(`^(\d{4})-Q([1-4])$`)
	rePeriodHalf    = regexp.MustCompile(`^(\d{4})-H([12])$`)
	rePeriodYear    = regexp.MustCompile(`^(\d{4})$`)
)

// lastMonth is the year and last month of one of the regime's periods,
// or an error naming the form it wants.
func (r Regime) lastMonth(period string) (int, int, error) {
	bad := func() (int, int, error) {
		want := map[string]string{PeriodMonth: "2025-03", PeriodQuarter: "2025-Q1", PeriodHalf: "2025-H1", PeriodYear: "2025", PeriodOnce: "once"}[r.Period]
		return 0, 0, fmt.Errorf("%w: period %q of a %s regime: want the form %s (years 2000 to 2100)", ErrInvalid, truncate(period, 20), r.Period, want)
	}
	atoi := func(s string) int { n, _ := strconv.Atoi(s); return n }
	if len(period) >= 4 && period != PeriodOnce {
		// No office reports on the year 0000 or 9999.
		if y := atoi(period[:4]); y < 2000 || y > 2100 {
			return bad()
		}
	}
	var m []string
	switch r.Period {
	case PeriodMonth:
		if m = rePeriodMonth.FindStringSubmatch(period); m != nil {
			return atoi(m[1]), atoi(m[2]), nil
		}
	case PeriodQuarter:
		if m = rePeriodQuarter.FindStringSubmatch(period); m != nil {
			return atoi(m[1]), 3 * atoi(m[2]), nil
		}
	case PeriodHalf:
		if m = rePeriodHalf.FindStringSubmatch(period); m != nil {
			return atoi(m[1]), 6 * atoi(m[2]), nil
		}
	case PeriodYear:
		if m = rePeriodYear.FindStringSubmatch(period); m != nil {
			return atoi(m[1]), 12, nil
		}
	case PeriodOnce:
		if period == PeriodOnce {
			return 0, 0, nil
		}
	}
	return bad()
}

// DueOf is the day a period's report is due (YYYY-MM-DD).
func (r Regime) DueOf(period string) (string, error) {
	return r.dueIn(period)
}

func (r Regime) dueIn(period string) (string, error) {
	y, last, err := r.lastMonth(period)
	if err != nil {
		return "", err
	}
	bad := func(why string) (string, error) {
		return "", fmt.Errorf("%w: due %q: %s", ErrInvalid, truncate(r.Due, 20), why)
	}
	if r.Period == PeriodOnce {
		t, err := time.Parse(time.DateOnly, r.Due)
		if err != nil || t.Year() < 2000 || t.Year() > 2100 {
			return bad("a one-off report is due on a day: want YYYY-MM-DD")
		}
		return t.Format(time.DateOnly), nil
	}
	if m := reDueDay.FindStringSubmatch(r.Due); m != nil {
		d, _ := strconv.Atoi(m[1])
		if d < 1 || d > 31 {
			return bad("a day of the month is 1 to 31")
		}
		// The 31st of a 30-day month is its last day.
		end := time.Date(y, time.Month(last)+1, 0, 0, 0, 0, 0, time.UTC).Day()
		return time.Date(y, time.Month(last), min(d, end), 0, 0, 0, 0, time.UTC).Format(time.DateOnly), nil
	}
	if m := reDueMonthDy.FindStringSubmatch(r.Due); m != nil {
		if r.Period != PeriodYear {
			return bad("a month and day is for a yearly regime; give the day of the period's last month (e.g. 20)")
		}
		mo, _ := strconv.Atoi(m[1])
		d, _ := strconv.Atoi(m[2])
		if mo < 1 || mo > 12 || d < 1 || d > time.Date(2024, time.Month(mo)+1, 0, 0, 0, 0, 0, time.UTC).Day() {
			return bad("no such day")
		}
		// The first such day on or after the period's last month: a
		// year's report due "01-15" is due in January after it.
		yy := y
		if mo < last {
			yy++
		}
		end := time.Date(yy, time.Month(mo)+1, 0, 0, 0, 0, 0, time.UTC).Day() // 02-29 in a common year: the 28th
		return time.Date(yy, time.Month(mo), min(d, end), 0, 0, 0, 0, time.UTC).Format(time.DateOnly), nil
	}
	return bad(`want a day of the period's last month ("20") or, for a yearly regime, a month and day ("12-20")`)
}

// ErrTaken is a name already used for another of the agency's records
// of that kind.
var ErrTaken = errors.New("already exists")

// CreateRegime declares a report regime of the admin's agency. Every
// reporter must be an agency Vanthu knows; the name is the agency's one
// regime of that name.
func (s *Store) CreateRegime(ctx context.Context, u User, r Regime) (Regime, error) {
	if u.Role != RoleAdmin && !isOperator(u) {
		return Regime{}, ErrForbidden
	}
	if r.Agency == "" || !isOperator(u) {
		r.Agency = u.Agency
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return Regime{}, err
	}
	defer tx.Rollback()
	out, err := s.createRegime(ctx, tx, u, r)
	if err != nil {
		return Regime{}, err
	}
	if err := tx.Commit(); err != nil {
		return Regime{}, fmt.Errorf("regime %q: %w", out.Name, err)
	}
	s.matchExisting(ctx, out)
	return out, nil
}

func (s *Store) createRegime(ctx context.Context, tx *sql.Tx, u User, r Regime) (Regime, error) {
	if err := r.check(); err != nil {
		return Regime{}, err
	}
	if slices.Contains(r.Reporters, r.Agency) {
		return Regime{}, fmt.Errorf("%w: regime %q: the receiving agency %s cannot report to itself", ErrInvalid, truncate(r.Name, 60), r.Agency)
	}
	if r.Period == PeriodOnce && r.Due < s.now().In(vietnam).Format(time.DateOnly) {
		return Regime{}, fmt.Errorf("%w: due %s: a one-off report due before today", ErrInvalid, r.Due)
	}
	var n int
	if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM report_regimes WHERE agency = ?`), r.Agency).Scan(&n); err != nil {
		return Regime{}, err
	}
	if n >= maxRegimes {
		return Regime{}, fmt.Errorf("%w: an agency receives under at most %d regimes", ErrInvalid, maxRegimes)
	}
	var unknown []string
	for _, c := range r.Reporters {
		ok, err := s.KnownAgency(ctx, tx, c)
		if err != nil {
			return Regime{}, err
		}
		if !ok {
			unknown = append(unknown, c)
		}
	}
	if len(unknown) > 0 {
		if len(unknown) > 10 {
			unknown = append(unknown[:10], "…")
		}
		return Regime{}, fmt.Errorf("%w: regime %q: reporters the directory does not know: %s", ErrInvalid, truncate(r.Name, 60), strings.Join(unknown, ", "))
	}
	r.ID, r.CreatedBy, r.CreatedAt = newID(), u.Name, stamp(s.now())
	reps, _ := json.Marshal(r.Reporters)
	inds, _ := json.Marshal(r.Indicators)
	res, err := tx.ExecContext(ctx, s.q(`INSERT INTO report_regimes (id, agency, name, name_key, period, due, reporters, indicators, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (agency, name_key) DO NOTHING`),
		r.ID, r.Agency, r.Name, nameKey(r.Name), r.Period, r.Due, string(reps), string(inds), r.CreatedBy, r.CreatedAt)
	if err != nil {
		return Regime{}, fmt.Errorf("regime %q: %w", r.Name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Regime{}, fmt.Errorf("%w: a regime named %q: %w", ErrInvalid, truncate(r.Name, 60), ErrTaken)
	}
	return r, nil
}

// ImportRegimes declares regimes from CSV with the header
// name,period,due,reporters,indicators (reporters and indicators
// separated by ";"): all or nothing, the first bad line named.
func (s *Store) ImportRegimes(ctx context.Context, u User, rd io.Reader) ([]Regime, error) {
	if u.Role != RoleAdmin && !isOperator(u) {
		return nil, ErrForbidden
	}
	cr := csv.NewReader(io.LimitReader(rd, 4<<20))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%w: regimes CSV: %v", ErrInvalid, err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, ok := col[h]; ok {
			return nil, fmt.Errorf("%w: regimes CSV: column %q twice", ErrInvalid, truncate(h, 40))
		}
		col[h] = i
	}
	for _, want := range []string{"name", "period", "due", "reporters"} {
		if _, ok := col[want]; !ok {
			return nil, fmt.Errorf("%w: regimes CSV: no column %q (want name,period,due,reporters,indicators)", ErrInvalid, want)
		}
	}
	field := func(rec []string, name string) string {
		i, ok := col[name]
		if !ok || i >= len(rec) {
			return ""
		}
		return rec[i]
	}
	list := func(s string) []string {
		var out []string
		for _, p := range strings.Split(s, ";") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return out
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var out []Regime
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: regimes CSV line %d: %v", ErrInvalid, line, err)
		}
		if len(out) >= 1000 {
			return nil, fmt.Errorf("%w: regimes CSV: at most 1000 regimes at once", ErrInvalid)
		}
		r := Regime{Agency: u.Agency, Name: field(rec, "name"), Period: field(rec, "period"), Due: field(rec, "due"),
			Reporters: list(field(rec, "reporters")), Indicators: list(field(rec, "indicators"))}
		made, err := s.createRegime(ctx, tx, u, r)
		if err != nil {
			return nil, fmt.Errorf("regimes CSV line %d: %w", line, err)
		}
		out = append(out, made)
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	for _, r := range out {
		s.matchExisting(ctx, r)
	}
	return out, nil
}

const regimeColumns = `id, agency, name, period, due, reporters, indicators, created_by, created_at`

func scanRegime(row interface{ Scan(...any) error }) (Regime, error) {
	var r Regime
	var reps, inds string
	if err := row.Scan(&r.ID, &r.Agency, &r.Name, &r.Period, &r.Due, &reps, &inds, &r.CreatedBy, &r.CreatedAt); err != nil {
		return r, err
	}
	json.Unmarshal([]byte(reps), &r.Reporters)
	json.Unmarshal([]byte(inds), &r.Indicators)
	r.Reporters, r.Indicators = nonNil(r.Reporters), nonNil(r.Indicators)
	return r, nil
}

func (s *Store) queryRegimes(ctx context.Context, stmt string, args ...any) ([]Regime, error) {
	rows, err := s.db.QueryContext(ctx, s.q(stmt), args...)
	if err != nil {
		return nil, fmt.Errorf("regimes: %w", err)
	}
	defer rows.Close()
	var out []Regime
	for rows.Next() {
		r, err := scanRegime(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// likeCode is the LIKE pattern finding a code in a JSON list of codes
// (codes hold no LIKE wildcards but _ , which is escaped).
func likeCode(code string) string {
	return `%"` + strings.ReplaceAll(code, "_", `\_`) + `"%`
}

// Regimes lists the regimes the user's agency receives, then those it
// reports under, by name.
func (s *Store) Regimes(ctx context.Context, u User) ([]Regime, error) {
	if u.ID == 0 || u.Disabled {
		return nil, ErrNotFound
	}
	return s.queryRegimes(ctx, `SELECT `+regimeColumns+` FROM report_regimes WHERE agency = ? OR reporters LIKE ? ESCAPE '\'
		ORDER BY CASE WHEN agency = ? THEN 0 ELSE 1 END, name, id LIMIT 2000`, u.Agency, likeCode(u.Agency), u.Agency)
}

// Regime is one regime, for its receiving agency's users and its
// reporters' (who see their own part only: the API's concern).
func (s *Store) Regime(ctx context.Context, u User, id int64) (Regime, error) {
	if u.ID == 0 || u.Disabled {
		return Regime{}, ErrNotFound
	}
	r, err := scanRegime(s.db.QueryRowContext(ctx, s.q(`SELECT `+regimeColumns+` FROM report_regimes WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return Regime{}, ErrNotFound
	}
	if err != nil {
		return Regime{}, err
	}
	if r.Agency != u.Agency && !slices.Contains(r.Reporters, u.Agency) {
		return Regime{}, ErrNotFound
	}
	return r, nil
}

// receivedRegime is a regime of the user's own agency (the receiver).
func (s *Store) receivedRegime(ctx context.Context, u User, id int64) (Regime, error) {
	r, err := s.Regime(ctx, u, id)
	if err != nil {
		return r, err
	}
	if r.Agency != u.Agency {
		return Regime{}, ErrNotFound
	}
	return r, nil
}

// Submission is a report matched to a regime's period.
type Submission struct {
	ID         int64
	RegimeID   int64
	Period     string
	Reporter   string
	DocumentID int64
	Status     string // matched, doubtful, confirmed
	Score      float64
	ReceivedAt string // YYYY-MM-DD
	OnTime     bool
	DecidedBy  string
	// What the reader may see of the document: nothing of a document
	// above their clearance (Secret true).
	Number, Symbol, Subject, IssuedAt, Issuer string
	Secret                                    bool
	Figures                                   []SubmissionFigure
}

// SubmissionFigure is an indicator's value read from a submission (or
// put right by a person).
type SubmissionFigure struct {
	Indicator  string
	Found      bool
	Value      float64
	Text, Unit string
	Confidence float64
	Evidence   doc.Evidence
	// CorrectedBy is the person who put the value right ("" the reading).
	CorrectedBy string
}

const submissionColumns = `s.id, s.regime_id, s.period, s.reporter, s.document_id, s.status, s.score, s.received_at, s.on_time, s.decided_by,
	d.confidentiality, d.status, d.record`

// scanSubmission reads a submission with its document, showing the
// document's fields only to a reader cleared for it.
func scanSubmission(row interface{ Scan(...any) error }, cleared []string) (Submission, error) {
	var sb Submission
	var on int
	var secrecy, status, rec string
	if err := row.Scan(&sb.ID, &sb.RegimeID, &sb.Period, &sb.Reporter, &sb.DocumentID, &sb.Status, &sb.Score, &sb.ReceivedAt, &on, &sb.DecidedBy,
		&secrecy, &status, &rec); err != nil {
		return sb, err
	}
	sb.OnTime = on == 1
	if (secrecy != "" && !slices.Contains(cleared, secrecy)) || status == StatusReceived || status == StatusFailed {
		sb.Secret = true
		return sb, nil
	}
	var r doc.Record
	json.Unmarshal([]byte(rec), &r)
	sb.Number, sb.Symbol, sb.Subject, sb.IssuedAt, sb.Issuer = r.Number, r.Symbol, r.Subject, r.IssuedAt, r.Issuer
	return sb, nil
}

func (s *Store) querySubmissions(ctx context.Context, cleared []string, where string, args ...any) ([]Submission, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+submissionColumns+` FROM submissions s JOIN documents d ON d.id = s.document_id WHERE `+where+`
		ORDER BY s.period, s.reporter, s.received_at, s.id LIMIT 20000`), args...)
	if err != nil {
		return nil, fmt.Errorf("submissions: %w", err)
	}
	defer rows.Close()
	var out []Submission
	for rows.Next() {
		sb, err := scanSubmission(rows, cleared)
		if err != nil {
			return nil, err
		}
		out = append(out, sb)
	}
	return out, rows.Err()
}

// Submissions lists a regime's submissions (status "" all), for its
// receiving agency.
func (s *Store) Submissions(ctx context.Context, u User, regimeID int64, status string) ([]Submission, error) {
	if _, err := s.receivedRegime(ctx, u, regimeID); err != nil {
		return nil, err
	}
	if status != "" && status != SubmissionMatched && status != SubmissionDoubtful && status != SubmissionConfirmed {
		return nil, fmt.Errorf("%w: status %q: want matched, doubtful or confirmed", ErrInvalid, truncate(status, 20))
	}
	where, args := "s.regime_id = ?", []any{regimeID}
	if status != "" {
		where, args = where+" AND s.status = ?", append(args, status)
	}
	return s.querySubmissions(ctx, u.Cleared(), where, args...)
}

// PeriodStatus is who reported in one of a regime's periods.
type PeriodStatus struct {
	Period                          string
	Due                             string
	Overdue                         bool // the due day has passed
	Reporters                       []ReporterStatus
	OnTime, Late, Doubtful, Missing int
}

// ReporterStatus is one reporter's part of a period.
type ReporterStatus struct {
	Code, Name string
	Status     string      // on_time, late, doubtful, missing
	Submission *Submission // the first report that counts (nil missing)
}

// Periods are the regime's periods a query names: "" the one today is
// in; one of the regime's own ("2025-03", "2025-Q1", "2025-H1", "2025");
// or, for a regime reporting more often than yearly, a year ("2025"):
// its periods that have begun.
func (r Regime) Periods(query string, today time.Time) ([]string, error) {
	if query == "" {
		return []string{r.PeriodOf(today)}, nil
	}
	if _, _, err := r.lastMonth(query); err == nil {
		return []string{query}, nil
	}
	if m := rePeriodYear.FindStringSubmatch(query); m != nil && r.Period != PeriodOnce {
		y, _ := strconv.Atoi(m[1])
		if y < 2000 {
			return nil, fmt.Errorf("%w: period %s: years from 2000", ErrInvalid, query)
		}
		var out []string
		for mo := 1; mo <= 12; mo++ {
			t := time.Date(y, time.Month(mo), 1, 0, 0, 0, 0, time.UTC)
			if t.After(today) {
				break
			}
			if p := r.PeriodOf(t); !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("%w: period %s has not begun", ErrInvalid, query)
		}
		return out, nil
	}
	_, _, err := r.lastMonth(query)
	return nil, err
}

// RegimeStatus lists, for each period the query names, every reporter:
// reported on time, late, only doubtfully, or missing, with the report.
func (s *Store) RegimeStatus(ctx context.Context, u User, id int64, period string) (Regime, []PeriodStatus, error) {
	r, err := s.receivedRegime(ctx, u, id)
	if err != nil {
		return r, nil, err
	}
	today := s.now().In(vietnam)
	periods, err := r.Periods(period, today)
	if err != nil {
		return r, nil, err
	}
	names := s.agencyNames(ctx, r.Reporters)
	args := []any{r.ID}
	for _, p := range periods {
		args = append(args, p)
	}
	subs, err := s.querySubmissions(ctx, u.Cleared(), "s.regime_id = ? AND s.period IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(periods)), ", ")+")", args...)
	if err != nil {
		return r, nil, err
	}
	// By period and reporter: the loop below stays linear in reporters.
	byKey := map[[2]string][]*Submission{}
	for i := range subs {
		k := [2]string{subs[i].Period, subs[i].Reporter}
		byKey[k] = append(byKey[k], &subs[i])
	}
	var out []PeriodStatus
	for _, p := range periods {
		due, _ := r.DueOf(p)
		ps := PeriodStatus{Period: p, Due: due, Overdue: due != "" && today.Format(time.DateOnly) > due}
		for _, code := range r.Reporters {
			rs := ReporterStatus{Code: code, Name: names[code], Status: ReportMissing}
			for _, sb := range byKey[[2]string{p, code}] {
				if sb.Status == SubmissionDoubtful {
					if rs.Submission == nil {
						rs.Status, rs.Submission = ReportDoubtful, sb
					}
					continue
				}
				if rs.Submission == nil || rs.Status == ReportDoubtful || sb.ReceivedAt < rs.Submission.ReceivedAt {
					rs.Submission = sb
					rs.Status = ReportLate
					if sb.OnTime {
						rs.Status = ReportOnTime
					}
				}
			}
			switch rs.Status {
			case ReportOnTime:
				ps.OnTime++
			case ReportLate:
				ps.Late++
			case ReportDoubtful:
				ps.Doubtful++
			default:
				ps.Missing++
			}
			ps.Reporters = append(ps.Reporters, rs)
		}
		out = append(out, ps)
	}
	return r, out, nil
}

// agencyNames are the directory's names of codes (the code itself where
// none is known).
func (s *Store) agencyNames(ctx context.Context, codes []string) map[string]string {
	out := map[string]string{}
	for _, c := range codes {
		out[c] = c
	}
	for i := 0; i < len(codes); i += 500 {
		part := codes[i:min(i+500, len(codes))]
		args := make([]any, len(part))
		for j, c := range part {
			args[j] = c
		}
		rows, err := s.db.QueryContext(ctx, s.q(`SELECT code, name FROM agencies WHERE code IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(part)), ", ")+`)`), args...)
		if err != nil {
			return out
		}
		for rows.Next() {
			var c, n string
			if rows.Scan(&c, &n) == nil && n != "" {
				out[c] = n
			}
		}
		rows.Close()
	}
	return out
}

// regimeWords are words every regime's name and every report's subject
// share: they tell no regime from another.
var regimeWords = map[string]bool{"bao": true, "cao": true, "ket": true, "qua": true, "tinh": true, "hinh": true, "thang": true, "quy": true,
	"nam": true, "dinh": true, "ky": true, "ve": true, "va": true, "cua": true, "cac": true, "tren": true, "dia": true, "ban": true,
	"thuc": true, "hien": true, "cong": true, "tac": true, "dau": true, "cuoi": true, "i": true, "ii": true, "iii": true, "iv": true, "6": true, "nhiem": true, "vu": true}

func topicWords(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.Fields(nameKey(s)) {
		w = strings.Trim(w, ".,;:()\"'“”")
		if w == "" || regimeWords[w] {
			continue
		}
		if _, err := strconv.Atoi(w); err == nil {
			continue
		}
		out[w] = true
	}
	return out
}

// nameSimilarity is the share of the regime name's topic words the
// subject has.
func nameSimilarity(regime, subject string) float64 {
	want, got := topicWords(regime), topicWords(subject)
	if len(want) == 0 {
		// "Báo cáo định kỳ" says nothing of what is reported: every
		// report of the period would match it; a person decides.
		return 0
	}
	n := 0
	for w := range want {
		if got[w] {
			n++
		}
	}
	return float64(n) / float64(len(want))
}

// kindOf maps ReportPeriod's regime to a regime period.
var kindOf = map[string]string{RegimeMonthly: PeriodMonth, RegimeQuarterly: PeriodQuarter, RegimeSemiannual: PeriodHalf, RegimeAnnual: PeriodYear}

// candidate is a regime a report may belong to.
type candidate struct {
	regime           Regime
	period, reporter string
	score            float64
}

// Thresholds of a match: at or above sure, a submission; at or above
// doubtful, one a person confirms; a sure match with a rival as near
// as margin is doubtful too.
const (
	matchSure     = 0.7
	matchDoubtful = 0.3
	matchMargin   = 0.15
)

// candidates scores the regimes a recorded báo cáo may be a submission
// to. issuerCode is the directory entry its issuer resolved to ("" none).
func (s *Store) candidates(ctx context.Context, d Document, issuerCode string) ([]candidate, error) {
	rec := d.Record
	regs, err := s.queryRegimes(ctx, `SELECT `+regimeColumns+` FROM report_regimes WHERE agency = ? OR reporters LIKE ? ESCAPE '\' LIMIT 2000`,
		d.Agency, likeCode(d.Agency))
	if err != nil {
		return nil, err
	}
	kind, key := ReportPeriod(rec.Subject, rec.IssuedAt)
	issued, ierr := time.Parse(time.DateOnly, rec.IssuedAt)
	if ierr != nil {
		issued = d.CreatedAt.In(vietnam)
	}
	var out []candidate
	var to map[string]bool // the recipients' codes, when a reporter's own upload asks
	for _, r := range regs {
		c := candidate{regime: r}
		switch {
		case r.Agency == d.Agency && issuerCode != "" && slices.Contains(r.Reporters, issuerCode):
			// Received by the regime's agency from a reporter.
			c.reporter = issuerCode
		case r.Agency != d.Agency && slices.Contains(r.Reporters, d.Agency) && issuerCode == d.Agency:
			// Uploaded by the reporter in its own account: a report it
			// issued itself (one it received from another is not its
			// report), and only one addressed to the receiver — another agency reads it from
			// then on, which nothing else of the reporter's archive may
			// give it. (The reporter's clerk may still confirm one.)
			if to == nil {
				to = s.recipientCodes(ctx, d) // once, whatever the number of regimes
			}
			if !to[r.Agency] {
				continue
			}
			c.reporter = d.Agency
		default:
			continue
		}
		when := 1.0
		switch {
		case r.Period == PeriodOnce:
			c.period, when = PeriodOnce, 0.8
		case kindOf[kind] == r.Period:
			c.period = key
		case kindOf[kind] == "":
			// The subject names no period: the one it was issued in,
			// for a person to confirm.
			c.period, when = r.PeriodOf(issued), 0.5
		default:
			continue // a quarter's report is no month's
		}
		if _, err := r.DueOf(c.period); err != nil {
			continue
		}
		c.score = when * (0.4 + 0.6*nameSimilarity(r.Name, rec.Subject))
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].score > out[j].score })
	return out, nil
}

// recipientCodes are the directory entries the document's recipients
// stand for (as its own agency resolves names).
func (s *Store) recipientCodes(ctx context.Context, d Document) map[string]bool {
	out := map[string]bool{}
	for _, name := range d.Record.Recipients[:min(len(d.Record.Recipients), 50)] {
		if res, ok, err := s.Lookup(ctx, d.Agency, name); err == nil && ok {
			out[res.Code] = true
		}
	}
	return out
}

// MatchReport matches a recorded báo cáo to its regime and period: a
// sure match is a submission, a doubtful one waits for a person, and a
// report nothing matches stays a document. Its figures are read for the
// regime's indicators. Idempotent: a redelivery or a new reading keeps
// one submission, and refreshes the figures nobody corrected.
func (s *Store) MatchReport(ctx context.Context, d Document, issuerCode string) error {
	if d.Record.DocType != "BC" || d.Status == StatusFailed || d.Status == StatusReceived {
		return nil
	}
	cs, err := s.candidates(ctx, d, issuerCode)
	if err != nil || len(cs) == 0 {
		return err
	}
	best := cs[0]
	status := SubmissionMatched
	switch {
	case best.score < matchDoubtful:
		return nil
	case best.score < matchSure, len(cs) > 1 && cs[1].score > best.score-matchMargin:
		status = SubmissionDoubtful
	}
	return s.submit(ctx, best.regime, d, best.period, best.reporter, status, best.score, "")
}

// submit writes (or, for a document already submitted to the regime,
// keeps) a submission and its figures.
func (s *Store) submit(ctx context.Context, r Regime, d Document, period, reporter, status string, score float64, by string) error {
	due, err := r.DueOf(period)
	if err != nil {
		return err
	}
	received := d.CreatedAt.In(vietnam).Format(time.DateOnly)
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var id int64
	var old string
	err = tx.QueryRowContext(ctx, s.q(`SELECT id, status FROM submissions WHERE regime_id = ? AND document_id = ?`), r.ID, d.ID).Scan(&id, &old)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		id = newID()
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO submissions (id, regime_id, period, reporter, document_id, status, score, received_at, on_time, decided_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`), id, r.ID, period, reporter, d.ID, status, score, received, boolInt(received <= due), by); err != nil {
			return fmt.Errorf("submission: %w", err)
		}
	case err != nil:
		return err
	case by != "":
		// A person decides: their period and reporter stand.
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE submissions SET period = ?, reporter = ?, status = ?, score = ?, on_time = ?, decided_by = ? WHERE id = ?`),
			period, reporter, status, score, boolInt(received <= due), by, id); err != nil {
			return err
		}
	case old != SubmissionConfirmed:
		// A new reading moves what the rules said, never what a person did.
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE submissions SET period = ?, reporter = ?, status = ?, score = ?, on_time = ? WHERE id = ?`),
			period, reporter, status, score, boolInt(received <= due), id); err != nil {
			return err
		}
	}
	for _, ind := range r.Indicators {
		f, sc, ok := doc.FindIndicator(ind, d.Record.Figures)
		ev, _ := json.Marshal(f.Evidence)
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO submission_figures (submission_id, indicator, value, found, text, unit, confidence, evidence)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (submission_id, indicator) DO UPDATE SET value = excluded.value, found = excluded.found,
			text = excluded.text, unit = excluded.unit, confidence = excluded.confidence, evidence = excluded.evidence
			WHERE submission_figures.corrected_by = ''`),
			id, ind, f.Value, boolInt(ok), truncate(f.Text, 100), truncate(f.Unit, 40), f.Confidence*sc, string(ev)); err != nil {
			return fmt.Errorf("submission figures: %w", err)
		}
	}
	return tx.Commit()
}

// matchExisting matches a new regime against the báo cáo already in the
// archive from the start of last year (its agency's, and those its reporters
// uploaded themselves): a regime declared in March still sees January's
// reports. Best effort: a failure leaves them to a person.
func (s *Store) matchExisting(ctx context.Context, r Regime) {
	since := stamp(time.Date(s.now().In(vietnam).Year()-1, 1, 1, 0, 0, 0, 0, vietnam))
	agencies := append([]string{r.Agency}, r.Reporters...)
	for i := 0; i < len(agencies); i += 200 {
		part := agencies[i:min(i+200, len(agencies))]
		args := []any{since}
		for _, a := range part {
			args = append(args, a)
		}
		where := `FROM documents WHERE created_at >= ? AND status IN ('review', 'registered', 'approved')
			AND record LIKE '%"doc_type":"BC"%' AND agency IN (` + strings.TrimSuffix(strings.Repeat("?, ", len(part)), ", ") + `) ORDER BY id LIMIT 5000`
		docs, err := s.queryDocuments(ctx, `SELECT `+docColumns+` `+where, args...)
		if err != nil {
			return
		}
		codes := map[int64]string{}
		if rows, err := s.db.QueryContext(ctx, s.q(`SELECT id, issuer_code `+where), args...); err == nil {
			for rows.Next() {
				var id int64
				var code string
				if rows.Scan(&id, &code) == nil {
					codes[id] = code
				}
			}
			rows.Close()
		}
		for _, d := range docs {
			s.MatchReport(ctx, d, codes[d.ID])
		}
	}
}

// ConfirmSubmission is a person's word that a document is a reporter's
// report for a period: a clerk or leader of the receiving agency about a
// document of theirs or one already matched, or a reporter's about its
// own document.
func (s *Store) ConfirmSubmission(ctx context.Context, u User, regimeID, documentID int64, period, reporter string) (Submission, error) {
	if u.Role != RoleClerk && u.Role != RoleLeader {
		return Submission{}, ErrForbidden
	}
	r, err := s.Regime(ctx, u, regimeID)
	if err != nil {
		return Submission{}, err
	}
	if r.Agency != u.Agency {
		reporter = u.Agency // a reporter confirms only its own
	}
	if !slices.Contains(r.Reporters, reporter) {
		return Submission{}, fmt.Errorf("%w: %q does not report under this regime", ErrInvalid, truncate(reporter, 40))
	}
	if _, err := r.DueOf(period); err != nil {
		return Submission{}, err
	}
	d, err := s.DocumentByID(ctx, documentID)
	if err != nil {
		return Submission{}, err
	}
	var matched int
	s.db.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM submissions WHERE regime_id = ? AND document_id = ?`), regimeID, documentID).Scan(&matched)
	// The receiver confirms its own documents and those already matched
	// to its regime; a reporter only its own. Above the person's
	// clearance (an unread marking counts as the highest) it is not there.
	mine := d.Agency == u.Agency || (matched > 0 && r.Agency == u.Agency)
	if !mine || !clearedForLevel(u, d.Secrecy) {
		return Submission{}, ErrNotFound
	}
	if d.Status == StatusReceived || d.Status == StatusFailed {
		return Submission{}, fmt.Errorf("%w: document %d has no record yet", ErrInvalid, documentID)
	}
	if err := s.submit(ctx, r, d, period, reporter, SubmissionConfirmed, 1, u.Name); err != nil {
		return Submission{}, err
	}
	subs, err := s.querySubmissions(ctx, u.Cleared(), "s.regime_id = ? AND s.document_id = ?", regimeID, documentID)
	if err != nil || len(subs) == 0 {
		return Submission{}, fmt.Errorf("submission: %w", err)
	}
	return subs[0], nil
}

// RejectSubmission is a person's word that a matched document is no
// submission of the regime: it stays a document.
func (s *Store) RejectSubmission(ctx context.Context, u User, regimeID, id int64) error {
	if u.Role != RoleClerk && u.Role != RoleLeader {
		return ErrForbidden
	}
	if _, err := s.receivedRegime(ctx, u, regimeID); err != nil {
		return err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, s.q(`DELETE FROM submissions WHERE id = ? AND regime_id = ?`), id, regimeID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM submission_figures WHERE submission_id = ?`), id); err != nil {
		return err
	}
	return tx.Commit()
}

// SubmissionDocument is a submitted document for a reader of the
// receiving agency cleared for it: the file a reporter sent.
func (s *Store) SubmissionDocument(ctx context.Context, u User, regimeID, id int64) (Document, error) {
	if _, err := s.receivedRegime(ctx, u, regimeID); err != nil {
		return Document{}, err
	}
	var docID int64
	if err := s.db.QueryRowContext(ctx, s.q(`SELECT document_id FROM submissions WHERE id = ? AND regime_id = ?`), id, regimeID).Scan(&docID); err != nil {
		return Document{}, ErrNotFound
	}
	d, err := s.DocumentByID(ctx, docID)
	if err != nil {
		return Document{}, err
	}
	if d.Status == StatusReceived || d.Status == StatusFailed || !clearedForLevel(u, d.Secrecy) {
		return Document{}, ErrNotFound
	}
	return d, nil
}

// Figures of submissions, by submission.
func (s *Store) figuresOf(ctx context.Context, ids []int64) (map[int64][]SubmissionFigure, error) {
	out := map[int64][]SubmissionFigure{}
	for i := 0; i < len(ids); i += 500 {
		part := ids[i:min(i+500, len(ids))]
		args := make([]any, len(part))
		for j, id := range part {
			args[j] = id
		}
		rows, err := s.db.QueryContext(ctx, s.q(`SELECT submission_id, indicator, value, found, text, unit, confidence, evidence, corrected_by FROM submission_figures
			WHERE submission_id IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(part)), ", ")+`)`), args...)
		if err != nil {
			return nil, fmt.Errorf("figures: %w", err)
		}
		for rows.Next() {
			var id int64
			var f SubmissionFigure
			var found int
			var ev string
			if err := rows.Scan(&id, &f.Indicator, &f.Value, &found, &f.Text, &f.Unit, &f.Confidence, &ev, &f.CorrectedBy); err != nil {
				rows.Close()
				return nil, err
			}
			f.Found = found == 1
			json.Unmarshal([]byte(ev), &f.Evidence)
			out[id] = append(out[id], f)
		}
		rows.Close()
	}
	return out, nil
}

// CorrectFigures puts indicators' values of a submission right (a
// clerk or leader of the receiving agency cleared for the report): all
// of them or, if one is wrong, none.
func (s *Store) CorrectFigures(ctx context.Context, u User, regimeID, id int64, values map[string]float64) error {
	if u.Role != RoleClerk && u.Role != RoleLeader {
		return ErrForbidden
	}
	r, err := s.receivedRegime(ctx, u, regimeID)
	if err != nil {
		return err
	}
	if len(values) == 0 || len(values) > maxIndicators {
		return fmt.Errorf("%w: 1 to %d figures at once", ErrInvalid, maxIndicators)
	}
	for ind, v := range values {
		if !slices.Contains(r.Indicators, ind) {
			return fmt.Errorf("%w: indicator %q is not the regime's", ErrInvalid, truncate(ind, 60))
		}
		if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e18 {
			return fmt.Errorf("%w: %s: a finite number", ErrInvalid, truncate(ind, 60))
		}
	}
	if _, err := s.SubmissionDocument(ctx, u, regimeID, id); err != nil {
		return err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for ind, v := range values {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO submission_figures (submission_id, indicator, value, found, text, unit, confidence, evidence, corrected_by)
			VALUES (?, ?, ?, 1, '', '', 1, '{}', ?) ON CONFLICT (submission_id, indicator) DO UPDATE SET value = excluded.value, found = 1,
			confidence = 1, corrected_by = excluded.corrected_by`), id, ind, v, u.Name); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// Consolidation is a regime's figures for a period across its reporters.
type Consolidation struct {
	Regime     Regime
	Period     string
	Due        string
	Indicators []string
	Rows       []ConsolidationRow
	// Totals are each indicator's sum over the reporters that gave it,
	// and how many did.
	Totals  []float64
	Counted []int
	Missing []string // the reporters with no report (names)
}

// ConsolidationRow is one reporter's figures; a nil value is one not
// read (or not reported).
type ConsolidationRow struct {
	Reporter, Name string
	Status         string
	DocumentID     int64
	Values         []*float64
	Unsure         []bool // read with confidence below the review threshold
}

// Consolidate sums a period's figures across reporters (doubtful
// submissions are not counted until confirmed; a report above the
// reader's clearance counts as missing from their view).
func (s *Store) Consolidate(ctx context.Context, u User, regimeID int64, period string) (Consolidation, error) {
	r, ps, err := s.RegimeStatus(ctx, u, regimeID, period)
	if err != nil {
		return Consolidation{}, err
	}
	if len(ps) != 1 {
		return Consolidation{}, fmt.Errorf("%w: consolidate one period at a time (e.g. %s)", ErrInvalid, r.PeriodOf(s.now().In(vietnam)))
	}
	p := ps[0]
	c := Consolidation{Regime: r, Period: p.Period, Due: p.Due, Indicators: r.Indicators, Totals: make([]float64, len(r.Indicators)), Counted: make([]int, len(r.Indicators)), Missing: []string{}}
	var ids []int64
	for _, rs := range p.Reporters {
		if rs.Submission != nil && rs.Status != ReportDoubtful && !rs.Submission.Secret {
			ids = append(ids, rs.Submission.ID)
		}
	}
	figs, err := s.figuresOf(ctx, ids)
	if err != nil {
		return c, err
	}
	for _, rs := range p.Reporters {
		row := ConsolidationRow{Reporter: rs.Code, Name: rs.Name, Status: rs.Status, Values: make([]*float64, len(r.Indicators)), Unsure: make([]bool, len(r.Indicators))}
		if rs.Submission == nil || rs.Status == ReportDoubtful || rs.Submission.Secret {
			if rs.Submission == nil {
				c.Missing = append(c.Missing, rs.Name)
			}
			c.Rows = append(c.Rows, row)
			continue
		}
		row.DocumentID = rs.Submission.DocumentID
		for _, f := range figs[rs.Submission.ID] {
			i := slices.Index(r.Indicators, f.Indicator)
			if i < 0 || !f.Found {
				continue
			}
			v := f.Value
			row.Values[i] = &v
			row.Unsure[i] = f.CorrectedBy == "" && f.Confidence < s.ReviewBelow
			c.Totals[i] += v
			c.Counted[i]++
		}
		c.Rows = append(c.Rows, row)
	}
	return c, nil
}

// Submission is one submission of a regime the user's agency receives,
// with its figures (none shown of a report above their clearance).
func (s *Store) Submission(ctx context.Context, u User, regimeID, id int64) (Submission, error) {
	r, err := s.receivedRegime(ctx, u, regimeID)
	if err != nil {
		return Submission{}, err
	}
	subs, err := s.querySubmissions(ctx, u.Cleared(), "s.regime_id = ? AND s.id = ?", regimeID, id)
	if err != nil {
		return Submission{}, err
	}
	if len(subs) == 0 {
		return Submission{}, ErrNotFound
	}
	sb := subs[0]
	if !sb.Secret {
		figs, err := s.figuresOf(ctx, []int64{sb.ID})
		if err != nil {
			return sb, err
		}
		sb.Figures = figs[sb.ID]
		// In the regime's order of indicators.
		sort.SliceStable(sb.Figures, func(i, j int) bool {
			return slices.Index(r.Indicators, sb.Figures[i].Indicator) < slices.Index(r.Indicators, sb.Figures[j].Indicator)
		})
	}
	return sb, nil
}

// PeriodLabel names a regime's period as a person reads it: "tháng
// 3/2025", "quý I/2025", "6 tháng đầu năm 2025", "năm 2025".
func PeriodLabel(period string) string {
	if m := rePeriodMonth.FindStringSubmatch(period); m != nil {
		return "tháng " + strings.TrimPrefix(m[2], "0") + "/" + m[1]
	}
	if m := rePeriodQuarter.FindStringSubmatch(period); m != nil {
		return "quý " + []string{"", "I", "II", "III", "IV"}[m[2][0]-'0'] + "/" + m[1]
	}
	if m := rePeriodHalf.FindStringSubmatch(period); m != nil {
		if m[2] == "1" {
			return "6 tháng đầu năm " + m[1]
		}
		return "6 tháng cuối năm " + m[1]
	}
	if rePeriodYear.MatchString(period) {
		return "năm " + period
	}
	return "báo cáo một lần"
}

// How far ahead reporters are reminded, and how long after the due day
// the receiver hears who is missing.
const (
	remindBefore = 3
	overdueFor   = 30
)

// ReportReminders tells each reporter that has not reported of the due
// days coming within three days, and each receiving agency, once a day
// has passed, who has not reported: each regime's period once to each
// (regime_reminders keeps what was told), and to each agency in one
// notice a run however many regimes name it — a receiver declaring a
// thousand regimes cannot bury a reporter in notices. It returns the
// notices written.
func (s *Store) ReportReminders(ctx context.Context) (int, error) {
	regs, err := s.queryRegimes(ctx, `SELECT `+regimeColumns+` FROM report_regimes ORDER BY id LIMIT 200000`)
	if err != nil {
		return 0, err
	}
	today := s.now().In(vietnam)
	day := today.Format(time.DateOnly)
	type item struct {
		r       Regime
		period  string
		due     string
		missing []string
	}
	soon := map[string][]item{} // by reporter
	late := map[string][]item{} // by receiver
	for _, r := range regs {
		cur := r.PeriodOf(today)
		periods := []string{cur}
		if prev := r.prevPeriod(cur); prev != "" {
			// The period before: a yearly report may be due after its year.
			periods = append([]string{prev}, periods...)
		}
		for _, p := range periods {
			due, err := r.DueOf(p)
			if err != nil {
				continue
			}
			dueT, _ := time.Parse(time.DateOnly, due)
			from := dueT.AddDate(0, 0, -remindBefore).Format(time.DateOnly)
			until := dueT.AddDate(0, 0, overdueFor).Format(time.DateOnly)
			// Nobody is told of a period due before the regime was declared.
			if day < from || day > until || due < r.CreatedAt[:min(10, len(r.CreatedAt))] {
				continue
			}
			reported, err := s.reportedIn(ctx, r.ID, p)
			if err != nil {
				return 0, err
			}
			var missing []string
			for _, c := range r.Reporters {
				if !reported[c] {
					missing = append(missing, c)
				}
			}
			if len(missing) == 0 {
				continue
			}
			it := item{r: r, period: p, due: due, missing: missing}
			if day <= due {
				for _, c := range missing {
					soon[c] = append(soon[c], it)
				}
			} else {
				late[r.Agency] = append(late[r.Agency], it)
			}
		}
	}
	n := 0
	tell := func(agency, kind, reporter string, items []item, notice func(fresh []item) Notice) error {
		tx, err := s.w.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		var fresh []item
		for _, it := range items {
			res, err := tx.ExecContext(ctx, s.q(`INSERT INTO regime_reminders (regime_id, period, reporter, kind, at) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT DO NOTHING`), it.r.ID, it.period, reporter, kind, stamp(s.now()))
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 1 {
				fresh = append(fresh, it)
			}
		}
		if len(fresh) == 0 {
			return nil
		}
		ok, err := s.addNotice(ctx, tx, notice(fresh))
		if err != nil {
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
		if ok {
			n++
		}
		return nil
	}
	lines := func(items []item, line func(item) string) string {
		var out []string
		for _, it := range items[:min(len(items), 20)] {
			out = append(out, line(it))
		}
		if len(items) > 20 {
			out = append(out, fmt.Sprintf("và %d báo cáo khác", len(items)-20))
		}
		return strings.Join(out, "\n")
	}
	link := func(items []item) string {
		if len(items) == 1 {
			return fmt.Sprintf("#/bao-cao/%d?ky=%s", items[0].r.ID, items[0].period)
		}
		return "#/bao-cao"
	}
	for _, c := range slices.Sorted(maps.Keys(soon)) {
		err := tell(c, "due", c, soon[c], func(fresh []item) Notice {
			return Notice{Agency: c, Kind: "report_due", Subject: fmt.Sprintf("Sắp đến hạn gửi %d báo cáo", len(fresh)),
				Body: lines(fresh, func(it item) string {
					return "Báo cáo " + PeriodLabel(it.period) + ": " + it.r.Name + " — hạn gửi " + VietDate(it.due) + "."
				}), Link: link(fresh), Dedupe: fmt.Sprintf("report_due:%s:%d:%s", c, fresh[0].r.ID, fresh[0].period)}
		})
		if err != nil {
			return n, fmt.Errorf("report reminders: %w", err)
		}
	}
	for _, a := range slices.Sorted(maps.Keys(late)) {
		var codes []string
		for _, it := range late[a] {
			codes = append(codes, it.missing...)
		}
		names := s.agencyNames(ctx, codes)
		err := tell(a, "overdue", "", late[a], func(fresh []item) Notice {
			return Notice{Agency: a, Kind: "report_overdue", Subject: fmt.Sprintf("%d báo cáo quá hạn chưa đủ", len(fresh)),
				Body: lines(fresh, func(it item) string {
					var who []string
					for _, c := range it.missing[:min(len(it.missing), 20)] {
						who = append(who, names[c])
					}
					if len(it.missing) > 20 {
						who = append(who, fmt.Sprintf("và %d đơn vị khác", len(it.missing)-20))
					}
					return fmt.Sprintf("Báo cáo %s: %s — hạn %s đã qua; %d đơn vị chưa gửi: %s.", PeriodLabel(it.period), it.r.Name, VietDate(it.due),
						len(it.missing), strings.Join(who, "; "))
				}), Link: link(fresh), Dedupe: fmt.Sprintf("report_overdue:%s:%d:%s", a, fresh[0].r.ID, fresh[0].period)}
		})
		if err != nil {
			return n, fmt.Errorf("report reminders: %w", err)
		}
	}
	return n, nil
}
