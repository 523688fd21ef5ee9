// Package feedback is the function of citizen feedback over Zalo: its
// webhook (POST /webhooks/zalo) checks Zalo's signature, keeps the raw
// event in the inbox and answers at once; on vn.vanthu.feedback.received
// it turns the event into a case — the message kept, photos of papers
// read by the pipeline, the topic and agency routed, the citizen told the
// case code, or a case's status when they ask with its code.
package feedback

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"mime"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/vanthu/vanthu/internal/backends"
	"github.com/vanthu/vanthu/internal/config"
	"github.com/vanthu/vanthu/internal/events"
	fb "github.com/vanthu/vanthu/internal/feedback"
	"github.com/vanthu/vanthu/internal/objstore"
	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/internal/zalo"
	"github.com/vanthu/vanthu/pipelines"
)

// Source of the events this function emits.
const Source = "vanthu/feedback"

// MaxSkew is how far an event's timestamp may be from now: older ones
// are replays.
const MaxSkew = 10 * time.Minute

// MaxMedia bounds one attachment's download.
const MaxMedia = 10 << 20

// Emitter sends events on.
type Emitter interface {
	Emit(ctx context.Context, ev event.Event) error
}

// Function is the feedback stage.
type Function struct {
	Store    objstore.Store
	Bucket   string
	Records  *records.Store
	Pipeline *pipelines.Pipeline // reads photos of papers; nil: not read
	Zalo     *zalo.Client        // acknowledgements and status answers; nil: none sent
	Emit     Emitter
	// AppID and Secret check the webhook's signature; Agency owns the OA.
	AppID, Secret, Agency string
	MediaHosts            []string
	HTTP                  *http.Client // downloads (default: 20 s timeout, no redirects off Zalo's hosts)
	Log                   *slog.Logger
	Now                   func() time.Time
	opened                *backends.Opened
}

// New returns the function; the caller sets its fields or calls Start.
func New() *Function { return &Function{Log: slog.Default()} }

// Start opens what the caller did not set (knative/func's Starter): the
// object store, the records, the sink, the Zalo settings of cfg, and a
// pipeline for photos.
func (f *Function) Start(ctx context.Context, cfg map[string]string) error {
	f.opened = backends.Open(cfg)
	get := f.opened.Get
	if err := records.SetDeadlines(get("VANTHU_FEEDBACK_DEADLINES")); err != nil {
		return fmt.Errorf("VANTHU_FEEDBACK_DEADLINES: %w", err)
	}
	if f.Bucket == "" {
		f.Bucket = f.opened.Bucket()
	}
	if f.AppID == "" {
		f.AppID, f.Secret, f.Agency = get("VANTHU_ZALO_APP_ID"), get("VANTHU_ZALO_SECRET"), get("VANTHU_ZALO_AGENCY")
	}
	if f.MediaHosts == nil {
		f.MediaHosts = MediaHosts(get)
	}
	if f.Zalo == nil && get("VANTHU_ZALO_ACCESS_TOKEN") != "" {
		f.Zalo = &zalo.Client{API: get("VANTHU_ZALO_API_URL"), Token: get("VANTHU_ZALO_ACCESS_TOKEN")}
	}
	if f.Emit == nil {
		sink, err := backends.NewSink(get)
		if err != nil {
			return err
		}
		f.Emit = sink
	}
	if f.Pipeline == nil {
		var stop func() error
		f.Pipeline, stop = pipelines.Standalone()
		f.opened.OnStop(stop)
	}
	if err := f.opened.Store(ctx, &f.Store); err != nil {
		return err
	}
	return f.opened.Records(ctx, &f.Records)
}

// Stop closes what Start opened (knative/func's Stopper).
func (f *Function) Stop(context.Context) error { return f.opened.Close() }

// MediaHosts are the hosts attachments may come from (VANTHU_ZALO_MEDIA_HOSTS,
// comma-separated; Zalo's by default).
func MediaHosts(get config.Source) []string {
	var out []string
	for _, h := range strings.Split(get("VANTHU_ZALO_MEDIA_HOSTS"), ",") {
		if h = strings.TrimSpace(h); h != "" {
			out = append(out, h)
		}
	}
	if len(out) == 0 {
		return zalo.DefaultMediaHosts
	}
	return out
}

