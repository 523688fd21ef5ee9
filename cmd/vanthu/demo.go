package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/vanthu/vanthu/internal/config"
	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/pipelines/corpus"
)

// The demo agency and its accounts. Their passwords are made on the first
// run and kept in DATA/demo/accounts.txt, so every later run prints the
// same ones (an account whose password was lost from the file gets a new
// one, printed).
const (
	demoAgency     = "ubnd-qn"
	demoAgencyName = "ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH"
)

type demoAccount struct{ Name, Role, Clearance, Title string }

var demoAccounts = []demoAccount{
	{"van-thu", records.RoleClerk, "TUYỆT MẬT", "văn thư: tải lên, duyệt, sổ văn bản"},
	{"chuyen-vien", records.RoleStaff, "", "chuyên viên: việc của tôi, tìm kiếm"},
	{"lanh-dao", records.RoleLeader, "TUYỆT MẬT", "lãnh đạo: tổng quan, tóm tắt, duyệt"},
	{"quan-tri", records.RoleAdmin, "TUYỆT MẬT", "quản trị: tài khoản, chế độ báo cáo"},
}

// runDemo makes the demo agency and its accounts, loads a sample of
// generated documents (and the files named) through the API as the clerk
// does, waits until they are read, and serves until interrupted.
func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("demo", "Usage: vanthu demo [flags] [FILE|DIR...]\n\n"+
		"Makes the demo agency "+demoAgency+" with a clerk, a staff member, a leader and an admin\n"+
		"(passwords made once, kept in DATA/demo/accounts.txt), generates a sample of documents\n"+
		"(DATA/demo/sample: every type, born-digital and scanned), uploads them and the files named\n"+
		"through POST /api/v1/documents with the clerk's token, waits until they are read, prints\n"+
		"the address and the accounts and serves until Ctrl-C. Run again, it uploads only what the\n"+
		"archive does not have yet (by file name) and prints the same accounts.", stderr)
	data := fs.String("data", config.Get("VANTHU_DATA"), "state folder (env VANTHU_DATA)")
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	n := fs.Int("n", 12, "documents in the generated sample")
	seed := fs.Uint64("seed", 1, "the sample's random seed")
	formats := fs.String("formats", strings.Join(corpus.Formats, ","), "the sample's formats, taken in turn")
	wait := fs.Duration("wait", 20*time.Minute, "longest wait for the documents to be read (they go on being read after it)")
	noServe := fs.Bool("no-serve", false, "stop once the documents are read instead of serving on")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *n < 0 || *n > 1000 {
		fmt.Fprintln(stderr, "vanthu demo: --n 0 to 1000")
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintln(stderr, "vanthu demo:", err)
		return 1
	}
	dir := filepath.Join(*data, "demo")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fail(err)
	}
	accounts, clerkToken, err := demoSetup(ctx, *data, dir)
	if err != nil {
		return fail(err)
	}
	files, err := demoFiles(ctx, dir, *n, *seed, *formats, fs.Args(), stderr)
	if err != nil {
		return fail(err)
	}

	// The server, in this process, its log in a file: the terminal is for
	// what the person running the demo needs to read.
	logPath := filepath.Join(dir, "serve.log")
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o640)
	if err != nil {
		return fail(err)
	}
	defer logf.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fail(fmt.Errorf("%s is taken (another vanthu serve?): stop it or give --addr: %v", *addr, err))
	}
	ln.Close()
	sctx, stopServe := context.WithCancel(ctx)
	defer stopServe()
	served := make(chan int, 1)
	go func() {
		served <- runServe(sctx, []string{"--data", *data, "--addr", *addr, "--agency", demoAgency}, logf, logf)
	}()
	base := "http://" + *addr
	if err := demoReady(ctx, base, served); err != nil {
		return fail(fmt.Errorf("%v (log: %s)", err, logPath))
	}
	c := &demoClient{base: base, token: clerkToken}
	up, err := demoUpload(ctx, c, files, stderr)
	if err != nil {
		stopServe()
		<-served
		return fail(fmt.Errorf("%v (log: %s)", err, logPath))
	}
	counts, err := demoWait(ctx, c, *wait, stderr)
	if err != nil && ctx.Err() == nil {
		fmt.Fprintln(stderr, "vanthu demo:", err)
	}
	demoBanner(stdout, base, accounts, up, len(files), counts, logPath)
	if *noServe || ctx.Err() != nil {
		stopServe()
		if code := <-served; code != 0 && ctx.Err() == nil {
			return code
		}
		return 0
	}
	fmt.Fprintln(stdout, "Ctrl-C dừng máy chủ.")
	code := <-served
	if ctx.Err() != nil {
		return 0
	}
	return code
}

