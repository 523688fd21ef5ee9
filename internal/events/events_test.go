package events

import "testing"

func TestRoundTripAndDeterministicID(t *testing.T) {
	r := Ref{Bucket: "uploads", Key: "scans/46 TB.pdf", ETag: "abc", Size: 10}
	ev, err := New(TypeUploaded, "vanthu/ingest", r)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := New(TypeUploaded, "vanthu/ingest", r)
	if ev.ID() != again.ID() {
		t.Error("the same upload gave two event IDs: redeliveries could not be recognised")
	}
	other := r
	other.ETag = "def"
	if o, _ := New(TypeUploaded, "vanthu/ingest", other); o.ID() == ev.ID() {
		t.Error("a new version of the object has the old event ID")
	}
	if read, _ := New(TypeRead, "vanthu/ocr", r); read.ID() == ev.ID() {
		t.Error("two stages share an event ID")
	}
	got, err := RefOf(ev)
	if err != nil || got.Key != r.Key || got.ETag != "abc" || ev.Extensions()[ExtBucket] != "uploads" {
		t.Errorf("%+v %v %v", got, err, ev.Extensions())
	}
}
