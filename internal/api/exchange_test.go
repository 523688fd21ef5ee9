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
		{Code: "a", Identifier: "000.00.01.H55", Name: "ỦY BAN NHÂN DÂN TỈNH A", Kind: records.KindAgency},
		{Code: "b", Identifier: "000.00.31.H55", Name: "SỞ TÀI CHÍNH TỈNH A", Kind: records.KindAgency},
	} {
		if err := f.st.PutDirectoryEntry(ctx, records.User{Role: records.RoleAdmin}, e); err != nil {
			t.Fatal(err)
		}
	}
	id := f.docs["a"]
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
	_, secret := f.do("clerk-a-mat", "GET", fmt.Sprintf("/api/v1/documents/%d/edxml?to=b", f.docs["a-mat"]), nil)
	if code, b := post("clerk-b", secret); code != http.StatusBadRequest || !strings.Contains(string(b), "not recorded as cleared") {
		t.Errorf("a secret document to an agency not cleared: %d %s", code, b)
	}
	if lines, _ := f.st.Incoming(ctx, records.RegisterFilter{Agency: "b", Cleared: records.Levels}); len(lines) != len(before)+1 {
		t.Errorf("a refused packet wrote %d lines", len(lines)-len(before)-1)
	}
}
