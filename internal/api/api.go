// Package api is the REST API (/api/v1/..., JSON): documents, registers,
// tasks, reports, meetings, review, search and accounts. Every endpoint
// authenticates (a bearer token for programs, a session cookie for the
// web UI), checks the role, and answers only within the user's agency and
// clearance. The OpenAPI document is at /api/v1/openapi.json.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"image"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/vanthu/vanthu/internal/health"
	"github.com/vanthu/vanthu/internal/objstore"
	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/internal/search"
	"github.com/vanthu/vanthu/internal/zalo"
)

// Emitter passes an upload on to the pipeline (the dispatcher in one
// process, the broker on Knative).
type Emitter interface {
	Emit(ctx context.Context, ev event.Event) error
}

// Server serves the API.
type Server struct {
	Records *records.Store
	Store   objstore.Store
	Bucket  string         // where uploads go
	Index   search.Indexer // nil: no search endpoint
	Emit    Emitter        // nil: uploads wait for the object store's notification or the reconciler
	Log     *slog.Logger
	// MaxUpload bounds one request's body (default 200 MiB).
	MaxUpload int64
	// StallTimeout is how long an upload's body may send nothing before
	// it is cut (default 30 s).
	StallTimeout time.Duration
	// SessionTTL is how long a login lasts (default 12 hours).
	SessionTTL time.Duration
	// SecureCookies marks the session cookie Secure (behind HTTPS).
	SecureCookies bool
	// Prose, when set, lets a language model write the summaries' prose.
	Prose *Prose
	// Reminders, when set, hears of each handling reminder (the bus).
	Reminders func(ctx context.Context, r records.Reminder)
	// Zalo, when set, sends staff replies to citizens (the OA message API).
	Zalo *zalo.Client
	// Health, when set, hears of the index writes that fail (readiness).
	Health *health.Checker
	// Preview draws page n (from 1) of the original at path, its pixels
	// bounded; scale is its pixels per 300-dpi pixel. The pipeline's
	// raster stage (raster.Preview) in both deployments; nil: no page
	// images.
	Preview func(ctx context.Context, path string, n, maxPixels int) (image.Image, float64, error)

	limiter  loginLimiter
	once     sync.Once
	renderCh chan struct{}
}

// renders bounds the page images drawn at once.
func (s *Server) renders() chan struct{} {
	s.once.Do(func() { s.renderCh = make(chan struct{}, 2) })
	return s.renderCh
}

// Handler is the API's routes.
func (s *Server) Handler() http.Handler {
	if s.Log == nil {
		s.Log = slog.Default()
	}
	m := http.NewServeMux()
	m.HandleFunc("GET /api/v1/openapi.json", s.openAPI)
	m.HandleFunc("POST /api/v1/login", s.login)
	for _, rt := range s.routes() {
		m.HandleFunc(rt.method+" "+rt.path, s.authed(rt.roles, rt.h))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := m.Handler(r)
		if pattern == "" {
			// No route: the mux says 404, or 405 for a path known under
			// other methods (with Allow); answered in JSON like the rest.
			rec := &statusOnly{header: http.Header{}}
			h.ServeHTTP(rec, r)
			if rec.code == 0 || rec.code == http.StatusOK {
				rec.code = http.StatusNotFound
			}
			if allow := rec.header.Get("Allow"); allow != "" {
				w.Header().Set("Allow", allow)
			}
			msg := "no such endpoint: " + r.Method + " " + clip(r.URL.Path)
			if rec.code == http.StatusMethodNotAllowed {
				msg = r.Method + " is not allowed here: " + rec.header.Get("Allow")
			}
			writeError(w, rec.code, msg)
			return
		}
		m.ServeHTTP(w, r)
	})
}

// statusOnly keeps what the mux answers for an unrouted request.
type statusOnly struct {
	header http.Header
	code   int
}

func (s *statusOnly) Header() http.Header { return s.header }
func (s *statusOnly) Write(b []byte) (int, error) {
	if s.code == 0 {
		s.code = http.StatusOK
	}
	return len(b), nil
}
func (s *statusOnly) WriteHeader(code int) { s.code = code }

// route is an authenticated endpoint: the OpenAPI document is made from
// the same list, so the two cannot drift apart.
type route struct {
	method, path string
	roles        []string
	h            http.HandlerFunc
	summary      string
	query        []string // query parameters
	// in is the request body: the zero value of the type the handler
	// decodes from JSON, multipartFiles{} for uploads, nil for none.
	in any
	// out is the zero value of the type the handler answers in JSON on
	// success; nil when it answers no JSON (204, a file).
	out      any
	produces []string // other than application/json
}

// multipartFiles is the body of an upload: files in the multipart field
// "file".
type multipartFiles struct{}

// edXMLBody marks a route that takes an edXML packet (application/xml).
type edXMLBody struct{}