// demoSetup makes the agency and the accounts (those missing), and a
// token for the clerk's uploads.
// demoDirectory is the demo agency, two of its units and three agencies
// that report to it.
const demoDirectory = "code,identifier,name,parent,kind,cleared,names\n" +
	demoAgency + ",000.00.00.H40," + demoAgencyName + ",,agency,TUYỆT MẬT,UBND tỉnh Quảng Ninh\n" +
	demoAgency + ".vp,,Văn phòng UBND tỉnh," + demoAgency + ",unit,,VP UBND tỉnh\n" +
	demoAgency + ".kt,,Phòng Kinh tế - Ngành," + demoAgency + ",unit,,Phòng KT\n" +
	"so-tc-qn,000.00.05.H40,SỞ TÀI CHÍNH TỈNH QUẢNG NINH,,agency,MẬT,Sở Tài chính\n" +
	"so-nv-qn,000.00.06.H40,SỞ NỘI VỤ TỈNH QUẢNG NINH,,agency,,Sở Nội vụ\n" +
	"ubnd-hl,000.00.10.H40,ỦY BAN NHÂN DÂN THÀNH PHỐ HẠ LONG,,agency,,UBND thành phố Hạ Long\n"

func demoSetup(ctx context.Context, data, dir string) ([]demoAccount, string, error) {
	st, err := openRecords(ctx, data)
	if err != nil {
		return nil, "", err
	}
	defer st.Close()
	if err := st.PutAgency(ctx, records.Agency{Code: demoAgency, Name: demoAgencyName}); err != nil {
		return nil, "", err
	}
	// A directory and a report regime, so that the handling, exchange,
	// invitation and reporting screens have agencies and units to offer
	// (a second run writes the same again).
	if _, err := st.ImportDirectory(ctx, records.Operator, strings.NewReader(demoDirectory)); err != nil {
		return nil, "", fmt.Errorf("demo directory: %w", err)
	}
	if _, err := st.CreateRegime(ctx, records.Operator, records.Regime{Agency: demoAgency, Name: "Báo cáo tình hình kinh tế - xã hội",
		Period: records.PeriodMonth, Due: "20", Reporters: []string{"so-tc-qn", "so-nv-qn", "ubnd-hl"},
		Indicators: []string{"Số hồ sơ tiếp nhận", "Số hồ sơ giải quyết đúng hạn", "Tổng kinh phí thực hiện"}}); err != nil && !errors.Is(err, records.ErrTaken) {
		return nil, "", fmt.Errorf("demo regime: %w", err)
	}
	pwPath := filepath.Join(dir, "accounts.txt")
	kept, err := readDemoPasswords(pwPath)
	if err != nil {
		return nil, "", err
	}
	var out []demoAccount
	var token string
	changed := false
	for _, a := range demoAccounts {
		u, err := st.UserByName(ctx, a.Name)
		switch {
		case err != nil:
			pw := demoPassword()
			if u, err = st.CreateUser(ctx, records.User{Name: a.Name, Role: a.Role, Agency: demoAgency, Clearance: a.Clearance}, pw); err != nil {
				return nil, "", fmt.Errorf("account %s: %w", a.Name, err)
			}
			kept[a.Name], changed = pw, true
		case kept[a.Name] == "":
			// There, but its password is not on file: a new one.
			_, pw, err := st.ResetPassword(ctx, records.Operator, u.ID)
			if err != nil {
				return nil, "", fmt.Errorf("account %s: %w", a.Name, err)
			}
			kept[a.Name], changed = pw, true
		}
		if a.Role == records.RoleClerk {
			if token, err = st.NewToken(ctx, u.ID, records.TokenAPI, 24*time.Hour); err != nil {
				return nil, "", err
			}
		}
		a.Title = a.Title + "\t" + kept[a.Name]
		out = append(out, a)
	}
	if changed {
		if err := writeDemoPasswords(pwPath, kept); err != nil {
			return nil, "", err
		}
	}
	return out, token, nil
}

