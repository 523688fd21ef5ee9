package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"
	"time"
	"unicode"

	"github.com/vanthu/vanthu/internal/crashpoint"
	"github.com/vanthu/vanthu/internal/domain"
	"github.com/vanthu/vanthu/internal/events"
	"github.com/vanthu/vanthu/internal/objstore"
	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/internal/search"
	"github.com/vanthu/vanthu/internal/stage"
	"github.com/vanthu/vanthu/pipelines/doc"
	"github.com/vanthu/vanthu/pipelines/sniff"
)

// documentJSON is a document as the API shows it: its status through the
// stages and the record under the field names of domain.md section 3.
type documentJSON struct {
	ID     int64           `json:"id"`
	Agency string          `json:"agency"`
	File   string          `json:"file"`
	Status string          `json:"status" enum:"received,failed,review,registered,approved"`
	Stages map[string]bool `json:"stages"`
	Error  string          `json:"error,omitempty"`
	Review []string        `json:"review"`
	Record *doc.Record     `json:"record,omitempty"`
	// Register is the document's line of the incoming register.
	Register   *registerJSON `json:"register,omitempty"`
	UploadedBy string        `json:"uploaded_by,omitempty"`
	UploadedAt time.Time     `json:"uploaded_at"`
	UpdatedAt  time.Time     `json:"updated_at"`
}

func (s *Server) documentJSON(r *http.Request, d records.Document, full bool) documentJSON {
	out := documentJSON{ID: d.ID, Agency: d.Agency, File: d.File, Status: d.Status, Error: d.Error, Review: d.Review,
		UploadedBy: d.UploadedBy, UploadedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
	if out.Review == nil {
		out.Review = []string{}
	}
	recorded := d.Status != records.StatusReceived
	out.Stages = map[string]bool{"received": true, "read": recorded, "extracted": recorded, "registered": recorded && d.Status != records.StatusFailed,
		"approved": d.Status == records.StatusApproved}
	if !recorded && s.Store != nil {
		// Still on its way: the stages' artifacts say how far it got.
		ref := events.Ref{Bucket: d.Bucket, Key: d.Key, ETag: d.ETag}
		for name, st := range map[string]string{"read": stage.PagesStage, "extracted": stage.RecordsStage} {
			if _, err := s.Store.Stat(r.Context(), d.Bucket, events.ArtifactKey(st, ref)); err == nil {
				out.Stages[name] = true
			}
		}
	}
	if full && recorded && d.Status != records.StatusFailed {
		rec := d.Record
		rec.File = d.File
		out.Record = &rec
		if e, err := s.Records.IncomingOf(r.Context(), d.ID); err == nil {
			out.Register = &registerJSON{Book: bookName(e.Book), ArrivalNumber: e.ArrivalNumber, ArrivedAt: e.ArrivedAt.In(vnTime).Format(time.DateOnly),
				ReceivingUnit: e.ReceivingUnit, Deadline: e.Deadline, DuplicateOf: e.DuplicateOf}
			if e.DuplicateOf != 0 {
				// The line it duplicates: its document and arrival number,
				// told only to a caller who may read that document.
				if o, err := s.Records.IncomingByID(r.Context(), e.DuplicateOf); err == nil && o.DocumentID != 0 && o.Agency == d.Agency {
					if _, err := s.Records.DocumentFor(r.Context(), UserOf(r), o.DocumentID); err == nil {
						out.Register.DuplicateDocument, out.Register.DuplicateArrivalNumber = o.DocumentID, o.ArrivalNumber
					}
				}
			}
		}
	}
	return out
}

type registerJSON struct {
	Book          string `json:"book" enum:"thường,mật"` // "thường", or "mật": the register of state secrets, numbered apart
	ArrivalNumber int    `json:"arrival_number"`
	ArrivedAt     string `json:"arrived_at"`
	ReceivingUnit string `json:"receiving_unit"`
	Deadline      string `json:"deadline"`
	DuplicateOf   int64  `json:"duplicate_of,omitempty"`
	// DuplicateDocument and DuplicateArrivalNumber: the document of the
	// line this one duplicates, and its arrival number (when the caller
	// may read it).
	DuplicateDocument      int64 `json:"duplicate_document,omitempty"`
	DuplicateArrivalNumber int   `json:"duplicate_arrival_number,omitempty"`
}

// maxUploadName bounds a stored file name (runes).
const maxUploadName = 200

// cleanName keeps the last path element of a client's file name, without
// control characters: it is shown, never used as a path.
func cleanName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base("/" + name)
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return -1
		}
		return r
	}, name)
	if name == "/" || name == "." || name == "" {
		name = "tài liệu"
	}
	if rs := []rune(name); len(rs) > maxUploadName {
		name = string(rs[len(rs)-maxUploadName:])
	}
	return name
}