func (s *Server) routes() []route {
	handlers := roles(records.RoleClerk, records.RoleStaff, records.RoleLeader)
	reg := []string{"year", "from", "to", "issuer", "type", "status", "urgency", "unit", "limit", "offset", "format"}
	return []route{
		{"POST", "/api/v1/logout", anyRole, s.logout, "End the session or revoke the bearer token.", nil, nil, nil, nil},
		{"GET", "/api/v1/me", anyRole, s.me, "The authenticated user.", nil, nil, userJSON{}, nil},
		{"POST", "/api/v1/users", roles(records.RoleAdmin), s.createUser, "Create an account in the admin's agency.", nil, createUserRequest{}, userJSON{}, nil},
		{"GET", "/api/v1/users", roles(records.RoleAdmin), s.listUsers, "The accounts of the admin's agency (role, unit, clearance, disabled, e-mail and Zalo if set), with the roles and clearances the admin may give.", nil, nil, accountsResponse{}, nil},
		{"PATCH", "/api/v1/users/{id}", roles(records.RoleAdmin), s.patchUser, "Change an account of the admin's agency: role, unit, clearance (up to the admin's own), disabled (its sessions end at once); admin accounts are the operator's.", nil, patchUserRequest{}, accountJSON{}, nil},
		{"POST", "/api/v1/users/{id}/password", roles(records.RoleAdmin), s.resetPassword, "Reset an account's password to a random one, shown this once; its sessions and tokens end.", nil, nil, passwordResetJSON{}, nil},
		{"POST", "/api/v1/documents", roles(records.RoleClerk), s.upload, "Upload documents (multipart field \"file\", one or more); 202 with their ids.", nil, multipartFiles{}, uploadResponse{}, nil},
		{"GET", "/api/v1/documents", anyRole, s.listDocuments, "The agency's documents, newest first (status=review: the review queue, oldest first; status=failed: those that could not be read).", []string{"status", "limit"}, nil, documentsResponse{}, nil},
		{"GET", "/api/v1/documents/{id}", anyRole, s.getDocument, "A document: status through the stages and its record (domain.md section 3).", nil, nil, documentJSON{}, nil},
		{"GET", "/api/v1/documents/{id}/file", anyRole, s.getFile, "The original upload.", nil, nil, nil, []string{"application/pdf", "image/png", "image/jpeg", "image/tiff", "image/webp"}},
		{"GET", "/api/v1/documents/{id}/history", anyRole, s.history, "The document's corrections (audit log).", nil, nil, historyResponse{}, nil},
		{"PATCH", "/api/v1/documents/{id}", roles(records.RoleClerk), s.correct, "Correct fields: {\"field\": \"value\"}.", nil, correctRequest{}, documentJSON{}, nil},
		{"POST", "/api/v1/documents/{id}/approve", roles(records.RoleClerk, records.RoleLeader), s.approve, "Approve the record.", nil, nil, documentJSON{}, nil},
		{"POST", "/api/v1/documents/{id}/retry", roles(records.RoleClerk), s.retry, "Read a document that failed again (after the cause is mended).", nil, nil, documentJSON{}, nil},
		{"DELETE", "/api/v1/documents/{id}", roles(records.RoleClerk), s.deleteDocument, "Delete a document that could not be read (registered ones are kept).", nil, nil, nil, nil},
		{"GET", "/api/v1/registers/incoming", anyRole, s.incoming, "The incoming register (sổ văn bản đến); format=csv|xlsx exports it.", reg, nil, registerEntries{fields: incomingFields},
			[]string{"text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}},
		{"GET", "/api/v1/registers/outgoing", anyRole, s.outgoing, "The outgoing register (sổ văn bản đi); format=csv|xlsx exports it.", reg, nil, registerEntries{fields: outgoingFields},
			[]string{"text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}},
		{"GET", "/api/v1/tasks", anyRole, s.tasks, "Tasks read from documents, soonest due first.", []string{"assignee", "due_before", "status", "limit"}, nil, tasksResponse{}, nil},
		{"POST", "/api/v1/documents/{id}/direction", roles(records.RoleLeader, records.RoleClerk), s.direct, "The leader's direction (bút phê): the main unit or person, cooperating units, a deadline, a note.", nil, directionRequest{}, handlingResponse{}, nil},
		{"GET", "/api/v1/documents/{id}/direction/draft", roles(records.RoleLeader, records.RoleClerk), s.directionDraft, "A direction pre-filled from the tasks read in the document (assignees resolved against the directory), for a person to confirm.", nil, nil, directionRequest{}, nil},
		{"GET", "/api/v1/documents/{id}/handling", anyRole, s.handling, "The document's handling and every step of it.", nil, nil, handlingResponse{}, nil},
		{"POST", "/api/v1/documents/{id}/handling", roles(records.RoleLeader, records.RoleClerk, records.RoleStaff), s.handlingStep, "A handler's step: progress (a note), forward (to a unit or person), finish (a result, or the reply document).", nil, handlingStepRequest{}, handlingResponse{}, nil},
		{"GET", "/api/v1/my-work", roles(records.RoleLeader, records.RoleClerk, records.RoleStaff), s.myWork, "Việc của tôi: the documents directed to the user or their unit, soonest due first.", nil, nil, myWorkResponse{}, nil},
		{"GET", "/api/v1/documents/{id}/edxml", roles(records.RoleClerk), s.exportEdXML, "The document as an edXML packet (QCVN 102:2016) from the agency's identifier to the receivers named by to=CODES (or its recipients the directory knows), with its file.", []string{"to"}, nil, nil, []string{"application/xml"}},
		{"POST", "/api/v1/edxml", roles(records.RoleClerk), s.importEdXML, "Take in an edXML packet addressed to the agency: its incoming register gets the document, received electronically, without OCR.", nil, edXMLBody{}, importedJSON{}, nil},
		{"POST", "/api/v1/documents/{id}/send", roles(records.RoleClerk), s.send, "Send an outgoing document electronically to agencies: each one's incoming register gets it, marked received electronically; their statuses come back.", nil, sendRequest{}, exchangesResponse{}, nil},
		{"GET", "/api/v1/documents/{id}/exchanges", anyRole, s.exchanges, "The agencies a document was sent to, and what each did with it (received, assigned, in progress, done, refused with its reason).", nil, nil, exchangesResponse{}, nil},
		{"POST", "/api/v1/documents/{id}/refuse", roles(records.RoleClerk, records.RoleLeader), s.refuse, "Refuse a document received electronically, with the reason its sender sees.", nil, refuseRequest{}, nil, nil},
		{"GET", "/api/v1/documents/{id}/edxml/status", roles(records.RoleClerk, records.RoleLeader), s.statusPacket, "For a document received electronically: the edXML status packet for its sender (received, assigned, in progress, done).", nil, nil, nil, []string{"application/xml"}},
		{"POST", "/api/v1/edxml/status", roles(records.RoleClerk), s.importStatus, "Take in a receiver's status packet about a document this agency sent.", nil, edXMLBody{}, exchangesResponse{}, nil},
		{"POST", "/api/v1/hub/keys", roles(records.RoleAdmin), s.createKey, "An API key for another system of the admin's agency (read, or write); the key is shown once and kept hashed.", nil, createKeyRequest{}, apiKeyJSON{}, nil},
		{"GET", "/api/v1/hub/keys", roles(records.RoleAdmin), s.listKeys, "The agency's API keys.", nil, nil, apiKeysResponse{}, nil},
		{"DELETE", "/api/v1/hub/keys/{id}", roles(records.RoleAdmin), s.revokeKey, "Revoke a key, and its subscriptions.", nil, nil, nil, nil},
		{"POST", "/api/v1/hub/subscriptions", roles(records.RoleClerk, records.RoleStaff), s.subscribe, "A system (with its API key) asks to receive events at a URL (https; http only on loopback): signed CloudEvents, retried, dead letters kept.", nil, subscribeRequest{}, subscriptionJSON{}, nil},
		{"GET", "/api/v1/hub/subscriptions/{id}/dead", roles(records.RoleClerk, records.RoleStaff), s.deadLetters, "A subscription's dead letters.", nil, nil, deadResponse{}, nil},
		{"POST", "/api/v1/hub/subscriptions/{id}/replay", roles(records.RoleClerk, records.RoleStaff), s.replay, "Send a subscription's dead letters again.", nil, nil, replayResponse{}, nil},
		{"GET", "/api/v1/agencies", anyRole, s.directory, "The agency directory: agencies and their units, QCVN 102 identifiers, printed names and abbreviations.", nil, nil, directoryResponse{}, nil},
		{"POST", "/api/v1/agencies/import", roles(records.RoleAdmin), s.importDirectory, "Import the directory from CSV (code,identifier,name,parent,kind,cleared,names): all or nothing.", nil, importDirectoryRequest{}, importDirectoryResponse{}, nil},
		{"PUT", "/api/v1/agencies/{code}", roles(records.RoleAdmin), s.putAgency, "Write the admin's agency's own directory entry, or (another code) one of its units: name, identifier, abbreviations, cleared level up to the admin's own.", nil, putAgencyRequest{}, directoryEntryJSON{}, nil},
		{"GET", "/api/v1/agencies/unresolved", roles(records.RoleClerk, records.RoleAdmin), s.unresolvedNames, "Issuers, recipients and assignees read that the directory does not know, most seen first.", nil, nil, unresolvedResponse{}, nil},
		{"POST", "/api/v1/agencies/mappings", roles(records.RoleClerk, records.RoleAdmin), s.mapName, "Say once which directory entry a name read stands for.", nil, mappingRequest{}, unresolvedResponse{}, nil},
		{"GET", "/api/v1/feedback", handlers, s.listCases, "Citizens' cases over Zalo the agency sees (its OA's, and those assigned to it), newest first.", []string{"status", "topic", "agency", "overdue", "limit", "offset"}, nil, casesResponse{}, nil},
		{"GET", "/api/v1/feedback/stats", handlers, s.feedbackStats, "Cases by topic, agency and status; open, overdue, mean hours to the first answer.", nil, nil, feedbackStatsJSON{}, nil},
		{"GET", "/api/v1/feedback/rules", roles(records.RoleAdmin, records.RoleLeader, records.RoleClerk), s.routingRules, "The routing rules of the agency's Official Account: topic → the agency that takes its cases.", nil, nil, routingRulesResponse{}, nil},
		{"PUT", "/api/v1/feedback/rules", roles(records.RoleAdmin, records.RoleLeader), s.setRoutingRule, "Set (or with an empty agency, remove) which agency takes a topic's cases.", nil, routingRuleRequest{}, routingRulesResponse{}, nil},
		{"GET", "/api/v1/feedback/{id}", handlers, s.getCase, "A case: its messages in order (photos' text), its history.", nil, nil, caseResponse{}, nil},
		{"GET", "/api/v1/feedback/{id}/messages/{mid}/file", handlers, s.caseFile, "A message's attachment (photo or PDF).", nil, nil, nil, []string{"image/jpeg", "image/png", "image/webp", "image/gif", "application/pdf"}},
		{"POST", "/api/v1/feedback/{id}/assign", roles(records.RoleClerk, records.RoleLeader), s.assignCase, "Assign the case to an agency and unit; to another agency it is a forward, with a reason.", nil, assignRequest{}, caseJSON{}, nil},
		{"POST", "/api/v1/feedback/{id}/reply", roles(records.RoleClerk, records.RoleStaff, records.RoleLeader), s.replyCase, "Reply to the citizen through the Official Account (within Zalo's 48 hours).", nil, replyRequest{}, caseMessageJSON{}, nil},
		{"POST", "/api/v1/feedback/{id}/close", roles(records.RoleClerk, records.RoleLeader), s.closeCase, "Close the case, or reject it as out of scope (with a reason).", nil, closeRequest{}, caseJSON{}, nil},
		{"PATCH", "/api/v1/tasks/{id}", roles(records.RoleClerk, records.RoleStaff, records.RoleLeader), s.setTask, "Mark a task open or done: {\"status\": \"done\"}.", nil, setTaskRequest{}, taskStatusJSON{}, nil},
		{"GET", "/api/v1/reports", anyRole, s.reports, "Report records (Decree 09/2019): regime, period, on time or late.", []string{"regime", "period"}, nil, reportsResponse{}, nil},
		{"POST", "/api/v1/report-regimes", roles(records.RoleAdmin), s.createRegime, "Declare a report regime of the admin's agency: its reporters (agency codes), period (month, quarter, half, year, once), due day (\"20\": of the period's last month; \"12-20\" for a yearly one; a date for once) and indicators.", nil, regimeRequest{}, regimeJSON{}, nil},
		{"POST", "/api/v1/report-regimes/import", roles(records.RoleAdmin), s.importRegimes, "Declare regimes from CSV (name,period,due,reporters,indicators; lists separated by ;): all or nothing.", nil, importRegimesRequest{}, regimesResponse{}, nil},
		{"GET", "/api/v1/report-regimes", anyRole, s.listRegimes, "The regimes the agency receives reports under, then those it reports under.", nil, nil, regimesResponse{}, nil},
		{"GET", "/api/v1/report-regimes/{id}", anyRole, s.getRegime, "A regime (to a reporter: its own part).", nil, nil, regimeJSON{}, nil},
		{"GET", "/api/v1/report-regimes/{id}/status", anyRole, s.regimeStatus, "Every reporter of a period (period=2025-03, 2025-Q1, 2025-H1, 2025; a year lists its periods; default the current one): on time, late, doubtful or missing, with the report.", []string{"period"}, nil, regimeStatusResponse{}, nil},
		{"GET", "/api/v1/report-regimes/{id}/figures", anyRole, s.consolidate, "The period's figures across reporters, summed per indicator, with who is missing (format=xlsx for Excel).", []string{"period", "format"}, nil, consolidationResponse{},
			[]string{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}},
		{"GET", "/api/v1/report-regimes/{id}/submissions", anyRole, s.listSubmissions, "The reports matched to the regime (status=doubtful: those waiting for a person).", []string{"status"}, nil, submissionsResponse{}, nil},
		{"POST", "/api/v1/report-regimes/{id}/submissions", roles(records.RoleClerk, records.RoleLeader), s.confirmSubmission, "Confirm that a document is a reporter's report for a period (a doubtful match, or one the rules missed).", nil, confirmSubmissionRequest{}, submissionJSON{}, nil},
		{"GET", "/api/v1/report-regimes/{id}/submissions/{sid}", anyRole, s.getSubmission, "A submission with the figures read for each indicator and where they were read.", nil, nil, submissionJSON{}, nil},
		{"DELETE", "/api/v1/report-regimes/{id}/submissions/{sid}", roles(records.RoleClerk, records.RoleLeader), s.rejectSubmission, "Say a matched document is no report of this regime: it stays a document.", nil, nil, nil, nil},
		{"PATCH", "/api/v1/report-regimes/{id}/submissions/{sid}/figures", roles(records.RoleClerk, records.RoleLeader), s.correctFigures, "Put figures right: {\"indicator\": value}.", nil, correctFiguresRequest{}, submissionJSON{}, nil},
		{"GET", "/api/v1/report-regimes/{id}/submissions/{sid}/file", anyRole, s.submissionFile, "The submitted report's original (to the receiving agency, within clearance).", nil, nil, nil, []string{"application/pdf", "image/png", "image/jpeg", "image/tiff", "image/webp"}},
		{"GET", "/api/v1/meetings", anyRole, s.meetings, "Meetings from giấy mời.", []string{"from", "to"}, nil, meetingsResponse{}, nil},
		{"POST", "/api/v1/meetings", roles(records.RoleClerk), s.createMeeting, "Make a meeting by hand (no giấy mời): subject, starts, ends, place, chair, agenda, secrecy.", nil, createMeetingRequest{}, meetingResponse{}, nil},
		{"GET", "/api/v1/meetings/{id}", anyRole, s.getMeeting, "A meeting: the organiser's people see every invitation, its answer and who has not answered; the invited see theirs; its papers in agenda order; the conclusion and its tasks.", nil, nil, meetingResponse{}, nil},
		{"PATCH", "/api/v1/meetings/{id}", roles(records.RoleClerk, records.RoleLeader), s.patchMeeting, "Change a meeting (the organiser's clerk or leader); a new time or place is told to everyone invited, those who declined too.", nil, patchMeetingRequest{}, meetingResponse{}, nil},
		{"POST", "/api/v1/meetings/{id}/invitations", roles(records.RoleClerk, records.RoleLeader), s.invite, "Invite agencies (codes) or persons (account names), at most 200 at once; each must be cleared for a secret meeting; nothing is written if one is refused.", nil, inviteRequest{}, invitationsResponse{}, nil},
		{"POST", "/api/v1/meetings/{id}/papers", roles(records.RoleClerk), s.linkPaper, "Make a document of the organiser's archive a paper of an agenda item.", nil, linkPaperRequest{}, meetingResponse{}, nil},
		{"GET", "/api/v1/meetings/{id}/papers/{doc}/file", anyRole, s.paperFile, "A paper's original: for the organiser's people and the invited (and a delegate with an account), within their clearance.", nil, nil, nil, []string{"application/pdf", "image/png", "image/jpeg", "image/tiff", "image/webp"}},
		{"GET", "/api/v1/invitations", anyRole, s.myInvitations, "The invitations reaching the caller (their agency's, their own, as delegate), soonest first; past=1 with those gone by.", []string{"past"}, nil, myInvitationsResponse{}, nil},
		{"POST", "/api/v1/invitations/{id}", anyRole, s.answerInvitation, "Answer an invitation (attend, decline, delegate with who) until the meeting starts: the invited person, or a clerk or leader of the invited agency.", nil, answerRequest{}, invitationJSON{}, nil},
		{"GET", "/api/v1/notices", anyRole, s.notices, "What the caller was told (invitations, changes, reminders, answers, reports due), newest first.", []string{"unread", "limit"}, nil, noticesResponse{}, nil},
		{"POST", "/api/v1/notices/{id}/read", anyRole, s.readNotice, "Mark a notice read.", nil, nil, nil, nil},
		{"GET", "/api/v1/corrections", roles(records.RoleClerk, records.RoleAdmin), s.corrections, "The agency's corrections as training data, one JSON object a line.", nil, nil, nil, []string{"application/x-ndjson"}},
		{"GET", "/api/v1/documents/{id}/pages/{n}", anyRole, s.page, "Page n of the original as PNG; X-Vanthu-Scale relates its pixels to evidence boxes (300 dpi).", nil, nil, nil, []string{"image/png"}},
		{"GET", "/api/v1/documents/{id}/related", anyRole, s.related, "Documents like this one, and its duplicates (same number, symbol and issuer).", nil, nil, relatedResponse{}, nil},
		{"GET", "/api/v1/dashboard", anyRole, s.dashboard, "The leader's dashboard: documents in and out by month, type and issuer; tasks due and overdue by assignee; meetings this week; reports received and missing.", []string{"from", "to"}, nil, dashboardResponse{}, nil},
		{"GET", "/api/v1/city", roles(records.RoleLeader), s.city, "The city-wide view of a leader with reach over several agencies: per agency, documents in and out, tasks overdue, reports missing.", []string{"from", "to"}, nil, cityResponse{}, nil},
		{"GET", "/api/v1/summary", anyRole, s.summary, "The summary of a day, week or month, written from the records (format=pdf for printing).", []string{"period", "date", "from", "to", "format"}, nil, summaryResponse{}, []string{"application/pdf"}},
		{"GET", "/api/v1/search", anyRole, s.search, "Search the archive (accents optional).", []string{"q", "type", "issuer", "urgency", "status", "from", "to", "sort", "offset", "size"}, nil, searchResponse{}, nil},
	}
}

type ctxKey struct{}

// UserOf is the authenticated user of a request.
func UserOf(r *http.Request) records.User {
	u, _ := r.Context().Value(ctxKey{}).(records.User)
	return u
}

// SessionCookie names the web UI's session cookie.
const SessionCookie = "vanthu_session"

var anyRole = records.Roles

func roles(rs ...string) []string { return rs }

// authed wraps a handler: the request must carry a live token of a user
// whose role is among allowed. A session cookie is only taken for a
// state-changing request from the same origin (a cross-site form cannot
// act in the user's name); bearer tokens are not sent by browsers unasked.
func (s *Server) authed(allowed []string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, fromCookie := "", false
		if a := r.Header.Get("Authorization"); strings.HasPrefix(a, "Bearer ") {
			tok = strings.TrimSpace(strings.TrimPrefix(a, "Bearer "))
		} else if c, err := r.Cookie(SessionCookie); err == nil {
			tok, fromCookie = c.Value, true
		}
		if tok == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="vanthu"`)
			writeError(w, http.StatusUnauthorized, "log in first: a bearer token or a session is needed")
			return
		}
		var u records.User
		var keyID int64
		var err error
		if strings.HasPrefix(tok, "vk_") {
			// Another system's API key (the data-sharing hub).
			u, keyID, err = s.Records.UserByAPIKey(r.Context(), tok)
		} else {
			u, _, err = s.Records.UserByToken(r.Context(), tok)
		}
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="vanthu", error="invalid_token"`)
			writeError(w, http.StatusUnauthorized, "the token or session is not valid (expired, revoked or unknown)")
			return
		}
		if fromCookie && r.Method != http.MethodGet && r.Method != http.MethodHead && !s.sameOrigin(r) {
			writeError(w, http.StatusForbidden, "a request changing data must come from this site")
			return
		}
		if !contains(allowed, u.Role) {
			writeError(w, http.StatusForbidden, "the role "+u.Role+" may not do this")
			return
		}
		if keyID != 0 && u.Role == records.RoleStaff && r.Method != http.MethodGet && r.Method != http.MethodHead &&
			!strings.HasPrefix(r.URL.Path, "/api/v1/hub/subscriptions") {
			// A read key reads (and manages its own subscriptions).
			writeError(w, http.StatusForbidden, "a read key may only read")
			return
		}
		ctx := context.WithValue(r.Context(), ctxKey{}, u)
		if keyID != 0 {
			ctx = context.WithValue(ctx, keyCtxKey{}, keyID)
		}
		h(w, r.WithContext(ctx))
	}
}

// sameOrigin: the Origin (or, without it, the Referer) is this site:
// scheme and host. The scheme is https behind TLS, or when the cookies are
// marked Secure (TLS ended by a proxy in front).
func (s *Server) sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		o = r.Header.Get("Referer")
	}
	if o == "" || o == "null" {
		return false
	}
	u, err := url.Parse(o)
	if err != nil {
		return false
	}
	scheme := "http"
	if r.TLS != nil || s.SecureCookies {
		scheme = "https"
	}
	return u.Scheme == scheme && u.Host == r.Host && u.User == nil
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}

