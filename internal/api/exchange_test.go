package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/internal/records"
)

// Two agencies exchange a document through an edXML file: exported from
// one, imported into the other's incoming register without OCR, marked
// received electronically; a packet not addressed to the importer, from
// an unknown sender, or secret for an agency not cleared is refused and
// nothing written.
func TestEdXMLExchange(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for _, e := range []records.DirectoryEntry{
		{Code: "a", Identifier: "000.00.01.H55", Name: "UBND XÃ NGHĨA HÀ", Kind: records.KindAgency},
		{Code: "b", Identifier: "000.00.31.H55", Name: "SỞ TÀI CHÍNH TỈNH A", Kind: records.KindAgency},
	} {
		if err := f.st.PutDirectoryEntry(ctx, records.Operator, e); err != nil {
			t.Fatal(err)
		}
	}
	// a's own document (its issuer is a's name): in its outgoing register.
	id := f.record("a", "own.pdf", "", "CV")
	if res, _ := f.do("clerk-a", "GET", fmt.Sprintf("/api/v1/documents/%d/edxml?to=b", f.docs["a"]), nil); res.StatusCode != http.StatusBadRequest {
		t.Errorf("a received document exported as if a's own: %d", res.StatusCode)
	}
	if res, _ := f.do("leader-a", "GET", fmt.Sprintf("/api/v1/documents/%d/edxml?to=b", id), nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("a leader exported: %d", res.StatusCode)
	}
	res, packet := f.do("clerk-a", "GET", fmt.Sprintf("/api/v1/documents/%d/edxml?to=b", id), nil)
	if res.StatusCode != http.StatusOK || !bytes.Contains(packet, []byte("<OrganId>000.00.31.H55</OrganId>")) || !bytes.Contains(packet, []byte("<OrganId>000.00.01.H55</OrganId>")) {
		t.Fatalf("export: %d %s", res.StatusCode, packet)
	}
	if res, _ := f.do("clerk-b", "GET", fmt.Sprintf("/api/v1/documents/%d/edxml?to=b", id), nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("another agency exported a's document: %d", res.StatusCode)
	}
	post := func(user string, body []byte) (int, []byte) {
		res, b := f.do(user, "POST", "/api/v1/edxml", bytes.NewReader(body), "Content-Type", "application/xml")
		return res.StatusCode, b
	}
	before, _ := f.st.Incoming(ctx, records.RegisterFilter{Agency: "b", Cleared: records.Levels})
	if code, b := post("clerk-a", packet); code != http.StatusBadRequest || !strings.Contains(string(b), "not addressed") {
		t.Errorf("imported by the sender: %d %s", code, b)
	}
	code, b := post("clerk-b", packet)
	var got importedJSON
	json.Unmarshal(b, &got)
	if code != http.StatusOK || got.Arrival == 0 || got.From != "000.00.01.H55" {
		t.Fatalf("import: %d %s", code, b)
	}
	lines, _ := f.st.Incoming(ctx, records.RegisterFilter{Agency: "b", Cleared: records.Levels})
	orig, _ := f.st.DocumentByID(ctx, id)
	var in *records.Entry
	for i := range lines {
		if lines[i].ArrivalNumber == got.Arrival && strings.HasPrefix(lines[i].Key, "vanthu/exchange/") {
			in = &lines[i]
		}
	}
	if len(lines) != len(before)+1 || in == nil || in.Number != orig.Record.Number || in.Subject != orig.Record.Subject || in.Status != records.StatusRegistered {
		t.Errorf("b's register: %+v (sent %+v)", lines, orig.Record)
	}
	// b answers with a status packet; a takes it in (as another
	// installation would).
	res, stp := f.do("clerk-b", "GET", fmt.Sprintf("/api/v1/documents/%d/edxml/status", got.Document.ID), nil)
	if res.StatusCode != http.StatusOK || !bytes.Contains(stp, []byte("<StatusCode>received</StatusCode>")) {
		t.Fatalf("status packet: %d %s", res.StatusCode, stp)
	}
	if code, b := post("clerk-b", stp); code != http.StatusBadRequest {
		t.Errorf("a status packet as a document: %d %s", code, b)
	}
	res, b2 := f.do("clerk-a", "POST", "/api/v1/edxml/status", bytes.NewReader(stp), "Content-Type", "application/xml")
	if res.StatusCode != http.StatusOK || !strings.Contains(string(b2), `"receiver":"b"`) || !strings.Contains(string(b2), `"status":"received"`) {
		t.Errorf("status taken in: %d %s", res.StatusCode, b2)
	}
	if res, _ := f.do("clerk-b", "POST", "/api/v1/edxml/status", bytes.NewReader(stp), "Content-Type", "application/xml"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("a status taken in by the wrong agency: %d", res.StatusCode)
	}
	if code, b := post("clerk-b", packet); code != http.StatusOK || !strings.Contains(string(b), fmt.Sprint(`"arrival_number":`, got.Arrival)) {
		t.Errorf("the same packet again: %d %s", code, b)
	}
	if lines, _ := f.st.Incoming(ctx, records.RegisterFilter{Agency: "b", Cleared: records.Levels}); len(lines) != len(before)+1 {
		t.Errorf("the same packet twice made %d lines", len(lines)-len(before))
	}
	forged := bytes.ReplaceAll(packet, []byte("000.00.01.H55"), []byte("000.00.99.H55"))
	if code, b := post("clerk-b", forged); code != http.StatusBadRequest || !strings.Contains(string(b), "not in the agency directory") {
		t.Errorf("an unknown sender: %d %s", code, b)
	}
	if code, _ := post("clerk-b", []byte("<edXML>")); code != http.StatusBadRequest {
		t.Errorf("a broken packet: %d", code)
	}
	mat := f.record("a", "own-mat.pdf", "MẬT", "CV")
	if res, b := f.do("clerk-a-mat", "GET", fmt.Sprintf("/api/v1/documents/%d/edxml?to=b", mat), nil); res.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "not recorded as cleared") {
		t.Errorf("a secret document exported to an agency not cleared: %d %s", res.StatusCode, b)
	}
	secret := bytes.Replace(packet, []byte("<OtherInfo>"), []byte("<OtherInfo><Secret>MẬT</Secret>"), 1)
	if code, b := post("clerk-b", secret); code != http.StatusBadRequest || !strings.Contains(string(b), "not recorded as cleared") {
		t.Errorf("a secret document to an agency not cleared: %d %s", code, b)
	}
	spoof := bytes.Replace(packet, []byte("<OrganName>UBND XÃ NGHĨA HÀ</OrganName>"), []byte("<OrganName>SỞ TÀI CHÍNH TỈNH A</OrganName>"), 1)
	if code, b := post("clerk-b", spoof); code == http.StatusOK && strings.Contains(string(b), `"arrival_number":0`) {
		t.Errorf("a packet named as the receiver filed itself in its outgoing register: %s", b)
	}
	if lines, _ := f.st.Incoming(ctx, records.RegisterFilter{Agency: "b", Cleared: records.Levels}); len(lines) != len(before)+1 {
		t.Errorf("a refused packet wrote %d lines", len(lines)-len(before)-1)
	}
}