func (f *Function) now() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

func answer(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]any{"ok": code == http.StatusOK, "message": msg})
}

// Webhook takes one Zalo event: signed, fresh, whole — kept in the inbox
// and sent on the bus; answered 200 before any work is done on it.
func (f *Function) Webhook(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, zalo.MaxBody+1))
	if err != nil {
		answer(w, http.StatusBadRequest, "unreadable body")
		return
	}
	if len(body) > zalo.MaxBody {
		answer(w, http.StatusRequestEntityTooLarge, "an event is at most 64 KiB")
		return
	}
	sig := r.Header.Get("X-ZEvent-Signature")
	if sig == "" || f.Secret == "" {
		answer(w, http.StatusUnauthorized, "no signature")
		return
	}
	ev, err := zalo.Parse(body)
	if err != nil {
		answer(w, http.StatusBadRequest, "malformed event")
		return
	}
	if ev.AppID != f.AppID || !zalo.Verify(sig, f.AppID, body, ev.Timestamp, f.Secret) {
		// Anyone on the internet can send these: not worth a warning each.
		f.Log.DebugContext(r.Context(), "zalo webhook: bad signature", "remote", r.RemoteAddr)
		answer(w, http.StatusUnauthorized, "bad signature")
		return
	}
	at, err := ev.Time()
	if d := f.now().Sub(at); err != nil || d > MaxSkew || d < -MaxSkew {
		answer(w, http.StatusUnauthorized, "stale or future timestamp")
		return
	}
	switch ev.Name {
	case zalo.SendText, zalo.SendImage, zalo.SendFile, zalo.SendLocation:
	default:
		// Stickers, follows and what Zalo adds later: acknowledged, noted.
		f.Log.InfoContext(r.Context(), "zalo event not acted on", "event", ev.Name)
		answer(w, http.StatusOK, "noted")
		return
	}
	key := fb.InKey(ev.Key())
	if _, err := f.Store.Stat(r.Context(), f.Bucket, key); err == nil {
		answer(w, http.StatusOK, "already taken") // a retry, or a replay within the window
		return
	}
	if _, err := f.Store.Put(r.Context(), f.Bucket, key, bytes.NewReader(body), int64(len(body)), events.ArtifactMeta); err != nil {
		if _, serr := f.Store.Stat(r.Context(), f.Bucket, key); serr == nil {
			// The same event delivered at once: the other delivery kept it.
			answer(w, http.StatusOK, "already taken")
			return
		}
		f.Log.ErrorContext(r.Context(), "zalo webhook: keep the event", "err", err)
		answer(w, http.StatusServiceUnavailable, "busy: send it again")
		return
	}
	out, err := events.New(events.TypeFeedback, Source, events.Ref{Bucket: f.Bucket, Key: key})
	if err == nil {
		err = f.Emit.Emit(context.WithoutCancel(r.Context()), out)
	}
	if err != nil {
		// Kept: the reconciler sends it on.
		f.Log.WarnContext(r.Context(), "zalo webhook: send on", "err", err)
	}
	answer(w, http.StatusOK, "taken")
}

// Handle processes one inbox entry; it ends its chain. Idempotent: the
// done marker, and the message's msg_id in the records.
func (f *Function) Handle(ctx context.Context, ce event.Event) (*event.Event, error) {
	ref, err := events.RefOf(ce)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(ref.Key, fb.InPrefix) {
		return nil, fmt.Errorf("%s is not an inbox entry", ref.Key)
	}
	done := fb.DoneKey(ref.Key)
	if _, err := f.Store.Stat(ctx, ref.Bucket, done); err == nil {
		return nil, nil
	}
	rc, _, err := f.Store.Get(ctx, ref.Bucket, ref.Key)
	if err != nil {
		return nil, fmt.Errorf("inbox %s: %w", ref.Key, err)
	}
	body, err := io.ReadAll(io.LimitReader(rc, zalo.MaxBody+1))
	rc.Close()
	if err != nil {
		return nil, err
	}
	ev, err := zalo.Parse(body)
	if err == nil {
		err = f.process(ctx, ev)
	}
	if err != nil && !errors.Is(err, zalo.ErrBad) {
		return nil, err // transient: redelivered
	}
	if err != nil {
		f.Log.WarnContext(ctx, "zalo event dropped", "key", ref.Key, "err", err)
	}
	m := []byte(`{"done":true}`)
	if _, err := f.Store.Put(ctx, ref.Bucket, done, bytes.NewReader(m), int64(len(m)), events.ArtifactMeta); err != nil {
		return nil, err
	}
	return nil, nil
}

