package api

import (
	"encoding/json"
	"net/http"
)

func jsonBody(w http.ResponseWriter, r *http.Request, v any) error {
	return json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(v)
}

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }
