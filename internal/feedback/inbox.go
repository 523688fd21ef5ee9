package feedback

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/vanthu/vanthu/internal/events"
)

// The inbox of webhook events, in the object store: the raw body of each
// under InPrefix (written before Zalo hears 200, so a crash loses none)
// and a marker under DonePrefix once it is processed. The reconciler sends
// on every event without its marker. Names are a hash of the event's
// identity: nothing a client sent becomes a key.
const (
	InPrefix    = events.ArtifactPrefix + "feedback/in/"
	DonePrefix  = events.ArtifactPrefix + "feedback/done/"
	MediaPrefix = events.ArtifactPrefix + "feedback/media/"
)

// InKey is where the event with identity id (zalo.Event.Key) is kept.
func InKey(id string) string { return InPrefix + hash(id) + ".json" }

// DoneKey is the processed marker of the inbox entry at inKey.
func DoneKey(inKey string) string {
	return DonePrefix + strings.TrimPrefix(inKey, InPrefix)
}

// MediaKey is where attachment n of message id is kept.
func MediaKey(code, id string, n int, ext string) string {
	return MediaPrefix + code + "/" + hash(id)[:16] + "-" + string(rune('a'+n%26)) + ext
}

func hash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:16])
}

// Pending are the inbox entries among keys (a bucket's listing) that have
// no done marker.
func Pending(keys []string) []string {
	done := map[string]bool{}
	for _, k := range keys {
		if strings.HasPrefix(k, DonePrefix) {
			done[k] = true
		}
	}
	var out []string
	for _, k := range keys {
		if strings.HasPrefix(k, InPrefix) && !done[DoneKey(k)] {
			out = append(out, k)
		}
	}
	return out
}
