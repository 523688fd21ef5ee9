// Package searchtest is the conformance suite every search backend runs.
package searchtest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/internal/search"
)

func docs() []search.Document {
	return []search.Document{
		{ID: "a", Agency: "ubnd-qn", DocType: "QĐ", Number: "06", Symbol: "QĐ-UBND", Issuer: "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", IssuedAt: "2024-06-01",
			Subject: "Về việc thành lập Tổ công tác rà soát dự án", Text: "Quyết định thành lập tổ công tác"},
		{ID: "b", Agency: "ubnd-qn", DocType: "TB", Number: "46", Symbol: "TB-UBND", Issuer: "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", IssuedAt: "2025-02-09",
			Subject: "Kết luận cuộc họp về mã số thuế", Text: "thông báo kết luận", Confidentiality: "MẬT", Urgency: "HỎA TỐC"},
		{ID: "c", Agency: "so-tc", DocType: "QĐ", Number: "07", Symbol: "QĐ-STC", Issuer: "SỞ TÀI CHÍNH",
			Subject: "Về việc thành lập Tổ công tác", Text: "Quyết định thành lập tổ công tác của Sở"},
	}
}

func ids(r search.Result) map[string]bool {
	out := map[string]bool{}
	for _, h := range r.Hits {
		out[h.ID] = true
	}
	return out
}

