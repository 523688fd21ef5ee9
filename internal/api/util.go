package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/vanthu/vanthu/internal/records"
)

// maxJSONBody bounds a JSON request body.
const maxJSONBody = 1 << 20

// errBody is a request body that is not the one JSON object asked for.
var errBody = errors.New("malformed JSON body")

// jsonBody decodes the request's body into v: exactly one JSON object,
// no unknown fields (for a struct), nothing after it, at most
// maxJSONBody bytes. null, an array or a second value are refused.
func jsonBody(w http.ResponseWriter, r *http.Request, v any) error {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxJSONBody))
	if err != nil {
		return fmt.Errorf("%w: %v", errBody, err)
	}
	return decodeObject(b, v)
}

// decodeObject is jsonBody's check, on bytes.
func decodeObject(b []byte, v any) error {
	if t := bytes.TrimLeft(b, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return fmt.Errorf("%w: want a JSON object", errBody)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: %v", errBody, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: something follows the JSON object", errBody)
	}
	return nil
}

// stringFields reads a body {"field": "value", ...}: every value a
// string (null, numbers, objects are refused).
func stringFields(w http.ResponseWriter, r *http.Request) (map[string]string, error) {
	var raw map[string]json.RawMessage
	if err := jsonBody(w, r, &raw); err != nil {
		return nil, err
	}
	out := make(map[string]string, len(raw))
	for k, v := range raw {
		var s string
		if len(v) == 0 || v[0] != '"' || json.Unmarshal(v, &s) != nil {
			return nil, fmt.Errorf("%w: %s: want a string", errBody, clip(k))
		}
		out[k] = s
	}
	return out, nil
}

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

// Bounds of the paging parameters every listing takes.
const (
	maxLimit  = 1000       // lines of a listing on one page
	maxExport = 100_000    // lines of an export (format=csv|xlsx)
	maxOffset = 10_000_000 // deeper than any register
)

// intParam reads an integer query parameter in [lo, hi]; absent, it is
// def. Anything else — not a number, out of range, given twice — is
// refused with a message naming the parameter (a 400).
func intParam(q url.Values, name string, lo, hi, def int) (int, error) {
	vs, ok := q[name]
	if !ok || (len(vs) == 1 && vs[0] == "") {
		return def, nil
	}
	if len(vs) > 1 {
		return 0, fmt.Errorf("%w: %s given %d times", records.ErrInvalid, name, len(vs))
	}
	n, err := strconv.Atoi(vs[0])
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%w: %s %q: want a whole number from %d to %d", records.ErrInvalid, name, clip(vs[0]), lo, hi)
	}
	return n, nil
}

// dateParam reads a YYYY-MM-DD query parameter ("" when absent).
func dateParam(q url.Values, name string) (string, error) {
	v := q.Get(name)
	if v == "" {
		return "", nil
	}
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		return "", fmt.Errorf("%w: %s %q: want a date as YYYY-MM-DD", records.ErrInvalid, name, clip(v))
	}
	return v, nil
}

// clip shortens a client's value for an error message.
func clip(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}
