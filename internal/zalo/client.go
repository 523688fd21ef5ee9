package zalo

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
	"unicode/utf8"
)

// DefaultAPI is Zalo's OpenAPI host.
const DefaultAPI = "https://openapi.zalo.me"

// MaxReply is the longest text a consultation message may carry.
const MaxReply = 2000

// Window is how long after a citizen's last message the OA may send a
// consultation message (tin tư vấn): Zalo's rule for OA v3.
const Window = 48 * time.Hour

// Client sends OA messages.
type Client struct {
	API   string // DefaultAPI, or a stand-in
	Token string // the OA's access token
	HTTP  *http.Client
}

// APIError is an answer of Zalo's with a non-zero error code.
type APIError struct {
	Code    int
	Message string
}

func (e *APIError) Error() string { return fmt.Sprintf("Zalo OA API error %d: %s", e.Code, e.Message) }

// ErrWindow is a reply the interaction window no longer allows.
var ErrWindow = errors.New("the citizen's last message is more than 48 hours old: Zalo allows no consultation message now")

// SendText sends text to the user as a consultation message (POST
// /v3.0/oa/message/cs) and returns Zalo's message id. last is the time of
// the citizen's last message: past the window nothing is sent.
func (c *Client) SendText(ctx context.Context, userID, text string, last time.Time) (string, error) {
	switch {
	case c == nil || c.Token == "":
		return "", errors.New("no Zalo OA access token is configured (VANTHU_ZALO_ACCESS_TOKEN)")
	case userID == "":
		return "", errors.New("no Zalo user to send to")
	case strings.TrimSpace(text) == "":
		return "", errors.New("an empty reply")
	case utf8.RuneCountInString(text) > MaxReply:
		return "", fmt.Errorf("a reply of %d characters: Zalo takes at most %d", utf8.RuneCountInString(text), MaxReply)
	case !last.IsZero() && time.Since(last) > Window:
		return "", ErrWindow
	}
	body, _ := json.Marshal(map[string]any{
		"recipient": map[string]string{"user_id": userID},
		"message":   map[string]string{"text": text},
	})
	api := c.API
	if api == "" {
		api = DefaultAPI
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(api, "/")+"/v3.0/oa/message/cs", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("access_token", c.Token)
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 15 * time.Second}
	}
	res, err := hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("the Zalo OA API: %w", err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("the Zalo OA API: %w", err)
	}
	var out struct {
		Error   *int   `json:"error"`
		Message string `json:"message"`
		Data    struct {
			MessageID string `json:"message_id"`
			UserID    string `json:"user_id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &out); err != nil || out.Error == nil {
		return "", fmt.Errorf("the Zalo OA API: HTTP %d, not its answer: %.200q", res.StatusCode, raw)
	}
	if *out.Error != 0 {
		return "", &APIError{Code: *out.Error, Message: out.Message}
	}
	if out.Data.MessageID == "" {
		return "", fmt.Errorf("the Zalo OA API: success without a message id: %.200q", raw)
	}
	return out.Data.MessageID, nil
}
