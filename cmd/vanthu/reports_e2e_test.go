package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"math"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/pipelines/corpus"
)

// The reporting system on vanthu serve, from paper: an admin declares a
// quarterly regime with two reporters; one reporter's báo cáo, scanned,
// is uploaded by the receiving clerk, read by Tesseract, matched to the
// regime and its quarter by its issuer and subject, and its table's
// figures found for the regime's indicators; the status shows one
// reporter in and one missing.
func TestReportFromPaperEndToEnd(t *testing.T) {
	t.Setenv("VANTHU_MINIO_URL", "")
	t.Setenv("VANTHU_DB_URL", "")
	ctx := context.Background()
	data := t.TempDir()
	r := rand.New(rand.NewPCG(15, 9))
	spec := corpus.NewSpec(r, "BC")
	spec.Secrecy, spec.Urgency, spec.HandwrittenNumber, spec.PenNote = "", "", false, ""
	spec.Subject = []string{"Báo cáo kết quả giải quyết thủ tục hành chính", "quý III năm 2025"}
	spec.Date = time.Date(2025, 9, 26, 0, 0, 0, 0, time.UTC)
	spec.Table = &corpus.Table{Header: []string{"STT", "Chỉ tiêu", "Đơn vị tính", "Thực hiện kỳ này", "Lũy kế"}, Widths: []float64{11, 0, 22, 25, 25},
		Label: 1, Unit: 2, Rows: [][]string{
			{"1", "Số hồ sơ tiếp nhận", "Hồ sơ", "1.234", "5.678"},
			{"2", "Số hồ sơ giải quyết đúng hạn", "Hồ sơ", "1.100", "5.001"},
			{"3", "Tổng kinh phí thực hiện", "Triệu đồng", "1.250,5", "3.000"},
		}}
	spec.TableAfter = 1
	issuer, _ := spec.Truth("bc.png", 1, "")["issuer"].(string)
	pdf, marks, err := corpus.RenderPDF(spec)
	if err != nil {
		t.Fatal(err)
	}
	pages, err := corpus.Scan(ctx, pdf, spec, marks, corpus.ScanOptions{DPI: 300, Noise: 4}, r)
	if err != nil {
		t.Fatal(err)
	}
	var scan bytes.Buffer
	if err := png.Encode(&scan, pages[0]); err != nil {
		t.Fatal(err)
	}
	for code, name := range map[string]string{"so-tc": "SỞ TÀI CHÍNH", "rep-a": issuer, "rep-b": "ỦY BAN NHÂN DÂN HUYỆN MINH LONG"} {
		var out, errb bytes.Buffer
		if run(ctx, []string{"admin", "create-agency", "--data", data, "--code", code, "--name", name}, &out, &errb) != 0 {
			t.Fatalf("create-agency %s: %s", code, errb.String())
		}
	}
	admin := makeUser(t, data, "qt-stc", "admin", "so-tc")
	clerk := makeUser(t, data, "vt-stc", "clerk", "so-tc")
	base, serr := startServe(t, data)
	call := bearer(t, base)
	regime := `{"name":"Báo cáo kết quả giải quyết thủ tục hành chính","period":"quarter","due":"30","reporters":["rep-a","rep-b"],
		"indicators":["Số hồ sơ tiếp nhận","Số hồ sơ giải quyết đúng hạn","Tổng kinh phí thực hiện"]}`
	code, b := call(admin, "POST", "/api/v1/report-regimes", strings.NewReader(regime), "application/json")
	var reg struct{ ID int64 }
	json.Unmarshal(b, &reg)
	if code != http.StatusCreated {
		t.Fatalf("declare: %d %s", code, b)
	}
	upID, record := uploadRead(t, call, clerk, "Báo cáo TTHC quý III.png", scan.Bytes(), serr)
	if record["doc_type"] != "BC" {
		t.Fatalf("read as %v, not BC", record["doc_type"])
	}
	var st struct {
		Periods []struct {
			Due       string
			Missing   int
			Reporters []struct {
				Code, Status string
				Submission   *struct {
					ID         int64
					DocumentID int64 `json:"document_id"`
				}
			}
		}
	}
	// The register's names are resolved just after the record is
	// written: the submission follows at once.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(100 * time.Millisecond) {
		code, b = call(clerk, "GET", fmt.Sprint("/api/v1/report-regimes/", reg.ID, "/status?period=2025-Q3"), nil, "")
		st.Periods = nil
		json.Unmarshal(b, &st)
		if len(st.Periods) == 1 && st.Periods[0].Reporters[0].Submission != nil || time.Now().After(deadline) {
			break
		}
	}
	if code != http.StatusOK || len(st.Periods) != 1 || st.Periods[0].Due != "2025-09-30" {
		t.Fatalf("status: %d %s", code, b)
	}
	a, bb := st.Periods[0].Reporters[0], st.Periods[0].Reporters[1]
	if a.Code != "rep-a" || a.Status != "late" || a.Submission == nil || a.Submission.DocumentID != upID || bb.Status != "missing" || st.Periods[0].Missing != 1 {
		t.Fatalf("reporters (issuer read %q, subject %q): %s", record["issuer"], record["subject"], b)
	}
	code, b = call(clerk, "GET", fmt.Sprint("/api/v1/report-regimes/", reg.ID, "/figures?period=2025-Q3"), nil, "")
	var c struct {
		Totals  []float64
		Counted []int
	}
	json.Unmarshal(b, &c)
	want := []float64{1234, 1100, 1250.5e6}
	if code != http.StatusOK || len(c.Totals) != 3 {
		t.Fatalf("figures: %d %s", code, b)
	}
	for i, w := range want {
		if math.Abs(c.Totals[i]-w) > 1e-6*w || c.Counted[i] != 1 {
			t.Errorf("indicator %d: read %v, printed %v (%s)\ntext: %s", i, c.Totals[i], w, b, record["text"])
		}
	}
}
