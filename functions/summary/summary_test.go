package summary

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/internal/objstore/local"
	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/internal/records/recordstest"
)

// On the first of a month that is a Monday, the day, the week and the
// month before are written once for each agency; run again, nothing.
func TestWritesWhatIsDueOnce(t *testing.T) {
	ctx := context.Background()
	st, err := records.OpenSQLite(ctx, filepath.Join(t.TempDir(), "vanthu.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	store, err := local.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	arrived := time.Date(2025, 8, 31, 3, 0, 0, 0, time.UTC)
	if _, err := st.Record(ctx, records.Upload{Agency: "ubnd-qn", Bucket: "uploads", Key: "a.pdf", ETag: "e", At: arrived},
		recordstest.Rec("QĐ", "5", "QĐ-UBND", "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", "Về việc thành lập Ban chỉ đạo")); err != nil {
		t.Fatal(err)
	}
	f := &Function{Store: store, Bucket: "uploads", Records: st, Now: func() time.Time { return time.Date(2025, 9, 1, 0, 30, 0, 0, time.UTC) }}
	n, err := f.Run(ctx)
	if err != nil || n != 3 {
		t.Fatalf("wrote %d: %v", n, err)
	}
	rc, _, err := store.Get(ctx, "uploads", Key("ubnd-qn", "day", "2025-08-31"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if !strings.HasPrefix(string(b), "%PDF-") {
		t.Errorf("not a PDF: %q", b[:10])
	}
	if n, err := f.Run(ctx); err != nil || n != 0 {
		t.Errorf("second run wrote %d: %v", n, err)
	}
}