// uploadResult is a file of an upload: its document, or why it was not
// taken.
type uploadResult struct {
	ID     int64  `json:"id,omitempty"`
	File   string `json:"file"`
	Status string `json:"status,omitempty"`
	Error  string `json:"error,omitempty"`
}

// uploadResponse answers an upload: each file's result, and the first
// document taken (id and status) for a client that sent one file. The
// error is set when none was taken.
type uploadResponse struct {
	ID        int64          `json:"id,omitempty"`
	Status    string         `json:"status,omitempty"`
	Documents []uploadResult `json:"documents"`
	Error     string         `json:"error,omitempty"`
}

// upload takes one or more files (multipart field "file"): each is
// checked by its bytes, stored under a key of our making (the client's
// name is kept only to be shown), recorded as received and passed on.
// 202 with the documents' IDs; a bad file is named with its reason and
// the others are still taken.
func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	u := UserOf(r)
	max := s.MaxUpload
	if max <= 0 {
		max = 200 << 20
	}
	// A large upload may take longer than the server's ReadTimeout: its
	// deadline moves on while bytes come, and a body that stalls is cut
	// after StallTimeout.
	rc := http.NewResponseController(w)
	stall := s.StallTimeout
	if stall <= 0 {
		stall = 30 * time.Second
	}
	rc.SetWriteDeadline(time.Time{})
	r.Body = http.MaxBytesReader(w, &progressReader{r: r.Body, rc: rc, stall: stall}, max)
	defer rc.SetWriteDeadline(time.Now().Add(time.Minute))
	mr, err := r.MultipartReader()
	if err != nil {
		writeError(w, http.StatusBadRequest, "send the files as multipart/form-data in the field \"file\"")
		return
	}
	var results []uploadResult
	accepted, busy := 0, 0
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("the upload is over %d MiB", max>>20))
			return
		}
		if err != nil {
			writeError(w, http.StatusBadRequest, "malformed multipart body: "+err.Error())
			return
		}
		if part.FormName() != "file" {
			part.Close()
			continue
		}
		name := cleanName(part.FileName())
		res, err := s.accept(r, u, name, part)
		part.Close()
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("%q: the upload is over %d MiB", name, max>>20))
			return
		}
		var refused *refusal
		switch {
		case errors.As(err, &refused):
			results = append(results, uploadResult{File: name, Error: refused.reason})
		case err != nil:
			// Not taken, and nothing of it kept: the client sends it again.
			s.Log.Warn("upload not taken", "file", name, "user", u.Name, "err", err)
			busy++
			results = append(results, uploadResult{File: name, Error: "not taken for now (the server is busy): send this file again"})
		default:
			accepted++
			results = append(results, res)
		}
	}
	switch {
	case len(results) == 0:
		writeError(w, http.StatusBadRequest, "no file: send it in the multipart field \"file\"")
	case accepted == 0 && busy > 0:
		w.Header().Set("Retry-After", "2")
		writeJSON(w, http.StatusServiceUnavailable, uploadResponse{Error: "busy for now: nothing was taken, send the files again in a moment", Documents: results})
	case accepted == 0 && len(results) == 1:
		writeJSON(w, http.StatusUnsupportedMediaType, uploadResponse{Error: fmt.Sprintf("%q: %s", results[0].File, results[0].Error), Documents: results})
	case accepted == 0:
		writeJSON(w, http.StatusUnprocessableEntity, uploadResponse{Error: "no file could be taken", Documents: results})
	default:
		out := uploadResponse{Documents: results}
		for _, res := range results {
			if res.ID != 0 {
				out.ID, out.Status = res.ID, res.Status
				break
			}
		}
		writeJSON(w, http.StatusAccepted, out)
	}
}

