package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/internal/records/recordstest"
	"github.com/vanthu/vanthu/pipelines/doc"
)

// An admin declares a regime with two reporters; one report arrives and
// is matched; the status shows one on time and one missing, the figures
// sum what was read, the Excel has them; the other agency sees only its
// own part; bad regimes are refused with the reason.
func TestRegimesThroughTheAPI(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for _, a := range []records.Agency{{Code: "a", Name: "SỞ TÀI CHÍNH"}, {Code: "b", Name: "UBND HUYỆN BA TƠ"}, {Code: "c", Name: "UBND HUYỆN MINH LONG"}} {
		if err := f.st.PutAgency(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	post := func(user, path, body string) (*http.Response, []byte) {
		return f.do(user, "POST", path, strings.NewReader(body), "Content-Type", "application/json")
	}
	good := `{"name":"Báo cáo thu chi ngân sách","period":"quarter","due":"25","reporters":["b","c"],"indicators":["Tổng thu ngân sách","Tổng chi ngân sách"]}`
	if res, _ := post("clerk-a", "/api/v1/report-regimes", good); res.StatusCode != http.StatusForbidden {
		t.Errorf("a clerk declared a regime: %d", res.StatusCode)
	}
	for body, reason := range map[string]string{
		strings.Replace(good, `"c"]`, `"zz"]`, 1):            "zz",
		strings.Replace(good, `"due":"25"`, `"due":"45"`, 1): "1 to 31",
		strings.Replace(good, `"quarter"`, `"weekly"`, 1):    "weekly",
	} {
		res, b := post("admin-a", "/api/v1/report-regimes", body)
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), reason) {
			t.Errorf("%s: %d %s (want the reason %q)", body, res.StatusCode, b, reason)
		}
	}
	res, b := post("admin-a", "/api/v1/report-regimes", good)
	var reg regimeJSON
	json.Unmarshal(b, &reg)
	if res.StatusCode != http.StatusCreated || reg.ID == 0 || reg.Role != "receiver" {
		t.Fatalf("create: %d %s", res.StatusCode, b)
	}
	if res, b := post("admin-a", "/api/v1/report-regimes", good); res.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "exists") {
		t.Errorf("a duplicate name: %d %s", res.StatusCode, b)
	}

	// UBND huyện Ba Tơ's report for the first quarter reaches the Sở.
	data := onePagePDF(t, "Bao cao thu chi")
	info, err := f.api.Store.Put(ctx, "uploads", "bc-bt.pdf", bytes.NewReader(data), int64(len(data)), map[string]string{"agency": "a"})
	if err != nil {
		t.Fatal(err)
	}
	rec := recordstest.Rec("BC", "12", "BC-UBND", "UBND HUYỆN BA TƠ", "Báo cáo tình hình thu chi ngân sách quý I năm 2025")
	rec.Figures = []doc.Figure{{Label: "Tổng thu ngân sách", Value: 1.2e9, Text: "1,2 tỷ đồng", Unit: "đồng", Confidence: 0.93, Evidence: doc.Evidence{Page: 1, Box: [4]int{10, 20, 30, 40}}}}
	r, err := f.st.Record(ctx, records.Upload{Agency: "a", Bucket: "uploads", Key: "bc-bt.pdf", ETag: info.ETag, File: "bc-bt.pdf", At: time.Date(2025, 3, 20, 8, 0, 0, 0, time.UTC)}, rec)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.ResolveNames(ctx, r.Document); err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprint("/api/v1/report-regimes/", reg.ID)
	res, b = f.do("staff-a", "GET", path+"/status?period=2025-Q1", nil)
	var st regimeStatusResponse
	json.Unmarshal(b, &st)
	if res.StatusCode != http.StatusOK || len(st.Periods) != 1 || st.Periods[0].Due != "2025-03-25" || st.Periods[0].OnTime != 1 || st.Periods[0].Missing != 1 {
		t.Fatalf("status: %d %s", res.StatusCode, b)
	}
	bt := st.Periods[0].Reporters[0]
	if bt.Code != "b" || bt.Status != "on_time" || bt.Submission == nil || bt.Submission.DocumentID != r.Document.ID || st.Periods[0].Reporters[1].Status != "missing" {
		t.Errorf("reporters: %+v", st.Periods[0].Reporters)
	}
	sub := fmt.Sprint(path, "/submissions/", bt.Submission.ID)
	res, b = f.do("clerk-a", "GET", sub, nil)
	var sj submissionJSON
	json.Unmarshal(b, &sj)
	if res.StatusCode != http.StatusOK || len(sj.Figures) != 2 || !sj.Figures[0].Found || sj.Figures[0].Value != 1.2e9 || sj.Figures[0].Box != [4]int{10, 20, 30, 40} || sj.Figures[1].Found {
		t.Errorf("submission figures: %d %s", res.StatusCode, b)
	}
	if res, b := f.do("clerk-a", "PATCH", sub+"/figures", strings.NewReader(`{"Tổng chi ngân sách": 950000000}`), "Content-Type", "application/json"); res.StatusCode != http.StatusOK ||
		!strings.Contains(string(b), `"corrected_by":"clerk-a"`) {
		t.Errorf("correct a figure: %d %s", res.StatusCode, b)
	}
	if res, _ := f.do("clerk-a", "PATCH", sub+"/figures", strings.NewReader(`{"Tổng chi ngân sách": "nhiều"}`), "Content-Type", "application/json"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("a figure not a number: %d", res.StatusCode)
	}
	res, b = f.do("leader-a", "GET", path+"/figures?period=2025-Q1", nil)
	var c consolidationResponse
	json.Unmarshal(b, &c)
	if res.StatusCode != http.StatusOK || c.Totals[0] != 1.2e9 || c.Totals[1] != 9.5e8 || len(c.Missing) != 1 || c.Missing[0] != "UBND HUYỆN MINH LONG" {
		t.Errorf("figures: %d %s", res.StatusCode, b)
	}
	res, b = f.do("leader-a", "GET", path+"/figures?period=2025-Q1&format=xlsx", nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("xlsx: %d", res.StatusCode)
	}
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows(x.GetSheetName(0))
	if len(rows) != 4 || rows[1][1] != "UBND HUYỆN BA TƠ" || rows[1][3] != "1.200.000.000" || rows[2][2] != "Chưa báo cáo" || rows[3][1] != "Tổng cộng" {
		t.Errorf("the Excel: %q", rows)
	}
	if res, _ := f.do("clerk-a", "GET", sub+"/file", nil); res.StatusCode != http.StatusOK {
		t.Errorf("the receiver reads the report's file: %d", res.StatusCode)
	}
	// Agency b reports under the regime: it sees its own part only.
	if res, _ := f.do("clerk-b", "GET", path+"/status", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("a reporter read everybody's status: %d", res.StatusCode)
	}
	if res, _ := f.do("clerk-b", "GET", sub+"/file", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("a reporter read the receiver's copy: %d", res.StatusCode)
	}
	res, b = f.do("clerk-b", "GET", "/api/v1/report-regimes", nil)
	var list regimesResponse
	json.Unmarshal(b, &list)
	if res.StatusCode != http.StatusOK || len(list.Regimes) != 1 || list.Regimes[0].Role != "reporter" || strings.Join(list.Regimes[0].Reporters, ",") != "b" ||
		list.Regimes[0].OwnStatus != "missing" || list.Regimes[0].OwnPeriod == "" {
		t.Errorf("the reporter's list: %d %s", res.StatusCode, b)
	}
	for _, q := range []string{"?period=2025-13", "?period=" + strings.Repeat("9", 100), "?period=2025-Q1&period=2025-Q2"} {
		if res, _ := f.do("staff-a", "GET", path+"/status"+q, nil); res.StatusCode != http.StatusBadRequest {
			t.Errorf("status%s: %d", q, res.StatusCode)
		}
	}
	csv := "name,period,due,reporters,indicators\nBáo cáo công tác cải cách hành chính,half,20,b;c,Số thủ tục được đơn giản hóa\nBáo cáo năm,year,02-30,b,\n"
	if res, b := post("admin-a", "/api/v1/report-regimes/import", `{"csv":`+jsonString(csv)+`}`); res.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "line 3") {
		t.Errorf("a CSV with a bad line: %d %s", res.StatusCode, b)
	}
	if _, b := f.do("admin-a", "GET", "/api/v1/report-regimes", nil); strings.Contains(string(b), "cải cách") {
		t.Error("a bad CSV declared half of its regimes")
	}
}

