package recordstest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/pipelines/doc"
)

// runRegimes is the reporting system: a regime's reporters, reports
// matched to it as they arrive, who is missing, the figures read.
func runRegimes(t *testing.T, s *records.Store) {
	ctx := context.Background()
	for _, a := range []records.Agency{
		{Code: "so-tc", Name: "SỞ TÀI CHÍNH TỈNH QUẢNG NGÃI"},
		{Code: "ubnd-an", Name: "ỦY BAN NHÂN DÂN HUYỆN AN LẠC"},
		{Code: "ubnd-binh", Name: "ỦY BAN NHÂN DÂN HUYỆN BÌNH SƠN"},
	} {
		if err := s.PutAgency(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	mk := func(name, role, agency, clearance string) records.User {
		u, err := s.CreateUser(ctx, records.User{Name: name, Role: role, Agency: agency, Clearance: clearance}, "mat-khau-dai-rg")
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	admin := mk("qt-stc", records.RoleAdmin, "so-tc", "")
	clerk := mk("vt-stc", records.RoleClerk, "so-tc", "")
	staff := mk("cv-stc", records.RoleStaff, "so-tc", "")
	reporter := mk("vt-an", records.RoleClerk, "ubnd-an", "")
	outsider := mk("vt-khac", records.RoleClerk, "ubnd-qn", "")

	tthc := records.Regime{Name: "Báo cáo kết quả giải quyết thủ tục hành chính", Period: records.PeriodYear, Due: "12-20",
		Reporters: []string{"ubnd-an", "ubnd-binh"}, Indicators: []string{"Số hồ sơ tiếp nhận", "Số hồ sơ giải quyết đúng hạn"}}

	t.Run("RegimesRefusedWithTheReason", func(t *testing.T) {
		if _, err := s.CreateRegime(ctx, clerk, tthc); !errors.Is(err, records.ErrForbidden) {
			t.Errorf("a clerk declared a regime: %v", err)
		}
		for _, c := range []struct {
			edit func(*records.Regime)
			want string
		}{
			{func(r *records.Regime) { r.Reporters = []string{"ubnd-an", "khong-ai"} }, "khong-ai"},
			{func(r *records.Regime) { r.Due = "02-30" }, "no such day"},
			{func(r *records.Regime) { r.Period, r.Due = records.PeriodMonth, "32" }, "1 to 31"},
			{func(r *records.Regime) { r.Period, r.Due = records.PeriodMonth, "12-20" }, "yearly"},
			{func(r *records.Regime) { r.Period = "weekly" }, "weekly"},
			{func(r *records.Regime) { r.Name = " " }, "name"},
			{func(r *records.Regime) { r.Reporters = nil }, "reporter"},
			{func(r *records.Regime) { r.Indicators = []string{"Số hồ sơ", "SỐ HỒ SƠ"} }, "twice"},
			{func(r *records.Regime) { r.Reporters = []string{"ubnd-an", "so-tc"} }, "itself"},
			{func(r *records.Regime) { r.Period, r.Due = records.PeriodOnce, "2001-01-01" }, "before today"},
			{func(r *records.Regime) { r.Period, r.Due = records.PeriodOnce, "9999-01-01" }, "YYYY-MM-DD"},
		} {
			r := tthc
			c.edit(&r)
			if _, err := s.CreateRegime(ctx, admin, r); !errors.Is(err, records.ErrInvalid) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%+v: %v (want the reason %q)", r, err, c.want)
			}
		}
	})

	var regime records.Regime
	t.Run("OneSubmittedOneMissing", func(t *testing.T) {
		var err error
		regime, err = s.CreateRegime(ctx, admin, tthc)
		if err != nil {
			t.Fatal(err)
		}
		again := tthc
		again.Name = "BÁO CÁO KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
		if _, err := s.CreateRegime(ctx, admin, again); !errors.Is(err, records.ErrTaken) {
			t.Errorf("a regime of the same name twice: %v", err)
		}
		bc := Rec("BC", "101", "BC-UBND", "ỦY BAN NHÂN DÂN HUYỆN AN LẠC", "Báo cáo kết quả giải quyết thủ tục hành chính năm 2025")
		bc.IssuedAt = "2025-12-10"
		bc.Figures = []doc.Figure{{Label: "Số hồ sơ tiếp nhận", Value: 1234, Text: "1.234", Confidence: 0.95},
			{Label: "Số hồ sơ giải quyết đúng hạn", Value: 1100, Text: "1.100", Confidence: 0.95}}
		u := records.Upload{Agency: "so-tc", Bucket: "uploads", Key: "bc-an.pdf", ETag: "e1", At: time.Date(2025, 12, 15, 9, 0, 0, 0, time.UTC)}
		for range 2 { // a redelivery makes no second submission
			r, err := s.Record(ctx, u, bc)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.ResolveNames(ctx, r.Document); err != nil {
				t.Fatal(err)
			}
		}
		// A report of another period kind and topic matches nothing.
		other := Rec("BC", "7", "BC-UBND", "ỦY BAN NHÂN DÂN HUYỆN BÌNH SƠN", "Báo cáo tình hình an ninh trật tự quý IV năm 2025")
		r, err := s.Record(ctx, records.Upload{Agency: "so-tc", Bucket: "uploads", Key: "bc-binh-q4.pdf", ETag: "e1", At: at}, other)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ResolveNames(ctx, r.Document); err != nil {
			t.Fatal(err)
		}
		_, ps, err := s.RegimeStatus(ctx, clerk, regime.ID, "2025")
		if err != nil || len(ps) != 1 {
			t.Fatalf("status: %+v %v", ps, err)
		}
		p := ps[0]
		if p.Due != "2025-12-20" || p.OnTime != 1 || p.Missing != 1 || len(p.Reporters) != 2 {
			t.Fatalf("period: %+v", p)
		}
		an, binh := p.Reporters[0], p.Reporters[1]
		if an.Code != "ubnd-an" || an.Status != records.ReportOnTime || an.Submission == nil || an.Submission.Number != "101" || an.Name != "ỦY BAN NHÂN DÂN HUYỆN AN LẠC" {
			t.Errorf("the reporter who reported: %+v %+v", an, an.Submission)
		}
		if binh.Status != records.ReportMissing || binh.Submission != nil {
			t.Errorf("the reporter who did not: %+v", binh)
		}
		subs, err := s.Submissions(ctx, clerk, regime.ID, "")
		if err != nil || len(subs) != 1 {
			t.Errorf("one submission, whatever the redeliveries and other reports: %+v %v", subs, err)
		}
		c, err := s.Consolidate(ctx, staff, regime.ID, "2025")
		if err != nil || c.Totals[0] != 1234 || c.Totals[1] != 1100 || len(c.Missing) != 1 || c.Missing[0] != "ỦY BAN NHÂN DÂN HUYỆN BÌNH SƠN" {
			t.Errorf("consolidation: %+v %v", c, err)
		}
		if _, _, err := s.RegimeStatus(ctx, outsider, regime.ID, "2025"); !errors.Is(err, records.ErrNotFound) {
			t.Errorf("another agency read the status: %v", err)
		}
		if _, _, err := s.RegimeStatus(ctx, reporter, regime.ID, "2025"); !errors.Is(err, records.ErrNotFound) {
			t.Errorf("a reporter read every reporter's status: %v", err)
		}
		if _, err := s.Regime(ctx, reporter, regime.ID); err != nil {
			t.Errorf("a reporter does not see the regime it reports under: %v", err)
		}
		for _, p := range []string{"2025-Q1", "0000", "9999", "1999"} {
			if _, _, err := s.RegimeStatus(ctx, clerk, regime.ID, p); !errors.Is(err, records.ErrInvalid) {
				t.Errorf("period %s of a yearly regime: %v", p, err)
			}
		}
	})

	t.Run("DoubtfulWaitsForAPerson", func(t *testing.T) {
		bc := Rec("BC", "55", "BC-UBND", "ỦY BAN NHÂN DÂN HUYỆN BÌNH SƠN", "Báo cáo kết quả giải quyết thủ tục hành chính")
		bc.IssuedAt = "2025-12-28"
		bc.Figures = []doc.Figure{{Label: "Tổng số hồ sơ tiếp nhận", Value: 800, Text: "800", Confidence: 0.9}}
		r, err := s.Record(ctx, records.Upload{Agency: "so-tc", Bucket: "uploads", Key: "bc-binh.pdf", ETag: "e1", At: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)}, bc)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ResolveNames(ctx, r.Document); err != nil {
			t.Fatal(err)
		}
		_, ps, err := s.RegimeStatus(ctx, clerk, regime.ID, "2025")
		if err != nil || ps[0].Reporters[1].Status != records.ReportDoubtful {
			t.Fatalf("a report naming no period is doubtful: %+v %v", ps, err)
		}
		if c, _ := s.Consolidate(ctx, clerk, regime.ID, "2025"); c.Totals[0] != 1234 {
			t.Errorf("a doubtful report was counted: %+v", c.Totals)
		}
		if _, err := s.ConfirmSubmission(ctx, staff, regime.ID, r.Document.ID, "2025", "ubnd-binh"); !errors.Is(err, records.ErrForbidden) {
			t.Errorf("staff confirmed: %v", err)
		}
		if _, err := s.ConfirmSubmission(ctx, clerk, regime.ID, r.Document.ID, "2025", "ubnd-qn"); !errors.Is(err, records.ErrInvalid) {
			t.Errorf("confirmed for an agency that does not report: %v", err)
		}
		sb, err := s.ConfirmSubmission(ctx, clerk, regime.ID, r.Document.ID, "2025", "ubnd-binh")
		if err != nil || sb.Status != records.SubmissionConfirmed || sb.OnTime {
			t.Fatalf("confirm: %+v %v", sb, err)
		}
		_, ps, _ = s.RegimeStatus(ctx, clerk, regime.ID, "2025")
		if ps[0].Reporters[1].Status != records.ReportLate || ps[0].Missing != 0 || ps[0].Late != 1 {
			t.Errorf("confirmed, received after the due day: %+v", ps[0])
		}
		if err := s.CorrectFigures(ctx, clerk, regime.ID, sb.ID, map[string]float64{"Số hồ sơ giải quyết đúng hạn": 790}); err != nil {
			t.Fatal(err)
		}
		if err := s.CorrectFigures(ctx, staff, regime.ID, sb.ID, map[string]float64{"Số hồ sơ giải quyết đúng hạn": 1}); !errors.Is(err, records.ErrForbidden) {
			t.Errorf("staff corrected a figure: %v", err)
		}
		if err := s.CorrectFigures(ctx, clerk, regime.ID, sb.ID, map[string]float64{"Số hồ sơ tiếp nhận": 5, "Không có": 1}); !errors.Is(err, records.ErrInvalid) {
			t.Errorf("a figure of no indicator: %v", err)
		}
		c, err := s.Consolidate(ctx, clerk, regime.ID, "2025")
		if err != nil || c.Totals[0] != 2034 || c.Totals[1] != 1890 || len(c.Missing) != 0 {
			t.Errorf("after confirming: %+v %v", c, err)
		}
		// A new reading keeps what the person said.
		r2, err := s.Record(ctx, records.Upload{Agency: "so-tc", Bucket: "uploads", Key: "bc-binh.pdf", ETag: "e1"}, bc)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ResolveNames(ctx, r2.Document); err != nil {
			t.Fatal(err)
		}
		if subs, _ := s.Submissions(ctx, clerk, regime.ID, records.SubmissionConfirmed); len(subs) != 1 || subs[0].DecidedBy != clerk.Name {
			t.Errorf("a redelivery moved a person's decision: %+v", subs)
		}
		if err := s.RejectSubmission(ctx, outsider, regime.ID, sb.ID); !errors.Is(err, records.ErrNotFound) {
			t.Errorf("another agency rejected a submission: %v", err)
		}
	})

	t.Run("AGenericRegimeOnlyDoubtful", func(t *testing.T) {
		// "Báo cáo định kỳ" names no topic: a report of the period is
		// at most a doubt for a person, never counted by itself.
		g, err := s.CreateRegime(ctx, admin, records.Regime{Name: "Báo cáo định kỳ", Period: records.PeriodQuarter, Due: "25", Reporters: []string{"ubnd-binh"}})
		if err != nil {
			t.Fatal(err)
		}
		bc := Rec("BC", "77", "BC-UBND", "ỦY BAN NHÂN DÂN HUYỆN BÌNH SƠN", "Báo cáo tình hình an ninh trật tự quý II năm 2025")
		r, err := s.Record(ctx, records.Upload{Agency: "so-tc", Bucket: "uploads", Key: "bc-binh-q2.pdf", ETag: "e1", At: at}, bc)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ResolveNames(ctx, r.Document); err != nil {
			t.Fatal(err)
		}
		_, ps, err := s.RegimeStatus(ctx, clerk, g.ID, "2025-Q2")
		if err != nil || ps[0].Reporters[0].Status != records.ReportDoubtful {
			t.Errorf("a generic regime took a report for sure: %+v %v", ps, err)
		}
	})

	t.Run("ReportedFromTheReportersOwnAccount", func(t *testing.T) {
		// The report is in before its regime is declared: the regime
		// still sees it.
		bc := Rec("BC", "120", "BC-UBND", "ỦY BAN NHÂN DÂN HUYỆN AN LẠC", "Báo cáo tình hình kinh tế - xã hội tháng 11 năm 2025")
		bc.IssuedAt = "2025-11-18"
		// The same report, kept by the reporter and addressed to no one:
		// the receiver is given nothing of it.
		kept := bc
		kept.Number = "119"
		r0, err := s.Record(ctx, records.Upload{Agency: "ubnd-an", Bucket: "uploads", Key: "an-kt-11-noi-bo.pdf", ETag: "e1", At: time.Date(2025, 11, 19, 8, 0, 0, 0, time.UTC)}, kept)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ResolveNames(ctx, r0.Document); err != nil {
			t.Fatal(err)
		}
		// A report another agency sent the reporter, addressed to the
		// receiver too, is not the reporter's report.
		theirs := Rec("BC", "33", "BC-XA", "ỦY BAN NHÂN DÂN XÃ AN PHÚ", "Báo cáo tình hình kinh tế - xã hội tháng 11 năm 2025")
		theirs.Recipients = []string{"Sở Tài chính tỉnh Quảng Ngãi", "UBND huyện An Lạc"}
		r1, err := s.Record(ctx, records.Upload{Agency: "ubnd-an", Bucket: "uploads", Key: "xa-an-phu-11.pdf", ETag: "e1", At: time.Date(2025, 11, 19, 7, 0, 0, 0, time.UTC)}, theirs)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ResolveNames(ctx, r1.Document); err != nil {
			t.Fatal(err)
		}
		bc.Recipients = []string{"Sở Tài chính tỉnh Quảng Ngãi"}
		r, err := s.Record(ctx, records.Upload{Agency: "ubnd-an", Bucket: "uploads", Key: "an-kt-11.pdf", ETag: "e1", At: time.Date(2025, 11, 19, 9, 0, 0, 0, time.UTC)}, bc)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ResolveNames(ctx, r.Document); err != nil {
			t.Fatal(err)
		}
		kt, err := s.CreateRegime(ctx, admin, records.Regime{Name: "Báo cáo tình hình kinh tế - xã hội", Period: records.PeriodMonth, Due: "20",
			Reporters: []string{"ubnd-an"}, Indicators: []string{}})
		if err != nil {
			t.Fatal(err)
		}
		_, ps, err := s.RegimeStatus(ctx, clerk, kt.ID, "2025-11")
		if err != nil || ps[0].Due != "2025-11-20" || ps[0].Reporters[0].Status != records.ReportOnTime {
			t.Fatalf("the reporter's own upload: %+v %v", ps, err)
		}
		sb := ps[0].Reporters[0].Submission
		if sb.DocumentID != r.Document.ID {
			t.Errorf("the report addressed to no one reached the receiver: %+v", sb)
		}
		if subs, _ := s.Submissions(ctx, clerk, kt.ID, ""); len(subs) != 1 {
			t.Errorf("submissions: %+v", subs)
		}
		if d, err := s.SubmissionDocument(ctx, clerk, kt.ID, sb.ID); err != nil || d.ID != r.Document.ID {
			t.Errorf("the receiver reads the report it was sent: %v", err)
		}
		if _, err := s.SubmissionDocument(ctx, outsider, kt.ID, sb.ID); !errors.Is(err, records.ErrNotFound) {
			t.Errorf("another agency read a submitted report: %v", err)
		}
		if _, ps, err := s.RegimeStatus(ctx, clerk, kt.ID, "2025"); err != nil || len(ps) != 12 || ps[10].Period != "2025-11" || ps[9].Missing != 1 {
			t.Errorf("a year of a monthly regime: %d periods %v", len(ps), err)
		}
	})
}
