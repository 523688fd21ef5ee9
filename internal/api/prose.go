package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// Prose asks an OpenAI-compatible model (POST {URL}/chat/completions) to
// write a summary's paragraphs as flowing prose. The summary is complete
// and correct without it: the model only rewrites, and its text is used
// only if every figure of the original — numbers, dates, numbers and
// symbols — is still in it; otherwise the records' own text stands.
type Prose struct {
	URL    string // e.g. http://127.0.0.1:8000/v1
	Model  string
	Key    string // bearer token, if the endpoint wants one
	Client *http.Client
}

// facts are the tokens a rewrite must keep: numbers with what is glued to
// them (811/QĐ-UBND, 15/06/2024, 12,5%).
var facts = regexp.MustCompile(`\d[\p{L}\p{N}/.,%-]*`)

const proseInstruction = "Bạn là chuyên viên văn phòng. Viết lại các đoạn tóm tắt sau thành văn phong hành chính mạch lạc, " +
	"bằng tiếng Việt. Giữ nguyên mọi con số, ngày tháng, số và ký hiệu văn bản, tên cơ quan, tên người. " +
	"Không thêm thông tin nào không có trong các đoạn. Trả lời chỉ bằng các đoạn văn, cách nhau một dòng trống."

// Rewrite returns the model's paragraphs, or an error saying why the
// original should stand.
func (p *Prose) Rewrite(ctx context.Context, paragraphs []string) ([]string, error) {
	if len(paragraphs) == 0 {
		return paragraphs, nil
	}
	original := strings.Join(paragraphs, "\n\n")
	body, _ := json.Marshal(map[string]any{
		"model":       p.Model,
		"temperature": 0,
		"messages": []map[string]string{
			{"role": "system", "content": proseInstruction},
			{"role": "user", "content": original},
		},
	})
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "POST", strings.TrimSuffix(p.URL, "/")+"/chat/completions", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if p.Key != "" {
		req.Header.Set("Authorization", "Bearer "+p.Key)
	}
	client := p.Client
	if client == nil {
		client = http.DefaultClient
	}
	res, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("model: %s", res.Status)
	}
	var out struct {
		Choices []struct {
			Message struct {
				Content string `json:"content"`
			} `json:"message"`
		} `json:"choices"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || len(out.Choices) == 0 {
		return nil, fmt.Errorf("model: no answer (%v)", err)
	}
	text := out.Choices[0].Message.Content
	for _, f := range facts.FindAllString(original, -1) {
		f = strings.TrimRight(f, ".,")
		if !strings.Contains(text, f) {
			return nil, fmt.Errorf("model: the rewrite lost %q", f)
		}
	}
	var ps []string
	for _, para := range strings.Split(text, "\n\n") {
		if para = strings.TrimSpace(para); para != "" {
			ps = append(ps, para)
		}
	}
	return ps, nil
}