// A leader with reach over other agencies reads their counts; without
// reach, their own; staff not at all; secret documents are not counted
// for a leader not cleared.
func TestCityView(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for _, a := range []records.Agency{{Code: "a", Name: "SỞ TÀI CHÍNH"}, {Code: "b", Name: "UBND HUYỆN BA TƠ"}} {
		if err := f.st.PutAgency(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	q := "/api/v1/city?from=2025-03-01&to=2025-03-31"
	res, b := f.do("leader-a", "GET", q, nil)
	var c cityResponse
	json.Unmarshal(b, &c)
	if res.StatusCode != http.StatusOK || len(c.Agencies) != 1 || c.Agencies[0].Code != "a" || c.Agencies[0].DocumentsIn != 1 {
		t.Errorf("without reach: %d %s (one incoming document a leader not cleared for MẬT may count)", res.StatusCode, b)
	}
	if err := f.st.SetReach(ctx, records.User{Name: "admin-a", Role: records.RoleAdmin, Agency: "a", ID: 4}, "leader-a", []string{"b"}); !errors.Is(err, records.ErrForbidden) {
		t.Errorf("an agency's admin granted reach: %v", err)
	}
	if err := f.st.SetReach(ctx, records.Operator, "leader-a", []string{"b", "khong-co"}); !errors.Is(err, records.ErrInvalid) {
		t.Errorf("reach over an unknown agency: %v", err)
	}
	if err := f.st.SetReach(ctx, records.Operator, "leader-a", []string{"b"}); err != nil {
		t.Fatal(err)
	}
	res, b = f.do("leader-a", "GET", q, nil)
	c = cityResponse{}
	json.Unmarshal(b, &c)
	if res.StatusCode != http.StatusOK || len(c.Agencies) != 2 || c.Agencies[1].Code != "b" || c.Agencies[1].Name != "UBND HUYỆN BA TƠ" || c.Agencies[1].DocumentsIn != 1 {
		t.Errorf("with reach: %d %s", res.StatusCode, b)
	}
	if res, _ := f.do("staff-a", "GET", q, nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("staff read the city view: %d", res.StatusCode)
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
