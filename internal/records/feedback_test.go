package records

import "testing"

func TestParseDeadlines(t *testing.T) {
	d, err := ParseDeadlines("default=12, dat-dai=20")
	if err != nil || d["default"] != 12 || d["dat-dai"] != 20 || d["an-ninh"] != DeadlineDays["an-ninh"] {
		t.Fatalf("%v %v", d, err)
	}
	for _, bad := range []string{"dat-dai", "dat-dai=0", "x=366", "=5", "a=b"} {
		if _, err := ParseDeadlines(bad); err == nil {
			t.Errorf("%q taken", bad)
		}
	}
	if code, ok := CaseCodeIn("ma PA 2026 45 toi dau roi"); !ok || code != "PA-2026-000045" {
		t.Errorf("code %q %v", code, ok)
	}
}