// demoPassword is four groups of four letters and digits none can be read
// for another (as the records' own reset makes).
func demoPassword() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
	b := make([]byte, 16)
	rand.Read(b)
	var s strings.Builder
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			s.WriteByte('-')
		}
		s.WriteByte(alphabet[int(c)%len(alphabet)])
	}
	return s.String()
}

func readDemoPasswords(path string) (map[string]string, error) {
	m := map[string]string{}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return m, nil
	} else if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if name, pw, ok := strings.Cut(strings.TrimSpace(sc.Text()), " "); ok && !strings.HasPrefix(name, "#") {
			m[name] = strings.TrimSpace(pw)
		}
	}
	return m, sc.Err()
}

func writeDemoPasswords(path string, m map[string]string) error {
	var b bytes.Buffer
	b.WriteString("# the demo's accounts: name password (vanthu demo prints them)\n")
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Fprintf(&b, "%s %s\n", k, m[k])
	}
	return os.WriteFile(path, b.Bytes(), 0o600)
}

// demoFiles is the generated sample (made once: the same seed writes the
// same documents) and the files and folders named, in order.
func demoFiles(ctx context.Context, dir string, n int, seed uint64, formats string, named []string, stderr io.Writer) ([]string, error) {
	var files []string
	if n > 0 {
		sample := filepath.Join(dir, "sample")
		stamp := filepath.Join(sample, ".made")
		want := fmt.Sprintf("n=%d seed=%d formats=%s\n", n, seed, formats)
		if b, err := os.ReadFile(stamp); err != nil || string(b) != want {
			fmt.Fprintf(stderr, "tạo %d văn bản mẫu trong %s ...\n", n, sample)
			os.RemoveAll(sample)
			if err := corpus.Generate(ctx, sample, corpus.Options{N: n, Seed: seed, Formats: strings.Split(formats, ",")}); err != nil {
				return nil, err
			}
			if err := os.WriteFile(stamp, []byte(want), 0o644); err != nil {
				return nil, err
			}
		}
		got, err := demoWalk(sample)
		if err != nil {
			return nil, err
		}
		files = append(files, got...)
	}
	for _, p := range named {
		got, err := demoWalk(p)
		if err != nil {
			return nil, err
		}
		files = append(files, got...)
	}
	return files, nil
}

// demoWalk lists a file, or the documents of a folder (not its
// truth.jsonl nor hidden files).
func demoWalk(p string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(p, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() || strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".jsonl") {
			return nil
		}
		out = append(out, path)
		return nil
	})
	sort.Strings(out)
	return out, err
}

