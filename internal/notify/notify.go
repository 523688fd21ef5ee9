// Package notify delivers notices beyond the app: one small interface,
// Channel, and its two kinds — e-mail over SMTP and Zalo ZNS template
// messages — driven by the records' outbox (Outbox.Run, from vanthu
// serve's loop). A notice is sent at most once to a person over a
// channel: the outbox claims a delivery before it is sent.
package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/vanthu/vanthu/internal/records"
)

// Recipient is whom a message goes to, and where each channel reaches
// them.
type Recipient struct {
	Name   string
	Email  string
	ZaloID string // the phone number of their Zalo account (ZNS addresses by phone)
}

// Message is a notice as a channel sends it.
type Message struct {
	// ID is the delivery's: the receiving side can tell a message seen
	// before (the e-mail's Message-ID, ZNS's tracking_id).
	ID      string
	Subject string
	Body    string
	Link    string // the full address to open, or the app's fragment ("#/cuoc-hop/12")
}

// Channel sends a message to a recipient.
type Channel interface {
	Name() string // "email", "zalo": the outbox's channel names
	Send(ctx context.Context, to Recipient, m Message) error
}

// permanent is a refusal that another try will not change (a bad
// address, a rejected request).
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent marks err as final: the delivery is not tried again.
func Permanent(err error) error { return permanent{err} }

// IsPermanent says whether err was marked Permanent.
func IsPermanent(err error) bool {
	var p permanent
	return errors.As(err, &p)
}

// Outbox drives the records' outbox over the channels configured.
type Outbox struct {
	Records  *records.Store
	Channels []Channel
	Log      *slog.Logger
	// BaseURL is where people open Vanthu: a notice's link is made whole
	// with it ("" keeps the app's fragment).
	BaseURL string
	// Backoff is the first wait after a failure that may pass, doubled
	// each try (default one minute).
	Backoff time.Duration
	Now     func() time.Time
}

// Run fans the new notices out and sends the deliveries due; it returns
// how many were sent. Each delivery is claimed before it is sent and
// its outcome written after, one at a time.
func (o *Outbox) Run(ctx context.Context) (int, error) {
	if len(o.Channels) == 0 {
		return 0, nil
	}
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	log := o.Log
	if log == nil {
		log = slog.Default()
	}
	byName := map[string]Channel{}
	var names []string
	for _, c := range o.Channels {
		byName[c.Name()] = c
		names = append(names, c.Name())
	}
	if _, err := o.Records.FanOutNotices(ctx, names, 200); err != nil {
		return 0, err
	}
	ds, err := o.Records.ClaimDeliveries(ctx, now(), 100)
	if err != nil {
		return 0, err
	}
	backoff := o.Backoff
	if backoff <= 0 {
		backoff = time.Minute
	}
	sent := 0
	for _, d := range ds {
		ch, ok := byName[d.Channel]
		var sendErr error
		final := false
		if !ok {
			sendErr, final = fmt.Errorf("channel %q is not configured any more", d.Channel), true
		} else {
			to := Recipient{Name: d.UserName}
			switch d.Channel {
			case "email":
				to.Email = d.Address
			case "zalo":
				to.ZaloID = d.Address
			}
			sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			sendErr = ch.Send(sctx, to, Message{ID: fmt.Sprintf("vanthu-%d", d.ID), Subject: d.Notice.Subject, Body: d.Notice.Body, Link: o.link(d.Notice.Link)})
			cancel()
			final = IsPermanent(sendErr)
		}
		if sendErr == nil {
			sent++
		} else {
			log.WarnContext(ctx, "notice not delivered", "channel", d.Channel, "notice", d.Notice.ID, "attempt", d.Attempts, "final", final || d.Attempts >= records.OutboxTries, "err", sendErr)
		}
		// The outcome is written even when ctx ends: the send happened.
		if err := o.Records.FinishDelivery(context.WithoutCancel(ctx), d, now(), sendErr, final, backoff); err != nil {
			return sent, err
		}
	}
	return sent, nil
}

func (o *Outbox) link(l string) string {
	if l == "" || o.BaseURL == "" || !strings.HasPrefix(l, "#") {
		return l
	}
	return strings.TrimRight(o.BaseURL, "/") + "/" + l
}

// FromConfig makes the channels configured: e-mail when
// VANTHU_SMTP_ADDR is set, Zalo ZNS when VANTHU_ZNS_TOKEN and
// VANTHU_ZNS_TEMPLATE are.
func FromConfig(get func(string) string) []Channel {
	var out []Channel
	if addr := get("VANTHU_SMTP_ADDR"); addr != "" {
		out = append(out, &SMTP{Addr: addr, From: get("VANTHU_SMTP_FROM"), User: get("VANTHU_SMTP_USER"), Password: get("VANTHU_SMTP_PASSWORD")})
	}
	if tok, tpl := get("VANTHU_ZNS_TOKEN"), get("VANTHU_ZNS_TEMPLATE"); tok != "" && tpl != "" {
		out = append(out, &ZNS{URL: get("VANTHU_ZNS_URL"), Token: tok, Template: tpl})
	}
	return out
}
