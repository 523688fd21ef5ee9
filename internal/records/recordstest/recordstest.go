// Package recordstest is the conformance suite of the records store: the
// same tests run against SQLite always and PostgreSQL when VANTHU_PG_URL
// is set (scripts/test sets it).
package recordstest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/internal/viet"
	"github.com/vanthu/vanthu/pipelines/doc"
)

// Rec is an extraction record with every field read confidently.
func Rec(docType, number, symbol, issuer, subject string) doc.Record {
	r := doc.NewRecord(number + ".pdf")
	r.DocType, r.Number, r.Symbol, r.Issuer, r.IssuedAt, r.Subject = docType, number, symbol, issuer, "2025-03-03", subject
	r.Signer, r.SignerTitle = "Nguyễn Văn A", "PHÓ CHỦ TỊCH"
	for _, f := range []string{"doc_type", "number", "symbol", "issuer", "issued_at", "subject", "signer", "signer_title"} {
		r.Confidence[f] = 0.97
	}
	return r
}

var at = time.Date(2025, 3, 5, 9, 0, 0, 0, time.UTC)

// Run runs the suite on a fresh store.
func Run(t *testing.T, s *records.Store) {
	ctx := context.Background()
	if err := s.PutAgency(ctx, records.Agency{Code: "ubnd-qn", Name: "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"}); err != nil {
		t.Fatal(err)
	}
	clerk, err := s.CreateUser(ctx, records.User{Name: "vanthu-qn", Role: records.RoleClerk, Agency: "ubnd-qn"}, "mat-khau-dai-1")
	if err != nil {
		t.Fatal(err)
	}
	up := func(key string) records.Upload {
		return records.Upload{Agency: "ubnd-qn", Bucket: "uploads", Key: key, ETag: "e1", At: at}
	}

	t.Run("ReportRegimes", func(t *testing.T) { runRegimes(t, s) })
	t.Run("AccountsByTheAdmin", func(t *testing.T) { accounts(t, s) })

	t.Run("ArrivalNumbersGaplessUnderConcurrency", func(t *testing.T) {
		var wg sync.WaitGroup
		errs := make(chan error, 50)
		for i := range 50 {
			wg.Go(func() {
				_, err := s.Record(ctx, records.Upload{Agency: "so-gap", Bucket: "uploads", Key: fmt.Sprintf("gap/%d.pdf", i), ETag: "e", At: at},
					Rec("CV", fmt.Sprint(100+i), "SXD-KT", "SỞ XÂY DỰNG", "V/v số "+fmt.Sprint(i)))
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.Incoming(ctx, records.RegisterFilter{Agency: "so-gap", Year: 2025})
		if err != nil || len(got) != 50 {
			t.Fatalf("%d entries, %v", len(got), err)
		}
		for i, e := range got {
			if e.ArrivalNumber != i+1 {
				t.Fatalf("entry %d has arrival number %d", i, e.ArrivalNumber)
			}
		}
	})

	t.Run("RetryNeverDuplicates", func(t *testing.T) {
		rec := Rec("QĐ", "12", "QĐ-UBND", "UBND HUYỆN BA TƠ", "Về việc thành lập Tổ công tác")
		var wg sync.WaitGroup
		res := make(chan records.Result, 8)
		for range 8 {
			wg.Go(func() {
				r, err := s.Record(ctx, up("retry.pdf"), rec)
				if err != nil {
					t.Error(err)
				}
				res <- r
			})
		}
		wg.Wait()
		close(res)
		var numbers []int
		news := 0
		for r := range res {
			numbers = append(numbers, r.Incoming.ArrivalNumber)
			if r.New {
				news++
			}
		}
		if news != 1 || slices.Min(numbers) != slices.Max(numbers) {
			t.Errorf("eight deliveries of one upload: %d recorded anew, numbers %v", news, numbers)
		}
		lines, _ := s.Incoming(ctx, records.RegisterFilter{Agency: "ubnd-qn"})
		n := 0
		for _, l := range lines {
			if l.Key == "retry.pdf" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d register lines for one upload", n)
		}
	})

	t.Run("DuplicatesLinkedNotNumbered", func(t *testing.T) {
		rec := Rec("TB", "46", "TB-UBND", "UBND TỈNH BÌNH ĐỊNH", "Kết luận cuộc họp")
		a, err := s.Record(ctx, up("dup-a.pdf"), rec)
		if err != nil {
			t.Fatal(err)
		}
		rec.Number = "046" // leading zero, other case of the issuer
		rec.Issuer = "Ubnd tỉnh Bình Định"
		b, err := s.Record(ctx, up("dup-b.pdf"), rec)
		if err != nil {
			t.Fatal(err)
		}
		if b.Incoming.DuplicateOf != a.Incoming.ID || b.Incoming.ArrivalNumber != 0 {
			t.Errorf("rescan: %+v (first %d)", b.Incoming, a.Incoming.ID)
		}
		c, _ := s.Record(ctx, up("dup-c.pdf"), Rec("TB", "47", "TB-UBND", "UBND TỈNH BÌNH ĐỊNH", "Khác"))
		if c.Incoming.ArrivalNumber != a.Incoming.ArrivalNumber+1 {
			t.Errorf("after a duplicate: number %d, want %d (no gap)", c.Incoming.ArrivalNumber, a.Incoming.ArrivalNumber+1)
		}
	})

	t.Run("HandwrittenNumberRankedByNeighbours", func(t *testing.T) {
		// The Sở Tài chính's letters of one week, typed; then one whose
		// pen number the reader took for "5" (or "6").
		for _, n := range []struct{ num, day string }{{"14", "2025-01-14"}, {"16", "2025-01-16"}, {"17", "2025-01-17"}} {
			r := Rec("CV", n.num, "STC-NS", "SỞ TÀI CHÍNH", "Về dự toán "+n.num)
			r.IssuedAt = n.day
			if _, err := s.Record(ctx, up("nb-"+n.num+".pdf"), r); err != nil {
				t.Fatal(err)
			}
		}
		r := Rec("CV", "5", "STC-NS", "Sở Tài chính", "Về quyết toán")
		r.IssuedAt = "2025-01-15"
		r.Confidence["number"] = 0.6
		r.Candidates = map[string][]doc.Candidate{"number": {{Digits: "5", P: 0.6}, {Digits: "6", P: 0.3}}}
		res, err := s.Record(ctx, up("nb-pen.pdf"), r)
		if err != nil {
			t.Fatal(err)
		}
		if res.Incoming == nil || res.Incoming.Number != "15" || res.Incoming.DuplicateOf != 0 {
			t.Fatalf("pen number between 14 and 16: %+v", res.Incoming)
		}
		got, err := s.DocumentFor(ctx, clerk, res.Document.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Record.Number != "15" || got.Record.Confidence["number"] > 0.75 || got.Status != records.StatusReview {
			t.Errorf("record: number %q at %.2f, status %s; want 15, still for a person to confirm", got.Record.Number, got.Record.Confidence["number"], got.Status)
		}
		// The same reading from another issuer, which has no neighbours:
		// it stands as read.
		r.Issuer, r.Symbol = "SỞ Y TẾ", "SYT-KH"
		res, err = s.Record(ctx, up("nb-other.pdf"), r)
		if err != nil || res.Incoming == nil || res.Incoming.Number != "5" {
			t.Errorf("no neighbours: %+v %v", res.Incoming, err)
		}
	})

	t.Run("HandwrittenDayNotAfterArrival", func(t *testing.T) {
		// Arrived on 5 March; the pen day read as the 7th (or the 1st).
		r := Rec("TB", "61", "TB-STP", "SỞ TƯ PHÁP", "Thông báo lịch tiếp dân")
		r.IssuedAt, r.Confidence["issued_at"] = "2025-03-07", 0.6
		r.Candidates = map[string][]doc.Candidate{"issued_at": {{Digits: "7", P: 0.6}, {Digits: "1", P: 0.3}}}
		res, err := s.Record(ctx, up("day-pen.pdf"), r)
		if err != nil {
			t.Fatal(err)
		}
		if res.Incoming == nil || res.Incoming.IssuedAt != "2025-03-01" {
			t.Errorf("a day after arrival: %+v, want 2025-03-01", res.Incoming)
		}
	})

	t.Run("SignersKnownToTheArchive", func(t *testing.T) {
		// A typed letter of the Ban Dân tộc signed by Phạm Trường Thọ; a
		// scan of another whose OCR lost the family name and the marks.
		typed := Rec("CV", "201", "BDT-VP", "BAN DÂN TỘC TỈNH QUẢNG NGÃI", "Về chính sách dân tộc")
		typed.Signer = "Phạm Trường Thọ"
		if _, err := s.Record(ctx, up("sg-typed.pdf"), typed); err != nil {
			t.Fatal(err)
		}
		scan := Rec("CV", "202", "BDT-VP", "Ban Dân tộc tỉnh Quảng Ngãi", "Về đề án")
		scan.Signer, scan.Confidence["signer"] = "Trương Thọ", 0.6
		r, err := s.Record(ctx, up("sg-scan.pdf"), scan)
		if err != nil {
			t.Fatal(err)
		}
		if r.Incoming == nil || r.Incoming.Signer != "Phạm Trường Thọ" {
			t.Fatalf("scanned signer: %+v", r.Incoming)
		}
		// A name only a person knew: put right in review, then known.
		first := Rec("TB", "12", "TB-BQL", "BAN QUẢN LÝ CÁC KHU CÔNG NGHIỆP", "Thông báo kết luận")
		first.Signer, first.Confidence["signer"] = "Tran Phuoc Hien", 0.5
		a, err := s.Record(ctx, up("sg-first.pdf"), first)
		if err != nil {
			t.Fatal(err)
		}
		if a.Incoming.Signer != "Tran Phuoc Hien" {
			t.Fatalf("nothing known yet, the reading stands: %+v", a.Incoming)
		}
		if _, err := s.Correct(ctx, clerk, a.Document.ID, map[string]string{"signer": "Trần Phước Hiền"}); err != nil {
			t.Fatal(err)
		}
		next := Rec("TB", "13", "TB-BQL", "BAN QUẢN LÝ CÁC KHU CÔNG NGHIỆP", "Thông báo khác")
		next.Signer, next.Confidence["signer"] = "Trần Phuớc Hiên", 0.5
		b, err := s.Record(ctx, up("sg-next.pdf"), next)
		if err != nil {
			t.Fatal(err)
		}
		if b.Incoming.Signer != "Trần Phước Hiền" {
			t.Errorf("after the correction: signer %q, want Trần Phước Hiền", b.Incoming.Signer)
		}
		// Another agency's archive knows nothing of it.
		other := next
		other.Number = "14"
		o, err := s.Record(ctx, records.Upload{Agency: "so-khac", Bucket: "uploads", Key: "sg-other.pdf", ETag: "e1", At: at}, other)
		if err != nil || o.Incoming.Signer != "Trần Phuớc Hiên" {
			t.Errorf("another agency: signer %+v %v, want the reading as it was", o.Incoming, err)
		}
		// Names of secret documents stay out of what everyone's readings use.
		sec := Rec("CV", "7", "CV-CA", "CÔNG AN HUYỆN SƠN TỊNH", "Về an ninh")
		sec.Signer, sec.Confidentiality = "Ngô Văn Công", "MẬT"
		if _, err := s.Record(ctx, up("sg-secret.pdf"), sec); err != nil {
			t.Fatal(err)
		}
		guess := Rec("CV", "8", "CV-CA", "CÔNG AN HUYỆN SƠN TỊNH", "Về giao thông")
		guess.Signer, guess.Confidence["signer"] = "Ngo Van Cong", 0.5
		g, err := s.Record(ctx, up("sg-guess.pdf"), guess)
		if err != nil {
			t.Fatal(err)
		}
		if g.Incoming.Signer != "Ngo Van Cong" {
			t.Errorf("a secret document's signer taught the archive: %q", g.Incoming.Signer)
		}
	})

	t.Run("IssuersKnownToTheArchive", func(t *testing.T) {
		// A typed letter of a two-line issuer; a scan of another whose
		// header lost its second line and marks.
		typed := Rec("CV", "301", "BQL-QLDN", "BAN QUẢN LÝ KHU KINH TẾ DUNG QUẤT VÀ CÁC KHU CÔNG NGHIỆP", "Về lao động")
		if _, err := s.Record(ctx, up("is-typed.pdf"), typed); err != nil {
			t.Fatal(err)
		}
		cut := Rec("CV", "302", "BQL-QLDN", "BAN QUAN LY KHU KINH TE DUNG QUAT VA", "Về đầu tư")
		cut.Confidence["issuer"] = 0.6
		r, err := s.Record(ctx, up("is-cut.pdf"), cut)
		if err != nil {
			t.Fatal(err)
		}
		if r.Incoming == nil || r.Incoming.Issuer != "BAN QUẢN LÝ KHU KINH TẾ DUNG QUẤT VÀ CÁC KHU CÔNG NGHIỆP" {
			t.Fatalf("cut-off issuer: %+v", r.Incoming)
		}
		if !slices.Contains(r.Document.Review, "issuer") {
			t.Errorf("a completed issuer is for a person to confirm: review %v", r.Document.Review)
		}
		// The directory is known without any document: the agency's own
		// name read without marks makes an outgoing document.
		if err := s.PutAgency(ctx, records.Agency{Code: "syt-qn", Name: "SỞ Y TẾ TỈNH QUẢNG NGÃI"}); err != nil {
			t.Fatal(err)
		}
		own := Rec("QĐ", "303", "QĐ-SYT", "SO Y TE TINH QUANG NGAI", "Về quy hoạch")
		own.Confidence["issuer"] = 0.5
		o, err := s.Record(ctx, records.Upload{Agency: "syt-qn", Bucket: "uploads", Key: "is-own.pdf", ETag: "e1", At: at}, own)
		if err != nil {
			t.Fatal(err)
		}
		if !o.Outgoing {
			t.Errorf("own issuer read without marks: not outgoing (incoming %+v)", o.Incoming)
		}
		// Put right by a person, then known; another agency knows nothing.
		first := Rec("TB", "40", "TB-BCĐ", "BAN CHI DAO PHONG CHONG THIEN TAI", "Thông báo trực ban")
		first.Confidence["issuer"] = 0.5
		a, err := s.Record(ctx, up("is-first.pdf"), first)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Correct(ctx, clerk, a.Document.ID, map[string]string{"issuer": "BAN CHỈ ĐẠO PHÒNG CHỐNG THIÊN TAI"}); err != nil {
			t.Fatal(err)
		}
		next := Rec("TB", "41", "TB-BCĐ", "BAN CHÍ ĐẠO PHÒNG CHỐNG THIÊN TAI", "Thông báo khác")
		next.Confidence["issuer"] = 0.5
		b, err := s.Record(ctx, up("is-next.pdf"), next)
		if err != nil {
			t.Fatal(err)
		}
		if b.Incoming.Issuer != "BAN CHỈ ĐẠO PHÒNG CHỐNG THIÊN TAI" {
			t.Errorf("after the correction: issuer %q", b.Incoming.Issuer)
		}
		other := next
		other.Number = "42"
		x, err := s.Record(ctx, records.Upload{Agency: "so-khac", Bucket: "uploads", Key: "is-other.pdf", ETag: "e1", At: at}, other)
		if err != nil || x.Incoming.Issuer != "BAN CHÍ ĐẠO PHÒNG CHỐNG THIÊN TAI" {
			t.Errorf("another agency: issuer %+v %v, want the reading as it was", x.Incoming, err)
		}
	})

	t.Run("TypesLearnedFromTheArchive", func(t *testing.T) {
		invite := "GIẤY MỜI Kính mời đồng chí đến dự họp. Thời gian: 8 giờ. Địa điểm: hội trường. Đề nghị đồng chí tham dự đúng giờ"
		notice := "THÔNG BÁO Kết luận của Chủ tịch tại buổi làm việc. Thông báo để các cơ quan, đơn vị biết và thực hiện"
		rec := func(agency, key, docType, text, secret string, conf float64) records.Result {
			t.Helper()
			r := Rec(docType, fmt.Sprint(len(key)), "UBND-VP", "ỦY BAN NHÂN DÂN HUYỆN TƯ NGHĨA", "")
			r.Text, r.Confidence["doc_type"], r.Confidentiality = text, conf, secret
			res, err := s.Record(ctx, records.Upload{Agency: agency, Bucket: "uploads", Key: key, ETag: "e1", At: at}, r)
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		for i := range 12 {
			rec("so-tm", fmt.Sprintf("tm-gm-%d.pdf", i), "GM", invite, "", 0.99)
			rec("so-tm", fmt.Sprintf("tm-tb-%d.pdf", i), "TB", notice, "", 0.99)
			// Secret documents teach no one: this agency's model stays mute.
			rec("so-mat", fmt.Sprintf("tm-mat-%d.pdf", i), "GM", invite, "MẬT", 0.99)
			rec("so-mat", fmt.Sprintf("tm-mat2-%d.pdf", i), "TB", notice, "MẬT", 0.99)
		}
		// Title and symbol misread: the classifier said CV, unsure.
		unsure := rec("so-tm", "tm-unsure.pdf", "CV", "GIAY MOI Kinh moi dong chi den du hop. Dia diem: hoi truong", "", 0.4)
		if unsure.Document.Record.DocType != "GM" || unsure.Document.Record.Confidence["doc_type"] >= 0.8 || !slices.Contains(unsure.Document.Review, "doc_type") {
			t.Errorf("unsure: %s at %.2f, review %v; want GM put forward for review", unsure.Document.Record.DocType,
				unsure.Document.Record.Confidence["doc_type"], unsure.Document.Review)
		}
		if m := rec("so-mat", "tm-mat-unsure.pdf", "CV", "GIAY MOI Kinh moi dong chi den du hop", "", 0.4); m.Document.Record.DocType != "CV" {
			t.Errorf("secret documents taught the model: %s", m.Document.Record.DocType)
		}
		if o := rec("so-khac", "tm-other.pdf", "CV", "GIAY MOI Kinh moi dong chi den du hop", "", 0.4); o.Document.Record.DocType != "CV" {
			t.Errorf("another agency's model: %s", o.Document.Record.DocType)
		}
		// A person's type teaches it too: a type the model had not seen.
		clerkTM, err := s.CreateUser(ctx, records.User{Name: "vanthu-tm", Role: records.RoleClerk, Agency: "so-tm"}, "mat-khau-dai-1")
		if err != nil {
			t.Fatal(err)
		}
		plan := "KẾ HOẠCH Triển khai thực hiện chương trình chuyển đổi số năm 2025. Mục đích, yêu cầu. Nhiệm vụ và giải pháp. Tổ chức thực hiện"
		for i := range 3 {
			r := rec("so-tm", fmt.Sprintf("tm-kh-%d.pdf", i), "CV", plan, "", 0.4)
			if r.Document.Record.DocType == "KH" {
				break
			}
			if _, err := s.Correct(ctx, clerkTM, r.Document.ID, map[string]string{"doc_type": "KH"}); err != nil {
				t.Fatal(err)
			}
		}
		if r := rec("so-tm", "tm-kh-next.pdf", "CV", plan, "", 0.4); r.Document.Record.DocType != "KH" {
			t.Errorf("after three corrections to KH: %s", r.Document.Record.DocType)
		}
	})

	t.Run("OutgoingForItsOwnDocuments", func(t *testing.T) {
		rec := Rec("QĐ", "88", "QĐ-UBND", "Ủy ban nhân dân tỉnh Quảng Ngãi", "Về việc ban hành quy chế")
		rec.Recipients = []string{"Sở Tài chính", "Sở Nội vụ"}
		r, err := s.Record(ctx, up("own.pdf"), rec)
		if err != nil || !r.Outgoing || r.Incoming != nil {
			t.Fatalf("own document: %+v %v", r, err)
		}
		out, err := s.OutgoingRegister(ctx, records.RegisterFilter{Agency: "ubnd-qn", Year: 2025})
		if err != nil || len(out) != 1 || out[0].Number != "88" || len(out[0].Recipients) != 2 {
			t.Errorf("outgoing register: %+v %v", out, err)
		}
	})

	t.Run("ReportMeetingAndTasks", func(t *testing.T) {
		bc := Rec("BC", "15", "BC-UBND", "UBND HUYỆN SƠN TỊNH", "Báo cáo tình hình kinh tế - xã hội tháng 2 năm 2025")
		if _, err := s.Record(ctx, up("bc.pdf"), bc); err != nil {
			t.Fatal(err)
		}
		rs, err := s.Reports(ctx, records.ReportFilter{Agency: "ubnd-qn", Regime: records.RegimeMonthly, Period: "2025-02"})
		if err != nil || len(rs) != 1 || rs[0].Due != "2025-02-20" || rs[0].OnTime || rs[0].ReportingAgency != "UBND HUYỆN SƠN TỊNH" {
			t.Errorf("report: %+v %v (received 2025-03-05, due 2025-02-20: late)", rs, err)
		}
		gm := Rec("GM", "30", "GM-UBND", "UBND HUYỆN BA TƠ", "Mời dự họp")
		gm.MeetingTime, gm.MeetingPlace = "2025-03-12T14:00", "Hội trường UBND huyện"
		gm.Text = "Trân trọng kính mời dự cuộc họp do đồng chí Trần Văn B, Chủ tịch UBND huyện chủ trì."
		gm.Recipients = []string{"Phòng Tài chính - Kế hoạch", "Phòng Nội vụ"}
		gm.Tasks = []doc.Task{{Assignee: "Phòng Tài chính - Kế hoạch", Task: "chuẩn bị báo cáo", Due: "2025-03-10"}}
		r, err := s.Record(ctx, up("gm.pdf"), gm)
		if err != nil {
			t.Fatal(err)
		}
		if r.Incoming.Deadline != "2025-03-10" || r.Incoming.ReceivingUnit != "Phòng Tài chính - Kế hoạch" {
			t.Errorf("deadline and unit from the task: %+v", r.Incoming)
		}
		ms, err := s.Meetings(ctx, "ubnd-qn", "2025-03-10", "2025-03-16", nil)
		if err != nil || len(ms) != 1 || ms[0].Chair != "Trần Văn B, Chủ tịch UBND huyện" || len(ms[0].Invitees) != 2 || ms[0].Starts != "2025-03-12T14:00" {
			t.Errorf("meeting: %+v %v", ms, err)
		}
		ts, err := s.Tasks(ctx, records.TaskFilter{Agency: "ubnd-qn", Assignee: "Phòng Tài chính - Kế hoạch", DueBefore: "2025-03-31"})
		if err != nil || len(ts) != 1 || ts[0].Task != "chuẩn bị báo cáo" || ts[0].Status != "open" {
			t.Fatalf("tasks: %+v %v", ts, err)
		}
		other := records.User{ID: 99, Name: "x", Role: records.RoleStaff, Agency: "so-khac"}
		if err := s.SetTaskStatus(ctx, other, ts[0].ID, "done"); !errors.Is(err, records.ErrNotFound) {
			t.Errorf("another agency closed a task: %v", err)
		}
		if err := s.SetTaskStatus(ctx, clerk, ts[0].ID, "done"); err != nil {
			t.Error(err)
		}
	})

	t.Run("ReviewCorrectApprove", func(t *testing.T) {
		rec := Rec("CV", "7", "UBND-KT", "UBND XÃ TỊNH KHÊ", "V/v hỗ trợ kinh phí")
		rec.Number, rec.Confidence["number"] = "1", 0.4 // a handwritten number, read unsure
		rec.Evidence["number"] = doc.Evidence{Page: 1, Box: [4]int{310, 402, 60, 38}}
		r, err := s.Record(ctx, up("review.pdf"), rec)
		if err != nil {
			t.Fatal(err)
		}
		if r.Document.Status != records.StatusReview || !slices.Equal(r.Document.Review, []string{"number"}) || r.Incoming.Status != records.StatusReview {
			t.Fatalf("low confidence: %+v %+v", r.Document, r.Incoming)
		}
		q, _ := s.ReviewQueue(ctx, clerk, 0)
		if !slices.ContainsFunc(q, func(d records.Document) bool { return d.ID == r.Document.ID }) {
			t.Error("not in the review queue")
		}
		staff, _ := s.CreateUser(ctx, records.User{Name: "cv-qn", Role: records.RoleStaff, Agency: "ubnd-qn"}, "mat-khau-dai-2")
		if _, err := s.Correct(ctx, staff, r.Document.ID, map[string]string{"number": "7"}); !errors.Is(err, records.ErrForbidden) {
			t.Errorf("staff corrected a record: %v", err)
		}
		other, _ := s.CreateUser(ctx, records.User{Name: "vanthu-khac", Role: records.RoleClerk, Agency: "so-khac"}, "mat-khau-dai-3")
		if _, err := s.Correct(ctx, other, r.Document.ID, map[string]string{"number": "7"}); !errors.Is(err, records.ErrNotFound) {
			t.Errorf("a clerk of another agency corrected a record: %v", err)
		}
		if _, err := s.Correct(ctx, clerk, r.Document.ID, map[string]string{"text": "x"}); err == nil {
			t.Error("corrected a field that is not correctable")
		}
		d, err := s.Correct(ctx, clerk, r.Document.ID, map[string]string{"number": "7"})
		if err != nil || d.Status != records.StatusRegistered || d.Record.Number != "7" || len(d.Review) != 0 || d.Record.Confidence["number"] != 1 {
			t.Fatalf("after correction: %+v %v", d, err)
		}
		h, _ := s.History(ctx, clerk, d.ID)
		if len(h) != 1 || h[0].Old != "1" || h[0].New != "7" || h[0].User != "vanthu-qn" || h[0].Confidence != 0.4 || h[0].Evidence != `{"page":1,"box":[310,402,60,38]}` {
			t.Errorf("audit log: %+v", h)
		}
		lines, _ := s.Incoming(ctx, records.RegisterFilter{Agency: "ubnd-qn", Status: records.StatusRegistered})
		if !slices.ContainsFunc(lines, func(e records.Entry) bool { return e.DocumentID == d.ID && e.Number == "7" }) {
			t.Error("the register line did not follow the correction")
		}
		if _, err := s.Approve(ctx, staff, d.ID); !errors.Is(err, records.ErrForbidden) {
			t.Errorf("staff approved: %v", err)
		}
		leader, _ := s.CreateUser(ctx, records.User{Name: "ld-qn", Role: records.RoleLeader, Agency: "ubnd-qn"}, "mat-khau-dai-4")
		if d, err = s.Approve(ctx, leader, d.ID); err != nil || d.Status != records.StatusApproved {
			t.Errorf("approve: %+v %v", d, err)
		}
		// The clerk assigns who handles it: the register's unit, logged too.
		if d, err = s.Correct(ctx, clerk, d.ID, map[string]string{"receiving_unit": "Phòng Kinh tế"}); err != nil {
			t.Fatal(err)
		}
		lines, _ = s.Incoming(ctx, records.RegisterFilter{Agency: "ubnd-qn", Unit: "Phòng Kinh tế"})
		if len(lines) != 1 || lines[0].DocumentID != d.ID {
			t.Errorf("by receiving unit after assigning it: %+v", lines)
		}
		if h, _ := s.History(ctx, clerk, d.ID); len(h) < 2 || h[len(h)-1].Field != "receiving_unit" || h[len(h)-1].New != "Phòng Kinh tế" {
			t.Errorf("the assignment is not in the log: %+v", h)
		}
		cs, _ := s.Corrections(ctx, clerk)
		if len(cs) < 2 {
			t.Errorf("training data: %+v", cs)
		}
	})

	t.Run("SecretNeedsClearance", func(t *testing.T) {
		rec := Rec("CV", "5", "CV-CA", "CÔNG AN TỈNH", "V/v bảo vệ mục tiêu")
		rec.Confidentiality = "MẬT"
		rec.Tasks = []doc.Task{{Assignee: "Phòng Cảnh sát cơ động", Task: "bảo vệ mục tiêu", Due: "2025-03-20"}}
		r, err := s.Record(ctx, up("secret.pdf"), rec)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.DocumentFor(ctx, clerk, r.Document.ID); !errors.Is(err, records.ErrNotFound) {
			t.Errorf("an uncleared clerk read a MẬT document: %v", err)
		}
		lines, _ := s.Incoming(ctx, records.RegisterFilter{Agency: "ubnd-qn"})
		if slices.ContainsFunc(lines, func(e records.Entry) bool { return e.DocumentID == r.Document.ID }) {
			t.Error("an uncleared register listing shows a MẬT line")
		}
		cleared, _ := s.CreateUser(ctx, records.User{Name: "vt-mat", Role: records.RoleClerk, Agency: "ubnd-qn", Clearance: "Mật"}, "mat-khau-dai-5")
		if _, err := s.DocumentFor(ctx, cleared, r.Document.ID); err != nil {
			t.Errorf("a cleared clerk: %v", err)
		}
		lines, _ = s.Incoming(ctx, records.RegisterFilter{Agency: "ubnd-qn", Cleared: cleared.Cleared()})
		if !slices.ContainsFunc(lines, func(e records.Entry) bool { return e.DocumentID == r.Document.ID }) {
			t.Error("a cleared register listing lacks the MẬT line")
		}
		// Its tasks and corrections are out of the uncleared's reach too,
		// and a task out of reach answers as one that does not exist.
		ts, _ := s.Tasks(ctx, records.TaskFilter{Agency: "ubnd-qn", Cleared: cleared.Cleared()})
		var secretTask int64
		for _, x := range ts {
			if x.DocumentID == r.Document.ID {
				secretTask = x.ID
			}
		}
		if secretTask == 0 {
			t.Fatal("the MẬT document's task is not listed for the cleared")
		}
		if err := s.SetTaskStatus(ctx, clerk, secretTask, "done"); !errors.Is(err, records.ErrNotFound) {
			t.Errorf("an uncleared clerk changed a task of a MẬT document: %v", err)
		}
		if err := s.SetTaskStatus(ctx, clerk, 1<<40, "done"); !errors.Is(err, records.ErrNotFound) {
			t.Errorf("a task that does not exist: %v", err)
		}
		if err := s.SetTaskStatus(ctx, cleared, secretTask, "done"); err != nil {
			t.Errorf("the cleared closing it: %v", err)
		}
		if _, err := s.Correct(ctx, cleared, r.Document.ID, map[string]string{"subject": "V/v bảo vệ mục tiêu trọng yếu"}); err != nil {
			t.Fatal(err)
		}
		for _, c := range mustCorrections(t, s, clerk) {
			if c.DocumentID == r.Document.ID {
				t.Errorf("the uncleared export shows a correction of a MẬT document: %+v", c)
			}
		}
		if cs := mustCorrections(t, s, cleared); !slices.ContainsFunc(cs, func(c records.Correction) bool { return c.DocumentID == r.Document.ID }) {
			t.Error("the cleared export lacks the MẬT document's correction")
		}
		// A marking the machine cannot place is kept at the highest level.
		rec.Confidentiality = "TỐI" // half a stamp: TỐI MẬT? TỐI KHẨN?
		r, _ = s.Record(ctx, up("misread.pdf"), rec)
		if _, err := s.DocumentFor(ctx, cleared, r.Document.ID); !errors.Is(err, records.ErrNotFound) || !slices.Contains(r.Document.Review, "confidentiality") {
			t.Errorf("a misread marking: %v, review %v", err, r.Document.Review)
		}
	})

	t.Run("RegisterFilters", func(t *testing.T) {
		f := records.RegisterFilter{Agency: "ubnd-qn", From: "2025-03-05", To: "2025-03-05", Issuer: "ubnd tinh binh dinh", DocType: "TB"}
		lines, err := s.Incoming(ctx, f)
		if err != nil || len(lines) != 2 {
			t.Errorf("by date, issuer (unaccented) and type: %+v %v", lines, err)
		}
		f.From = "2025-03-06"
		if lines, _ := s.Incoming(ctx, f); len(lines) != 0 {
			t.Errorf("after the day: %+v", lines)
		}
		if _, err := s.Incoming(ctx, records.RegisterFilter{Agency: "ubnd-qn", From: "5/3/2025"}); err == nil {
			t.Error("a malformed date was taken")
		}
		if _, err := s.Incoming(ctx, records.RegisterFilter{}); err == nil {
			t.Error("a register of no agency was listed")
		}
	})

	t.Run("SecretBook", func(t *testing.T) {
		// State secrets are numbered in their own book: the ordinary
		// register shows no gap where one arrived.
		a := "so-mat-test"
		u := func(key string) records.Upload {
			return records.Upload{Agency: a, Bucket: "uploads", Key: key, ETag: "e1", At: at}
		}
		for i, conf := range []string{"", "MẬT", "", "TỐI MẬT", "", "MẬT?"} {
			r := Rec("CV", fmt.Sprint(100+i), "UBND-VP", "UBND HUYỆN MỘ ĐỨC", "V/v số "+fmt.Sprint(i))
			r.Confidentiality = conf
			if _, err := s.Record(ctx, u(fmt.Sprint("book-", i, ".pdf")), r); err != nil {
				t.Fatal(err)
			}
		}
		plain, _ := s.Incoming(ctx, records.RegisterFilter{Agency: a})
		var nums []int
		for _, e := range plain {
			nums = append(nums, e.ArrivalNumber)
			if e.Book != "" {
				t.Errorf("an uncleared listing shows a line of book %q", e.Book)
			}
		}
		if fmt.Sprint(nums) != "[1 2 3]" {
			t.Errorf("the ordinary register reads %v, want [1 2 3]", nums)
		}
		all, _ := s.Incoming(ctx, records.RegisterFilter{Agency: a, Cleared: records.Levels})
		var secret []int
		for _, e := range all {
			if e.Book == records.BookSecret {
				secret = append(secret, e.ArrivalNumber)
			}
		}
		if fmt.Sprint(secret) != "[1 2 3]" {
			t.Errorf("the secret register reads %v, want [1 2 3] (a marking not read as a level counts as secret)", secret)
		}
	})

	t.Run("SecrecyUnknownUntilRead", func(t *testing.T) {
		// Received and not read yet, then failed to be read: its marking is
		// unknown, so it is kept at the highest level. Only its uploader
		// follows it (status, no content), and those cleared TUYỆT MẬT.
		top, _ := s.CreateUser(ctx, records.User{Name: "vt-tm", Role: records.RoleClerk, Agency: "ubnd-qn", Clearance: "TUYỆT MẬT"}, "mat-khau-dai-8")
		mat, _ := s.CreateUser(ctx, records.User{Name: "vt-mat-2", Role: records.RoleClerk, Agency: "ubnd-qn", Clearance: "MẬT"}, "mat-khau-dai-9")
		u := up("pending.pdf")
		u.By = clerk.Name
		d, err := s.Received(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		check := func(state string) {
			t.Helper()
			if _, err := s.DocumentFor(ctx, clerk, d.ID); !errors.Is(err, records.ErrNotFound) {
				t.Errorf("%s: the uploader reads its content: %v", state, err)
			}
			if got, readable, err := s.UploadFor(ctx, clerk, d.ID); err != nil || readable || got.ID != d.ID {
				t.Errorf("%s: the uploader follows it: %v readable=%v", state, err, readable)
			}
			if _, err := s.DocumentFor(ctx, mat, d.ID); !errors.Is(err, records.ErrNotFound) {
				t.Errorf("%s: a MẬT clerk reads a document of unknown marking: %v", state, err)
			}
			if _, _, err := s.UploadFor(ctx, mat, d.ID); !errors.Is(err, records.ErrNotFound) {
				t.Errorf("%s: another clerk follows somebody's upload: %v", state, err)
			}
			if _, err := s.DocumentFor(ctx, top, d.ID); err != nil {
				t.Errorf("%s: the TUYỆT MẬT clerk: %v", state, err)
			}
			ds, _ := s.Documents(ctx, mat, "", 1000)
			if slices.ContainsFunc(ds, func(x records.Document) bool { return x.ID == d.ID }) {
				t.Errorf("%s: listed for a MẬT clerk", state)
			}
			ds, _ = s.Documents(ctx, clerk, "", 1000)
			if !slices.ContainsFunc(ds, func(x records.Document) bool { return x.ID == d.ID }) {
				t.Errorf("%s: not listed for its uploader", state)
			}
		}
		check("received")
		rec := doc.NewRecord("pending.pdf")
		rec.Error = "PDF is truncated"
		if _, err := s.Record(ctx, u, rec); err != nil {
			t.Fatal(err)
		}
		check("failed")
	})

	t.Run("RereadKeepsWhatPeopleSaid", func(t *testing.T) {
		first := Rec("CV", "12", "UBND-KT", "UBND XÃ TỊNH KHÊ", "V/v sửa chữa trường hoc")
		first.Signer, first.Confidence["signer"] = "Nguyen Van B", 0.5
		r, err := s.Record(ctx, up("reread.pdf"), first)
		if err != nil || r.Document.Status != records.StatusReview || r.Incoming == nil {
			t.Fatalf("first reading: %+v %v", r, err)
		}
		arrival := r.Incoming.ArrivalNumber
		d, err := s.Correct(ctx, clerk, r.Document.ID, map[string]string{"subject": "V/v sửa chữa trường học"})
		if err != nil {
			t.Fatal(err)
		}
		// A redelivery of a reading changes nothing.
		again := Rec("CV", "99", "UBND-KT", "UBND XÃ TỊNH KHÊ", "other")
		if r2, err := s.Record(ctx, up("reread.pdf"), again); err != nil || r2.Reread || r2.Document.Record.Number != "12" {
			t.Fatalf("redelivery merged: %+v %v", r2.Document.Record, err)
		}
		if marked, err := s.MarkReread(ctx, "uploads", "reread.pdf", "e1"); err != nil || !marked {
			t.Fatalf("mark: %v %v", marked, err)
		}
		// The better reader reads the signer and the number anew; the
		// subject a person corrected stays theirs.
		better := Rec("CV", "121", "UBND-KT", "UBND XÃ TỊNH KHÊ", "V/v sửa chữa trường hoc (machine)")
		better.Signer = "Nguyễn Văn Bình"
		better.Tasks = []doc.Task{{Assignee: "Phòng Giáo dục", Task: "kiểm tra", Due: "2025-04-01"}}
		r3, err := s.Record(ctx, up("reread.pdf"), better)
		if err != nil || !r3.Reread || r3.New {
			t.Fatalf("reread: %+v %v", r3, err)
		}
		got := r3.Document
		if got.ID != d.ID || got.Record.Subject != "V/v sửa chữa trường học" || got.Record.Number != "121" || got.Record.Signer != "Nguyễn Văn Bình" {
			t.Errorf("merged record: %+v", got.Record)
		}
		if got.Status != records.StatusRegistered || len(got.Review) != 0 {
			t.Errorf("status after a confident reading: %s %v", got.Status, got.Review)
		}
		if r3.Incoming == nil || r3.Incoming.ArrivalNumber != arrival || r3.Incoming.Number != "121" || r3.Incoming.Subject != "V/v sửa chữa trường học" {
			t.Errorf("register line: %+v (arrival was %d)", r3.Incoming, arrival)
		}
		if ts, _ := s.Tasks(ctx, records.TaskFilter{Agency: "ubnd-qn"}); !slices.ContainsFunc(ts, func(x records.Task) bool { return x.DocumentID == d.ID && x.Assignee == "Phòng Giáo dục" }) {
			t.Errorf("the new reading's task is not a task record: %+v", ts)
		}
		h, _ := s.History(ctx, clerk, d.ID)
		if len(h) == 0 || h[len(h)-1].Field != "reading" || h[len(h)-1].User != records.MachineName || !strings.Contains(h[len(h)-1].New, "number") || strings.Contains(h[len(h)-1].New, "subject") {
			t.Errorf("history of the reread: %+v", h)
		}
		if ps, _ := s.PendingReindex(ctx, 100); !slices.ContainsFunc(ps, func(x records.Document) bool { return x.ID == d.ID }) {
			t.Error("the search index is not told of the new reading")
		}
		// Approved: a person vouched for every field; a new reading moves none.
		leader, _ := s.UserByName(ctx, "ld-qn")
		if leader.ID == 0 {
			leader, _ = s.CreateUser(ctx, records.User{Name: "ld-qn-2", Role: records.RoleLeader, Agency: "ubnd-qn"}, "mat-khau-dai-9")
		}
		if _, err := s.Approve(ctx, leader, d.ID); err != nil {
			t.Fatal(err)
		}
		s.MarkReread(ctx, "uploads", "reread.pdf", "e1")
		worse := Rec("CV", "1", "UBND-K", "UBND XA TINH KHE", "x")
		r4, err := s.Record(ctx, up("reread.pdf"), worse)
		if err != nil || !r4.Reread || r4.Document.Status != records.StatusApproved || r4.Document.Record.Number != "121" || r4.Document.Record.Issuer != "UBND XÃ TỊNH KHÊ" {
			t.Errorf("approved document moved: %+v %v", r4.Document, err)
		}
		// A reading that fails keeps the former one.
		s.MarkReread(ctx, "uploads", "reread.pdf", "e1")
		bad := doc.NewRecord("reread.pdf")
		bad.Error = "tesseract: killed"
		if r5, err := s.Record(ctx, up("reread.pdf"), bad); err != nil || !r5.Reread || r5.Document.Status != records.StatusApproved || r5.Document.Record.Number != "121" {
			t.Errorf("a failed reading replaced a good one: %+v %v", r5.Document, err)
		}
		// A document that could not be read before is recorded as new.
		fail := doc.NewRecord("once-bad.pdf")
		fail.Error = "not a PDF"
		s.Record(ctx, up("once-bad.pdf"), fail)
		s.MarkReread(ctx, "uploads", "once-bad.pdf", "e1")
		r6, err := s.Record(ctx, up("once-bad.pdf"), Rec("CV", "31", "UBND-VP", "UBND XÃ Y", "V/v z"))
		if err != nil || !r6.New || !r6.Reread || r6.Document.Status != records.StatusRegistered || r6.Incoming == nil || r6.Incoming.ArrivalNumber == 0 {
			t.Errorf("failed then read: %+v %v", r6, err)
		}
	})

	t.Run("RereadGuards", func(t *testing.T) {
		reread := func(key string, rec doc.Record) records.Result {
			t.Helper()
			if marked, err := s.MarkReread(ctx, "uploads", key, "e1"); err != nil || !marked {
				t.Fatalf("mark %s: %v %v", key, marked, err)
			}
			r, err := s.Record(ctx, up(key), rec)
			if err != nil || !r.Reread {
				t.Fatalf("reread %s: %+v %v", key, r, err)
			}
			return r
		}
		// A secret document the new reader misses the stamp of stays
		// secret, and a person is asked.
		secret := Rec("CV", "41", "UBND-NV", "UBND XÃ AN PHÚ", "V/v nhân sự")
		secret.Confidentiality, secret.Confidence["confidentiality"] = "MẬT", 0.97
		if r, err := s.Record(ctx, up("g-secret.pdf"), secret); err != nil || r.Document.Secrecy != "MẬT" {
			t.Fatalf("secret: %+v %v", r.Document, err)
		}
		r := reread("g-secret.pdf", Rec("CV", "41", "UBND-NV", "UBND XÃ AN PHÚ", "V/v nhân sự"))
		if r.Document.Secrecy != "MẬT" || r.Document.Record.Confidentiality != "MẬT" || !slices.Contains(r.Document.Review, "confidentiality") {
			t.Errorf("a reading without the stamp lowered the secrecy: %q %q review %v", r.Document.Secrecy, r.Document.Record.Confidentiality, r.Document.Review)
		}
		// One the new reader finds a stamp on is kept secret at once.
		plain := Rec("CV", "42", "UBND-NV", "UBND XÃ AN PHÚ", "V/v đất đai")
		s.Record(ctx, up("g-plain.pdf"), plain)
		stamped := Rec("CV", "42", "UBND-NV", "UBND XÃ AN PHÚ", "V/v đất đai")
		stamped.Confidentiality, stamped.Confidence["confidentiality"] = "MẬT", 0.97
		r = reread("g-plain.pdf", stamped)
		if r.Document.Secrecy != "MẬT" || !slices.Contains(r.Document.Review, "confidentiality") {
			t.Errorf("a stamp found on reading again: %q review %v", r.Document.Secrecy, r.Document.Review)
		}
		// A field a clerk confirmed as read is theirs too.
		unsure := Rec("CV", "43", "UBND-NV", "UBND XÃ AN PHÚ", "V/v cấp phép")
		unsure.Signer, unsure.Confidence["signer"] = "Trần Thị Hoa", 0.5
		r0, _ := s.Record(ctx, up("g-confirm.pdf"), unsure)
		if _, err := s.Correct(ctx, clerk, r0.Document.ID, map[string]string{"signer": "Trần Thị Hoa"}); err != nil {
			t.Fatal(err)
		}
		other := Rec("CV", "43", "UBND-NV", "UBND XÃ AN PHÚ", "V/v cấp phép")
		other.Signer = "Trần Thị Hòa"
		if r = reread("g-confirm.pdf", other); r.Document.Record.Signer != "Trần Thị Hoa" {
			t.Errorf("a confirmed signer was replaced: %q", r.Document.Record.Signer)
		}
		// A copy stays a copy until a person says otherwise.
		s.Record(ctx, up("g-orig.pdf"), Rec("CV", "44", "UBND-NV", "UBND XÃ AN PHÚ", "V/v a"))
		cp, _ := s.Record(ctx, up("g-copy.pdf"), Rec("CV", "44", "UBND-NV", "UBND XÃ AN PHÚ", "V/v a"))
		if cp.Incoming == nil || cp.Incoming.DuplicateOf == 0 {
			t.Fatalf("not linked as a copy: %+v", cp.Incoming)
		}
		r = reread("g-copy.pdf", Rec("CV", "45", "UBND-NV", "UBND XÃ AN PHÚ", "V/v a"))
		if r.Document.Record.Number != "44" || !slices.Contains(r.Document.Review, "number") || r.Incoming == nil || r.Incoming.DuplicateOf == 0 {
			t.Errorf("a copy's number moved by itself: %q review %v line %+v", r.Document.Record.Number, r.Document.Review, r.Incoming)
		}
		// A type that moves to báo cáo makes its report record; a task
		// someone marked done stays with its id.
		cv := Rec("CV", "46", "UBND-NV", "UBND XÃ AN PHÚ", "V/v tình hình")
		cv.Tasks = []doc.Task{{Assignee: "Phòng Nội vụ", Task: "báo cáo", Due: "2025-04-10"}}
		rc, _ := s.Record(ctx, up("g-type.pdf"), cv)
		ts, _ := s.Tasks(ctx, records.TaskFilter{Agency: "ubnd-qn"})
		var taskID int64
		for _, x := range ts {
			if x.DocumentID == rc.Document.ID {
				taskID = x.ID
			}
		}
		if err := s.SetTaskStatus(ctx, clerk, taskID, "done"); err != nil {
			t.Fatal(err)
		}
		bc := Rec("BC", "46", "UBND-NV", "UBND XÃ AN PHÚ", "Báo cáo tình hình tháng 3 năm 2025")
		bc.Tasks = []doc.Task{{Assignee: "Phòng Tư pháp", Task: "khác", Due: ""}}
		reread("g-type.pdf", bc)
		reps, _ := s.Reports(ctx, records.ReportFilter{Agency: "ubnd-qn", Cleared: records.Levels})
		if !slices.ContainsFunc(reps, func(x records.Report) bool { return x.DocumentID == rc.Document.ID }) {
			t.Error("a document read again as a báo cáo has no report record")
		}
		ts, _ = s.Tasks(ctx, records.TaskFilter{Agency: "ubnd-qn"})
		if !slices.ContainsFunc(ts, func(x records.Task) bool { return x.ID == taskID && x.Status == "done" }) ||
			slices.ContainsFunc(ts, func(x records.Task) bool { return x.DocumentID == rc.Document.ID && x.Assignee == "Phòng Tư pháp" }) {
			t.Errorf("tasks after reading again: %+v", ts)
		}
		// The machine's history rows are nobody's corrections.
		for _, c := range mustCorrections(t, s, clerk) {
			if c.Field == "reading" {
				t.Errorf("a reading row in the training data: %+v", c)
			}
		}
	})

	t.Run("FeedbackCases", func(t *testing.T) {
		msg := func(citizen, key, text string) records.InMessage {
			return records.InMessage{OAAgency: "ubnd-qn", Citizen: citizen, Key: key, Kind: "text", Text: text, At: at}
		}
		r, err := s.ReceiveMessage(ctx, msg("zu-1", "m-1", "duong hong lam ngap nuoc"))
		if err != nil || !r.New || r.Duplicate || !strings.HasPrefix(r.Case.Code, "PA-2025-") || r.Case.Status != records.CaseReceived || r.Case.Agency != "ubnd-qn" {
			t.Fatalf("first message: %+v %v", r, err)
		}
		if code, ok := records.CaseCodeIn("cho hoi " + strings.ToLower(r.Case.Code) + " toi dau roi"); !ok || code != r.Case.Code {
			t.Errorf("case code in a text: %q %v", code, ok)
		}
		// The same msg_id ten times at once: one message.
		var wg sync.WaitGroup
		dups := make(chan bool, 10)
		for range 10 {
			wg.Go(func() {
				x, err := s.ReceiveMessage(ctx, msg("zu-1", "m-2", "anh chup o day"))
				if err != nil {
					t.Error(err)
				}
				dups <- x.Duplicate
			})
		}
		wg.Wait()
		close(dups)
		taken := 0
		for d := range dups {
			if !d {
				taken++
			}
		}
		leader, _ := s.UserByName(ctx, "ld-qn")
		_, ms, _, err := s.CaseFor(ctx, clerk, r.Case.ID)
		if err != nil || taken != 1 || len(ms) != 2 {
			t.Fatalf("ten deliveries: taken %d, messages %d, %v", taken, len(ms), err)
		}
		// Routed to the transport department: it sees the case; a third
		// agency never does.
		c, err := s.Route(ctx, r.Case.ID, "giao-thong", 0.9, "so-gtvt")
		if err != nil || c.Status != records.CaseAssigned || c.Agency != "so-gtvt" || c.Deadline != "2025-03-12" {
			t.Fatalf("routed: %+v %v", c, err)
		}
		gt, _ := s.CreateUser(ctx, records.User{Name: "gt-1", Role: records.RoleStaff, Agency: "so-gtvt"}, "mat-khau-dai-7")
		other, _ := s.CreateUser(ctx, records.User{Name: "xd-1", Role: records.RoleClerk, Agency: "so-xd"}, "mat-khau-dai-8")
		if _, _, _, err := s.CaseFor(ctx, gt, c.ID); err != nil {
			t.Errorf("the assigned agency cannot see its case: %v", err)
		}
		if _, _, _, err := s.CaseFor(ctx, other, c.ID); !errors.Is(err, records.ErrNotFound) {
			t.Errorf("another agency saw the case: %v", err)
		}
		if cs, _ := s.Cases(ctx, other, records.CaseFilter{}); len(cs) != 0 {
			t.Errorf("another agency lists %d cases", len(cs))
		}
		// Forwarding elsewhere needs a reason, and teaches the routing.
		if _, err := s.AssignCase(ctx, clerk, c.ID, "so-xd", "", ""); !errors.Is(err, records.ErrInvalid) {
			t.Errorf("forwarded without a reason: %v", err)
		}
		if c, err = s.AssignCase(ctx, clerk, c.ID, "so-xd", "Phòng Hạ tầng", "thoát nước là việc của Sở Xây dựng"); err != nil || c.Agency != "so-xd" {
			t.Fatalf("forward: %+v %v", c, err)
		}
		if _, _, _, err := s.CaseFor(ctx, gt, c.ID); !errors.Is(err, records.ErrNotFound) {
			t.Errorf("the agency it was taken from still sees it: %v", err)
		}
		m, _ := s.RouteModelOf(ctx, "ubnd-qn", []string{"ngap", "nuoc"})
		if m.Docs["so-xd"] != 1 || m.Words["ngap"]["so-xd"] != 1 {
			t.Errorf("routing learnt from the forward: %+v", m)
		}
		// Forwarded on and back: the case still teaches once, where it is now.
		if _, err := s.AssignCase(ctx, other, c.ID, "so-khong-co", "", "x"); !errors.Is(err, records.ErrInvalid) {
			t.Errorf("forwarded to an agency no one knows: %v", err)
		}
		xdClerk, _ := s.CreateUser(ctx, records.User{Name: "tnmt-1", Role: records.RoleClerk, Agency: "so-tnmt"}, "mat-khau-dai-9")
		if _, err := s.AssignCase(ctx, other, c.ID, "so-tnmt", "", "nước thải"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AssignCase(ctx, xdClerk, c.ID, "so-xd", "", "trả lại: thoát nước"); err != nil {
			t.Fatal(err)
		}
		m, _ = s.RouteModelOf(ctx, "ubnd-qn", []string{"ngap"})
		if m.Docs["so-xd"] != 1 || m.Docs["so-tnmt"] != 0 || m.Words["ngap"]["so-xd"] != 1 {
			t.Errorf("a case forwarded back and forth taught %+v", m)
		}
		if _, err := s.AssignCase(ctx, other, c.ID, "../etc\x1b", "", "x"); !errors.Is(err, records.ErrInvalid) {
			t.Errorf("an agency code of anything: %v", err)
		}
		// Two photos of one message are two attachments, neither lost.
		if err := s.AttachMedia(ctx, "m-2", 0, "vanthu/feedback/media/a.png", "GIẤY MỜI", ""); err != nil {
			t.Fatal(err)
		}
		if err := s.AttachMedia(ctx, "m-2", 1, "", "", "not an image"); err != nil {
			t.Fatal(err)
		}
		_, ms, _, _ = s.CaseFor(ctx, other, c.ID)
		files, refusals := 0, 0
		for _, x := range ms {
			if x.ObjectKey != "" {
				files++
			}
			if x.Refused == "not an image" {
				refusals++
			}
		}
		if files != 1 || refusals != 1 {
			t.Errorf("two attachments: %d kept, %d refused: %+v", files, refusals, ms)
		}
		if _, err := s.AddReply(ctx, other, c.ID, "\u200b \u200b"); !errors.Is(err, records.ErrInvalid) {
			t.Errorf("a reply of nothing visible: %v", err)
		}
		rm, err := s.AddReply(ctx, other, c.ID, "Chúng tôi đã cử người kiểm tra.\x00")
		if err != nil || rm.Text != "Chúng tôi đã cử người kiểm tra." {
			t.Fatalf("reply: %+v %v", rm, err)
		}
		if x, _, _, _ := s.CaseFor(ctx, other, c.ID); x.Status == records.CaseAnswered {
			t.Error("answered before the reply was sent")
		}
		if err := s.ReplySent(ctx, other, rm, "zm-1"); err != nil {
			t.Fatal(err)
		}
		c, _, hs, _ := s.CaseFor(ctx, other, c.ID)
		if c.Status != records.CaseAnswered || c.AnsweredAt.IsZero() || len(hs) < 4 {
			t.Errorf("answered: %+v history %+v", c, hs)
		}
		// The citizen writes again: their open case continues, and needs an answer again.
		r2, _ := s.ReceiveMessage(ctx, msg("zu-1", "m-3", "van con ngap a"))
		if r2.New || r2.Case.ID != c.ID || r2.Case.Status != records.CaseAssigned {
			t.Errorf("a later message: %+v", r2.Case)
		}
		// Only the citizen learns of their case.
		if _, err := s.CaseOfCitizen(ctx, "ubnd-qn", "zu-2", c.Code); !errors.Is(err, records.ErrNotFound) {
			t.Errorf("another citizen read the case: %v", err)
		}
		if x, err := s.CaseOfCitizen(ctx, "ubnd-qn", "zu-1", c.Code); err != nil || x.ID != c.ID {
			t.Errorf("the citizen's own case: %v", err)
		}
		if _, err := s.CloseCase(ctx, clerk, c.ID, true, ""); !errors.Is(err, records.ErrInvalid) {
			t.Errorf("rejected without a reason: %v", err)
		}
		if c, err = s.CloseCase(ctx, leader, c.ID, false, "đã xử lý"); err != nil || c.Status != records.CaseClosed {
			t.Errorf("close: %+v %v", c, err)
		}
		if _, err := s.AddReply(ctx, clerk, c.ID, "sau khi đóng"); !errors.Is(err, records.ErrInvalid) {
			t.Errorf("a reply to a closed case: %v", err)
		}
		// Closed: the next message opens a new case.
		r3, _ := s.ReceiveMessage(ctx, msg("zu-1", "m-4", "lai ngap roi"))
		if !r3.New || r3.Case.Code == c.Code {
			t.Errorf("after closing: %+v", r3.Case)
		}
		st, err := s.FeedbackStats(ctx, clerk)
		if err != nil || st.Total != 2 || st.Open != 1 {
			t.Errorf("stats: %+v %v", st, err)
		}
	})

	t.Run("AgencyDirectory", func(t *testing.T) {
		admin, err := s.CreateUser(ctx, records.User{Name: "qt-qn", Role: records.RoleAdmin, Agency: "ubnd-qn"}, "mat-khau-dai-10")
		if err != nil {
			t.Fatal(err)
		}
		good := "code,identifier,name,parent,kind,cleared,names\n" +
			"ubnd-tinh,000.00.00.H55,ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI,,agency,TỐI MẬT,UBND tỉnh|UBND TỈNH QUẢNG NGÃI\n" +
			"cuc-thads,000.00.31.H55,CỤC THI HÀNH ÁN DÂN SỰ TỈNH QUẢNG NGÃI,,agency,,Cục THADS\n" +
			"ubnd-tinh.vp,,Văn phòng UBND tỉnh,ubnd-tinh,unit,,\n"
		if _, err := s.ImportDirectory(ctx, clerk, strings.NewReader(good)); !errors.Is(err, records.ErrForbidden) {
			t.Errorf("a clerk imported the directory: %v", err)
		}
		bad := "code,identifier,name,parent\nx1,12.34,Tên,\nx2,,,\nx3,,Tên,khong-co\n"
		if n, err := s.ImportDirectory(ctx, admin, strings.NewReader(bad)); err == nil || n != 0 || !strings.Contains(err.Error(), "line 2") ||
			!strings.Contains(err.Error(), "line 3") || !strings.Contains(err.Error(), "khong-co") {
			t.Errorf("a bad directory: %d %v", n, err)
		}
		if _, err := s.DirectoryEntryOf(ctx, "x1"); !errors.Is(err, records.ErrNotFound) {
			t.Error("a bad import wrote half")
		}
		if _, err := s.ImportDirectory(ctx, admin, strings.NewReader(good)); err == nil {
			t.Error("an agency's admin wrote other agencies' entries")
		}
		own := "code,name,parent,kind,cleared\nubnd-qn.tp,Phòng Tư pháp,ubnd-qn,unit,TUYỆT MẬT\n"
		if _, err := s.ImportDirectory(ctx, admin, strings.NewReader(own)); err == nil {
			t.Error("an admin granted a unit more clearance than their own")
		}
		cycle := "code,name,parent\nc1,Một,c2\nc2,Hai,c1\n"
		if _, err := s.ImportDirectory(ctx, records.Operator, strings.NewReader(cycle)); err == nil || !strings.Contains(err.Error(), "round") {
			t.Errorf("a cycle of parents: %v", err)
		}
		n, err := s.ImportDirectory(ctx, records.Operator, strings.NewReader(good))
		if err != nil || n != 3 {
			t.Fatalf("import: %d %v", n, err)
		}
		dup := "code,identifier,name\nfake,000.00.31.H55,GIẢ\n"
		if _, err := s.ImportDirectory(ctx, records.Operator, strings.NewReader(dup)); err == nil {
			t.Error("an identifier taken twice")
		}
		e, _ := s.DirectoryEntryOf(ctx, "ubnd-tinh")
		if e.Identifier != "000.00.00.H55" || e.Cleared != "TỐI MẬT" || e.Kind != records.KindAgency {
			t.Errorf("entry: %+v", e)
		}
		dir, _ := s.Directory(ctx)
		if !slices.ContainsFunc(dir, func(x records.DirectoryEntry) bool {
			return x.Code == "ubnd-tinh.vp" && x.Parent == "ubnd-tinh" && x.Kind == records.KindUnit
		}) {
			t.Errorf("the unit under its agency: %+v", dir)
		}
		for _, c := range []struct {
			name, code, by string
		}{
			{"CỤC THI HÀNH ÁN DÂN SỰ TỈNH QUẢNG NGÃI", "cuc-thads", "name"},
			{"Cục THADS", "cuc-thads", "name"},
			{"CỤC THỊ HÀNH ÁN DÂN SỰ TỈNH QUẢNG NGÃI", "cuc-thads", "name"}, // the marks fold away
			{"CUC THI HANH AN DAN SU TINH QUANG NGA", "cuc-thads", "near"},  // a letter lost
			{"ubnd tinh", "ubnd-tinh", "name"},
		} {
			r, ok, err := s.Resolve(ctx, "ubnd-qn", c.name, records.RoleIssuer, 0)
			if err != nil || !ok || r.Code != c.code || r.By != c.by {
				t.Errorf("%q: %+v %v %v", c.name, r, ok, err)
			}
		}
		if _, ok, _ := s.Resolve(ctx, "ubnd-qn", "Phòng Tài nguyên và Môi trường huyện Sơn Tịnh", records.RoleAssignee, 7); ok {
			t.Error("an unknown name resolved")
		}
		s.Resolve(ctx, "ubnd-qn", "Phòng Tài nguyên và Môi trường huyện Sơn Tịnh", records.RoleAssignee, 8)
		un, _ := s.Unresolved(ctx, clerk)
		if len(un) != 1 || un[0].Seen != 2 || un[0].FirstDocument != 7 {
			t.Fatalf("unresolved: %+v", un)
		}
		if err := s.MapName(ctx, clerk, "Phòng Tài nguyên và Môi trường huyện Sơn Tịnh", "khong-co"); !errors.Is(err, records.ErrInvalid) {
			t.Errorf("mapped to no entry: %v", err)
		}
		if err := s.MapName(ctx, clerk, "Phòng Tài nguyên và Môi trường huyện Sơn Tịnh", "ubnd-tinh.vp"); err != nil {
			t.Fatal(err)
		}
		if r, ok, _ := s.Resolve(ctx, "ubnd-qn", "PHÒNG TÀI NGUYÊN VÀ MÔI TRƯỜNG HUYỆN SƠN TỊNH", records.RoleAssignee, 9); !ok || r.Code != "ubnd-tinh.vp" || r.By != "mapping" {
			t.Errorf("after mapping: %+v %v", r, ok)
		}
		if un, _ := s.Unresolved(ctx, clerk); len(un) != 0 {
			t.Errorf("still unresolved after mapping: %+v", un)
		}
		if ok, _ := s.KnownAgency(ctx, nil, "cuc-thads"); !ok {
			t.Error("a directory agency unknown")
		}
		// Two readings of one assignee are one row of the dashboard.
		for i, who := range []string{"Cục Thi hành án dân sự tỉnh Quảng Ngãi", "Cục Thị hành án dân sư tỉnh Quảng Ngãi"} {
			rec := Rec("CV", fmt.Sprint(300+i), "UBND-NC", "UBND XÃ TỊNH ẤN", "V/v thi hành án")
			rec.Tasks = []doc.Task{{Assignee: who, Task: "tổ chức thi hành", Due: "2099-01-01"}}
			r, err := s.Record(ctx, up(fmt.Sprintf("thads-%d.pdf", i)), rec)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.ResolveNames(ctx, r.Document); err != nil {
				t.Fatal(err)
			}
		}
		dash, err := s.Dashboard(ctx, clerk, "2025-01-01", "2025-12-31", "2025-06-01")
		if err != nil {
			t.Fatal(err)
		}
		rows := 0
		for _, c := range dash.TasksDue {
			if strings.Contains(viet.Fold(c.Label), "thi hanh an") {
				rows++
				if c.Label != "CỤC THI HÀNH ÁN DÂN SỰ TỈNH QUẢNG NGÃI" || c.N != 2 {
					t.Errorf("the unit's row: %+v", c)
				}
			}
		}
		if rows != 1 {
			t.Errorf("the assignee in %d rows: %+v", rows, dash.TasksDue)
		}
	})

	t.Run("Meetings", func(t *testing.T) { meetings(t, s) })

	t.Run("HandlingAReceivedDocument", func(t *testing.T) {
		if err := s.PutAgency(ctx, records.Agency{Code: "ubnd-qn.kt", Name: "Phòng Kinh tế", Parent: "ubnd-qn"}); err != nil {
			t.Fatal(err)
		}
		s.PutAgency(ctx, records.Agency{Code: "ubnd-qn.tc", Name: "Phòng Tài chính", Parent: "ubnd-qn"})
		lead, _ := s.CreateUser(ctx, records.User{Name: "ld-hd", Role: records.RoleLeader, Agency: "ubnd-qn", Clearance: "MẬT"}, "mat-khau-dai-11")
		kt, _ := s.CreateUser(ctx, records.User{Name: "cv-kt", Role: records.RoleStaff, Agency: "ubnd-qn", Unit: "ubnd-qn.kt"}, "mat-khau-dai-12")
		tc, _ := s.CreateUser(ctx, records.User{Name: "cv-tc", Role: records.RoleStaff, Agency: "ubnd-qn", Unit: "ubnd-qn.tc"}, "mat-khau-dai-13")
		r, err := s.Record(ctx, up("handle.pdf"), Rec("CV", "501", "UBND-KT", "UBND XÃ TỊNH KHÊ", "V/v hỗ trợ giống cây trồng"))
		if err != nil {
			t.Fatal(err)
		}
		id := r.Document.ID
		if _, err := s.Direct(ctx, kt, id, records.Direction{MainUnit: "ubnd-qn.kt"}); !errors.Is(err, records.ErrForbidden) {
			t.Errorf("staff directed: %v", err)
		}
		if _, err := s.Direct(ctx, lead, id, records.Direction{Note: "xem xét"}); !errors.Is(err, records.ErrInvalid) {
			t.Errorf("a direction with no handler: %v", err)
		}
		if _, err := s.Direct(ctx, lead, id, records.Direction{MainUnit: "khong-co"}); !errors.Is(err, records.ErrInvalid) {
			t.Errorf("a unit no one knows: %v", err)
		}
		today := time.Now().In(time.FixedZone("ICT", 7*3600))
		deadline := today.AddDate(0, 0, 2).Format(time.DateOnly)
		h, err := s.Direct(ctx, lead, id, records.Direction{MainUnit: "ubnd-qn.kt", Cooperating: []string{"ubnd-qn.tc"}, Deadline: deadline, Note: "Phòng KT chủ trì, báo cáo trước hạn"})
		if err != nil || h.Status != records.HandlingAssigned || h.MainUnit != "ubnd-qn.kt" {
			t.Fatalf("direct: %+v %v", h, err)
		}
		for _, u := range []records.User{kt, tc} {
			w, err := s.MyWork(ctx, u)
			if err != nil || !slices.ContainsFunc(w, func(x records.WorkItem) bool { return x.Document.ID == id && x.SoonDue && !x.Overdue }) {
				t.Errorf("%s's work: %+v %v", u.Name, w, err)
			}
		}
		if w, _ := s.MyWork(ctx, clerk); slices.ContainsFunc(w, func(x records.WorkItem) bool { return x.Document.ID == id }) {
			t.Error("the work of a unit is everyone's")
		}
		if _, err := s.Step(ctx, kt, id, records.HandlingStepAs{Action: "progress", Note: "đã liên hệ xã"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Step(ctx, kt, id, records.HandlingStepAs{Action: "finish"}); !errors.Is(err, records.ErrInvalid) {
			t.Errorf("finished without a result: %v", err)
		}
		if h, err = s.Step(ctx, kt, id, records.HandlingStepAs{Action: "forward", ToUser: "cv-tc", Note: "phần kinh phí"}); err != nil || h.MainUser != "cv-tc" || h.MainUnit != "" {
			t.Fatalf("forward: %+v %v", h, err)
		}
		if h, err = s.Step(ctx, tc, id, records.HandlingStepAs{Action: "finish", Note: "đã cấp kinh phí"}); err != nil || h.Status != records.HandlingDone || h.Result != "đã cấp kinh phí" {
			t.Fatalf("finish: %+v %v", h, err)
		}
		_, steps, err := s.HandlingFor(ctx, clerk, id)
		var acts []string
		for _, st := range steps {
			acts = append(acts, st.Action)
		}
		if err != nil || strings.Join(acts, ",") != "directed,progress,forwarded,finished" {
			t.Errorf("history: %v %v", acts, err)
		}
		if w, _ := s.MyWork(ctx, tc); slices.ContainsFunc(w, func(x records.WorkItem) bool { return x.Document.ID == id }) {
			t.Error("a finished handling is still work")
		}
		// Reminders: once three days before, once when due.
		r2, _ := s.Record(ctx, up("handle-2.pdf"), Rec("CV", "502", "UBND-KT", "UBND XÃ TỊNH KHÊ", "V/v báo cáo"))
		s.Direct(ctx, lead, r2.Document.ID, records.Direction{MainUnit: "ubnd-qn.kt", Deadline: deadline})
		rs, err := s.DueReminders(ctx)
		if err != nil || !slices.ContainsFunc(rs, func(x records.Reminder) bool { return x.Handling.DocumentID == r2.Document.ID && x.Kind == "soon" }) {
			t.Errorf("reminders: %+v %v", rs, err)
		}
		if rs, _ := s.DueReminders(ctx); slices.ContainsFunc(rs, func(x records.Reminder) bool { return x.Handling.DocumentID == r2.Document.ID }) {
			t.Error("reminded twice of the same")
		}
		s.Direct(ctx, lead, r2.Document.ID, records.Direction{MainUnit: "ubnd-qn.kt", Deadline: today.AddDate(0, 0, -1).Format(time.DateOnly)})
		if rs, _ := s.DueReminders(ctx); !slices.ContainsFunc(rs, func(x records.Reminder) bool { return x.Handling.DocumentID == r2.Document.ID && x.Kind == "due" }) {
			t.Errorf("no reminder when due: %+v", rs)
		}
		if w, _ := s.MyWork(ctx, kt); !slices.ContainsFunc(w, func(x records.WorkItem) bool { return x.Document.ID == r2.Document.ID && x.Overdue }) {
			t.Error("an overdue handling is not marked")
		}
		// A secret document goes to no one not cleared for it.
		sec := Rec("CV", "503", "UBND-KT", "UBND XÃ TỊNH KHÊ", "V/v nhân sự")
		sec.Confidentiality = "MẬT"
		r3, _ := s.Record(ctx, up("handle-3.pdf"), sec)
		if _, err := s.Direct(ctx, lead, r3.Document.ID, records.Direction{MainUser: "cv-kt"}); !errors.Is(err, records.ErrInvalid) {
			t.Errorf("a secret document directed to someone not cleared: %v", err)
		}
	})

	t.Run("FailedDocument", func(t *testing.T) {
		rec := doc.NewRecord("bad.pdf")
		rec.Error = "not a PDF: starts with ELF"
		r, err := s.Record(ctx, up("bad.pdf"), rec)
		if err != nil || r.Document.Status != records.StatusFailed || r.Document.Error != rec.Error || r.Incoming != nil {
			t.Errorf("failed: %+v %v", r, err)
		}
	})

	t.Run("ReceivedThenRecorded", func(t *testing.T) {
		d, err := s.Received(ctx, records.Upload{Agency: "ubnd-qn", Bucket: "uploads", Key: "api/1.pdf", ETag: "x", File: "công văn.pdf", By: "vanthu-qn"})
		if err != nil || d.Status != records.StatusReceived || d.ID == 0 {
			t.Fatalf("received: %+v %v", d, err)
		}
		again, _ := s.Received(ctx, records.Upload{Agency: "ubnd-qn", Bucket: "uploads", Key: "api/1.pdf", ETag: "x"})
		if again.ID != d.ID {
			t.Errorf("received twice: ids %d and %d", d.ID, again.ID)
		}
		r, err := s.Record(ctx, records.Upload{Agency: "ubnd-qn", Bucket: "uploads", Key: "api/1.pdf", ETag: "x"}, Rec("CV", "9", "UBND-VP", "UBND XÃ X", "V/v y"))
		if err != nil || r.Document.ID != d.ID || r.Document.Status != records.StatusRegistered || r.Document.File != "công văn.pdf" {
			t.Errorf("recorded: %+v %v", r.Document, err)
		}
	})

	t.Run("Accounts", func(t *testing.T) {
		if _, err := s.CreateUser(ctx, records.User{Name: "x", Role: "boss", Agency: "a"}, "mat-khau-dai-6"); err == nil {
			t.Error("a role that does not exist")
		}
		if _, err := s.CreateUser(ctx, records.User{Name: "x", Role: records.RoleStaff, Agency: "a"}, "short"); err == nil {
			t.Error("a short password")
		}
		if _, err := s.CreateUser(ctx, records.User{Name: "vanthu-qn", Role: records.RoleStaff, Agency: "a"}, "mat-khau-dai-7"); err == nil {
			t.Error("a name taken twice")
		}
		if _, err := s.Authenticate(ctx, "vanthu-qn", "mat-khau-sai-1"); !errors.Is(err, records.ErrBadLogin) {
			t.Errorf("wrong password: %v", err)
		}
		if _, err := s.Authenticate(ctx, "nobody", "mat-khau-dai-1"); !errors.Is(err, records.ErrBadLogin) {
			t.Errorf("unknown name: %v", err)
		}
		u, err := s.Authenticate(ctx, "vanthu-qn", "mat-khau-dai-1")
		if err != nil || u.Role != records.RoleClerk || u.Agency != "ubnd-qn" {
			t.Fatalf("login: %+v %v", u, err)
		}
		tok, err := s.NewToken(ctx, u.ID, records.TokenAPI, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if got, kind, err := s.UserByToken(ctx, tok); err != nil || got.ID != u.ID || kind != records.TokenAPI {
			t.Errorf("token: %+v %s %v", got, kind, err)
		}
		if _, _, err := s.UserByToken(ctx, tok+"x"); !errors.Is(err, records.ErrNotFound) {
			t.Errorf("a forged token: %v", err)
		}
		old, _ := s.NewToken(ctx, u.ID, records.TokenSession, -time.Second)
		if _, _, err := s.UserByToken(ctx, old); !errors.Is(err, records.ErrNotFound) {
			t.Errorf("an expired session: %v", err)
		}
		s.DeleteToken(ctx, tok)
		if _, _, err := s.UserByToken(ctx, tok); !errors.Is(err, records.ErrNotFound) {
			t.Errorf("a revoked token: %v", err)
		}
	})
}

func mustCorrections(t *testing.T, s *records.Store, u records.User) []records.Correction {
	t.Helper()
	cs, err := s.Corrections(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}
