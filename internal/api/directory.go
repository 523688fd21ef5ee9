package api

import (
	"net/http"
	"strings"
)

// directoryEntryJSON is an agency or unit of the directory.
type directoryEntryJSON struct {
	Code       string   `json:"code"`
	Identifier string   `json:"identifier"`
	Name       string   `json:"name"`
	Parent     string   `json:"parent"`
	Kind       string   `json:"kind" enum:"agency,unit"`
	Cleared    string   `json:"cleared"`
	Names      []string `json:"names"`
}

type directoryResponse struct {
	Agencies []directoryEntryJSON `json:"agencies"`
}

type importDirectoryRequest struct {
	CSV string `json:"csv"` // header code,identifier,name,parent,kind,cleared,names
}

type importDirectoryResponse struct {
	Imported int `json:"imported"`
}

type unresolvedJSON struct {
	Name          string `json:"name"`
	Role          string `json:"role"`
	Seen          int    `json:"seen"`
	FirstDocument int64  `json:"first_document"`
}

type unresolvedResponse struct {
	Names []unresolvedJSON `json:"names"`
}

type mappingRequest struct {
	Name string `json:"name"`
	Code string `json:"code"`
}

func (s *Server) directory(w http.ResponseWriter, r *http.Request) {
	es, err := s.Records.Directory(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := directoryResponse{Agencies: []directoryEntryJSON{}}
	for _, e := range es {
		if e.Names == nil {
			e.Names = []string{}
		}
		out.Agencies = append(out.Agencies, directoryEntryJSON{Code: e.Code, Identifier: e.Identifier, Name: e.Name, Parent: e.Parent,
			Kind: e.Kind, Cleared: e.Cleared, Names: e.Names})
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) importDirectory(w http.ResponseWriter, r *http.Request) {
	var in importDirectoryRequest
	if err := jsonBody(w, r, &in); err != nil || strings.TrimSpace(in.CSV) == "" {
		writeError(w, http.StatusBadRequest, `send {"csv": "code,identifier,name,parent,kind,cleared,names\n…"}`)
		return
	}
	n, err := s.Records.ImportDirectory(r.Context(), UserOf(r), strings.NewReader(in.CSV))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, importDirectoryResponse{Imported: n})
}

func (s *Server) unresolvedNames(w http.ResponseWriter, r *http.Request) {
	ns, err := s.Records.Unresolved(r.Context(), UserOf(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := unresolvedResponse{Names: []unresolvedJSON{}}
	for _, n := range ns {
		out.Names = append(out.Names, unresolvedJSON{Name: n.Name, Role: n.Role, Seen: n.Seen, FirstDocument: n.FirstDocument})
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) mapName(w http.ResponseWriter, r *http.Request) {
	var in mappingRequest
	if err := jsonBody(w, r, &in); err != nil {
		writeError(w, http.StatusBadRequest, `send {"name": "as read", "code": "the directory's code"}`)
		return
	}
	if err := s.Records.MapName(r.Context(), UserOf(r), in.Name, strings.TrimSpace(in.Code)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.unresolvedNames(w, r)
}
