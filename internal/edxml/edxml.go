// Package edxml is the packet agencies exchange documents in, as QCVN
// 102:2016/BTTTT (and its 2022 amendment) defines it: an envelope with a
// header — sender and receivers by their identifier codes, the
// document's number and notation, promulgation place and date, type,
// subject, signer, priority, due date, the receiving places — and a body
// with the attached files; and the status packets receivers answer with.
// The mapping to Vanthu's record lives here and only here.
//
// What could not be read of the published schema where this was written
// (the standard's XSD is not reachable from here; the element names are
// those of the standard's text and of public integrations of the
// national exchange axis): the exact namespace-qualified order of
// optional elements, the numeric code lists of DocumentType/Type,
// Priority and StatusCode, and the MIME packaging of attachments — the
// standard sends the files as MIME parts referenced from the body's
// manifest; this packet carries them inline, base64, in the manifest's
// Attachment elements. A gateway to the axis would re-wrap them.
package edxml

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vanthu/vanthu/pipelines/doc"
)

// Namespace of QCVN 102:2016's packets.
const Namespace = "http://www.mic.gov.vn/TBT/QCVN_102_2016"

// Limits of a packet taken in: nothing from another system is trusted.
const (
	MaxPacket      = 64 << 20
	MaxAttachments = 20
	maxText        = 1 << 20
)

// Packet is the root element.
type Packet struct {
	XMLName  xml.Name `xml:"edXML"`
	Xmlns    string   `xml:"xmlns,attr"`
	Envelope Envelope `xml:"edXMLEnvelope"`
}

// Envelope holds the header and the body.
type Envelope struct {
	Header Header `xml:"edXMLHeader"`
	Body   Body   `xml:"edXMLBody"`
}

// Header is a document's message header, or a status packet's status.
type Header struct {
	Message *MessageHeader `xml:"MessageHeader,omitempty"`
	Status  *Status        `xml:"Status,omitempty"`
}

// Organ is an agency by its identifier code.
type Organ struct {
	OrganID   string `xml:"OrganId"`
	OrganName string `xml:"OrganName,omitempty"`
	Address   string `xml:"OrganAdd,omitempty"`
}

// MessageHeader is the document's metadata (Decree 30's, Appendix VI).
type MessageHeader struct {
	From             Organ       `xml:"From"`
	To               []Organ     `xml:"To"`
	DocumentID       string      `xml:"DocumentId"`
	Code             Code        `xml:"Code"`
	PromulgationInfo Promulgate  `xml:"PromulgationInfo"`
	DocumentType     DocType     `xml:"DocumentType"`
	Subject          string      `xml:"Subject"`
	Content          string      `xml:"Content,omitempty"`
	SignerInfo       Signer      `xml:"SignerInfo"`
	DueDate          string      `xml:"DueDate,omitempty"`
	ToPlaces         []string    `xml:"ToPlaces>Place,omitempty"`
	OtherInfo        OtherInfo   `xml:"OtherInfo"`
	Steering         []SteerItem `xml:"SteeringType,omitempty"`
}

// Code is the document's number and notation (số, ký hiệu).
type Code struct {
	Number   string `xml:"CodeNumber"`
	Notation string `xml:"CodeNotation"`
}

// Promulgate is where and when it was issued.
type Promulgate struct {
	Place string `xml:"Place"`
	Date  string `xml:"PromulgationDate"` // dd/mm/yyyy, as the standard writes dates
}

// DocType is the document's type.
type DocType struct {
	Type     string `xml:"Type"`     // Vanthu's two-letter code (the standard's numeric list could not be read here)
	TypeName string `xml:"TypeName"` // the type's Vietnamese name
}

// Signer is who signed it, with what authority.
type Signer struct {
	Competence string `xml:"Competence,omitempty"`
	Position   string `xml:"Position,omitempty"`
	FullName   string `xml:"FullName"`
}

// OtherInfo carries the urgency and secrecy markings.
type OtherInfo struct {
	Priority string `xml:"Priority,omitempty"` // KHẨN, THƯỢNG KHẨN, HỎA TỐC…
	Secrecy  string `xml:"Secret,omitempty"`   // MẬT…
	Pages    int    `xml:"PageAmount,omitempty"`
}

// SteerItem is a task the document assigns.
type SteerItem struct {
	Assignee string `xml:"Unit"`
	Task     string `xml:"Content"`
	Due      string `xml:"DueDate,omitempty"`
}

// Status is a receiver's answer about a document it received.
type Status struct {
	ResponseFor ResponseFor `xml:"ResponseFor"`
	From        Organ       `xml:"From"`
	StatusCode  string      `xml:"StatusCode"`
	Description string      `xml:"Description,omitempty"`
	Timestamp   string      `xml:"Timestamp"`
}

// ResponseFor names the document a status is about.
type ResponseFor struct {
	OrganID          string `xml:"OrganId"`
	Code             string `xml:"Code"`
	PromulgationDate string `xml:"PromulgationDate"`
	DocumentID       string `xml:"DocumentId"`
}

// Body holds the attached files.
type Body struct {
	Attachments []Attachment `xml:"Manifest>Attachment,omitempty"`
}

