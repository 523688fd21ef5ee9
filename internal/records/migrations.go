package records

import (
	"context"
	"fmt"
	"strings"
)

// migrations are applied in order, each in a transaction, written once
// for both engines: {{id}} is the engine's self-numbering key; a
// statement beginning "pg: " runs on PostgreSQL only. The first
// two are those of the SQLite-only register of issue 3, unchanged, so a
// database made then carries on.
var migrations = []string{
	`CREATE TABLE incoming (
		id {{id}},
		agency TEXT NOT NULL,
		year INTEGER NOT NULL,
		arrival_number INTEGER, -- NULL for a duplicate: linked, not numbered again
		arrived_at TEXT NOT NULL,
		bucket TEXT NOT NULL, key TEXT NOT NULL, etag TEXT NOT NULL,
		doc_type TEXT NOT NULL, number TEXT NOT NULL, symbol TEXT NOT NULL, issuer TEXT NOT NULL,
		issued_at TEXT NOT NULL, subject TEXT NOT NULL, signer TEXT NOT NULL,
		urgency TEXT NOT NULL, confidentiality TEXT NOT NULL,
		dedupe_key TEXT NOT NULL,
		duplicate_of INTEGER REFERENCES incoming(id),
		UNIQUE (bucket, key, etag),
		UNIQUE (agency, year, arrival_number)
	)`,
	`CREATE INDEX incoming_dedupe ON incoming(agency, dedupe_key)`,
	// Numbers are drawn from a counter row, locked by the transaction
	// that draws: gapless and unique on both engines.
	`CREATE TABLE counters (agency TEXT NOT NULL, register TEXT NOT NULL, year INTEGER NOT NULL, last INTEGER NOT NULL,
		PRIMARY KEY (agency, register, year));
	INSERT INTO counters (agency, register, year, last)
		SELECT agency, 'incoming', year, MAX(arrival_number) FROM incoming WHERE arrival_number IS NOT NULL GROUP BY agency, year`,
	`CREATE TABLE agencies (code TEXT PRIMARY KEY, name TEXT NOT NULL, name_key TEXT NOT NULL, parent TEXT NOT NULL DEFAULT '')`,
	`CREATE TABLE documents (
		id {{id}},
		agency TEXT NOT NULL,
		bucket TEXT NOT NULL, key TEXT NOT NULL, etag TEXT NOT NULL,
		file TEXT NOT NULL,
		status TEXT NOT NULL, -- received, failed, review, registered, approved
		error TEXT NOT NULL DEFAULT '',
		doc_type TEXT NOT NULL DEFAULT '', confidentiality TEXT NOT NULL DEFAULT '',
		record TEXT NOT NULL DEFAULT '{}', -- the extraction record, corrections applied
		review TEXT NOT NULL DEFAULT '[]', -- fields still waiting for a person
		uploaded_by TEXT NOT NULL DEFAULT '',
		created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
		UNIQUE (bucket, key, etag)
	);
	CREATE INDEX documents_agency_status ON documents(agency, status);
	ALTER TABLE incoming ADD COLUMN document_id INTEGER REFERENCES documents(id);
	ALTER TABLE incoming ADD COLUMN receiving_unit TEXT NOT NULL DEFAULT '';
	ALTER TABLE incoming ADD COLUMN deadline TEXT NOT NULL DEFAULT '';
	ALTER TABLE incoming ADD COLUMN status TEXT NOT NULL DEFAULT 'registered';
	ALTER TABLE incoming ADD COLUMN issuer_key TEXT NOT NULL DEFAULT '';
	CREATE INDEX incoming_agency_arrived ON incoming(agency, arrived_at);
	CREATE INDEX incoming_agency_issuer ON incoming(agency, issuer_key, year, arrival_number);
	CREATE INDEX incoming_agency_status ON incoming(agency, status, year, arrival_number);
	CREATE INDEX incoming_document ON incoming(document_id);
	CREATE TABLE outgoing (
		id {{id}},
		agency TEXT NOT NULL, year INTEGER NOT NULL,
		document_id INTEGER NOT NULL UNIQUE REFERENCES documents(id),
		number TEXT NOT NULL, symbol TEXT NOT NULL, issued_at TEXT NOT NULL, doc_type TEXT NOT NULL,
		subject TEXT NOT NULL, signer TEXT NOT NULL, recipients TEXT NOT NULL,
		registered_at TEXT NOT NULL
	);
	CREATE TABLE reports (
		id {{id}},
		agency TEXT NOT NULL,
		document_id INTEGER NOT NULL UNIQUE REFERENCES documents(id),
		regime TEXT NOT NULL, period TEXT NOT NULL, reporting_agency TEXT NOT NULL,
		received_at TEXT NOT NULL, due TEXT NOT NULL, on_time INTEGER NOT NULL
	);
	CREATE INDEX reports_agency_period ON reports(agency, regime, period);
	CREATE TABLE meetings (
		id {{id}},
		agency TEXT NOT NULL,
		document_id INTEGER NOT NULL UNIQUE REFERENCES documents(id),
		starts TEXT NOT NULL, day TEXT NOT NULL, place TEXT NOT NULL, chair TEXT NOT NULL, invitees TEXT NOT NULL
	);
	CREATE TABLE tasks (
		id {{id}},
		agency TEXT NOT NULL,
		document_id INTEGER NOT NULL REFERENCES documents(id),
		seq INTEGER NOT NULL,
		assignee TEXT NOT NULL, task TEXT NOT NULL, due TEXT NOT NULL,
		status TEXT NOT NULL, -- open, done
		UNIQUE (document_id, seq)
	);
	CREATE INDEX tasks_agency_due ON tasks(agency, due);
	CREATE TABLE corrections (
		id {{id}},
		document_id INTEGER NOT NULL REFERENCES documents(id),
		field TEXT NOT NULL, old TEXT NOT NULL, new TEXT NOT NULL,
		confidence DOUBLE PRECISION NOT NULL, -- the machine's, for the value it read
		evidence TEXT NOT NULL DEFAULT '', -- where it read it: {"page": n, "box": [x, y, w, h]}
		user_name TEXT NOT NULL, at TEXT NOT NULL
	);
	CREATE TABLE users (
		id {{id}},
		name TEXT NOT NULL UNIQUE, role TEXT NOT NULL, agency TEXT NOT NULL, clearance TEXT NOT NULL DEFAULT '',
		password TEXT NOT NULL, created_at TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0
	);
	CREATE TABLE tokens (
		hash TEXT PRIMARY KEY,
		user_id INTEGER NOT NULL REFERENCES users(id),
		kind TEXT NOT NULL, -- session, api
		created_at TEXT NOT NULL, expires_at TEXT NOT NULL
	)`,
	// A document whose marking is not known yet (or never read) is kept
	// under the highest level: until this migration such documents had
	// none, and anybody of the agency could read them.
	`UPDATE documents SET confidentiality = 'TUYỆT MẬT' WHERE status IN ('received', 'failed')`,
	// A document whose corrected record could not be put into the search
	// index waits here for the next repair pass.
	`ALTER TABLE documents ADD COLUMN reindex INTEGER NOT NULL DEFAULT 0`,
	// State secrets arriving are numbered in a register of their own
	// (Decree 26/2020, sổ đăng ký bí mật nhà nước đến): the ordinary
	// register has no gaps where they are, which told the uncleared they
	// exist. A book column, and uniqueness per book. Lines registered
	// before keep their book and numbers (the ordinary one).
	`CREATE TABLE incoming_v2 (
		id {{id}},
		agency TEXT NOT NULL,
		book TEXT NOT NULL DEFAULT '',
		year INTEGER NOT NULL,
		arrival_number INTEGER,
		arrived_at TEXT NOT NULL,
		bucket TEXT NOT NULL, key TEXT NOT NULL, etag TEXT NOT NULL,
		doc_type TEXT NOT NULL, number TEXT NOT NULL, symbol TEXT NOT NULL, issuer TEXT NOT NULL,
		issued_at TEXT NOT NULL, subject TEXT NOT NULL, signer TEXT NOT NULL,
		urgency TEXT NOT NULL, confidentiality TEXT NOT NULL,
		dedupe_key TEXT NOT NULL,
		duplicate_of INTEGER REFERENCES incoming_v2(id),
		document_id INTEGER REFERENCES documents(id),
		receiving_unit TEXT NOT NULL DEFAULT '',
		deadline TEXT NOT NULL DEFAULT '',
		status TEXT NOT NULL DEFAULT 'registered',
		issuer_key TEXT NOT NULL DEFAULT '',
		UNIQUE (bucket, key, etag),
		UNIQUE (agency, book, year, arrival_number)
	);
	INSERT INTO incoming_v2 (id, agency, book, year, arrival_number, arrived_at, bucket, key, etag, doc_type, number, symbol, issuer,
		issued_at, subject, signer, urgency, confidentiality, dedupe_key, duplicate_of, document_id, receiving_unit, deadline, status, issuer_key)
		SELECT id, agency, '', year, arrival_number, arrived_at, bucket, key, etag, doc_type, number, symbol, issuer,
		issued_at, subject, signer, urgency, confidentiality, dedupe_key, duplicate_of, document_id, receiving_unit, deadline, status, issuer_key FROM incoming;
	DROP TABLE incoming;
	ALTER TABLE incoming_v2 RENAME TO incoming;
	pg: SELECT setval(pg_get_serial_sequence('incoming', 'id'), COALESCE((SELECT MAX(id) FROM incoming), 0) + 1, false);
	CREATE INDEX incoming_dedupe ON incoming(agency, book, dedupe_key);
	CREATE INDEX incoming_agency_arrived ON incoming(agency, arrived_at);
	CREATE INDEX incoming_agency_issuer ON incoming(agency, issuer_key, year, arrival_number);
	CREATE INDEX incoming_agency_status ON incoming(agency, status, year, arrival_number);
	CREATE INDEX incoming_document ON incoming(document_id)`,
	// Rows others see get random IDs (store.go, newID): 53 bits, which the
	// references PostgreSQL made INTEGER (32 bits) cannot hold. SQLite's
	// INTEGER is 64 bits already.
	`pg: ALTER TABLE incoming ALTER COLUMN document_id TYPE BIGINT, ALTER COLUMN duplicate_of TYPE BIGINT;
	pg: ALTER TABLE outgoing ALTER COLUMN document_id TYPE BIGINT;
	pg: ALTER TABLE reports ALTER COLUMN document_id TYPE BIGINT;
	pg: ALTER TABLE meetings ALTER COLUMN document_id TYPE BIGINT;
	pg: ALTER TABLE tasks ALTER COLUMN document_id TYPE BIGINT;
	pg: ALTER TABLE corrections ALTER COLUMN document_id TYPE BIGINT`,
	// Signers the archive knows by issuer: read with confidence (typed,
	// born-digital) or put right by a person (issue 11).
	// Per agency: one agency's clerks teach their own archive, not others'.
	`CREATE TABLE known_signers (agency TEXT NOT NULL, issuer_key TEXT NOT NULL, name TEXT NOT NULL, seen INTEGER NOT NULL,
		PRIMARY KEY (agency, issuer_key, name))`,
	// Issuers the archive knows, per agency, beside the directory: a
	// misread or cut-off issuer is put right by them (issue 11).
	`CREATE TABLE known_issuers (agency TEXT NOT NULL, name TEXT NOT NULL, name_key TEXT NOT NULL, seen INTEGER NOT NULL,
		PRIMARY KEY (agency, name));
	CREATE INDEX known_issuers_key ON known_issuers(agency, name_key);
	CREATE INDEX agencies_name_key ON agencies(name_key);
	pg: CREATE INDEX known_issuers_key_prefix ON known_issuers(agency, name_key text_pattern_ops);
	pg: CREATE INDEX agencies_name_key_prefix ON agencies(name_key text_pattern_ops)`,
	// The agency's type model (types.go): documents per type, and per
	// type the documents each word was in.
	`CREATE TABLE type_docs (agency TEXT NOT NULL, doc_type TEXT NOT NULL, n INTEGER NOT NULL, words INTEGER NOT NULL, PRIMARY KEY (agency, doc_type));
	CREATE TABLE type_words (agency TEXT NOT NULL, doc_type TEXT NOT NULL, word TEXT NOT NULL, n INTEGER NOT NULL,
		PRIMARY KEY (agency, word, doc_type));
	CREATE TABLE learnt (document_id BIGINT NOT NULL, field TEXT NOT NULL, PRIMARY KEY (document_id, field))`,
	// vanthu reprocess marks a document whose upload is read again: its
	// next record is a new machine reading (reread in documents.go).
	`ALTER TABLE documents ADD COLUMN reread INTEGER NOT NULL DEFAULT 0`,
	// Citizen feedback over Zalo (feedback.go): cases, their messages in
	// order, every change; a row per citizen that serialises their
	// messages; the routing rules an admin edits and what reassignments
	// taught.
	`CREATE TABLE cases (id BIGINT PRIMARY KEY, code TEXT NOT NULL UNIQUE, oa_agency TEXT NOT NULL, agency TEXT NOT NULL, unit TEXT NOT NULL DEFAULT '',
		citizen TEXT NOT NULL, citizen_name TEXT NOT NULL DEFAULT '', citizen_phone TEXT NOT NULL DEFAULT '',
		topic TEXT NOT NULL DEFAULT '', topic_conf REAL NOT NULL DEFAULT 0, status TEXT NOT NULL, deadline TEXT NOT NULL DEFAULT '',
		lat TEXT NOT NULL DEFAULT '', lon TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL, updated_at TEXT NOT NULL, last_in TEXT NOT NULL,
		answered_at TEXT NOT NULL DEFAULT '', learnt_target TEXT NOT NULL DEFAULT '');
	CREATE INDEX cases_citizen ON cases(oa_agency, citizen, status);
	CREATE INDEX cases_agency ON cases(agency, status);
	CREATE TABLE case_messages (id BIGINT PRIMARY KEY, case_id BIGINT NOT NULL, msg_key TEXT NOT NULL UNIQUE, direction TEXT NOT NULL, kind TEXT NOT NULL,
		text TEXT NOT NULL DEFAULT '', object_key TEXT NOT NULL DEFAULT '', attachment_text TEXT NOT NULL DEFAULT '', refused TEXT NOT NULL DEFAULT '',
		by_user TEXT NOT NULL DEFAULT '', zalo_id TEXT NOT NULL DEFAULT '', at TEXT NOT NULL);
	CREATE INDEX case_messages_case ON case_messages(case_id, at);
	CREATE TABLE case_history (id BIGINT PRIMARY KEY, case_id BIGINT NOT NULL, at TEXT NOT NULL, user_name TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '');
	CREATE INDEX case_history_case ON case_history(case_id, at);
	CREATE TABLE case_citizens (oa_agency TEXT NOT NULL, citizen TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (oa_agency, citizen));
	CREATE TABLE routing_rules (agency TEXT NOT NULL, topic TEXT NOT NULL, target TEXT NOT NULL, PRIMARY KEY (agency, topic));
	CREATE TABLE route_words (agency TEXT NOT NULL, target TEXT NOT NULL, word TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (agency, word, target));
	CREATE TABLE route_docs (agency TEXT NOT NULL, target TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (agency, target))`,
	// The agency directory (directory.go): each agency or unit's QCVN 102
	// identifier, kind and the level it may receive; its printed names and
	// abbreviations; the names a person mapped once; the names read that
	// nothing matched yet.
	`ALTER TABLE agencies ADD COLUMN identifier TEXT NOT NULL DEFAULT '';
	ALTER TABLE agencies ADD COLUMN kind TEXT NOT NULL DEFAULT 'agency';
	ALTER TABLE agencies ADD COLUMN cleared TEXT NOT NULL DEFAULT '';
	CREATE TABLE agency_names (code TEXT NOT NULL, name TEXT NOT NULL, name_key TEXT NOT NULL, PRIMARY KEY (name_key, code));
	CREATE INDEX agency_names_code ON agency_names(code);
	CREATE TABLE name_mappings (agency TEXT NOT NULL, name_key TEXT NOT NULL, code TEXT NOT NULL, by_user TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (agency, name_key));
	CREATE TABLE unresolved_names (agency TEXT NOT NULL, name_key TEXT NOT NULL, name TEXT NOT NULL, role TEXT NOT NULL, seen INTEGER NOT NULL, first_document BIGINT NOT NULL DEFAULT 0,
		PRIMARY KEY (agency, name_key, role));
	ALTER TABLE tasks ADD COLUMN assignee_code TEXT NOT NULL DEFAULT '';
	ALTER TABLE documents ADD COLUMN issuer_code TEXT NOT NULL DEFAULT '';
	ALTER TABLE users ADD COLUMN unit TEXT NOT NULL DEFAULT '';
	CREATE TABLE handlings (id BIGINT PRIMARY KEY, document_id BIGINT NOT NULL UNIQUE, agency TEXT NOT NULL, main_unit TEXT NOT NULL DEFAULT '',
		main_user TEXT NOT NULL DEFAULT '', cooperating TEXT NOT NULL DEFAULT '[]', deadline TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '',
		status TEXT NOT NULL, result TEXT NOT NULL DEFAULT '', reply_document BIGINT NOT NULL DEFAULT 0, directed_by TEXT NOT NULL,
		created_at TEXT NOT NULL, updated_at TEXT NOT NULL, reminded TEXT NOT NULL DEFAULT '');
	CREATE INDEX handlings_agency ON handlings(agency, status, deadline);
	CREATE TABLE handling_steps (id BIGINT PRIMARY KEY, handling_id BIGINT NOT NULL, at TEXT NOT NULL, user_name TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '');
	CREATE INDEX handling_steps_h ON handling_steps(handling_id, at);
	ALTER TABLE documents ADD COLUMN received_from TEXT NOT NULL DEFAULT '';
	ALTER TABLE documents ADD COLUMN received_id TEXT NOT NULL DEFAULT '';
	CREATE TABLE exchanges (id BIGINT PRIMARY KEY, sender_document BIGINT NOT NULL, sender_agency TEXT NOT NULL, receiver_agency TEXT NOT NULL,
		receiver_document BIGINT NOT NULL DEFAULT 0, status TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '', sent_by TEXT NOT NULL, sent_at TEXT NOT NULL,
		updated_at TEXT NOT NULL, UNIQUE (sender_document, receiver_agency));
	CREATE INDEX exchanges_receiver ON exchanges(receiver_document);
	CREATE TABLE api_keys (id BIGINT PRIMARY KEY, system TEXT NOT NULL, hash TEXT NOT NULL UNIQUE, agency TEXT NOT NULL, scope TEXT NOT NULL,
		created_by TEXT NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT NOT NULL DEFAULT '');
	CREATE TABLE subscriptions (id BIGINT PRIMARY KEY, key_id BIGINT NOT NULL, agency TEXT NOT NULL, url TEXT NOT NULL, types TEXT NOT NULL, secret TEXT NOT NULL,
		created_at TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1);
	CREATE TABLE deliveries (id BIGINT PRIMARY KEY, subscription_id BIGINT NOT NULL, event_id TEXT NOT NULL, type TEXT NOT NULL, body TEXT NOT NULL,
		attempts INTEGER NOT NULL DEFAULT 0, next_at TEXT NOT NULL, status TEXT NOT NULL, last_error TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL,
		UNIQUE (subscription_id, event_id));
	CREATE INDEX deliveries_due ON deliveries(status, next_at)`,
	// The reporting system (regimes.go): the regimes a receiving agency
	// declares, the reports matched to a regime's period, the figures
	// read from them. Notices (notices.go) are what a
	// person is told in the app, and through other channels after it;
	// a user's reach is the agencies a city-wide leader reads.
	`CREATE TABLE report_regimes (id BIGINT PRIMARY KEY, agency TEXT NOT NULL, name TEXT NOT NULL, name_key TEXT NOT NULL, period TEXT NOT NULL,
		due TEXT NOT NULL, reporters TEXT NOT NULL, indicators TEXT NOT NULL, created_by TEXT NOT NULL, created_at TEXT NOT NULL, UNIQUE (agency, name_key));
	CREATE TABLE submissions (id BIGINT PRIMARY KEY, regime_id BIGINT NOT NULL, period TEXT NOT NULL, reporter TEXT NOT NULL, document_id BIGINT NOT NULL,
		status TEXT NOT NULL, score DOUBLE PRECISION NOT NULL, received_at TEXT NOT NULL, on_time INTEGER NOT NULL, decided_by TEXT NOT NULL DEFAULT '',
		UNIQUE (regime_id, document_id));
	CREATE INDEX submissions_regime ON submissions(regime_id, period, reporter);
	CREATE INDEX submissions_document ON submissions(document_id);
	CREATE TABLE submission_figures (submission_id BIGINT NOT NULL, indicator TEXT NOT NULL, value DOUBLE PRECISION NOT NULL, found INTEGER NOT NULL,
		text TEXT NOT NULL, unit TEXT NOT NULL, confidence DOUBLE PRECISION NOT NULL, evidence TEXT NOT NULL, corrected_by TEXT NOT NULL DEFAULT '',
		PRIMARY KEY (submission_id, indicator));
	CREATE TABLE notices (id BIGINT PRIMARY KEY, agency TEXT NOT NULL, user_id BIGINT NOT NULL DEFAULT 0, kind TEXT NOT NULL, subject TEXT NOT NULL,
		body TEXT NOT NULL, link TEXT NOT NULL DEFAULT '', secrecy TEXT NOT NULL DEFAULT '', dedupe TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL);
	CREATE INDEX notices_agency ON notices(agency, created_at);
	CREATE TABLE notice_reads (notice_id BIGINT NOT NULL, user_id BIGINT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (notice_id, user_id));
	ALTER TABLE users ADD COLUMN reach TEXT NOT NULL DEFAULT '';
	ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';
	ALTER TABLE users ADD COLUMN zalo_id TEXT NOT NULL DEFAULT ''`,
	// The meeting system (meetings.go): a meeting made by hand has no
	// giấy mời, so document_id may be NULL now, which SQLite can only
	// say by making the table again; its subject, end, agenda and
	// secrecy (a hand-made one's own; a giấy mời's is its document's),
	// the conclusion linked to it. Invitations to agencies or persons and
	// their answers, the papers of its agenda. The outbox delivers
	// notices beyond the app (internal/notify): one row a notice,
	// channel and person; notices made before it are not sent out.
	`CREATE TABLE meetings_v2 (id BIGINT PRIMARY KEY, agency TEXT NOT NULL, document_id BIGINT UNIQUE REFERENCES documents(id),
		starts TEXT NOT NULL, ends TEXT NOT NULL DEFAULT '', day TEXT NOT NULL, place TEXT NOT NULL, chair TEXT NOT NULL, invitees TEXT NOT NULL,
		invitee_codes TEXT NOT NULL DEFAULT '[]', subject TEXT NOT NULL DEFAULT '', agenda TEXT NOT NULL DEFAULT '[]', secrecy TEXT NOT NULL DEFAULT '',
		created_by TEXT NOT NULL DEFAULT '', conclusion_document BIGINT NOT NULL DEFAULT 0, updated_at TEXT NOT NULL DEFAULT '');
	INSERT INTO meetings_v2 (id, agency, document_id, starts, day, place, chair, invitees) SELECT id, agency, document_id, starts, day, place, chair, invitees FROM meetings;
	DROP TABLE meetings;
	ALTER TABLE meetings_v2 RENAME TO meetings;
	CREATE INDEX meetings_agency_day ON meetings(agency, day);
	CREATE TABLE invitations (id BIGINT PRIMARY KEY, meeting_id BIGINT NOT NULL, agency TEXT NOT NULL, user_id BIGINT NOT NULL DEFAULT 0,
		invitee TEXT NOT NULL, answer TEXT NOT NULL DEFAULT '', who TEXT NOT NULL DEFAULT '', delegate_user BIGINT NOT NULL DEFAULT 0,
		note TEXT NOT NULL DEFAULT '', answered_by TEXT NOT NULL DEFAULT '', answered_at TEXT NOT NULL DEFAULT '', invited_by TEXT NOT NULL,
		invited_at TEXT NOT NULL, UNIQUE (meeting_id, agency, user_id));
	CREATE INDEX invitations_agency ON invitations(agency, user_id);
	CREATE INDEX invitations_delegate ON invitations(delegate_user);
	CREATE TABLE meeting_papers (meeting_id BIGINT NOT NULL, document_id BIGINT NOT NULL, agenda_item INTEGER NOT NULL, added_by TEXT NOT NULL,
		added_at TEXT NOT NULL, PRIMARY KEY (meeting_id, document_id));
	ALTER TABLE notices ADD COLUMN fanned INTEGER NOT NULL DEFAULT 0;
	UPDATE notices SET fanned = 1;
	CREATE INDEX notices_fanned ON notices(fanned);
	CREATE TABLE outbox (id BIGINT PRIMARY KEY, notice_id BIGINT NOT NULL, channel TEXT NOT NULL, user_id BIGINT NOT NULL, address TEXT NOT NULL,
		status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_at TEXT NOT NULL, claimed_at TEXT NOT NULL DEFAULT '', last_error TEXT NOT NULL DEFAULT '',
		sent_at TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL, UNIQUE (notice_id, channel, user_id));
	CREATE INDEX outbox_due ON outbox(status, next_at)`,
	// The reminders a report regime's reporters were sent (regimes.go):
	// one per regime, period and reporter, bundled in one notice a day.
	`CREATE TABLE regime_reminders (regime_id BIGINT NOT NULL, period TEXT NOT NULL, reporter TEXT NOT NULL, kind TEXT NOT NULL, at TEXT NOT NULL,
		PRIMARY KEY (regime_id, period, reporter, kind))`,
}

func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	id := "INTEGER PRIMARY KEY"
	if s.pg {
		id = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
		// Two processes starting at once must not both migrate.
		if _, err := s.w.ExecContext(ctx, `SELECT pg_advisory_lock(7046)`); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		defer s.w.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(7046)`)
	}
	var v int
	if err := s.w.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&v); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for i := v; i < len(migrations); i++ {
		tx, err := s.w.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		for _, stmt := range strings.Split(strings.ReplaceAll(migrations[i], "{{id}}", id), ";\n") {
			stmt = strings.TrimSpace(stmt)
			if rest, ok := strings.CutPrefix(stmt, "pg: "); ok {
				if !s.pg {
					continue
				}
				stmt = rest
			}
			if stmt == "" {
				continue
			}
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				tx.Rollback()
				return fmt.Errorf("migration %d: %w", i+1, err)
			}
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO schema_version (version) VALUES (?)`), i+1); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
	}
	return nil
}
