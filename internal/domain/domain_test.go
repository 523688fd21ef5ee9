package domain

import (
	"reflect"
	"testing"

	"github.com/vanthu/vanthu/internal/search"
	"github.com/vanthu/vanthu/pipelines/doc"
)

func TestSearchDocument(t *testing.T) {
	rec := doc.NewRecord("scan.pdf")
	rec.DocType, rec.Number, rec.Symbol, rec.Issuer, rec.IssuedAt = "TB", "46", "TB-UBND", "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", "2025-03-12"
	rec.Subject, rec.Signer, rec.Urgency, rec.Text, rec.Confidentiality = "Về việc họp", "Nguyễn Văn An", "KHẨN", "THÔNG BÁO …", "Mât"
	got := SearchDocument("uploads/a.pdf@e", "ubnd-qn", "", rec, "TUYỆT MẬT", "review")
	want := search.Document{ID: "uploads/a.pdf@e", Agency: "ubnd-qn", Confidentiality: "TUYỆT MẬT", File: "scan.pdf", DocType: "TB",
		Number: "46", Symbol: "TB-UBND", Issuer: "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", IssuedAt: "2025-03-12", Subject: "Về việc họp",
		Signer: "Nguyễn Văn An", Urgency: "KHẨN", Text: "THÔNG BÁO …", Status: "review"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	// The level given, never the marking as read ("Mât" is no level).
	if got.Confidentiality == rec.Confidentiality {
		t.Error("the raw marking was indexed")
	}
	if d := SearchDocument("x", "a", "the name it came with.pdf", rec, "", ""); d.File != "the name it came with.pdf" {
		t.Errorf("file %q", d.File)
	}
}
