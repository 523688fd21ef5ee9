package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/vanthu/vanthu/internal/backends"
	"github.com/vanthu/vanthu/internal/config"
	"github.com/vanthu/vanthu/internal/domain"
	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/internal/search"
)

// runAdmin manages accounts and agencies in the records database.
func runAdmin(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	usage := "Usage: vanthu admin SUBCOMMAND [flags]\n\n" +
		"  create-user --name N --role clerk|staff|leader|admin --agency A [--unit U] [--clearance MẬT|TỐI MẬT|TUYỆT MẬT]\n" +
		"              [--email E] [--zalo PHONE]\n" +
		"              the password is read from standard input (one line); without one, a random\n" +
		"              password is made and printed; notices also reach the e-mail address and the\n" +
		"              Zalo account of the phone number (ZNS) when those channels are configured\n" +
		"  set-contact --user N [--email E] [--zalo PHONE]\n" +
		"              set an account's e-mail address or Zalo phone number (an empty value clears it)\n" +
		"  token --user N [--ttl 8760h]   print a bearer token for programs\n" +
		"  create-agency --code C --name \"ỦY BAN NHÂN DÂN ...\" [--parent P]\n" +
		"              the name as printed on its documents: that is how its own (outgoing)\n" +
		"              documents are told from those it receives\n" +
		"  import-agencies --file F.csv  the agency directory: header code,identifier,name,parent,kind,\n" +
		"              cleared,names (names |-separated; identifier as QCVN 102: 000.00.31.H55);\n" +
		"              all or nothing, every bad line named\n" +
		"  grant-reach --user N --agencies A,B,C\n" +
		"              give a leader the city-wide view over those agencies (empty: none)\n" +
		"  digit-crops --out DIR [--agency A] [--bucket uploads] [--limit 10000]\n" +
		"              write the handwritten numbers and days people corrected as labelled\n" +
		"              crops for the handwriting reader's training\n" +
		"              (go run ./pipelines/digits/train -real DIR); secret documents stay out\n" +
		"  reindex     put every recorded document into the search index again, from the records:\n" +
		"              a new search cluster filled from an archive that ran on the embedded index,\n" +
		"              or an index lost or restored from an older snapshot\n" +
		"  migrate-index\n" +
		"              roll the cluster's index out to this version's mapping: copy the archive into\n" +
		"              the new versioned index and move the alias in one step, while searches run\n" +
		"              (VANTHU_ES_URL or VANTHU_OPENSEARCH_URL; the old index is kept, delete it after)\n\n" +
		"The database is DATA/vanthu.db, or PostgreSQL when VANTHU_DB_URL is set."
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(stderr, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	sub, args := args[0], args[1:]
	fs := newFlagSet("admin "+sub, usage, stderr)
	data := fs.String("data", config.Get("VANTHU_DATA"), "state folder (env VANTHU_DATA)")
	name := fs.String("name", "", "user name (create-user) or agency name (create-agency)")
	role := fs.String("role", "", "clerk, staff, leader or admin")
	agency := fs.String("agency", "", "the user's agency code")
	clearance := fs.String("clearance", "", "the highest secrecy level the user may read")
	user := fs.String("user", "", "the user a token is for")
	ttl := fs.Duration("ttl", 365*24*time.Hour, "how long a token lasts")
	code := fs.String("code", "", "agency code")
	parent := fs.String("parent", "", "the agency above")
	file := fs.String("file", "", "the CSV to import (import-agencies)")
	unit := fs.String("unit", "", "the directory unit the user works in (create-user; its documents and tasks are their work)")
	out := fs.String("out", "", "folder the crops are written to (digit-crops)")
	bucket := fs.String("bucket", config.Get("VANTHU_BUCKET"), "bucket of the uploads (digit-crops; env VANTHU_BUCKET)")
	limit := fs.Int("limit", 10000, "most corrections read (digit-crops)")
	agencies := fs.String("agencies", "", "agency codes, comma-separated (grant-reach)")
	email := fs.String("email", "", "the user's e-mail address, where notices go (create-user, set-contact)")
	zalo := fs.String("zalo", "", "the phone number of the user's Zalo account, where ZNS notices go (create-user, set-contact)")
	var pf pipelineFlags
	pf.register(fs)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if err := os.MkdirAll(*data, 0o750); err != nil {
		fmt.Fprintln(stderr, "vanthu admin:", err)
		return 1
	}
	st, err := openRecords(ctx, *data)
	if err != nil {
		fmt.Fprintln(stderr, "vanthu admin:", err)
		return 1
	}
	defer st.Close()
	switch sub {
	case "create-user":
		// Checked before the password is read: a typo is told at once.
		em, za, err := records.CheckContact(*email, *zalo)
		if err != nil {
			fmt.Fprintln(stderr, "vanthu admin create-user:", err)
			return 2
		}
		pw, generated, err := readPassword(os.Stdin)
		if err != nil {
			fmt.Fprintln(stderr, "vanthu admin create-user:", err)
			return 1
		}
		u, err := st.CreateUser(ctx, records.User{Name: *name, Role: *role, Agency: *agency, Clearance: *clearance, Unit: *unit, Email: em, ZaloID: za}, pw)
		if err != nil {
			fmt.Fprintln(stderr, "vanthu admin create-user:", err)
			return 1
		}
		fmt.Fprintf(stdout, "created %s (%s of %s", u.Name, u.Role, u.Agency)
		if u.Clearance != "" {
			fmt.Fprintf(stdout, ", cleared for %s", u.Clearance)
		}
		fmt.Fprintln(stdout, ")")
		printContact(stdout, u)
		if generated {
			fmt.Fprintln(stdout, "password:", pw)
		}
	case "set-contact":
		// Only the flags given change: --email "" clears the address.
		var em, za *string
		fs.Visit(func(f *flag.Flag) {
			switch f.Name {
			case "email":
				em = email
			case "zalo":
				za = zalo
			}
		})
		if *user == "" || (em == nil && za == nil) {
			fmt.Fprintln(stderr, "vanthu admin set-contact: --user N and --email or --zalo are needed")
			return 2
		}
		u, err := st.SetUserContact(ctx, records.Operator, *user, em, za)
		if err != nil {
			fmt.Fprintln(stderr, "vanthu admin set-contact:", err)
			return 1
		}
		fmt.Fprintf(stdout, "%s:", u.Name)
		if u.Email == "" && u.ZaloID == "" {
			fmt.Fprint(stdout, " notices in the app only")
		}
		fmt.Fprintln(stdout)
		printContact(stdout, u)
	case "token":
		u, err := st.UserByName(ctx, *user)
		if err != nil {
			fmt.Fprintf(stderr, "vanthu admin token: no user %q\n", *user)
			return 1
		}
		tok, err := st.NewToken(ctx, u.ID, records.TokenAPI, *ttl)
		if err != nil {
			fmt.Fprintln(stderr, "vanthu admin token:", err)
			return 1
		}
		fmt.Fprintln(stdout, tok)
	case "create-agency":
		if err := st.PutAgency(ctx, records.Agency{Code: *code, Name: *name, Parent: *parent}); err != nil {
			fmt.Fprintln(stderr, "vanthu admin create-agency:", err)
			return 1
		}
		fmt.Fprintf(stdout, "agency %s: %s\n", *code, *name)
	case "import-agencies":
		f, err := os.Open(*file)
		if err != nil {
			fmt.Fprintln(stderr, "vanthu admin import-agencies:", err)
			return 2
		}
		defer f.Close()
		// The operator at the console acts as an administrator.
		n, err := st.ImportDirectory(ctx, records.Operator, f)
		if err != nil {
			fmt.Fprintf(stderr, "vanthu admin import-agencies: %s: %v\n", *file, err)
			return 1
		}
		fmt.Fprintf(stdout, "%d agencies and units in the directory from %s\n", n, *file)
	case "grant-reach":
		// The operator gives a leader the city-wide view over agencies.
		var codes []string
		if *agencies != "" {
			codes = strings.Split(*agencies, ",")
		}
		if err := st.SetReach(ctx, records.Operator, *user, codes); err != nil {
			fmt.Fprintln(stderr, "vanthu admin grant-reach:", err)
			return 1
		}
		fmt.Fprintf(stdout, "%s reaches %s\n", *user, strings.Join(append([]string{"their own agency"}, codes...), ", "))
	case "digit-crops":
		if *out == "" || *limit < 1 || *limit > 1_000_000 {
			fmt.Fprintln(stderr, "vanthu admin digit-crops: --out DIR is needed, --limit 1 to 1,000,000")
			return 2
		}
		objs, err := openStore(ctx, *data, *bucket)
		if err != nil {
			fmt.Fprintln(stderr, "vanthu admin digit-crops:", err)
			return 1
		}
		p, engine := pf.build(stderr)
		defer engine.Close()
		if err := digitCrops(ctx, st, objs, p, *out, *agency, *limit, stdout, stderr); err != nil {
			fmt.Fprintln(stderr, "vanthu admin digit-crops:", err)
			return 1
		}
	case "reindex":
		// The cluster's URLs are checked (and masked in errors) before a
		// client sees them.
		if !checkConfig("admin reindex", stderr) {
			return 2
		}
		x, err := openIndexer(ctx, *data)
		if err != nil {
			fmt.Fprintln(stderr, "vanthu admin reindex:", err)
			return 1
		}
		defer x.Close()
		n, err := reindexAll(ctx, st, x, stderr)
		if err != nil {
			fmt.Fprintf(stderr, "vanthu admin reindex: %v (%d documents indexed; run it again to go on)\n", err, n)
			return 1
		}
		fmt.Fprintf(stdout, "%d documents indexed\n", n)
	case "migrate-index":
		if !checkConfig("admin migrate-index", stderr) {
			return 2
		}
		if !backends.Clustered(config.Get) {
			fmt.Fprintln(stderr, "vanthu admin migrate-index: the embedded index has no versions to roll out; set VANTHU_ES_URL or VANTHU_OPENSEARCH_URL")
			return 2
		}
		x, err := backends.Cluster(config.Get)
		if err != nil {
			fmt.Fprintln(stderr, "vanthu admin migrate-index:", err)
			return 1
		}
		old, n, err := x.Migrate(ctx)
		if err != nil {
			fmt.Fprintln(stderr, "vanthu admin migrate-index:", err)
			return 1
		}
		if old == "" {
			fmt.Fprintf(stdout, "%s is current: nothing to do\n", x.IndexName())
			return 0
		}
		fmt.Fprintf(stdout, "%d documents copied from %s into %s; the alias is on %s\n", n, old, x.IndexName(), x.IndexName())
		// Writes refused while the copy ran are put in from the records:
		// every record, as the register has it.
		m, err := reindexAll(ctx, st, x, stderr)
		if err != nil {
			fmt.Fprintf(stderr, "vanthu admin migrate-index: the index is migrated, but putting the records in again stopped: %v (%d done); run vanthu admin reindex\n", err, m)
			return 1
		}
		fmt.Fprintf(stdout, "%d documents indexed again from the records. Once searches look right, delete the old index: DELETE /%s\n", m, old)
	default:
		fmt.Fprintf(stderr, "vanthu admin: no subcommand %q\n\n%s\n", sub, usage)
		return 2
	}
	return 0
}

// reindexAll marks every document for re-indexing and indexes them from
// the records in batches, each batch's marks cleared once it is in (a
// document changed meanwhile keeps its mark, and is indexed again). An
// interrupted run leaves the rest marked: the server's repair, or this
// command run again, goes on from there.
func reindexAll(ctx context.Context, st *records.Store, x search.Indexer, stderr io.Writer) (int, error) {
	total, err := st.MarkAllReindex(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	// Each pass clears the marks of a batch; a document changed while
	// its batch was in flight keeps its mark and comes round again. The
	// passes are bounded, so documents changed without end cannot hold
	// the command: the server's repair picks them up.
	for pass := int64(0); pass < total/500+10; pass++ {
		ds, err := st.PendingReindex(ctx, 500)
		if err != nil || len(ds) == 0 {
			return n, err
		}
		docs := make([]search.Document, len(ds))
		for i, d := range ds {
			docs[i] = domain.Recorded(d)
		}
		if err := x.Index(ctx, docs...); err != nil {
			return n, err
		}
		for _, d := range ds {
			if err := st.Reindexed(ctx, d); err != nil {
				return n, err
			}
		}
		n += len(ds)
		if n%5000 < len(ds) {
			fmt.Fprintf(stderr, "%d of %d documents indexed\n", n, total)
		}
	}
	left, err := st.PendingReindex(ctx, 1)
	if err != nil {
		return n, err
	}
	if len(left) > 0 {
		return n, errors.New("some documents changed all along and stay marked: vanthu serve's repair puts them in")
	}
	return n, nil
}

// printContact says where notices beyond the app reach u.
func printContact(w io.Writer, u records.User) {
	if u.Email != "" {
		fmt.Fprintln(w, "e-mail:", u.Email)
	}
	if u.ZaloID != "" {
		fmt.Fprintln(w, "zalo:", u.ZaloID)
	}
}

// readPassword takes one line from standard input when it is not a
// terminal; otherwise (or on an empty line) a random password is made.
func readPassword(in *os.File) (pw string, generated bool, err error) {
	if st, err := in.Stat(); err == nil && st.Mode()&os.ModeCharDevice == 0 {
		line, err := bufio.NewReader(in).ReadString('\n')
		if err != nil && err != io.EOF {
			return "", false, err
		}
		if line = strings.TrimRight(line, "\r\n"); line != "" {
			return line, false, nil
		}
	}
	b := make([]byte, 15)
	if _, err := rand.Read(b); err != nil {
		return "", false, err
	}
	return base64.RawURLEncoding.EncodeToString(b), true, nil
}
