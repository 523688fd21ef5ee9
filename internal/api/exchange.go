package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/vanthu/vanthu/internal/domain"
	"github.com/vanthu/vanthu/internal/edxml"
	"github.com/vanthu/vanthu/internal/events"
	"github.com/vanthu/vanthu/internal/records"
)

var docIDRe = regexp.MustCompile(`^vanthu-[1-9][0-9]{0,18}$`)

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
	u := UserOf(r)
	if out, err := s.Records.IsOutgoing(r.Context(), d.ID); err != nil || !out || d.Agency != u.Agency {
		s.fail(w, r, fmt.Errorf("%w: only a document of the agency's outgoing register is sent", records.ErrInvalid))
		return
	}
	if _, err := s.organOf(r, d.Agency); err != nil {
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
	if len(to) == 0 || len(to) > 100 {
		s.fail(w, r, fmt.Errorf("%w: 1 to 100 receivers: name them (to=CODES) or map the document's recipients to the directory", records.ErrInvalid))
		return
	}
	for _, o := range to {
		e, err := s.agencyByIdentifier(r, o.OrganID)
		if err != nil || e.Kind != records.KindAgency || e.Code == d.Agency {
			s.fail(w, r, fmt.Errorf("%w: %s is no other agency of the directory", records.ErrInvalid, o.OrganID))
			return
		}
		if lvl := d.Secrecy; lvl != "" && !records.ClearedFor(e.Cleared, lvl) {
			s.fail(w, r, fmt.Errorf("%w: a %s document is not sent electronically to %s: it is not recorded as cleared for it", records.ErrInvalid, lvl, e.Code))
			return
		}
	}
	b, err := s.packetOf(r, d, to)
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
	if p.From.OrganID == me.OrganID {
		writeError(w, http.StatusBadRequest, "the packet comes from this agency itself")
		return
	}
	for _, to := range p.To {
		if _, err := s.agencyByIdentifier(r, to.OrganID); err != nil {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("the receiver %s is not in the agency directory", to.OrganID))
			return
		}
	}
	res, err := s.receive(r, u, p, sender)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := importedJSON{Document: s.documentJSON(r, res.Document, false), From: p.From.OrganID}
	if res.Incoming != nil {
		out.Arrival = res.Incoming.ArrivalNumber
	}
	writeJSON(w, http.StatusOK, out)
}

// receive puts packet p into u's agency's incoming register: received
// electronically, its fields as sent, its file kept, no OCR; refused
// (ErrInvalid) when the agency may not receive it.
func (s *Server) receive(r *http.Request, u records.User, p edxml.Document, sender records.DirectoryEntry) (records.Result, error) {
	mine, _ := s.Records.DirectoryEntryOf(r.Context(), u.Agency)
	if lvl := records.SecrecyOf(p.Record.Confidentiality); lvl != "" && !records.ClearedFor(mine.Cleared, lvl) {
		return records.Result{}, fmt.Errorf("%w: a %s document: %s is not recorded as cleared to receive it electronically", records.ErrInvalid, lvl, u.Agency)
	}
	if len(p.Attachments) == 0 {
		return records.Result{}, fmt.Errorf("%w: the packet carries no file", records.ErrInvalid)
	}
	f := p.Attachments[0]
	h := sha256.Sum256(append([]byte(p.From.OrganID+"|"+p.ID+"|"), f.Data...))
	key := exchangePrefix + u.Agency + "/" + hex.EncodeToString(h[:16]) + ".bin"
	info, err := s.Store.Put(r.Context(), s.Bucket, key, bytes.NewReader(f.Data), int64(len(f.Data)),
		map[string]string{"agency": u.Agency, "uploaded-by": u.Name, "received-from": p.From.OrganID})
	if err != nil {
		return records.Result{}, fmt.Errorf("%w: %v", errUnavailable, err)
	}
	rec := p.Record
	// The issuer is who the directory says the sender is, never the
	// name the packet prints (that would file it as the receiver's own).
	rec.Issuer = sender.Name
	rec.File = cleanName(f.Name)
	res, err := s.Records.Record(r.Context(), records.Upload{Agency: u.Agency, Bucket: s.Bucket, Key: key, ETag: info.ETag, File: rec.File, By: u.Name}, rec)
	if err != nil {
		return records.Result{}, err
	}
	if err := s.Records.MarkReceivedFrom(r.Context(), res.Document.ID, p.From.OrganID, p.ID); err != nil {
		return records.Result{}, err
	}
	if err := s.Records.ResolveNames(r.Context(), res.Document); err != nil {
		s.Log.WarnContext(r.Context(), "resolve names", "document", res.Document.ID, "err", err)
	}
	if s.Index != nil {
		if err := s.Index.Index(r.Context(), domain.Recorded(res.Document)); err != nil {
			s.Records.MarkReindex(r.Context(), res.Document.ID)
		}
	}
	return res, nil
}