// An outgoing document sent to another agency of the installation: its
// register gets it; the receiver directs, handles and finishes it, and
// each step shows on the sender's copy; a refusal carries its reason.
func TestSendAndStatusesBack(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	admin := records.Operator
	for _, e := range []records.DirectoryEntry{
		{Code: "a", Identifier: "000.00.01.H55", Name: "UBND XÃ NGHĨA HÀ", Kind: records.KindAgency},
		{Code: "b", Identifier: "000.00.31.H55", Name: "SỞ TÀI CHÍNH TỈNH A", Kind: records.KindAgency},
	} {
		if err := f.st.PutDirectoryEntry(ctx, admin, e); err != nil {
			t.Fatal(err)
		}
	}
	// a's own document: in its outgoing register.
	if err := f.st.PutAgency(ctx, records.Agency{Code: "a", Name: "UBND XÃ NGHĨA HÀ"}); err != nil {
		t.Fatal(err)
	}
	out := f.record("a", "out.pdf", "", "CV")
	if ok, _ := f.st.IsOutgoing(ctx, out); !ok {
		t.Fatal("the fixture's document is not outgoing")
	}
	f.st.PutDirectoryEntry(ctx, admin, records.DirectoryEntry{Code: "a", Identifier: "000.00.01.H55", Name: "UBND XÃ NGHĨA HÀ", Kind: records.KindAgency})
	send := func(user string, id int64, body string) (int, []byte) {
		res, b := f.do(user, "POST", fmt.Sprintf("/api/v1/documents/%d/send", id), strings.NewReader(body), "Content-Type", "application/json")
		return res.StatusCode, b
	}
	if code, b := send("clerk-a", f.docs["a"], `{"to":["b"]}`); code != http.StatusBadRequest || !strings.Contains(string(b), "outgoing register") {
		t.Errorf("a received document sent on: %d %s", code, b)
	}
	if code, _ := send("staff-a", out, `{"to":["b"]}`); code != http.StatusForbidden {
		t.Errorf("staff sent: %d", code)
	}
	if code, b := send("clerk-a", out, `{"to":["khong-co"]}`); code != http.StatusBadRequest {
		t.Errorf("to an unknown agency: %d %s", code, b)
	}
	code, b := send("clerk-a", out, `{"to":["b"]}`)
	if code != http.StatusOK || !strings.Contains(string(b), `"receiver":"b"`) || !strings.Contains(string(b), `"status":"received"`) {
		t.Fatalf("send: %d %s", code, b)
	}
	lines, _ := f.st.Incoming(ctx, records.RegisterFilter{Agency: "b", Cleared: records.Levels})
	var got int64
	for _, l := range lines {
		if strings.HasPrefix(l.Key, "vanthu/exchange/b/") {
			got = l.DocumentID
		}
	}
	if got == 0 {
		t.Fatalf("not in b's register: %+v", lines)
	}
	status := func() string {
		_, b := f.do("clerk-a", "GET", fmt.Sprintf("/api/v1/documents/%d/exchanges", out), nil)
		var x exchangesResponse
		json.Unmarshal(b, &x)
		if len(x.Exchanges) != 1 {
			return string(b)
		}
		return x.Exchanges[0].Status + ":" + x.Exchanges[0].Reason
	}
	leaderB, _ := f.st.CreateUser(ctx, records.User{Name: "leader-b", Role: records.RoleLeader, Agency: "b"}, "mat-khau-leader-b")
	if _, err := f.st.Direct(ctx, leaderB, got, records.Direction{MainUser: "leader-b", Note: "xử lý"}); err != nil {
		t.Fatal(err)
	}
	if s := status(); s != "assigned:" {
		t.Errorf("after the receiver directed it: %s", s)
	}
	if _, err := f.st.Step(ctx, leaderB, got, records.HandlingStepAs{Action: "finish", Note: "đã cấp kinh phí"}); err != nil {
		t.Fatal(err)
	}
	if s := status(); s != "done:đã cấp kinh phí" {
		t.Errorf("after the receiver finished it: %s", s)
	}
	if res, _ := f.do("clerk-b", "POST", fmt.Sprintf("/api/v1/documents/%d/refuse", got), strings.NewReader(`{"reason":"không thuộc thẩm quyền"}`), "Content-Type", "application/json"); res.StatusCode != http.StatusNoContent {
		t.Errorf("refuse: %d", res.StatusCode)
	}
	if s := status(); s != "refused:không thuộc thẩm quyền" {
		t.Errorf("after the refusal: %s", s)
	}
	if res, _ := f.do("clerk-b", "GET", fmt.Sprintf("/api/v1/documents/%d/exchanges", out), nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("the receiver reads the sender's copy: %d", res.StatusCode)
	}
}

