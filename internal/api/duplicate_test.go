package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
)

// A duplicate (same number, symbol and issuer as a document registered
// before) is not numbered; GET /documents/{id} names the document it
// duplicates and that one's arrival number, so that a screen can say so
// instead of "số đến 0".
func TestDuplicateNamesTheRegistered(t *testing.T) {
	f := newFixture(t)
	dup := f.record("a", "c.pdf", "", "CV") // the number of a.pdf (its key's length): a duplicate of it
	get := func(id int64) (int, map[string]any) {
		res, b := f.do("clerk-a", "GET", fmt.Sprint("/api/v1/documents/", id), nil)
		var m struct {
			Register map[string]any `json:"register"`
		}
		json.Unmarshal(b, &m)
		return res.StatusCode, m.Register
	}
	code, orig := get(f.docs["a"])
	if code != http.StatusOK || orig == nil || orig["arrival_number"].(float64) == 0 || orig["duplicate_of"] != nil || orig["duplicate_document"] != nil {
		t.Fatalf("the registered one: %d %v", code, orig)
	}
	code, r := get(dup)
	if code != http.StatusOK || r == nil {
		t.Fatalf("the duplicate: %d %v", code, r)
	}
	if r["arrival_number"].(float64) != 0 || r["duplicate_of"] == nil {
		t.Errorf("the duplicate is numbered or not linked: %v", r)
	}
	if r["duplicate_document"] != float64(f.docs["a"]) || r["duplicate_arrival_number"] != orig["arrival_number"] {
		t.Errorf("the duplicate names %v (số đến %v), want %d (số đến %v)", r["duplicate_document"], r["duplicate_arrival_number"], f.docs["a"], orig["arrival_number"])
	}
}
