package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// DefaultZNSURL is Zalo's ZNS template message endpoint.
const DefaultZNSURL = "https://business.openapi.zalo.me/message/template"

// ZNS sends notices as Zalo Notification Service template messages: an
// HTTPS POST of the template's id and data, with the OA's access token.
// ZNS addresses a person by the phone number of their Zalo account
// (84xxxxxxxxx). The template must declare the parameters subject, body
// and link; ZNS bounds a parameter's length, so each is cut.
type ZNS struct {
	URL      string // DefaultZNSURL, or a stand-in
	Token    string
	Template string
	HTTP     *http.Client
}

var _ Channel = (*ZNS)(nil)

// Name is the outbox's channel name.
func (*ZNS) Name() string { return "zalo" }

// Send posts one template message to to.ZaloID's phone number.
func (z *ZNS) Send(ctx context.Context, to Recipient, m Message) error {
	phone := znsPhone(to.ZaloID)
	if phone == "" {
		return Permanent(fmt.Errorf("zalo number %q: want a Vietnamese phone number", clip(to.ZaloID)))
	}
	body, _ := json.Marshal(map[string]any{
		"phone":         phone,
		"template_id":   z.Template,
		"template_data": map[string]string{"subject": cut(m.Subject, 100), "body": cut(m.Body, 400), "link": cut(m.Link, 200)},
		"tracking_id":   m.ID,
	})
	url := z.URL
	if url == "" {
		url = DefaultZNSURL
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return Permanent(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("access_token", z.Token)
	hc := z.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 20 * time.Second}
	}
	res, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("zns: %w", err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	switch {
	case res.StatusCode == http.StatusTooManyRequests || res.StatusCode >= 500:
		return fmt.Errorf("zns: HTTP %d", res.StatusCode)
	case res.StatusCode >= 400:
		return Permanent(fmt.Errorf("zns: HTTP %d", res.StatusCode))
	}
	var out struct {
		Error   *int   `json:"error"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(b, &out); err != nil || out.Error == nil {
		return errors.New("zns: an answer that is not ZNS's JSON")
	}
	if *out.Error != 0 {
		return fmt.Errorf("zns error %d: %s", *out.Error, cut(out.Message, 200))
	}
	return nil
}

// znsPhone is a Vietnamese phone number as ZNS takes it (84…), or "".
func znsPhone(s string) string {
	var d strings.Builder
	for _, r := range strings.TrimPrefix(strings.TrimSpace(s), "+") {
		switch {
		case unicode.IsDigit(r) && r < 128:
			d.WriteRune(r)
		case r == ' ' || r == '.' || r == '-':
		default:
			return ""
		}
	}
	n := d.String()
	if strings.HasPrefix(n, "0") {
		n = "84" + n[1:]
	}
	if !strings.HasPrefix(n, "84") || len(n) < 11 || len(n) > 12 {
		return ""
	}
	return n
}

func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