func (f *Function) process(ctx context.Context, ev zalo.Event) error {
	at, _ := ev.Time()
	in := records.InMessage{OAAgency: f.Agency, Citizen: ev.Sender.ID, Key: ev.Message.ID, Kind: strings.TrimPrefix(ev.Name, "user_send_"), Text: ev.Message.Text, At: at}
	for _, a := range ev.Message.Attachments {
		if a.Type == "location" && a.Payload.Coordinates != nil {
			in.Lat, in.Lon = coordinate(a.Payload.Coordinates.Latitude.String(), 90), coordinate(a.Payload.Coordinates.Longitude.String(), 180)
			if in.Lat == "" || in.Lon == "" {
				in.Lat, in.Lon = "", ""
			}
		}
	}
	// A case code with little else asks for that case's status; with
	// more, it is a message on the case (the status is told too).
	if code, ok := records.CaseCodeIn(in.Text); ok && in.Kind == "text" {
		if fb.OnlyAsks(in.Text) {
			return f.tellStatus(ctx, ev, code, at)
		}
		defer f.tellStatus(ctx, ev, code, at)
	}
	r, err := f.Records.ReceiveMessage(ctx, in)
	if err != nil || r.Duplicate {
		return err
	}
	for i, a := range ev.Message.Attachments {
		if a.Type == "image" || a.Type == "file" {
			if err := f.attach(ctx, r.Case, in.Key, i, a); err != nil {
				return err
			}
		}
	}
	if r.Case.Status == records.CaseReceived || r.Case.Status == records.CaseClassified {
		if err := f.route(ctx, r.Case); err != nil {
			return err
		}
	}
	if r.New {
		text := fmt.Sprintf("Văn phòng đã tiếp nhận phản ánh của bạn. Mã phản ánh: %s. Bạn có thể gửi mã này để xem tình trạng xử lý.", r.Case.Code)
		f.send(ctx, r.Case, "ack-"+r.Case.Code, ev.Sender.ID, text, at)
	}
	return nil
}

// coordinate is a latitude or longitude within ±limit, as six decimals
// ("" when it is none).
func coordinate(s string, limit float64) string {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || v < -limit || v > limit {
		return ""
	}
	return strconv.FormatFloat(v, 'f', 6, 64)
}

// route reads everything the case says (messages, photos' text) against
// the OA agency's rules and what its reassignments taught.
func (f *Function) route(ctx context.Context, c records.Case) error {
	text, err := f.Records.CaseText(ctx, c.ID)
	if err != nil {
		return err
	}
	rules, err := f.Records.RoutingRules(ctx, c.OAAgency)
	if err != nil {
		return err
	}
	model, err := f.Records.RouteModelOf(ctx, c.OAAgency, records.RouteWords(text))
	if err != nil {
		return err
	}
	rt := fb.Router{Rules: rules, Model: model}.Route(text)
	target := ""
	if rt.Agency != "" && rt.Confidence >= 0.5 && rt.Topic != fb.OutOfScope && rt.Topic != fb.StatusAsk {
		target = rt.Agency
	}
	_, err = f.Records.Route(ctx, c.ID, rt.Topic, rt.Confidence, target)
	return err
}

// statusText is a case's status as the citizen reads it.
var statusText = map[string]string{
	records.CaseReceived: "đã tiếp nhận", records.CaseClassified: "đang được phân loại", records.CaseAssigned: "đang được xử lý",
	records.CaseAnswered: "đã có trả lời", records.CaseClosed: "đã kết thúc", records.CaseRejected: "không thuộc phạm vi tiếp nhận",
}

