package sniff

import (
	"errors"
	"strings"
	"testing"
)

func TestSniff(t *testing.T) {
	cases := []struct {
		name string
		head string
		want Kind
		err  string
	}{
		{"pdf", "%PDF-1.7\n%...", PDF, ""},
		{"pdf after junk", "\r\n\r\nXYZ%PDF-1.4", PDF, ""},
		{"png", "\x89PNG\r\n\x1a\n\x00\x00", PNG, ""},
		{"jpeg", "\xff\xd8\xff\xe0\x00\x10JFIF", JPEG, ""},
		{"tiff le", "II*\x00\x08\x00\x00\x00", TIFF, ""},
		{"tiff be", "MM\x00*\x00\x00\x00\x08", TIFF, ""},
		{"webp", "RIFF\x24\x00\x00\x00WEBPVP8 ", WebP, ""},
		{"empty", "", "", "empty file"},
		{"elf renamed pdf", "\x7fELF\x02\x01\x01", "", "executable"},
		{"exe", "MZ\x90\x00", "", "Windows executable"},
		{"docx", "PK\x03\x04\x14\x00", "", "export it to PDF"},
		{"text", "hello world", "", "not a PDF"},
		{"riff not webp", "RIFF\x24\x00\x00\x00WAVEfmt ", "", "not a PDF"},
	}
	for _, c := range cases {
		got, err := Sniff([]byte(c.head))
		if c.err != "" {
			if err == nil || !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: got %v, %v; want error containing %q", c.name, got, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s: got %v, %v; want %v", c.name, got, err, c.want)
		}
	}
}

func FuzzSniff(f *testing.F) {
	for _, s := range []string{"%PDF-1.4", "\x89PNG\r\n\x1a\n", "II*\x00", "RIFF\x00\x00\x00\x00WEBP", "MZ", ""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		k, err := Sniff(b)
		if (err == nil) == (k == "") {
			t.Fatalf("kind %q with error %v", k, err)
		}
	})
}
