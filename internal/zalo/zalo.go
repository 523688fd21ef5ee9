// Package zalo speaks to Zalo Official Account: the webhook's events and
// their signature, and the OA message API a reply goes out by. Zalo
// cannot be reached from where this is built; the shapes are those of
// Zalo's documentation (developers.zalo.me, OA API v3), and the tests
// run against a local stand-in (zalotest) that checks them.
package zalo

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Sign is the hex MAC Zalo puts in X-ZEvent-Signature ("mac=<hex>"):
// SHA-256 of app id, raw body, timestamp and the OA secret key, in that
// order — a plain hash, not an HMAC, as Zalo computes it. The one place
// this is written.
func Sign(appID string, body []byte, timestamp, secret string) string {
	h := sha256.New()
	h.Write([]byte(appID))
	h.Write(body)
	h.Write([]byte(timestamp))
	h.Write([]byte(secret))
	return hex.EncodeToString(h.Sum(nil))
}

// Verify says whether header (the X-ZEvent-Signature value) signs body
// sent at timestamp, in constant time.
func Verify(header, appID string, body []byte, timestamp, secret string) bool {
	mac, ok := strings.CutPrefix(strings.TrimSpace(header), "mac=")
	if !ok || secret == "" {
		return false
	}
	want := Sign(appID, body, timestamp, secret)
	return subtle.ConstantTimeCompare([]byte(strings.ToLower(mac)), []byte(want)) == 1
}

// Event names Vanthu acts on.
const (
	SendText     = "user_send_text"
	SendImage    = "user_send_image"
	SendFile     = "user_send_file"
	SendLocation = "user_send_location"
	SendSticker  = "user_send_sticker"
	Follow       = "follow"
	Unfollow     = "unfollow"
)

// Event is one webhook event, the fields Vanthu reads.
type Event struct {
	AppID     string  `json:"app_id"`
	Name      string  `json:"event_name"`
	Timestamp string  `json:"timestamp"` // ms since the epoch, a string
	Sender    Party   `json:"sender"`
	Recipient Party   `json:"recipient"`
	Follower  Party   `json:"follower"` // follow, unfollow
	Message   Message `json:"message"`
}

// Party is a sender, recipient or follower.
type Party struct {
	ID string `json:"id"`
}

// Message is the message of a user_send_* event.
type Message struct {
	ID          string       `json:"msg_id"`
	Text        string       `json:"text"`
	Attachments []Attachment `json:"attachments"`
}

// Attachment is an image, file, location or sticker.
type Attachment struct {
	Type    string  `json:"type"`
	Payload Payload `json:"payload"`
}

// Payload is an attachment's content: a URL for media, coordinates for
// a location.
type Payload struct {
	URL         string       `json:"url"`
	Thumbnail   string       `json:"thumbnail"`
	Name        string       `json:"name"`
	Size        string       `json:"size"`
	Coordinates *Coordinates `json:"coordinates"`
}

// Coordinates of a shared location (Zalo sends them as strings).
type Coordinates struct {
	Latitude  json.Number `json:"latitude"`
	Longitude json.Number `json:"longitude"`
}

// Limits of what an event may carry: nothing a client sends is trusted.
const (
	MaxBody        = 64 << 10 // bytes of one event
	MaxText        = 4000     // characters of a message's text
	MaxAttachments = 10
	maxID          = 64
)

// ErrBad is the error of an event that is not one (400).
var ErrBad = errors.New("not a Zalo event")

// Parse reads one event and checks it is whole and bounded.
func Parse(body []byte) (Event, error) {
	var e Event
	if len(body) > MaxBody {
		return e, fmt.Errorf("%w: %d bytes, at most %d", ErrBad, len(body), MaxBody)
	}
	if !utf8.Valid(body) {
		return e, fmt.Errorf("%w: not UTF-8", ErrBad)
	}
	if err := json.Unmarshal(body, &e); err != nil {
		return e, fmt.Errorf("%w: %v", ErrBad, err)
	}
	switch {
	case e.Name == "" || len(e.Name) > maxID:
		return e, fmt.Errorf("%w: no event_name", ErrBad)
	case !idLike(e.Timestamp, 20):
		return e, fmt.Errorf("%w: timestamp %q", ErrBad, trunc(e.Timestamp))
	case len(e.AppID) > maxID || len(e.Sender.ID) > maxID || len(e.Recipient.ID) > maxID || len(e.Follower.ID) > maxID || len(e.Message.ID) > 128:
		return e, fmt.Errorf("%w: an id longer than Zalo's", ErrBad)
	case utf8.RuneCountInString(e.Message.Text) > MaxText:
		return e, fmt.Errorf("%w: a text of more than %d characters", ErrBad, MaxText)
	case len(e.Message.Attachments) > MaxAttachments:
		return e, fmt.Errorf("%w: %d attachments, at most %d", ErrBad, len(e.Message.Attachments), MaxAttachments)
	}
	if strings.HasPrefix(e.Name, "user_send_") && (e.Message.ID == "" || e.Sender.ID == "") {
		return e, fmt.Errorf("%w: %s without message.msg_id or sender.id", ErrBad, e.Name)
	}
	return e, nil
}

// Time is when the event was sent.
func (e Event) Time() (time.Time, error) {
	ms, err := strconv.ParseInt(e.Timestamp, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("timestamp %q: %w", trunc(e.Timestamp), err)
	}
	return time.UnixMilli(ms), nil
}

// User is the citizen the event is about: the sender, or the follower.
func (e Event) User() string {
	if e.Sender.ID != "" {
		return e.Sender.ID
	}
	return e.Follower.ID
}

// Key is the event's identity for deduplication: its message id, or for
// follow events the follower and time.
func (e Event) Key() string {
	if e.Message.ID != "" {
		return "m-" + e.Message.ID
	}
	return "e-" + e.Name + "-" + e.User() + "-" + e.Timestamp
}

func idLike(s string, max int) bool {
	if s == "" || len(s) > max {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func trunc(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// DefaultMediaHosts are the hosts Zalo serves attachments from: an
// attachment URL elsewhere is refused (it is the citizen's word, not
// Zalo's, where a file comes from).
var DefaultMediaHosts = []string{"zdn.vn", "zadn.vn", "zalo.me", "zaloapp.com"}

// MediaURL checks an attachment URL: https (or http on a loopback host in
// tests, when allowed lists it), on one of the allowed hosts or their
// subdomains.
func MediaURL(raw string, allowed []string) (*url.URL, error) {
	if len(raw) > 2048 {
		return nil, errors.New("the URL is too long")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("not a URL: %q", trunc(raw))
	}
	host := strings.ToLower(u.Hostname())
	ok := false
	for _, a := range allowed {
		a = strings.ToLower(strings.TrimSpace(a))
		if a != "" && (host == a || strings.HasSuffix(host, "."+a)) {
			ok = true
		}
	}
	switch {
	case !ok:
		return nil, fmt.Errorf("%s is not one of Zalo's hosts", host)
	case u.Scheme != "https" && !(u.Scheme == "http" && (host == "127.0.0.1" || host == "localhost")):
		return nil, fmt.Errorf("scheme %q: want https", u.Scheme)
	case u.User != nil:
		return nil, errors.New("a URL with credentials")
	}
	return u, nil
}
