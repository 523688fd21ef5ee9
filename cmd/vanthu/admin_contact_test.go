package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/internal/records"
)

// The operator gives an account the e-mail address and Zalo number its
// notices go to, when making it or later; a malformed one is refused
// before anything is written; the help names both.
func TestAdminHelpAndContact(t *testing.T) {
	t.Setenv("VANTHU_DB_URL", "")
	ctx := context.Background()
	data := t.TempDir()
	admin := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := run(ctx, append([]string{"admin"}, append(args, "--data", data)...), &out, &errb)
		return code, out.String(), errb.String()
	}
	if _, _, help := admin("--help"); !strings.Contains(help, "set-contact --user N [--email E] [--zalo PHONE]") || !strings.Contains(help, "[--email E] [--zalo PHONE]\n") {
		t.Errorf("the help lacks the contact flags:\n%s", help)
	}
	for _, bad := range [][]string{{"--email", "không phải thư"}, {"--email", "Tên <a@b.vn>"}, {"--email", "a@localhost"}, {"--zalo", "0912-abc"}, {"--zalo", "12345"}} {
		if code, _, msg := admin(append([]string{"create-user", "--name", "vt-bad", "--role", "clerk", "--agency", "ubnd"}, bad...)...); code != 2 || !strings.Contains(msg, "invalid") {
			t.Errorf("create-user %q: %d %s", bad, code, msg)
		}
	}
	code, out, msg := admin("create-user", "--name", "vt", "--role", "clerk", "--agency", "ubnd", "--email", "vt@ubnd.quangngai.gov.vn", "--zalo", "0912 345 678")
	if code != 0 || !strings.Contains(out, "e-mail: vt@ubnd.quangngai.gov.vn") || !strings.Contains(out, "zalo: 84912345678") {
		t.Fatalf("create-user: %d %s %s", code, out, msg)
	}
	if code, _, msg := admin("set-contact", "--user", "vt"); code != 2 {
		t.Errorf("set-contact without a contact: %d %s", code, msg)
	}
	if code, _, msg := admin("set-contact", "--user", "khong-co", "--email", "a@b.vn"); code != 1 {
		t.Errorf("set-contact of no one: %d %s", code, msg)
	}
	if code, _, msg := admin("set-contact", "--user", "vt", "--zalo", "+84 98 765 4321x"); code != 1 || !strings.Contains(msg, "digits") {
		t.Errorf("a bad number: %d %s", code, msg)
	}
	if code, out, msg := admin("set-contact", "--user", "vt", "--email", "", "--zalo", "+84 98 765 4321"); code != 0 || strings.Contains(out, "e-mail") || !strings.Contains(out, "zalo: 84987654321") {
		t.Errorf("set-contact: %d %s %s", code, out, msg)
	}
	st, err := records.OpenSQLite(ctx, filepath.Join(data, "vanthu.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if u, err := st.UserByName(ctx, "vt"); err != nil || u.Email != "" || u.ZaloID != "84987654321" {
		t.Errorf("the account: %+v %v", u, err)
	}
}
