package stage

import (
	"testing"

	"github.com/vanthu/vanthu/internal/events"
)

func TestDocIDReadsBack(t *testing.T) {
	for _, ref := range []events.Ref{
		{Bucket: "uploads", Key: "api/ubnd-qn/2026/11/ab12.pdf", ETag: "9f0e"},
		{Bucket: "uploads", Key: "thư@mục/công văn @ 12.pdf", ETag: "e1-3"}, // "@" in the key
	} {
		got, ok := RefOfDocID(DocID(ref))
		if !ok || got.Bucket != ref.Bucket || got.Key != ref.Key || got.ETag != ref.ETag {
			t.Errorf("%q read back as %+v %v", DocID(ref), got, ok)
		}
	}
	for _, id := range []string{"", "no-slash@e", "/key@e", "b/@e", "b/key"} {
		if _, ok := RefOfDocID(id); ok {
			t.Errorf("%q taken for a document ID", id)
		}
	}
}