func (f *Function) tellStatus(ctx context.Context, ev zalo.Event, code string, at time.Time) error {
	c, err := f.Records.CaseOfCitizen(ctx, f.Agency, ev.Sender.ID, code)
	text := fmt.Sprintf("Không tìm thấy phản ánh %s của bạn. Vui lòng kiểm tra lại mã.", code)
	switch {
	case err == nil:
		text = fmt.Sprintf("Phản ánh %s %s (hạn trả lời %s).", c.Code, statusText[c.Status], records.VietDate(c.Deadline))
	case !errors.Is(err, records.ErrNotFound):
		return err
	}
	f.send(ctx, c, "status-"+ev.Message.ID, ev.Sender.ID, text, at)
	return nil
}

// send tells the citizen text through the OA; a failure is logged, not
// retried (the case stands; staff see it was not acknowledged).
func (f *Function) send(ctx context.Context, c records.Case, key, user, text string, last time.Time) {
	if f.Zalo == nil {
		return
	}
	id, err := f.Zalo.SendText(ctx, user, text, last)
	if err != nil {
		f.Log.WarnContext(ctx, "zalo: could not tell the citizen", "case", c.Code, "err", err)
		return
	}
	if c.ID != 0 {
		if err := f.Records.AddAck(ctx, c.ID, key, text, id); err != nil {
			f.Log.WarnContext(ctx, "zalo: note the message sent", "case", c.Code, "err", err)
		}
	}
}

// mediaTypes are what a citizen may send, with the extension kept.
var mediaTypes = map[string]string{"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/gif": ".gif", "application/pdf": ".pdf"}

// attach downloads attachment n (Zalo's host, its size and type bounded),
// keeps it beside the case and reads what a photo of a paper says. A
// refused attachment is noted with its reason; the case stands.
func (f *Function) attach(ctx context.Context, c records.Case, msgKey string, n int, a zalo.Attachment) error {
	refuse := func(why string) error {
		f.Log.InfoContext(ctx, "attachment refused", "case", c.Code, "why", why)
		return f.Records.AttachMedia(ctx, msgKey, n, "", "", why)
	}
	u, err := zalo.MediaURL(a.Payload.URL, f.MediaHosts)
	if err != nil {
		return refuse(err.Error())
	}
	hc := f.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 20 * time.Second, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
			if _, err := zalo.MediaURL(req.URL.String(), f.MediaHosts); err != nil {
				return fmt.Errorf("redirected off Zalo: %w", err)
			}
			return nil
		}}
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	res, err := hc.Do(req)
	if err != nil {
		return refuse("download: " + err.Error())
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return refuse(fmt.Sprintf("download: HTTP %d", res.StatusCode))
	}
	if res.ContentLength > MaxMedia {
		return refuse(fmt.Sprintf("%d bytes: at most %d MiB", res.ContentLength, MaxMedia>>20))
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, MaxMedia+1))
	if err != nil {
		return refuse("download: " + err.Error())
	}
	if len(body) > MaxMedia {
		return refuse(fmt.Sprintf("more than %d MiB", MaxMedia>>20))
	}
	// The type is read from the bytes, not from what the server says.
	ct, _, _ := mime.ParseMediaType(http.DetectContentType(body))
	ext, ok := mediaTypes[ct]
	if !ok {
		return refuse("not an image or a PDF (" + ct + ")")
	}
	key := fb.MediaKey(c.Code, msgKey, n, ext)
	if _, err := f.Store.Put(ctx, f.Bucket, key, bytes.NewReader(body), int64(len(body)), events.ArtifactMeta); err != nil {
		return err
	}
	return f.Records.AttachMedia(ctx, msgKey, n, key, f.read(ctx, body, ext), "")
}

// read is what the pipeline reads of a photo or PDF ("" when it reads
// nothing, or there is no pipeline).
func (f *Function) read(ctx context.Context, body []byte, ext string) string {
	if f.Pipeline == nil {
		return ""
	}
	tmp, err := os.CreateTemp("", "vanthu-feedback-*"+ext)
	if err != nil {
		return ""
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(body)
	if cerr := tmp.Close(); err != nil || cerr != nil {
		return ""
	}
	rd, err := f.Pipeline.ReadFile(ctx, tmp.Name())
	if err != nil {
		f.Log.InfoContext(ctx, "attachment not read", "err", err)
		return ""
	}
	var b strings.Builder
	for _, p := range rd.Pages {
		b.WriteString(p.Text() + "\n")
	}
	return strings.TrimSpace(b.String())
}