// Attachment is one file, inline.
type Attachment struct {
	Name        string `xml:"Name"`
	ContentType string `xml:"ContentType"`
	Content     string `xml:"Content"` // base64
}

// Statuses a receiver answers with (Vanthu's names; the standard's code
// list could not be read here).
var Statuses = []string{"received", "refused", "assigned", "in_progress", "done"}

// identifier is QCVN 102's identifier code.
var identifier = regexp.MustCompile(`^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$`)

// Document is a document as it travels: its record, the sender's and the
// receivers' identifiers and names, its id at the sender and its files.
type Document struct {
	ID          string // the sender's id of it
	From        Organ
	To          []Organ
	Record      doc.Record
	Attachments []File
}

// File is an attached file.
type File struct {
	Name, ContentType string
	Data              []byte
}

// typeNames are the Vietnamese names of the types (Decree 30).
var typeNames = map[string]string{"NQ": "Nghị quyết", "QD": "Quyết định", "CT": "Chỉ thị", "QC": "Quy chế", "QYD": "Quy định", "TC": "Thông cáo",
	"TB": "Thông báo", "HD": "Hướng dẫn", "CTr": "Chương trình", "KH": "Kế hoạch", "PA": "Phương án", "DA": "Đề án", "DAn": "Dự án",
	"BC": "Báo cáo", "BB": "Biên bản", "TTr": "Tờ trình", "HĐ": "Hợp đồng", "CV": "Công văn", "CĐ": "Công điện", "BGN": "Bản ghi nhớ",
	"BTT": "Bản thỏa thuận", "GUQ": "Giấy ủy quyền", "GM": "Giấy mời", "GGT": "Giấy giới thiệu", "GNP": "Giấy nghỉ phép",
	"PG": "Phiếu gửi", "PC": "Phiếu chuyển", "PB": "Phiếu báo", "TCg": "Thư công"}

// dateIn is a record's YYYY-MM-DD as the standard writes it (dd/mm/yyyy).
func dateIn(iso string) string {
	t, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return ""
	}
	return t.Format("02/01/2006")
}

func dateOut(s string) string {
	for _, layout := range []string{"02/01/2006", time.DateOnly} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return t.Format(time.DateOnly)
		}
	}
	return ""
}