// fail answers an error from the records: not found, forbidden, bad
// input, or an internal error (logged, not shown).
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, records.ErrNotFound), errors.Is(err, search.ErrNotFound):
		writeError(w, http.StatusNotFound, "not found")
	case errors.Is(err, objstore.ErrNotFound):
		writeError(w, http.StatusGone, "the original is no longer stored")
	case errors.Is(err, records.ErrForbidden):
		writeError(w, http.StatusForbidden, strings.TrimPrefix(err.Error(), records.ErrForbidden.Error()+": "))
	case errors.Is(err, records.ErrInvalid):
		writeError(w, http.StatusBadRequest, strings.TrimPrefix(err.Error(), records.ErrInvalid.Error()+": "))
	case errors.Is(err, search.ErrInvalid):
		writeError(w, http.StatusBadRequest, strings.TrimPrefix(err.Error(), search.ErrInvalid.Error()+": "))
	case errors.Is(err, search.ErrOutOfReach):
		writeError(w, http.StatusForbidden, "that agency is outside your reach")
	case errors.Is(err, errBody):
		writeError(w, http.StatusBadRequest, err.Error())
	case records.Transient(err), errors.Is(err, errUnavailable), errors.Is(err, search.ErrUnavailable):
		s.Log.Warn("api: unavailable for now", "method", r.Method, "path", r.URL.Path, "err", err)
		w.Header().Set("Retry-After", "2")
		writeError(w, http.StatusServiceUnavailable, "busy for now: nothing was done, send the request again in a moment")
	default:
		s.Log.Error("api", "method", r.Method, "path", r.URL.Path, "err", err)
		writeError(w, http.StatusInternalServerError, "internal error")
	}
}