// Between two installations: a packet exported from one store is taken
// in by another (its own directory, its own records), and the receiver's
// status packet goes back into the first.
func TestEdXMLBetweenInstallations(t *testing.T) {
	ctx := context.Background()
	one, two := newFixture(t), newFixture(t)
	admin := records.Operator
	for _, f := range []*fixture{one, two} {
		for _, e := range []records.DirectoryEntry{
			{Code: "a", Identifier: "000.00.01.H55", Name: "UBND XÃ NGHĨA HÀ", Kind: records.KindAgency},
			{Code: "b", Identifier: "000.00.31.H55", Name: "SỞ TÀI CHÍNH TỈNH A", Kind: records.KindAgency},
		} {
			if err := f.st.PutDirectoryEntry(ctx, admin, e); err != nil {
				t.Fatal(err)
			}
		}
	}
	id := one.record("a", "own.pdf", "", "CV")
	res, packet := one.do("clerk-a", "GET", fmt.Sprintf("/api/v1/documents/%d/edxml?to=b", id), nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("export: %d %s", res.StatusCode, packet)
	}
	before, _ := two.st.Incoming(ctx, records.RegisterFilter{Agency: "b", Cleared: records.Levels})
	res, b := two.do("clerk-b", "POST", "/api/v1/edxml", bytes.NewReader(packet), "Content-Type", "application/xml")
	var got importedJSON
	json.Unmarshal(b, &got)
	if res.StatusCode != http.StatusOK || got.Arrival == 0 {
		t.Fatalf("import into the other installation: %d %s", res.StatusCode, b)
	}
	after, _ := two.st.Incoming(ctx, records.RegisterFilter{Agency: "b", Cleared: records.Levels})
	if len(after) != len(before)+1 {
		t.Errorf("the other installation's register: %d → %d lines", len(before), len(after))
	}
	lead, _ := two.st.CreateUser(ctx, records.User{Name: "leader-b", Role: records.RoleLeader, Agency: "b"}, "mat-khau-leader-b")
	if _, err := two.st.Direct(ctx, lead, got.Document.ID, records.Direction{MainUser: "leader-b"}); err != nil {
		t.Fatal(err)
	}
	res, st := two.do("clerk-b", "GET", fmt.Sprintf("/api/v1/documents/%d/edxml/status", got.Document.ID), nil)
	if res.StatusCode != http.StatusOK || !bytes.Contains(st, []byte("<StatusCode>assigned</StatusCode>")) {
		t.Fatalf("status packet: %d %s", res.StatusCode, st)
	}
	res, b = one.do("clerk-a", "POST", "/api/v1/edxml/status", bytes.NewReader(st), "Content-Type", "application/xml")
	if res.StatusCode != http.StatusOK || !strings.Contains(string(b), `"status":"assigned"`) {
		t.Errorf("the status back in the sender's installation: %d %s", res.StatusCode, b)
	}
}
