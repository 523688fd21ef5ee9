// Package crashpoint lets the fault-injection tests kill the process, as
// the kernel would (SIGKILL: no deferred code, no flush), at a chosen
// point of a stage: VANTHU_CRASH_AT names the point. Unset — always, in
// production — At does nothing but compare two strings.
package crashpoint

import (
	"os"
	"syscall"

	"github.com/vanthu/vanthu/internal/config"
)

// The points of the API, before a stage's: a stage's point is its name
// (stage.PagesStage, RecordsStage: the artifact written, not answered;
// RegisteredStage, IndexedStage: the work done, the marker not written).
const (
	Stored   = "stored"   // the API stored the upload, before recording it
	Received = "received" // the API recorded it, before passing it on
)

var at = config.Get("VANTHU_CRASH_AT")

// At kills the process if VANTHU_CRASH_AT names point.
func At(point string) {
	if at != "" && at == point {
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {} // the signal is on its way
	}
}