// errUnavailable wraps a failure of a backend that may pass (the object
// store unreachable, a full disk): answered 503 with Retry-After.
var errUnavailable = errors.New("unavailable for now")

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, records.ErrNotFound
	}
	return id, nil
}

// loginLimiter slows password guessing without letting anybody lock a
// victim out: failures are counted per name and address together (an
// attacker elsewhere does not block the victim's own address), per
// address (spraying many names from one place), and per name from
// everywhere, with a far higher bar. A blocked key waits, the wait
// doubling with each failure past the bar, up to the window. Entries end
// with their window, and the table is bounded.
type loginLimiter struct {
	mu    sync.Mutex
	fails map[string]*failures
	swept time.Time
}

type failures struct {
	n     int
	first time.Time // start of the window
	until time.Time // blocked until
}

const (
	loginFails     = 5   // per name and address
	loginFailsAddr = 50  // per address, any names
	loginFailsName = 200 // per name, any addresses
	loginWindow    = 15 * time.Minute
	loginKeys      = 100_000 // entries kept at most
)

// loginKeys names what a login attempt is counted against, with its bar.
func loginKeysOf(name, ip string) map[string]int {
	return map[string]int{"pair:" + name + "\x00" + ip: loginFails, "ip:" + ip: loginFailsAddr, "name:" + name: loginFailsName}
}