// Run checks an indexer against the contract. It must be empty.
func Run(t *testing.T, x search.Indexer) {
	ctx := context.Background()
	if err := x.Index(ctx, docs()...); err != nil {
		t.Fatal(err)
	}
	qn := search.Caller{Agency: "ubnd-qn"}
	find := func(c search.Caller, q string) map[string]bool {
		t.Helper()
		r, err := x.Search(ctx, search.Options{Caller: c, Query: q})
		if err != nil {
			t.Fatal(err)
		}
		return ids(r)
	}
	t.Run("UnaccentedFindsAccented", func(t *testing.T) {
		if got := find(qn, "Quyet dinh thanh lap to cong tac"); !got["a"] || len(got) != 1 {
			t.Errorf("got %v", got)
		}
	})
	t.Run("AgencyScope", func(t *testing.T) {
		if got := find(search.Caller{Agency: "so-tc"}, "thanh lap to cong tac"); got["a"] || !got["c"] {
			t.Errorf("Sở Tài chính sees %v", got)
		}
	})
	t.Run("SecretNeedsClearance", func(t *testing.T) {
		if got := find(qn, "ket luan"); got["b"] {
			t.Error("an uncleared user found a MẬT document")
		}
		if got := find(search.Caller{Agency: "ubnd-qn", Cleared: []string{"MẬT"}}, "ket luan"); !got["b"] {
			t.Error("a cleared user could not find the MẬT document")
		}
		if got := find(qn, "46/TB-UBND"); got["b"] {
			t.Error("the number of a MẬT document found it for an uncleared user")
		}
	})
	t.Run("NumberAndSymbol", func(t *testing.T) {
		cleared := search.Caller{Agency: "ubnd-qn", Cleared: []string{"MẬT"}}
		for _, q := range []string{"46/TB-UBND", "46/tb-ubnd", "46 TB UBND"} {
			if got := find(cleared, q); !got["b"] || len(got) != 1 {
				t.Errorf("%q: %v", q, got)
			}
		}
	})
	t.Run("FiltersFacetsHighlights", func(t *testing.T) {
		all := search.Caller{Agency: "ubnd-qn", Cleared: []string{"MẬT"}}
		r, err := x.Search(ctx, search.Options{Caller: all, DocType: "QĐ"})
		if err != nil || r.Total != 1 || r.Hits[0].ID != "a" {
			t.Errorf("type filter: %+v %v", r, err)
		}
		r, _ = x.Search(ctx, search.Options{Caller: all, From: "2025-01-01", To: "2025-12-31"})
		if r.Total != 1 || r.Hits[0].ID != "b" {
			t.Errorf("date range: %+v", r)
		}
		r, _ = x.Search(ctx, search.Options{Caller: all, Urgency: "Hỏa tốc"})
		if r.Total != 1 || r.Hits[0].ID != "b" {
			t.Errorf("urgency filter (Hỏa tốc finds HỎA TỐC): %+v", r)
		}
		r, _ = x.Search(ctx, search.Options{Caller: qn, Urgency: "hoa toc"})
		if r.Total != 0 {
			t.Errorf("urgency filter found a MẬT document for an uncleared caller: %+v", r)
		}
		r, _ = x.Search(ctx, search.Options{Caller: qn})
		if fmt.Sprint(r.Facets["doc_type"]) != "[{QĐ 1}]" {
			t.Errorf("facets of an uncleared caller: %v (the MẬT TB must not be counted)", r.Facets)
		}
		r, _ = x.Search(ctx, search.Options{Caller: qn, Query: "thành lập"})
		if len(r.Hits) != 1 || len(r.Hits[0].Highlights) == 0 || !strings.Contains(strings.Join(r.Hits[0].Highlights, " "), "<mark>") {
			t.Errorf("highlights: %+v", r.Hits)
		}
		r, _ = x.Search(ctx, search.Options{Caller: all, ByDate: true})
		if len(r.Hits) != 2 || r.Hits[0].ID != "b" {
			t.Errorf("newest first: %+v", r.Hits)
		}
		r, _ = x.Search(ctx, search.Options{Caller: all, ByDate: true, Offset: 1, Size: 1})
		if len(r.Hits) != 1 || r.Hits[0].ID != "a" || r.Total != 2 {
			t.Errorf("second page: %+v", r)
		}
	})
	t.Run("PhraseAndPrefix", func(t *testing.T) {
		if got := find(qn, `"to cong tac"`); !got["a"] {
			t.Errorf("phrase: %v", got)
		}
		if got := find(qn, `"cong to tac"`); got["a"] {
			t.Errorf("words out of order matched a phrase: %v", got)
		}
		if got := find(qn, "thanh l*"); !got["a"] {
			t.Errorf("prefix: %v", got)
		}
	})
	t.Run("ExactSpellingRanksFirst", func(t *testing.T) {
		// "mã" (code), "má" and "mà" fold alike; the query's own spelling
		// comes first, and the other spellings are still found.
		more := []search.Document{
			{ID: "ma1", Agency: "ubnd-qn", DocType: "CV", Subject: "Về việc cấp má ngành", Text: "má ngành"},
			{ID: "ma2", Agency: "ubnd-qn", DocType: "CV", Subject: "Về việc cấp mã ngành", Text: "mã ngành"},
			{ID: "ma3", Agency: "ubnd-qn", DocType: "CV", Subject: "Về việc cấp mà ngành", Text: "mà ngành"},
		}
		if err := x.Index(ctx, more...); err != nil {
			t.Fatal(err)
		}
		defer x.Delete(ctx, "ma1", "ma2", "ma3")
		for q, want := range map[string]string{"mã ngành": "ma2", "má ngành": "ma1", "mà ngành": "ma3"} {
			r, err := x.Search(ctx, search.Options{Caller: qn, Query: q})
			if err != nil || len(r.Hits) != 3 || r.Hits[0].ID != want {
				t.Errorf("%q: %+v %v (want %s first, all three found)", q, r.Hits, err, want)
			}
		}
		// Pages of a ranked list agree with the whole list.
		whole, _ := x.Search(ctx, search.Options{Caller: qn, Query: "mã ngành"})
		var paged []string
		for off := range 3 {
			r, _ := x.Search(ctx, search.Options{Caller: qn, Query: "mã ngành", Offset: off, Size: 1})
			for _, h := range r.Hits {
				paged = append(paged, h.ID)
			}
		}
		var ids []string
		for _, h := range whole.Hits {
			ids = append(ids, h.ID)
		}
		if fmt.Sprint(paged) != fmt.Sprint(ids) {
			t.Errorf("pages of one hit %v, all at once %v", paged, ids)
		}
	})
	t.Run("TypoTolerance", func(t *testing.T) {
		for _, q := range []string{"quyet dinh thanhh lap to cong tac", "Quyết địnk thành lập tổ công tác", "thanh lap tô cong tacs"} {
			if got := find(qn, q); !got["a"] {
				t.Errorf("%q did not find a: %v", q, got)
			}
		}
		if got := find(qn, "giải quyết khiếu nại"); len(got) != 0 {
			t.Errorf("typo tolerance matched unrelated words: %v", got)
		}
	})
	t.Run("IAndYAlike", func(t *testing.T) {
		// Both spellings are official; a clerk types either.
		more := []search.Document{{ID: "ky", Agency: "ubnd-qn", DocType: "TB", Subject: "Lịch tiếp công dân tại Kỳ họp thứ 10 ở Lý Sơn"}}
		if err := x.Index(ctx, more...); err != nil {
			t.Fatal(err)
		}
		defer x.Delete(ctx, "ky")
		for _, q := range []string{"kì họp Lí Sơn", "ki hop li son", "Kỳ họp Lý Sơn"} {
			r, err := x.Search(ctx, search.Options{Caller: qn, Query: q})
			if err != nil || len(r.Hits) != 1 || r.Hits[0].ID != "ky" {
				t.Errorf("%q: %+v %v", q, r.Hits, err)
				continue
			}
			if hl := strings.Join(r.Hits[0].Highlights, " "); !strings.Contains(hl, "<mark>Kỳ</mark> <mark>họp</mark>") || !strings.Contains(hl, "<mark>Lý</mark>") {
				t.Errorf("%q highlights %q", q, hl)
			}
		}
	})
	t.Run("UnaccentedHighlights", func(t *testing.T) {
		r, err := x.Search(ctx, search.Options{Caller: qn, Query: "thanh lap to cong tac"})
		if err != nil || len(r.Hits) != 1 {
			t.Fatalf("%+v %v", r, err)
		}
		if h := strings.Join(r.Hits[0].Highlights, " "); !strings.Contains(h, "<mark>thành</mark>") && !strings.Contains(h, "<mark>thành lập</mark>") {
			t.Errorf("unaccented query, highlights %q: want the printed words marked", r.Hits[0].Highlights)
		}
	})
	t.Run("SimilarAndDuplicates", func(t *testing.T) {
		cleared := search.Caller{Agency: "ubnd-qn", Cleared: []string{"MẬT"}}
		dup := docs()[0]
		dup.ID, dup.Issuer = "a-rescan", "UỶ BAN NHÂN DÂN TỈNH QUẢNG NGÃI"
		other := docs()[0]
		other.ID, other.Number, other.Subject, other.Text = "a2", "09", "Về việc thành lập Tổ công tác kiểm tra dự án", "Quyết định thành lập tổ công tác kiểm tra"
		if err := x.Index(ctx, dup, other); err != nil {
			t.Fatal(err)
		}
		d, err := x.Duplicates(ctx, cleared, "a")
		if err != nil || len(d.Hits) != 1 || d.Hits[0].ID != "a-rescan" {
			t.Errorf("duplicates of a: %+v %v", d.Hits, err)
		}
		sim, err := x.Similar(ctx, cleared, "a", 10)
		if err != nil || !ids(sim)["a2"] || ids(sim)["a"] || ids(sim)["b"] {
			t.Errorf("more like a: %v %v", ids(sim), err)
		}
		// Out of reach: the document of another agency is not found,
		// through either path.
		for _, f := range []func() (search.Result, error){
			func() (search.Result, error) { return x.Similar(ctx, search.Caller{Agency: "so-tc"}, "a", 10) },
			func() (search.Result, error) { return x.Duplicates(ctx, search.Caller{Agency: "so-tc"}, "a") },
			func() (search.Result, error) { return x.Similar(ctx, qn, "b", 10) },
		} {
			if r, err := f(); !errors.Is(err, search.ErrNotFound) || len(r.Hits) != 0 {
				t.Errorf("out of reach: %+v %v", r, err)
			}
		}
		x.Delete(ctx, "a-rescan", "a2")
	})
	t.Run("AgencyAndStatusFilters", func(t *testing.T) {
		more := []search.Document{
			{ID: "s1", Agency: "so-xd", DocType: "KH", Subject: "Kế hoạch kiểm tra công trình", Status: "review"},
			{ID: "s2", Agency: "so-xd", DocType: "KH", Subject: "Kế hoạch kiểm tra vật liệu", Status: "registered"},
			{ID: "s3", Agency: "so-yt", DocType: "KH", Subject: "Kế hoạch kiểm tra bệnh viện", Status: "review"},
		}
		if err := x.Index(ctx, more...); err != nil {
			t.Fatal(err)
		}
		defer x.Delete(ctx, "s1", "s2", "s3")
		// The provincial office reads its departments' archives too.
		office := search.Caller{Agency: "ubnd-qn", Also: []string{"so-xd", "so-yt"}}
		search1 := func(opt search.Options) search.Result {
			t.Helper()
			r, err := x.Search(ctx, opt)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		if got := ids(search1(search.Options{Caller: office, Query: "ke hoach kiem tra"})); len(got) != 3 {
			t.Errorf("office over its departments: %v", got)
		}
		if got := ids(search1(search.Options{Caller: office, Query: "ke hoach kiem tra", Agency: "so-xd"})); len(got) != 2 || !got["s1"] || !got["s2"] {
			t.Errorf("one department: %v", got)
		}
		r := search1(search.Options{Caller: office, Query: "ke hoach kiem tra", Status: "review"})
		if got := ids(r); len(got) != 2 || !got["s1"] || !got["s3"] {
			t.Errorf("waiting for review: %v", got)
		}
		if fmt.Sprint(search1(search.Options{Caller: office, Query: "ke hoach kiem tra"}).Facets["status"]) != "[{review 2} {registered 1}]" {
			t.Errorf("status facet: %v", r.Facets)
		}
		// A department sees only itself, and cannot filter its way out.
		xd := search.Caller{Agency: "so-xd"}
		if got := ids(search1(search.Options{Caller: xd, Query: "ke hoach kiem tra"})); len(got) != 2 || got["s3"] {
			t.Errorf("a department sees %v", got)
		}
		if r, err := x.Search(ctx, search.Options{Caller: xd, Query: "ke hoach", Agency: "so-yt"}); !errors.Is(err, search.ErrOutOfReach) || len(r.Hits) != 0 {
			t.Errorf("filter on an agency out of reach: %+v %v", r, err)
		}
	})
	t.Run("LongID", func(t *testing.T) {
		// An upload's key may be 1,024 bytes (Vietnamese file names are
		// three bytes a letter): longer than an engine's _id.
		long := "uploads/" + strings.Repeat("Quyết định phê duyệt kế hoạch ", 30) + ".pdf@etag1"
		twin := docs()[0]
		twin.ID, twin.Subject, twin.Text = long, "Về việc phê duyệt kế hoạch chuyển đổi số", "chuyển đổi số"
		dup := twin
		dup.ID = long[:len(long)-1] + "2" // the same key, another version: another document
		if err := x.Index(ctx, twin, dup); err != nil {
			t.Fatal(err)
		}
		r, err := x.Search(ctx, search.Options{Caller: qn, Query: "chuyen doi so"})
		if got := ids(r); err != nil || len(got) != 2 || !got[long] || !got[dup.ID] || r.Hits[0].Doc.ID != r.Hits[0].ID {
			t.Errorf("search: %v %v", got, err)
		}
		if d, err := x.Duplicates(ctx, qn, long); err != nil || len(d.Hits) != 2 || !ids(d)[dup.ID] {
			// a (number 06 of the same issuer) and the other version
			t.Errorf("duplicates of a long ID: %v %v", ids(d), err)
		}
		if _, err := x.Similar(ctx, qn, long, 5); err != nil {
			t.Errorf("more like a long ID: %v", err)
		}
		// Out of reach, a long ID is as hidden as any: another agency,
		// and a secret one for the uncleared.
		secret := twin
		secret.ID, secret.Confidentiality = long[:len(long)-1]+"3", "MẬT"
		if err := x.Index(ctx, secret); err != nil {
			t.Fatal(err)
		}
		if got := find(qn, "chuyen doi so"); got[secret.ID] {
			t.Error("an uncleared caller found a MẬT document with a long ID")
		}
		if got := find(search.Caller{Agency: "ubnd-qn", Cleared: []string{"MẬT"}}, "chuyen doi so"); !got[secret.ID] {
			t.Error("a cleared caller did not find the MẬT document with a long ID")
		}
		for _, f := range []func() (search.Result, error){
			func() (search.Result, error) { return x.Similar(ctx, search.Caller{Agency: "so-tc"}, long, 5) },
			func() (search.Result, error) { return x.Duplicates(ctx, qn, secret.ID) },
		} {
			if r, err := f(); !errors.Is(err, search.ErrNotFound) || len(r.Hits) != 0 {
				t.Errorf("a long ID out of reach: %+v %v", r, err)
			}
		}
		if got := find(search.Caller{Agency: "so-tc"}, "chuyen doi so"); len(got) != 0 {
			t.Errorf("another agency found %v", got)
		}
		x.Delete(ctx, secret.ID)
		if err := x.Delete(ctx, long, dup.ID); err != nil {
			t.Fatal(err)
		}
		if got := find(qn, "chuyen doi so"); len(got) != 0 {
			t.Errorf("after delete: %v", got)
		}
	})
	t.Run("ReindexReplaces", func(t *testing.T) {
		d := docs()[0]
		d.Subject = "Về việc giải thể Tổ công tác"
		if err := x.Index(ctx, d); err != nil {
			t.Fatal(err)
		}
		r, _ := x.Search(ctx, search.Options{Caller: qn, Query: "giai the"})
		if r.Total != 1 || r.Hits[0].Doc.Subject != "Về việc giải thể Tổ công tác" {
			t.Errorf("after re-index: %+v", r)
		}
	})
	t.Run("Delete", func(t *testing.T) {
		if err := x.Delete(ctx, "a"); err != nil {
			t.Fatal(err)
		}
		if got := find(qn, "giai the"); got["a"] {
			t.Error("deleted document still found")
		}
	})
	if err := x.Ping(ctx); err != nil {
		t.Error(err)
	}
}
