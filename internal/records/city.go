package records

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// The city-wide view: a leader with reach over several agencies reads,
// per agency, how much paper moved, what is overdue and which reports
// are missing — counts only, within the leader's own clearance.

// AgencyFigures are one agency's counts of the city view.
type AgencyFigures struct {
	Code, Name     string
	DocumentsIn    int // registered incoming in the period (duplicates not counted)
	DocumentsOut   int // issued in the period
	TasksOverdue   int // open tasks past their due day
	ReportsMissing int // reports it owes whose due day passed (the latest period of each regime it reports under)
	ReportersLate  int // of the regimes it receives: reporters missing for the latest period due
}

// SetReach gives a leader reach over other agencies (the operator's
// act: the city's own administrators hold no more than their agency).
func (s *Store) SetReach(ctx context.Context, granter User, name string, codes []string) error {
	if !isOperator(granter) {
		return ErrForbidden
	}
	u, err := s.UserByName(ctx, name)
	if err != nil {
		return fmt.Errorf("user %q: %w", truncate(name, 40), err)
	}
	if u.Role != RoleLeader {
		return fmt.Errorf("%w: %s is a %s: reach is a leader's", ErrInvalid, u.Name, u.Role)
	}
	if len(codes) > maxReporters {
		return fmt.Errorf("%w: at most %d agencies", ErrInvalid, maxReporters)
	}
	var keep []string
	for _, c := range codes {
		c = strings.TrimSpace(c)
		if c == "" || c == u.Agency || slices.Contains(keep, c) {
			continue
		}
		ok, err := s.KnownAgency(ctx, nil, c)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("%w: agency %q is not known", ErrInvalid, truncate(c, 40))
		}
		keep = append(keep, c)
	}
	_, err = s.w.ExecContext(ctx, s.q(`UPDATE users SET reach = ? WHERE id = ?`), strings.Join(keep, ","), u.ID)
	return err
}