// blocked is how long the attempt must wait (0: go on).
func (l *loginLimiter) blocked(now time.Time, keys map[string]int) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	var wait time.Duration
	for k := range keys {
		if f := l.fails[k]; f != nil && now.Before(f.until) {
			wait = max(wait, f.until.Sub(now))
		}
	}
	return wait
}

func (l *loginLimiter) fail(now time.Time, keys map[string]int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fails == nil {
		l.fails = map[string]*failures{}
	}
	if len(l.fails) >= loginKeys && now.Sub(l.swept) > time.Second {
		l.sweep(now)
		l.swept = now
	}
	for k, bar := range keys {
		f := l.fails[k]
		if f == nil || now.Sub(f.first) > loginWindow && now.After(f.until) {
			if len(l.fails) >= loginKeys {
				continue // full of live entries: the other keys still count
			}
			f = &failures{first: now}
			l.fails[k] = f
		}
		f.n++
		if over := f.n - bar; over >= 0 {
			// A minute at the bar, doubling after, the window at most.
			wait := min(time.Minute<<min(over, 10), loginWindow)
			f.until = now.Add(wait)
		}
	}
}

// sweep drops the entries whose window and wait are over.
func (l *loginLimiter) sweep(now time.Time) {
	for k, f := range l.fails {
		if now.Sub(f.first) > loginWindow && now.After(f.until) {
			delete(l.fails, k)
		}
	}
}

