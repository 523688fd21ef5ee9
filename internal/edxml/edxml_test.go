package edxml

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/pipelines/doc"
)

// A document out and back in is the same document: every field the
// packet carries, its tasks and its file.
func TestRoundTrip(t *testing.T) {
	r := doc.NewRecord("")
	r.DocType, r.Number, r.Symbol, r.Issuer, r.IssuedAt, r.Place = "CV", "46", "UBND-KT", "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", "2025-03-12", "Quảng Ngãi"
	r.Subject, r.Text = "V/v hỗ trợ kinh phí sửa chữa trường học", "Kính gửi: Sở Giáo dục và Đào tạo …"
	r.Signer, r.SignerTitle, r.SigningAuthority = "Nguyễn Văn An", "PHÓ CHỦ TỊCH", "KT. CHỦ TỊCH"
	r.Recipients = []string{"Sở Giáo dục và Đào tạo", "Sở Tài chính"}
	r.Urgency, r.Confidentiality, r.Pages = "KHẨN", "", 2
	r.Tasks = []doc.Task{{Assignee: "Sở Giáo dục và Đào tạo", Task: "chủ trì kiểm tra", Due: "2025-04-01"}}
	in := Document{ID: "vanthu-123", From: Organ{OrganID: "000.00.00.H55", OrganName: r.Issuer},
		To: []Organ{{OrganID: "000.00.31.H55", OrganName: "SỞ GIÁO DỤC VÀ ĐÀO TẠO"}}, Record: r,
		Attachments: []File{{Name: "cv-46.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.7 …\x00\xff")}}}
	b, err := Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`xmlns="`+Namespace+`"`)) || !bytes.Contains(b, []byte("<CodeNumber>46</CodeNumber>")) || !bytes.Contains(b, []byte("<PromulgationDate>12/03/2025</PromulgationDate>")) {
		t.Errorf("packet:\n%s", b)
	}
	out, err := Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	want := r
	want.Confidence = out.Record.Confidence
	if !reflect.DeepEqual(out.Record, want) || out.ID != in.ID || !reflect.DeepEqual(out.From, in.From) || !reflect.DeepEqual(out.To, in.To) ||
		!reflect.DeepEqual(out.Attachments, in.Attachments) {
		t.Errorf("round trip:\n got %+v\nwant %+v", out, in)
	}
	if out.Record.Confidence["number"] != 1 {
		t.Error("fields sent electronically are not taken as written")
	}
}

func TestStatusRoundTrip(t *testing.T) {
	s := StatusPacket{From: Organ{OrganID: "000.00.31.H55", OrganName: "SỞ GD&ĐT"}, ForSender: "000.00.00.H55", ForCode: "46/UBND-KT", ForDate: "2025-03-12",
		ForID: "vanthu-123", Status: "refused", Description: "không thuộc thẩm quyền", At: time.Date(2025, 3, 13, 8, 0, 0, 0, time.UTC)}
	b, err := MarshalStatus(s)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseStatus(bytes.NewReader(b))
	if err != nil || !reflect.DeepEqual(got, s) {
		t.Errorf("status round trip: %+v %v", got, err)
	}
}

func TestParseRefuses(t *testing.T) {
	good, _ := Marshal(Document{From: Organ{OrganID: "000.00.00.H55"}, To: []Organ{{OrganID: "000.00.31.H55"}}, Record: doc.NewRecord("")})
	for name, b := range map[string][]byte{
		"not XML":        []byte("hello"),
		"another sender": bytes.Replace(good, []byte("000.00.00.H55"), []byte("../etc"), 1),
		"no receiver":    bytes.Replace(bytes.Replace(good, []byte("<To>"), []byte("<X>"), 1), []byte("</To>"), []byte("</X>"), 1),
		"not UTF-8":      append(bytes.Clone(good[:len(good)-20]), 0xff),
		"a status as a doc": func() []byte {
			b, _ := MarshalStatus(StatusPacket{From: Organ{OrganID: "000.00.31.H55"}, ForSender: "000.00.00.H55", Status: "received"})
			return b
		}(),
		"bad base64": []byte(strings.Replace(string(good), "</edXMLBody>", "<Manifest><Attachment><Name>a</Name><ContentType>x</ContentType><Content>!!!</Content></Attachment></Manifest></edXMLBody>", 1)),
	} {
		if _, err := Parse(bytes.NewReader(b)); !errors.Is(err, ErrBad) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