// City counts, for [from, to] (YYYY-MM-DD), the leader's agency and the
// agencies in their reach, by name.
func (s *Store) City(ctx context.Context, u User, from, to string) ([]AgencyFigures, error) {
	if u.ID == 0 || u.Disabled || u.Role != RoleLeader {
		return nil, ErrForbidden
	}
	lo, err := time.Parse(time.DateOnly, from)
	if err != nil {
		return nil, fmt.Errorf("%w: from %q: want YYYY-MM-DD", ErrInvalid, from)
	}
	hi, err := time.Parse(time.DateOnly, to)
	if err != nil {
		return nil, fmt.Errorf("%w: to %q: want YYYY-MM-DD", ErrInvalid, to)
	}
	codes := append([]string{u.Agency}, u.Reaches()...)
	names := s.agencyNames(ctx, codes)
	by := map[string]*AgencyFigures{}
	for _, c := range codes {
		by[c] = &AgencyFigures{Code: c, Name: names[c]}
	}
	cleared := u.Cleared()
	mayRead, largs := readable("confidentiality", cleared)
	docRead, dargs := secrecyCond(cleared)
	in := strings.TrimSuffix(strings.Repeat("?, ", len(codes)), ", ")
	cargs := make([]any, len(codes))
	for i, c := range codes {
		cargs[i] = c
	}
	today := s.now().In(vietnam).Format(time.DateOnly)
	count := func(stmt string, set func(*AgencyFigures, int), args ...any) error {
		rows, err := s.db.QueryContext(ctx, s.q(stmt), args...)
		if err != nil {
			return fmt.Errorf("city: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var c string
			var n int
			if err := rows.Scan(&c, &n); err != nil {
				return err
			}
			if a := by[c]; a != nil {
				set(a, n)
			}
		}
		return rows.Err()
	}
	args := append(append(append([]any{}, cargs...), stamp(lo), stamp(hi.AddDate(0, 0, 1))), largs...)
	if err := count(`SELECT agency, COUNT(*) FROM incoming WHERE agency IN (`+in+`) AND arrived_at >= ? AND arrived_at < ? AND duplicate_of IS NULL AND `+mayRead+` GROUP BY agency`,
		func(a *AgencyFigures, n int) { a.DocumentsIn = n }, args...); err != nil {
		return nil, err
	}
	args = append(append(append([]any{}, cargs...), from, to), dargs...)
	if err := count(`SELECT agency, COUNT(*) FROM outgoing WHERE agency IN (`+in+`) AND issued_at >= ? AND issued_at <= ? AND `+docRead+` GROUP BY agency`,
		func(a *AgencyFigures, n int) { a.DocumentsOut = n }, args...); err != nil {
		return nil, err
	}
	args = append(append(append([]any{}, cargs...), today), dargs...)
	if err := count(`SELECT agency, COUNT(*) FROM tasks WHERE agency IN (`+in+`) AND status = 'open' AND due <> '' AND due < ? AND `+docRead+` GROUP BY agency`,
		func(a *AgencyFigures, n int) { a.TasksOverdue = n }, args...); err != nil {
		return nil, err
	}
	regs, err := s.queryRegimes(ctx, `SELECT `+regimeColumns+` FROM report_regimes ORDER BY id LIMIT 100000`)
	if err != nil {
		return nil, err
	}
	now := s.now().In(vietnam)
	for _, r := range regs {
		p, ok := r.lastDuePeriod(now)
		if !ok {
			continue
		}
		var mine []string
		for _, c := range r.Reporters {
			if by[c] != nil || by[r.Agency] != nil {
				mine = append(mine, c)
			}
		}
		if len(mine) == 0 {
			continue
		}
		reported, err := s.reportedIn(ctx, r.ID, p)
		if err != nil {
			return nil, err
		}
		for _, c := range mine {
			if reported[c] {
				continue
			}
			if a := by[c]; a != nil {
				a.ReportsMissing++
			}
			if a := by[r.Agency]; a != nil {
				a.ReportersLate++
			}
		}
	}
	out := make([]AgencyFigures, 0, len(codes))
	for _, c := range codes {
		out = append(out, *by[c])
	}
	sort.SliceStable(out[1:], func(i, j int) bool { return out[1+i].Name < out[1+j].Name })
	return out, nil
}

// reportedIn are the reporters with a report that counts (not only a
// doubtful match) for a regime's period.
func (s *Store) reportedIn(ctx context.Context, regimeID int64, period string) (map[string]bool, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT reporter FROM submissions WHERE regime_id = ? AND period = ? AND status <> ?`), regimeID, period, SubmissionDoubtful)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out[c] = true
	}
	return out, rows.Err()
}

// prevPeriod is the period before p ("" for a one-off regime).
func (r Regime) prevPeriod(p string) string {
	y, last, err := r.lastMonth(p)
	if err != nil || r.Period == PeriodOnce {
		return ""
	}
	months := map[string]int{PeriodMonth: 1, PeriodQuarter: 3, PeriodHalf: 6, PeriodYear: 12}[r.Period]
	return r.PeriodOf(time.Date(y, time.Month(last-months+1), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1))
}

// lastDuePeriod is the latest period whose due day has passed (and was
// after the regime was declared): the one whose missing reports are
// missing for good.
func (r Regime) lastDuePeriod(now time.Time) (string, bool) {
	day := now.Format(time.DateOnly)
	created := r.CreatedAt[:min(10, len(r.CreatedAt))]
	p := r.PeriodOf(now)
	for range 3 {
		if p == "" {
			return "", false
		}
		due, err := r.DueOf(p)
		if err != nil || due < created {
			return "", false
		}
		if due < day {
			return p, true
		}
		if r.Period == PeriodOnce {
			return "", false
		}
		p = r.prevPeriod(p)
	}
	return "", false
}

// RegimeDue is a regime the agency receives, at its latest period due
// (or its first, until one is): who reported and who is missing.
type RegimeDue struct {
	ID           int64    `json:"id"`
	Name         string   `json:"name"`
	Period       string   `json:"period"`
	PeriodLabel  string   `json:"period_label"`
	Due          string   `json:"due"`
	Overdue      bool     `json:"overdue"`
	OnTime       int      `json:"on_time"`
	Late         int      `json:"late"`
	Doubtful     int      `json:"doubtful"`
	Missing      int      `json:"missing"`
	MissingNames []string `json:"missing_names"`
}

// regimesDue is the dashboard's part of the reporting system.
func (s *Store) regimesDue(ctx context.Context, u User) ([]RegimeDue, error) {
	regs, err := s.queryRegimes(ctx, `SELECT `+regimeColumns+` FROM report_regimes WHERE agency = ? ORDER BY name, id LIMIT 200`, u.Agency)
	if err != nil {
		return nil, err
	}
	out := []RegimeDue{}
	now := s.now().In(vietnam)
	for _, r := range regs {
		p, ok := r.lastDuePeriod(now)
		if !ok {
			p = r.PeriodOf(now)
		}
		_, ps, err := s.RegimeStatus(ctx, u, r.ID, p)
		if err != nil || len(ps) != 1 {
			return nil, err
		}
		st := ps[0]
		rd := RegimeDue{ID: r.ID, Name: r.Name, Period: p, PeriodLabel: PeriodLabel(p), Due: st.Due, Overdue: st.Overdue,
			OnTime: st.OnTime, Late: st.Late, Doubtful: st.Doubtful, Missing: st.Missing, MissingNames: []string{}}
		for _, rs := range st.Reporters {
			if rs.Status == ReportMissing && len(rd.MissingNames) < 50 {
				rd.MissingNames = append(rd.MissingNames, rs.Name)
			}
		}
		out = append(out, rd)
	}
	return out, nil
}

// OwnStatus is a reporter's own part of a regime: its latest period
// due (the current one until one is), and whether it reported it.
func (s *Store) OwnStatus(ctx context.Context, u User, r Regime) (period, status string, err error) {
	now := s.now().In(vietnam)
	p, ok := r.lastDuePeriod(now)
	if !ok {
		p = r.PeriodOf(now)
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT status, on_time FROM submissions WHERE regime_id = ? AND period = ? AND reporter = ?`), r.ID, p, u.Agency)
	if err != nil {
		return p, "", err
	}
	defer rows.Close()
	status = ReportMissing
	for rows.Next() {
		var st string
		var on int
		if err := rows.Scan(&st, &on); err != nil {
			return p, "", err
		}
		switch {
		case st != SubmissionDoubtful && on == 1:
			status = ReportOnTime
		case st != SubmissionDoubtful && status != ReportOnTime:
			status = ReportLate
		case status == ReportMissing:
			status = ReportDoubtful
		}
	}
	return p, status, rows.Err()
}