func (l *loginLimiter) reset(name, ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, "pair:"+name+"\x00"+ip)
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// loginRequest is the body of POST /api/v1/login.
type loginRequest struct {
	Name     string `json:"name"`
	Password string `json:"password"`
}

// loginResponse: the session's token (also set as the cookie) and how
// many seconds it lasts.
type loginResponse struct {
	User      userJSON `json:"user"`
	Token     string   `json:"token"`
	ExpiresIn int      `json:"expires_in"`
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	var in loginRequest
	// A JSON body only: a cross-site form (text/plain, urlencoded) cannot
	// send one without the browser asking first, so no other site logs a
	// browser in under an account of its choosing. A request that names
	// its origin must name this one.
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		writeError(w, http.StatusUnsupportedMediaType, `send {"name": ..., "password": ...} as application/json`)
		return
	}
	if r.Header.Get("Origin") != "" && !s.sameOrigin(r) {
		writeError(w, http.StatusForbidden, "a login must come from this site")
		return
	}
	if err := jsonBody(w, r, &in); err != nil || in.Name == "" || len(in.Name) > 200 || len(in.Password) > 1024 {
		writeError(w, http.StatusBadRequest, `send {"name": ..., "password": ...}`)
		return
	}
	now := time.Now()
	keys := loginKeysOf(in.Name, clientIP(r))
	if wait := s.limiter.blocked(now, keys); wait > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		writeError(w, http.StatusTooManyRequests, "too many failed logins: try again later")
		return
	}
	u, err := s.Records.Authenticate(r.Context(), in.Name, in.Password)
	if errors.Is(err, records.ErrBadLogin) {
		s.limiter.fail(now, keys)
		writeError(w, http.StatusUnauthorized, "wrong name or password")
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.limiter.reset(in.Name, clientIP(r))
	ttl := s.SessionTTL
	if ttl <= 0 {
		ttl = 12 * time.Hour
	}
	tok, err := s.Records.NewToken(r.Context(), u.ID, records.TokenSession, ttl)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: tok, Path: "/", HttpOnly: true, Secure: s.SecureCookies,
		SameSite: http.SameSiteStrictMode, MaxAge: int(ttl.Seconds())})
	writeJSON(w, http.StatusOK, loginResponse{User: userJSONOf(u), Token: tok, ExpiresIn: int(ttl.Seconds())})
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	tok := strings.TrimSpace(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	if c, err := r.Cookie(SessionCookie); err == nil && r.Header.Get("Authorization") == "" {
		tok = c.Value
	}
	s.Records.DeleteToken(r.Context(), tok)
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	w.WriteHeader(http.StatusNoContent)
}

