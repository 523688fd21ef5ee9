package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/vanthu/vanthu/internal/domain"
	"github.com/vanthu/vanthu/internal/edxml"
	"github.com/vanthu/vanthu/internal/events"
	"github.com/vanthu/vanthu/internal/records"
)

// exchangePrefix is where files received electronically are kept: under
// the artifacts' prefix, so that the reconciler never takes them for
// uploads to read (they come with their record).
const exchangePrefix = events.ArtifactPrefix + "exchange/"

type importedJSON struct {
	Document documentJSON `json:"document"`
	Arrival  int          `json:"arrival_number"`
	From     string       `json:"from"` // the sender's identifier
}

// organOf is an agency of the directory as an edXML organ: its
// identifier is required.
func (s *Server) organOf(r *http.Request, code string) (edxml.Organ, error) {
	e, err := s.Records.DirectoryEntryOf(r.Context(), code)
	if err != nil {
		return edxml.Organ{}, fmt.Errorf("%w: %s is not in the agency directory", records.ErrInvalid, code)
	}
	if e.Identifier == "" {
		return edxml.Organ{}, fmt.Errorf("%w: %s has no QCVN 102 identifier in the directory", records.ErrInvalid, code)
	}
	return edxml.Organ{OrganID: e.Identifier, OrganName: e.Name}, nil
}

func (s *Server) exportEdXML(w http.ResponseWriter, r *http.Request) {
	d, ok := s.pathDocument(w, r)
	if !ok {
		return
	}
	if d.Status == records.StatusReceived || d.Status == records.StatusFailed {
		s.fail(w, r, fmt.Errorf("%w: document %d is %s: nothing to send", records.ErrInvalid, d.ID, d.Status))
		return
	}
	from, err := s.organOf(r, d.Agency)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var to []edxml.Organ
	if q := strings.TrimSpace(r.URL.Query().Get("to")); q != "" {
		for _, code := range strings.Split(q, ",") {
			o, err := s.organOf(r, strings.TrimSpace(code))
			if err != nil {
				s.fail(w, r, err)
				return
			}
			to = append(to, o)
		}
	} else {
		for _, name := range d.Record.Recipients {
			if res, ok, err := s.Records.Resolve(r.Context(), d.Agency, name, records.RoleRecipient, d.ID); err == nil && ok {
				if o, err := s.organOf(r, res.Code); err == nil {
					to = append(to, o)
				}
			}
		}
	}
	if len(to) == 0 {
		s.fail(w, r, fmt.Errorf("%w: no receiver: name them (to=CODES) or map the document's recipients to the directory", records.ErrInvalid))
		return
	}
	var files []edxml.File
	if rc, _, err := s.Store.Get(r.Context(), d.Bucket, d.Key); err == nil {
		data, _ := io.ReadAll(io.LimitReader(rc, edxml.MaxPacket/2))
		rc.Close()
		name := d.File
		if name == "" {
			name = "van-ban"
		}
		files = append(files, edxml.File{Name: name, ContentType: http.DetectContentType(data), Data: data})
	}
	rec := d.Record
	rec.File = ""
	b, err := edxml.Marshal(edxml.Document{ID: fmt.Sprint("vanthu-", d.ID), From: from, To: to, Record: rec, Attachments: files})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="van-ban-%d.edxml"`, d.ID))
	w.Write(b)
}

// importEdXML takes a packet addressed to the user's agency from an agency
// the directory knows: the document enters the incoming register as
// received electronically, its fields as sent, its file kept, no OCR.
// Anything wrong and nothing is written.
func (s *Server) importEdXML(w http.ResponseWriter, r *http.Request) {
	u := UserOf(r)
	body, err := io.ReadAll(io.LimitReader(r.Body, edxml.MaxPacket+1))
	if err != nil {
		writeError(w, http.StatusBadRequest, "unreadable body")
		return
	}
	if len(body) > edxml.MaxPacket {
		writeError(w, http.StatusRequestEntityTooLarge, "an edXML packet is at most 64 MiB")
		return
	}
	p, err := edxml.Parse(bytes.NewReader(body))
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	me, err := s.organOf(r, u.Agency)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	addressed := false
	for _, to := range p.To {
		addressed = addressed || to.OrganID == me.OrganID
	}
	if !addressed {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("the packet is not addressed to this agency (%s)", me.OrganID))
		return
	}
	sender, err := s.agencyByIdentifier(r, p.From.OrganID)
	if err != nil {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("the sender %s is not in the agency directory", p.From.OrganID))
		return
	}
	mine, _ := s.Records.DirectoryEntryOf(r.Context(), u.Agency)
	if lvl := records.SecrecyOf(p.Record.Confidentiality); lvl != "" && !cleared(mine.Cleared, lvl) {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("a %s document: this agency is not recorded as cleared to receive it electronically", lvl))
		return
	}
	if len(p.Attachments) == 0 {
		writeError(w, http.StatusBadRequest, "the packet carries no file")
		return
	}
	f := p.Attachments[0]
	h := sha256.Sum256(append([]byte(p.From.OrganID+"|"+p.ID+"|"), f.Data...))
	key := exchangePrefix + u.Agency + "/" + hex.EncodeToString(h[:16]) + ".bin"
	info, err := s.Store.Put(r.Context(), s.Bucket, key, bytes.NewReader(f.Data), int64(len(f.Data)),
		map[string]string{"agency": u.Agency, "uploaded-by": u.Name, "received-from": p.From.OrganID})
	if err != nil {
		s.fail(w, r, fmt.Errorf("%w: %v", errUnavailable, err))
		return
	}
	rec := p.Record
	if rec.Issuer == "" {
		rec.Issuer = sender.Name
	}
	rec.File = cleanName(f.Name)
	res, err := s.Records.Record(r.Context(), records.Upload{Agency: u.Agency, Bucket: s.Bucket, Key: key, ETag: info.ETag, File: rec.File, By: u.Name}, rec)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.Records.MarkReceivedFrom(r.Context(), res.Document.ID, p.From.OrganID); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.Records.ResolveNames(r.Context(), res.Document); err != nil {
		s.Log.WarnContext(r.Context(), "resolve names", "document", res.Document.ID, "err", err)
	}
	if s.Index != nil {
		if err := s.Index.Index(r.Context(), domain.Recorded(res.Document)); err != nil {
			s.Records.MarkReindex(r.Context(), res.Document.ID)
		}
	}
	out := importedJSON{Document: s.documentJSON(r, res.Document, false), From: p.From.OrganID}
	if res.Incoming != nil {
		out.Arrival = res.Incoming.ArrivalNumber
	}
	writeJSON(w, http.StatusOK, out)
}

// cleared says whether an agency recorded as cleared for level have may
// receive a document of level want.
func cleared(have, want string) bool {
	lv := func(l string) int {
		for i, x := range records.Levels {
			if x == l {
				return i
			}
		}
		return -1
	}
	return have != "" && lv(have) >= lv(want)
}

func (s *Server) agencyByIdentifier(r *http.Request, id string) (records.DirectoryEntry, error) {
	es, err := s.Records.Directory(r.Context())
	if err != nil {
		return records.DirectoryEntry{}, err
	}
	for _, e := range es {
		if e.Identifier == id {
			return e, nil
		}
	}
	return records.DirectoryEntry{}, errors.New("unknown")
}
