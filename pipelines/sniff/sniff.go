// Package sniff tells what a file really is from its first bytes. A clerk's
// file name and a browser's content type are never trusted.
package sniff

import (
	"bytes"
	"errors"
	"fmt"
)

// Kind is a file format the pipeline reads.
type Kind string

const (
	PDF  Kind = "pdf"
	PNG  Kind = "png"
	JPEG Kind = "jpeg"
	TIFF Kind = "tiff"
	WebP Kind = "webp"
)

// ErrUnsupported is wrapped by every rejection.
var ErrUnsupported = errors.New("unsupported file type")

// HeaderLen is how many leading bytes Sniff needs at most.
const HeaderLen = 1024

// Sniff returns the kind of the file whose leading bytes are head.
func Sniff(head []byte) (Kind, error) {
	switch {
	case len(head) == 0:
		return "", fmt.Errorf("%w: empty file (0 bytes)", ErrUnsupported)
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return PNG, nil
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return JPEG, nil
	case bytes.HasPrefix(head, []byte("II*\x00")), bytes.HasPrefix(head, []byte("MM\x00*")):
		return TIFF, nil
	case len(head) >= 12 && bytes.Equal(head[:4], []byte("RIFF")) && bytes.Equal(head[8:12], []byte("WEBP")):
		return WebP, nil
	}
	// PDF readers accept the header anywhere in the first 1024 bytes
	// (some scanners prepend junk); so do we.
	if i := bytes.Index(head[:min(len(head), HeaderLen)], []byte("%PDF-")); i >= 0 {
		return PDF, nil
	}
	return "", fmt.Errorf("%w: %s", ErrUnsupported, describe(head))
}

// describe names common non-document files, so the clerk's error says what
// was uploaded instead of "unknown".
func describe(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("\x7fELF")):
		return "an executable (ELF), not a document"
	case bytes.HasPrefix(head, []byte("MZ")):
		return "a Windows executable, not a document"
	case bytes.HasPrefix(head, []byte("#!")):
		return "a script, not a document"
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return "a ZIP archive or Office file; export it to PDF first"
	case bytes.HasPrefix(head, []byte("\xd0\xcf\x11\xe0")):
		return "a legacy Office file (.doc/.xls); export it to PDF first"
	case bytes.HasPrefix(head, []byte("GIF8")):
		return "a GIF image; scan to PDF, PNG, JPEG or TIFF"
	case bytes.HasPrefix(head, []byte("BM")):
		return "a BMP image; scan to PDF, PNG, JPEG or TIFF"
	}
	return "not a PDF, PNG, JPEG, TIFF or WebP file"
}