// Marshal writes d as a packet.
func Marshal(d Document) ([]byte, error) {
	r := d.Record
	m := &MessageHeader{From: d.From, To: d.To, DocumentID: d.ID, Code: Code{Number: r.Number, Notation: r.Symbol},
		PromulgationInfo: Promulgate{Place: r.Place, Date: dateIn(r.IssuedAt)}, DocumentType: DocType{Type: r.DocType, TypeName: typeNames[r.DocType]},
		Subject: r.Subject, Content: r.Text, SignerInfo: Signer{Competence: r.SigningAuthority, Position: r.SignerTitle, FullName: r.Signer},
		ToPlaces: r.Recipients, OtherInfo: OtherInfo{Priority: r.Urgency, Secrecy: r.Confidentiality, Pages: r.Pages}}
	for _, t := range r.Tasks {
		m.Steering = append(m.Steering, SteerItem{Assignee: t.Assignee, Task: t.Task, Due: dateIn(t.Due)})
		if t.Due != "" && (m.DueDate == "" || dateOut(m.DueDate) > t.Due) {
			m.DueDate = dateIn(t.Due)
		}
	}
	p := Packet{Xmlns: Namespace, Envelope: Envelope{Header: Header{Message: m}}}
	for _, f := range d.Attachments {
		p.Envelope.Body.Attachments = append(p.Envelope.Body.Attachments, Attachment{Name: f.Name, ContentType: f.ContentType, Content: base64.StdEncoding.EncodeToString(f.Data)})
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(p); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// ErrBad is the error of a packet that is not one.
var ErrBad = errors.New("not an edXML packet")

func parse(r io.Reader) (Packet, error) {
	var p Packet
	data, err := io.ReadAll(io.LimitReader(r, MaxPacket+1))
	if err != nil {
		return p, err
	}
	if len(data) > MaxPacket {
		return p, fmt.Errorf("%w: more than %d MiB", ErrBad, MaxPacket>>20)
	}
	if !utf8.Valid(data) {
		return p, fmt.Errorf("%w: not UTF-8", ErrBad)
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	if err := dec.Decode(&p); err != nil {
		return p, fmt.Errorf("%w: %v", ErrBad, err)
	}
	if p.XMLName.Space != "" && p.XMLName.Space != Namespace {
		return p, fmt.Errorf("%w: namespace %q, want %s", ErrBad, p.XMLName.Space, Namespace)
	}
	return p, nil
}

// Parse reads a document packet, checking it is whole and bounded.
func Parse(in io.Reader) (Document, error) {
	p, err := parse(in)
	if err != nil {
		return Document{}, err
	}
	m := p.Envelope.Header.Message
	switch {
	case m == nil:
		return Document{}, fmt.Errorf("%w: no MessageHeader (a status packet?)", ErrBad)
	case !identifier.MatchString(m.From.OrganID):
		return Document{}, fmt.Errorf("%w: sender %q is no identifier code (000.00.31.H55)", ErrBad, trunc(m.From.OrganID))
	case len(m.To) == 0 || len(m.To) > 500:
		return Document{}, fmt.Errorf("%w: %d receivers", ErrBad, len(m.To))
	case len(p.Envelope.Body.Attachments) > MaxAttachments:
		return Document{}, fmt.Errorf("%w: %d attachments, at most %d", ErrBad, len(p.Envelope.Body.Attachments), MaxAttachments)
	case len(m.Content) > maxText || utf8.RuneCountInString(m.Subject) > 2000 || len(m.DocumentID) > 200 || utf8.RuneCountInString(m.Code.Number) > 32 ||
		utf8.RuneCountInString(m.Code.Notation) > 64 || len(m.Steering) > 100 || len(m.ToPlaces) > 100 || utf8.RuneCountInString(m.SignerInfo.FullName) > 200:
		return Document{}, fmt.Errorf("%w: a field beyond its bounds", ErrBad)
	}
	for _, to := range m.To {
		if !identifier.MatchString(to.OrganID) {
			return Document{}, fmt.Errorf("%w: receiver %q is no identifier code", ErrBad, trunc(to.OrganID))
		}
	}
	r := doc.NewRecord("")
	r.Number, r.Symbol, r.Place, r.IssuedAt = m.Code.Number, m.Code.Notation, m.PromulgationInfo.Place, dateOut(m.PromulgationInfo.Date)
	r.DocType, r.Subject, r.Text = m.DocumentType.Type, m.Subject, m.Content
	r.Signer, r.SignerTitle, r.SigningAuthority = m.SignerInfo.FullName, m.SignerInfo.Position, m.SignerInfo.Competence
	r.Issuer = m.From.OrganName
	r.Urgency, r.Confidentiality, r.Pages = m.OtherInfo.Priority, m.OtherInfo.Secrecy, m.OtherInfo.Pages
	if m.ToPlaces != nil {
		r.Recipients = m.ToPlaces
	}
	for _, s := range m.Steering {
		r.Tasks = append(r.Tasks, doc.Task{Assignee: s.Assignee, Task: s.Task, Due: dateOut(s.Due)})
	}
	// Sent electronically: every field is as its issuer wrote it.
	for _, f := range []string{"doc_type", "number", "symbol", "issuer", "issued_at", "subject", "signer", "signer_title", "urgency", "confidentiality"} {
		r.Confidence[f] = 1
	}
	d := Document{ID: m.DocumentID, From: m.From, To: m.To, Record: r}
	for _, a := range p.Envelope.Body.Attachments {
		data, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(a.Content), ""))
		if err != nil {
			return Document{}, fmt.Errorf("%w: attachment %q: %v", ErrBad, trunc(a.Name), err)
		}
		d.Attachments = append(d.Attachments, File{Name: a.Name, ContentType: a.ContentType, Data: data})
	}
	return d, nil
}

// StatusPacket is a receiver's answer about a document.
type StatusPacket struct {
	From        Organ  // the receiver
	ForSender   string // the sender's identifier
	ForCode     string // number/notation
	ForDate     string // YYYY-MM-DD
	ForID       string // the sender's id of the document
	Status      string // one of Statuses
	Description string // why, for a refusal
	At          time.Time
}

// MarshalStatus writes a status packet.
func MarshalStatus(s StatusPacket) ([]byte, error) {
	p := Packet{Xmlns: Namespace, Envelope: Envelope{Header: Header{Status: &Status{
		ResponseFor: ResponseFor{OrganID: s.ForSender, Code: s.ForCode, PromulgationDate: dateIn(s.ForDate), DocumentID: s.ForID},
		From:        s.From, StatusCode: s.Status, Description: s.Description, Timestamp: s.At.UTC().Format(time.RFC3339)}}}}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(p); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// ParseStatus reads a status packet.
func ParseStatus(r io.Reader) (StatusPacket, error) {
	p, err := parse(r)
	if err != nil {
		return StatusPacket{}, err
	}
	st := p.Envelope.Header.Status
	if st == nil {
		return StatusPacket{}, fmt.Errorf("%w: no Status", ErrBad)
	}
	ok := false
	for _, s := range Statuses {
		ok = ok || s == st.StatusCode
	}
	if !ok || !identifier.MatchString(st.From.OrganID) || !identifier.MatchString(st.ResponseFor.OrganID) {
		return StatusPacket{}, fmt.Errorf("%w: status %q from %q for %q", ErrBad, trunc(st.StatusCode), trunc(st.From.OrganID), trunc(st.ResponseFor.OrganID))
	}
	at, _ := time.Parse(time.RFC3339, st.Timestamp)
	return StatusPacket{From: st.From, ForSender: st.ResponseFor.OrganID, ForCode: st.ResponseFor.Code, ForDate: dateOut(st.ResponseFor.PromulgationDate),
		ForID: st.ResponseFor.DocumentID, Status: st.StatusCode, Description: st.Description, At: at}, nil
}

func trunc(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