// packetOf is document d as a packet from its agency to the agencies to.
func (s *Server) packetOf(r *http.Request, d records.Document, to []edxml.Organ) ([]byte, error) {
	from, err := s.organOf(r, d.Agency)
	if err != nil {
		return nil, err
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
	return edxml.Marshal(edxml.Document{ID: fmt.Sprint("vanthu-", d.ID), From: from, To: to, Record: rec, Attachments: files})
}

type sendRequest struct {
	To []string `json:"to"` // agency codes of the directory
}

type exchangeJSON struct {
	Receiver string `json:"receiver"`
	Status   string `json:"status" enum:"received,assigned,in_progress,done,refused"`
	Reason   string `json:"reason"`
	SentBy   string `json:"sent_by"`
	SentAt   string `json:"sent_at"`
	Updated  string `json:"updated_at"`
}

type exchangesResponse struct {
	Exchanges []exchangeJSON `json:"exchanges"`
}

type refuseRequest struct {
	Reason string `json:"reason"`
}

func (s *Server) answerExchanges(w http.ResponseWriter, r *http.Request, id int64) {
	es, err := s.Records.Exchanges(r.Context(), UserOf(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := exchangesResponse{Exchanges: []exchangeJSON{}}
	for _, e := range es {
		out.Exchanges = append(out.Exchanges, exchangeJSON{Receiver: e.ReceiverAgency, Status: e.Status, Reason: e.Reason, SentBy: e.SentBy,
			SentAt: stampOrEmpty(e.SentAt), Updated: stampOrEmpty(e.UpdatedAt)})
	}
	writeJSON(w, http.StatusOK, out)
}

// send sends an outgoing document to agencies of this installation: each
// one's incoming register gets it as an edXML packet would bring it.
// Every receiver is checked before any is sent to.
func (s *Server) send(w http.ResponseWriter, r *http.Request) {
	u := UserOf(r)
	d, ok := s.pathDocument(w, r)
	if !ok {
		return
	}
	var in sendRequest
	if err := jsonBody(w, r, &in); err != nil || len(in.To) == 0 || len(in.To) > 100 {
		writeError(w, http.StatusBadRequest, `send {"to": [agency codes]} (1 to 100)`)
		return
	}
	if out, err := s.Records.IsOutgoing(r.Context(), d.ID); err != nil || !out || d.Agency != u.Agency {
		s.fail(w, r, fmt.Errorf("%w: only a document of the agency's outgoing register is sent", records.ErrInvalid))
		return
	}
	sender, err := s.Records.DirectoryEntryOf(r.Context(), d.Agency)
	if err != nil || sender.Identifier == "" {
		s.fail(w, r, fmt.Errorf("%w: %s has no QCVN 102 identifier in the directory", records.ErrInvalid, d.Agency))
		return
	}
	var organs []edxml.Organ
	for _, code := range in.To {
		code = strings.TrimSpace(code)
		o, err := s.organOf(r, code)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if code == d.Agency {
			s.fail(w, r, fmt.Errorf("%w: a document is not sent to its own agency", records.ErrInvalid))
			return
		}
		e, _ := s.Records.DirectoryEntryOf(r.Context(), code)
		if e.Kind != records.KindAgency {
			s.fail(w, r, fmt.Errorf("%w: %s is a unit: documents are sent to agencies", records.ErrInvalid, code))
			return
		}
		if lvl := d.Secrecy; lvl != "" && !records.ClearedFor(e.Cleared, lvl) {
			s.fail(w, r, fmt.Errorf("%w: a %s document is not sent electronically to %s: it is not recorded as cleared for it", records.ErrInvalid, lvl, code))
			return
		}
		organs = append(organs, o)
	}
	b, err := s.packetOf(r, d, organs)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := edxml.Parse(bytes.NewReader(b))
	if err != nil {
		s.fail(w, r, fmt.Errorf("%w: the document does not make a packet its receivers take: %v", records.ErrInvalid, err))
		return
	}
	for _, code := range in.To {
		code = strings.TrimSpace(code)
		by := records.User{Name: u.Name, Role: records.RoleClerk, Agency: code}
		res, err := s.receive(r, by, p, sender)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if err := s.Records.RecordSent(r.Context(), u, d.ID, code, res.Document.ID); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.answerExchanges(w, r, d.ID)
}

func (s *Server) exchanges(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.answerExchanges(w, r, id)
}

func (s *Server) refuse(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in refuseRequest
	if err := jsonBody(w, r, &in); err != nil {
		writeError(w, http.StatusBadRequest, `send {"reason": "…"}`)
		return
	}
	if err := s.Records.Refuse(r.Context(), UserOf(r), id, in.Reason); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) agencyByIdentifier(r *http.Request, id string) (records.DirectoryEntry, error) {
	return s.Records.DirectoryEntryByIdentifier(r.Context(), id)
}

// statusPacket answers, for a document received electronically, the
// status packet its sender takes in (another installation's POST
// /api/v1/edxml/status): what this agency did with it.
func (s *Server) statusPacket(w http.ResponseWriter, r *http.Request) {
	d, ok := s.pathDocument(w, r)
	if !ok {
		return
	}
	from, senderID, err := s.Records.ReceivedFrom(r.Context(), d.ID)
	if err != nil || from == "" {
		s.fail(w, r, fmt.Errorf("%w: document %d was not received electronically", records.ErrInvalid, d.ID))
		return
	}
	me, err := s.organOf(r, d.Agency)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	status, why := "received", ""
	if h, _, err := s.Records.HandlingFor(r.Context(), UserOf(r), d.ID); err == nil {
		status, why = h.Status, h.Result
	}
	b, err := edxml.MarshalStatus(edxml.StatusPacket{From: me, ForSender: from, ForCode: d.Record.Number + "/" + d.Record.Symbol, ForDate: d.Record.IssuedAt,
		ForID: senderID, Status: status, Description: why, At: time.Now()})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Write(b)
}

// importStatus takes a receiver's status packet about a document this
// agency sent: it shows on the document's exchanges.
func (s *Server) importStatus(w http.ResponseWriter, r *http.Request) {
	u := UserOf(r)
	st, err := edxml.ParseStatus(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	me, err := s.organOf(r, u.Agency)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if st.ForSender != me.OrganID {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("the status is about a document of %s, not of this agency (%s)", st.ForSender, me.OrganID))
		return
	}
	var id int64
	if !docIDRe.MatchString(st.ForID) {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("the status names document %q, which this installation did not send", st.ForID))
		return
	}
	if _, err := fmt.Sscanf(st.ForID, "vanthu-%d", &id); err != nil || id <= 0 {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("the status names document %q, which this installation did not send", st.ForID))
		return
	}
	if _, err := s.Records.DocumentFor(r.Context(), u, id); err != nil {
		s.fail(w, r, err)
		return
	}
	if out, err := s.Records.IsOutgoing(r.Context(), id); err != nil || !out {
		writeError(w, http.StatusBadRequest, "the status is about a document this agency did not send")
		return
	}
	receiver, err := s.agencyByIdentifier(r, st.From.OrganID)
	if err != nil || receiver.Code == u.Agency {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("the receiver %s is no other agency of the directory", st.From.OrganID))
		return
	}
	if err := s.Records.SetExchangeStatus(r.Context(), id, receiver.Code, st.Status, st.Description); err != nil {
		s.fail(w, r, err)
		return
	}
	s.answerExchanges(w, r, id)
}