// progressReader pushes the connection's read deadline StallTimeout
// ahead of each read: an upload may last as long as it keeps sending.
type progressReader struct {
	r     io.Reader
	rc    *http.ResponseController
	stall time.Duration
}

func (p *progressReader) Read(b []byte) (int, error) {
	p.rc.SetReadDeadline(time.Now().Add(p.stall))
	return p.r.Read(b)
}

func (p *progressReader) Close() error {
	if c, ok := p.r.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// refusal is a file not taken for what it is (not a document type we
// read, empty): its reason is the client's to see.
type refusal struct{ reason string }

func (r *refusal) Error() string { return r.reason }

func (s *Server) accept(r *http.Request, u records.User, name string, body io.Reader) (uploadResult, error) {
	ctx := r.Context()
	// Spooled to a temporary file: the object store wants the size, and
	// the first bytes decide whether it is taken at all.
	tmp, err := os.CreateTemp("", "vanthu-upload-*")
	if err != nil {
		return uploadResult{}, err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	size, err := io.Copy(tmp, body)
	if err != nil {
		return uploadResult{}, err
	}
	head := make([]byte, sniff.HeaderLen)
	n, _ := tmp.ReadAt(head, 0)
	kind, err := sniff.Sniff(head[:n])
	if err != nil {
		return uploadResult{}, &refusal{err.Error()}
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return uploadResult{}, err
	}
	rnd := make([]byte, 8)
	rand.Read(rnd)
	now := time.Now()
	key := fmt.Sprintf("api/%s/%s/%s.%s", u.Agency, now.Format("2006/01"), hex.EncodeToString(rnd), kind)
	info, err := s.Store.Put(ctx, s.Bucket, key, tmp, size, map[string]string{"agency": u.Agency, "filename": url.QueryEscape(name), "uploaded-by": u.Name})
	if err != nil {
		return uploadResult{}, fmt.Errorf("store %s: %w", key, err)
	}
	crashpoint.At(crashpoint.Stored)
	d, err := s.Records.Received(ctx, records.Upload{Agency: u.Agency, Bucket: s.Bucket, Key: key, ETag: info.ETag, File: name, By: u.Name, At: now})
	if err != nil {
		// Not recorded: not taken. The stored bytes go too, or the
		// reconciler would register what the client is told to send
		// again, and it would be there twice. (If this removal fails the
		// reconciler registers it: a duplicate, linked as such.)
		if derr := s.Store.Delete(context.WithoutCancel(ctx), s.Bucket, key); derr != nil {
			s.Log.Error("upload: remove what was not recorded", "key", key, "err", derr)
		}
		return uploadResult{}, err
	}
	crashpoint.At(crashpoint.Received)
	s.passOn(ctx, events.Ref{Bucket: s.Bucket, Key: key, ETag: info.ETag, Size: size})
	s.Log.Info("uploaded", "document", d.ID, "file", name, "key", key, "user", u.Name, "bytes", size)
	return uploadResult{ID: d.ID, File: name, Status: d.Status}, nil
}

// documentsResponse is a listing of documents (their status, not their
// records).
type documentsResponse struct {
	Documents []documentJSON `json:"documents"`
}

func (s *Server) listDocuments(w http.ResponseWriter, r *http.Request) {
	u := UserOf(r)
	q := r.URL.Query()
	limit, err := intParam(q, "limit", 1, maxLimit, 100)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ds, err := s.Records.Documents(r.Context(), u, q.Get("status"), limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := []documentJSON{}
	for _, d := range ds {
		out = append(out, s.documentJSON(r, d, false))
	}
	writeJSON(w, http.StatusOK, documentsResponse{Documents: out})
}

// pathDocument is the document {id} of the path, if the user may read
// it; otherwise it has answered and returns false.
func (s *Server) pathDocument(w http.ResponseWriter, r *http.Request) (records.Document, bool) {
	id, err := pathID(r)
	if err == nil {
		var d records.Document
		if d, err = s.Records.DocumentFor(r.Context(), UserOf(r), id); err == nil {
			return d, true
		}
	}
	s.fail(w, r, err)
	return records.Document{}, false
}

// indexID is the document's ID in the search index.
func indexID(d records.Document) string {
	return stage.DocID(events.Ref{Bucket: d.Bucket, Key: d.Key, ETag: d.ETag})
}

// getDocument answers a document the user may read, or their own upload
// whose marking is not known yet: its status only.
func (s *Server) getDocument(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, readable, err := s.Records.UploadFor(r.Context(), UserOf(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.documentJSON(r, d, readable))
}

// getFile sends the original upload, as an attachment under its name.
func (s *Server) getFile(w http.ResponseWriter, r *http.Request) {
	d, ok := s.pathDocument(w, r)
	if !ok {
		return
	}
	s.serveOriginal(w, r, d)
}

// serveOriginal sends a document's upload to a caller already allowed
// to read it.
func (s *Server) serveOriginal(w http.ResponseWriter, r *http.Request, d records.Document) {
	rc, info, err := s.Store.Get(r.Context(), d.Bucket, d.Key)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer rc.Close()
	if info.ETag != d.ETag {
		// The object was overwritten since: this document's bytes are gone.
		writeError(w, http.StatusGone, "the original was replaced by a later upload under the same key")
		return
	}
	ctype := map[string]string{"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg", "tiff": "image/tiff", "webp": "image/webp"}[strings.ToLower(strings.TrimPrefix(path.Ext(d.Key), "."))]
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": d.File}))
	w.Header().Set("Content-Length", fmt.Sprint(info.Size))
	io.Copy(w, rc)
}

func (s *Server) history(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cs, err := s.Records.History(r.Context(), UserOf(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := historyResponse{Corrections: []correctionJSON{}}
	for _, c := range cs {
		out.Corrections = append(out.Corrections, correctionJSONOf(c))
	}
	writeJSON(w, http.StatusOK, out)
}

// historyResponse is a document's audit log.
type historyResponse struct {
	Corrections []correctionJSON `json:"corrections"`
}

// correctionJSON is a correction of the audit log. No ID: the log's
// numbering runs through every agency, and would tell how many
// corrections were made elsewhere.
type correctionJSON struct {
	DocumentID int64     `json:"document_id"`
	Field      string    `json:"field"`
	Old        string    `json:"old"`
	New        string    `json:"new"`
	Confidence float64   `json:"confidence"`
	User       string    `json:"user"`
	At         time.Time `json:"at"`
	// Evidence is {"page", "box"} of where the machine read the field,
	// as stored; left out when there is none.
	Evidence json.RawMessage `json:"evidence,omitempty"`
}

func correctionJSONOf(c records.Correction) correctionJSON {
	return correctionJSON{DocumentID: c.DocumentID, Field: c.Field, Old: c.Old, New: c.New, Confidence: c.Confidence,
		User: c.User, At: c.At, Evidence: json.RawMessage(c.Evidence)}
}

// correctRequest is the body of PATCH /api/v1/documents/{id}: the
// corrected fields and their new values, every value a string
// (stringFields reads it).
type correctRequest map[string]string

// refineSchema: the fields a clerk may correct, and their bounds.
func (correctRequest) refineSchema(s map[string]any) {
	props := map[string]any{}
	for _, f := range records.Correctable {
		props[f] = map[string]any{"type": "string", "maxLength": records.MaxCorrection}
	}
	props["issued_at"] = map[string]any{"type": "string", "format": "date"}
	props["confidentiality"] = map[string]any{"type": "string", "enum": append([]string{""}, records.Levels...)}
	s["properties"], s["additionalProperties"], s["minProperties"] = props, false, 1
}

// correct takes {"field": "new value", ...}.
func (s *Server) correct(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var changes correctRequest
	changes, err = stringFields(w, r)
	if err != nil || len(changes) == 0 {
		writeError(w, http.StatusBadRequest, `send the corrected fields as {"field": "value", ...}`)
		return
	}
	d, err := s.Records.Correct(r.Context(), UserOf(r), id, changes)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.reindex(r, d)
	writeJSON(w, http.StatusOK, s.documentJSON(r, d, true))
}

func (s *Server) approve(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.Records.Approve(r.Context(), UserOf(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.reindex(r, d)
	writeJSON(w, http.StatusOK, s.documentJSON(r, d, true))
}

// retry reads a failed document again: its stages' artifacts removed,
// received again, passed on.
func (s *Server) retry(w http.ResponseWriter, r *http.Request) {
	d, ok := s.failedDocument(w, r)
	if !ok {
		return
	}
	u := UserOf(r)
	ref := events.Ref{Bucket: d.Bucket, Key: d.Key, ETag: d.ETag}
	if err := s.removeArtifacts(r, ref); err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.Records.Retry(r.Context(), u, d.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.passOn(r.Context(), ref)
	s.Log.Info("retry", "document", d.ID, "user", u.Name)
	writeJSON(w, http.StatusAccepted, s.documentJSON(r, d, false))
}

// failedDocument is the failed document {id} of the path the user may act
// on; otherwise it has answered and returns false.
func (s *Server) failedDocument(w http.ResponseWriter, r *http.Request) (records.Document, bool) {
	id, err := pathID(r)
	var d records.Document
	if err == nil {
		d, _, err = s.Records.UploadFor(r.Context(), UserOf(r), id)
	}
	if err == nil && d.Status != records.StatusFailed {
		err = fmt.Errorf("%w: document %d is %s: only a document that could not be read is read again or deleted", records.ErrInvalid, id, d.Status)
	}
	if err != nil {
		s.fail(w, r, err)
		return records.Document{}, false
	}
	return d, true
}

// passOn hands an upload to the pipeline. A failure is not the client's:
// the upload is stored and recorded, and the reconciler finds it.
func (s *Server) passOn(ctx context.Context, ref events.Ref) {
	if s.Emit == nil {
		return
	}
	ev, err := events.New(events.TypeUploaded, "vanthu/api", ref)
	if err == nil {
		err = s.Emit.Emit(ctx, ev)
	}
	if err != nil {
		s.Log.Warn("passing on later", "key", ref.Key, "err", err)
	}
}

// deleteDocument removes a document that could not be read: its object
// and artifacts first (so that no reconciler brings it back), then its
// record. A registered document is a record of the office: 400.
func (s *Server) deleteDocument(w http.ResponseWriter, r *http.Request) {
	d, ok := s.failedDocument(w, r)
	if !ok {
		return
	}
	u := UserOf(r)
	err := s.removeArtifacts(r, events.Ref{Bucket: d.Bucket, Key: d.Key, ETag: d.ETag})
	if err == nil {
		// Only this version's bytes: a later upload under the same key is
		// another document.
		if info, serr := s.Store.Stat(r.Context(), d.Bucket, d.Key); serr == nil && info.ETag == d.ETag {
			err = s.Store.Delete(r.Context(), d.Bucket, d.Key)
		}
	}
	if err == nil {
		err = s.Records.DeleteFailed(r.Context(), u, d.ID)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.Log.Info("deleted", "document", d.ID, "file", d.File, "user", u.Name)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) removeArtifacts(r *http.Request, ref events.Ref) error {
	for _, k := range stage.ArtifactKeys(ref) {
		if err := s.Store.Delete(r.Context(), ref.Bucket, k); err != nil && !errors.Is(err, objstore.ErrNotFound) {
			return fmt.Errorf("remove %s: %w", k, err)
		}
	}
	return nil
}

// reindex puts a corrected or approved record into the search index, so
// that search shows what the register shows. A failure leaves the record
// right and the document marked: RepairIndex puts it in later.
func (s *Server) reindex(r *http.Request, d records.Document) {
	if s.Index == nil {
		return
	}
	if err := s.Index.Index(r.Context(), searchDocument(d)); err != nil {
		s.Log.Error("reindex", "document", d.ID, "err", err)
		if s.Health != nil {
			s.Health.Observe("index", err)
		}
		if err := s.Records.MarkReindex(context.WithoutCancel(r.Context()), d.ID); err != nil {
			s.Log.Error("reindex: mark", "document", d.ID, "err", err)
		}
	}
}

// searchDocument is a recorded document as the search index keeps it.
func searchDocument(d records.Document) search.Document {
	return domain.Recorded(d)
}

// RepairIndex re-indexes the documents whose re-indexing failed, and
// returns how many it mended.
func (s *Server) RepairIndex(ctx context.Context) (int, error) {
	if s.Index == nil {
		return 0, nil
	}
	ds, err := s.Records.PendingReindex(ctx, 500)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range ds {
		err := s.Index.Index(ctx, searchDocument(d))
		if s.Health != nil {
			s.Health.Observe("index", err)
		}
		if err != nil {
			return n, fmt.Errorf("repair the index: document %d: %w", d.ID, err)
		}
		if err := s.Records.Reindexed(ctx, d); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