// userJSON is an account as the API shows it (no ID, no password).
type userJSON struct {
	Name      string `json:"name"`
	Role      string `json:"role"`
	Agency    string `json:"agency"`
	Clearance string `json:"clearance"` // "" when not cleared for secrets
	Unit      string `json:"unit"`      // the directory unit the user works in ("" none)
	// Reach are the other agencies a city-wide leader reads the counts
	// of (GET /api/v1/city).
	Reach []string `json:"reach"`
}

func userJSONOf(u records.User) userJSON {
	return userJSON{Name: u.Name, Role: u.Role, Agency: u.Agency, Clearance: u.Clearance, Unit: u.Unit, Reach: nonNilStrings(u.Reaches())}
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, userJSONOf(UserOf(r)))
}

// createUserRequest is the body of POST /api/v1/users; clearance and
// agency may be left out (none, and the admin's own).
type createUserRequest struct {
	Name      string `json:"name"`
	Role      string `json:"role"`
	Clearance string `json:"clearance,omitempty"`
	Password  string `json:"password"`
	Agency    string `json:"agency,omitempty"`
	Unit      string `json:"unit,omitempty"`
}

// refineSchema: the roles and levels an admin may grant, and the bounds
// of a name and a password.
func (createUserRequest) refineSchema(s map[string]any) {
	props := s["properties"].(map[string]any)
	props["name"] = map[string]any{"type": "string", "minLength": 1, "maxLength": 64}
	props["role"] = map[string]any{"type": "string", "enum": records.Grantable}
	props["clearance"] = map[string]any{"type": "string", "enum": append([]string{""}, records.Levels...)}
	props["password"] = map[string]any{"type": "string", "minLength": 10, "maxLength": 1024}
}

