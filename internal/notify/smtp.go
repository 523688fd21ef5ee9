package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strings"
	"time"
)

// SMTP sends notices as plain-text e-mail. It speaks STARTTLS when the
// server offers it, and logs in (PLAIN) only over TLS or to a server on
// loopback: a password never crosses the network in clear.
type SMTP struct {
	Addr     string // host:port
	From     string // the sender address (default vanthu@HOST)
	User     string // "" sends without logging in
	Password string
	// TLS is the STARTTLS configuration (nil: the host's name, the
	// system's roots).
	TLS *tls.Config
}

var _ Channel = (*SMTP)(nil)

// Name is the outbox's channel name.
func (*SMTP) Name() string { return "email" }

// Send writes one message to to.Email.
func (c *SMTP) Send(ctx context.Context, to Recipient, m Message) error {
	rcpt, err := mail.ParseAddress(to.Email)
	if err != nil || strings.ContainsAny(to.Email, "\r\n") {
		return Permanent(fmt.Errorf("e-mail address %q: not an address", clip(to.Email)))
	}
	host, _, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return Permanent(fmt.Errorf("VANTHU_SMTP_ADDR %q: want host:port", c.Addr))
	}
	from := c.From
	if from == "" {
		from = "vanthu@" + host
	}
	sender, err := mail.ParseAddress(from)
	if err != nil {
		return Permanent(fmt.Errorf("VANTHU_SMTP_FROM %q: not an address", clip(from)))
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(time.Minute)
	}
	conn.SetDeadline(deadline)
	cl, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return classify(err)
	}
	defer cl.Close()
	if ok, _ := cl.Extension("STARTTLS"); ok {
		cfg := c.TLS
		if cfg == nil {
			cfg = &tls.Config{ServerName: host}
		}
		if err := cl.StartTLS(cfg); err != nil {
			return fmt.Errorf("smtp starttls: %w", err)
		}
	}
	if c.User != "" {
		if err := cl.Auth(smtp.PlainAuth("", c.User, c.Password, host)); err != nil {
			return classify(fmt.Errorf("smtp login: %w", err))
		}
	}
	if err := cl.Mail(sender.Address); err != nil {
		return classify(err)
	}
	if err := cl.Rcpt(rcpt.Address); err != nil {
		return classify(err)
	}
	w, err := cl.Data()
	if err != nil {
		return classify(err)
	}
	if _, err := w.Write(message(sender, rcpt, to.Name, host, m)); err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	if err := w.Close(); err != nil {
		return classify(err)
	}
	return cl.Quit()
}

// message is the e-mail: UTF-8 headers encoded, the body
// quoted-printable, the delivery's id as its Message-ID.
func message(from, to *mail.Address, name, host string, m Message) []byte {
	var b bytes.Buffer
	rcpt := &mail.Address{Name: oneLine(name), Address: to.Address}
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%s@%s>\r\nMIME-Version: 1.0\r\n",
		(&mail.Address{Name: "Vanthu", Address: from.Address}).String(), rcpt.String(), mime.QEncoding.Encode("utf-8", oneLine(m.Subject)),
		time.Now().Format(time.RFC1123Z), oneLine(m.ID), host)
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	qp := quotedprintable.NewWriter(&b)
	body := m.Body
	if m.Link != "" {
		body += "\n\nXem trong Vanthu: " + m.Link
	}
	qp.Write([]byte(strings.ReplaceAll(body, "\n", "\r\n")))
	qp.Close()
	b.WriteString("\r\n")
	return b.Bytes()
}

// classify: an SMTP 5xx answer is final (the address or message is
// refused); anything else may pass.
func classify(err error) error {
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 {
		return Permanent(err)
	}
	return err
}

func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\r' || r == '\n' }), " ")
}

func clip(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}