// demoReady waits for the server to answer /readyz.
func demoReady(ctx context.Context, base string, served <-chan int) error {
	deadline := time.Now().Add(2 * time.Minute)
	for {
		select {
		case code := <-served:
			return fmt.Errorf("vanthu serve stopped (exit %d)", code)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if r, err := http.Get(base + "/readyz"); err == nil {
			r.Body.Close()
			if r.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return errors.New("vanthu serve did not become ready in 2 minutes")
		}
	}
}

type demoClient struct {
	base, token string
	http        http.Client
}

func (c *demoClient) call(ctx context.Context, method, path string, body io.Reader, ctype string, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	r, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	if r.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %s %s", method, path, r.Status, bytes.TrimSpace(b))
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

type demoDoc struct {
	ID     int64  `json:"id"`
	File   string `json:"file"`
	Status string `json:"status"`
}

func (c *demoClient) documents(ctx context.Context) ([]demoDoc, error) {
	var list struct{ Documents []demoDoc }
	err := c.call(ctx, "GET", "/api/v1/documents?limit=1000", nil, "", &list)
	return list.Documents, err
}

// demoUpload sends the files the archive does not have yet (by the file's
// name, as the API keeps it) as a clerk does: one multipart POST each.
func demoUpload(ctx context.Context, c *demoClient, files []string, stderr io.Writer) (int, error) {
	have, err := c.documents(ctx)
	if err != nil {
		return 0, err
	}
	names := map[string]bool{}
	for _, d := range have {
		names[d.File] = true
	}
	sent := 0
	for _, f := range files {
		if names[filepath.Base(f)] {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			return sent, err
		}
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", filepath.Base(f))
		fw.Write(b)
		mw.Close()
		var got demoDoc
		if err := c.call(ctx, "POST", "/api/v1/documents", &body, mw.FormDataContentType(), &got); err != nil {
			return sent, fmt.Errorf("upload %s: %w", f, err)
		}
		names[filepath.Base(f)] = true
		sent++
		if isTerminal(stderr) {
			fmt.Fprintf(stderr, "\rtải lên %d", sent)
		}
	}
	if sent > 0 {
		if isTerminal(stderr) {
			fmt.Fprint(stderr, "\r")
		}
		fmt.Fprintf(stderr, "tải lên %d tệp (%d đã có trong kho)\n", sent, len(files)-sent)
	}
	return sent, nil
}

// demoWait waits until no document of the clerk's is still being read, and
// counts them by status.
func demoWait(ctx context.Context, c *demoClient, most time.Duration, stderr io.Writer) (map[string]int, error) {
	deadline := time.Now().Add(most)
	start := time.Now()
	var once sync.Once
	tty := isTerminal(stderr)
	cr, nl := "", "\n"
	if tty {
		cr, nl = "\r", ""
	}
	var last time.Time
	shown := false
	for {
		docs, err := c.documents(ctx)
		if err != nil {
			return nil, err
		}
		counts := map[string]int{}
		for _, d := range docs {
			counts[d.Status]++
		}
		left := counts[records.StatusReceived]
		if left == 0 {
			if shown {
				fmt.Fprintf(stderr, "%sđã đọc %d/%d trong %s\n", cr, len(docs), len(docs), time.Since(start).Round(time.Second))
			}
			return counts, nil
		}
		once.Do(func() {
			fmt.Fprintln(stderr, "đang đọc (OCR một trang quét mất vài giây đến vài chục giây) ...")
		})
		if tty || time.Since(last) >= 15*time.Second {
			fmt.Fprintf(stderr, "%sđã đọc %d/%d  (%s)%s", cr, len(docs)-left, len(docs), time.Since(start).Round(time.Second), nl)
			last, shown = time.Now(), true
		}
		if time.Now().After(deadline) {
			fmt.Fprintln(stderr)
			return counts, fmt.Errorf("%d documents still being read after %s: they appear as they are read", left, most)
		}
		select {
		case <-ctx.Done():
			return counts, ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

func demoBanner(w io.Writer, base string, accounts []demoAccount, uploaded, files int, counts map[string]int, logPath string) {
	fmt.Fprintf(w, "\nVanthu chạy tại %s/  (API %s/api/v1/, nhật ký %s)\n", base, base, logPath)
	fmt.Fprintf(w, "Cơ quan %s — %s\n\n", demoAgency, demoAgencyName)
	fmt.Fprintln(w, "Tài khoản (tên / mật khẩu):")
	for _, a := range accounts {
		title, pw, _ := strings.Cut(a.Title, "\t")
		fmt.Fprintf(w, "  %-12s %-20s %s\n", a.Name, pw, title)
	}
	total := 0
	var parts []string
	for _, s := range []string{records.StatusRegistered, records.StatusReview, records.StatusApproved, records.StatusFailed, records.StatusReceived} {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", map[string]string{records.StatusRegistered: "vào sổ", records.StatusReview: "chờ duyệt",
				records.StatusApproved: "đã duyệt", records.StatusFailed: "không đọc được", records.StatusReceived: "đang đọc"}[s], counts[s]))
		}
		total += counts[s]
	}
	fmt.Fprintf(w, "\nVăn bản: %d (%s); lần này tải lên %d trong %d tệp mẫu.\n", total, strings.Join(parts, ", "), uploaded, files)
	fmt.Fprintln(w, "Thử trước: đăng nhập van-thu → Duyệt (hàng chờ duyệt) và Sổ văn bản đến; Tìm kiếm \"giấy mời\";")
	fmt.Fprintln(w, "lanh-dao → Tổng quan và Tóm tắt; chuyen-vien → Việc của tôi.")
}