// createUser: an admin makes accounts of their own agency, with a role
// and clearance records.MayGrant allows.
func (s *Server) createUser(w http.ResponseWriter, r *http.Request) {
	var in createUserRequest
	if err := jsonBody(w, r, &in); err != nil {
		writeError(w, http.StatusBadRequest, "a JSON object with name, role, password (and clearance) is needed")
		return
	}
	admin := UserOf(r)
	if in.Agency == "" {
		in.Agency = admin.Agency
	}
	u := records.User{Name: strings.TrimSpace(in.Name), Role: in.Role, Agency: in.Agency, Clearance: in.Clearance, Unit: strings.TrimSpace(in.Unit)}
	if err := records.MayGrant(admin, u.Role, u.Clearance); err != nil {
		s.fail(w, r, err)
		return
	}
	if u.Agency != admin.Agency {
		writeError(w, http.StatusForbidden, "an admin makes accounts of their own agency only")
		return
	}
	u, err := s.Records.CreateUserAs(r.Context(), admin, u, in.Password)
	if errors.Is(err, records.ErrNameTaken) {
		// Names are logins, unique across agencies: say only that this
		// one cannot be had, not where it is used.
		writeError(w, http.StatusConflict, "this name cannot be used: choose another")
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, userJSONOf(u))
}

func nonNilStrings(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}
