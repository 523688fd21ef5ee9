package search

import "github.com/vanthu/vanthu/internal/viet"

// Fold is the form the folded fields hold and queries are matched in:
// viet.Fold, and then a lone final y after consonants written as i. Both
// spellings are in use and official ("Kỳ"/"Kì", "lý"/"lí", "quý"/"quí",
// "Mỹ"/"Mĩ"), so a clerk types either; one word of two letters is too
// short for typo tolerance to bridge. "y" alone (y tế) and y after a
// vowel (tay, tuy, quyết) are left as they are. Lengths are kept, so a
// position in the folded text is one in the printed.
func Fold(s string) string { return foldIY(viet.Fold(s)) }

func foldIY(s string) string {
	b := []byte(s)
	for i := 0; i < len(b); {
		if !wordByte(b[i]) {
			i++
			continue
		}
		j := i
		for j < len(b) && wordByte(b[j]) {
			j++
		}
		if w := b[i:j]; len(w) >= 2 && w[len(w)-1] == 'y' && loneY(w[:len(w)-1]) {
			w[len(w)-1] = 'i'
		}
		i = j
	}
	return string(b)
}

func wordByte(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 0x80 }

// loneY: the letters before a final y are consonants only (or "qu",
// where u is part of the consonant).
func loneY(head []byte) bool {
	if string(head) == "qu" {
		return true
	}
	for _, c := range head {
		switch c {
		case 'b', 'c', 'd', 'g', 'h', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'x':
		default:
			return false
		}
	}
	return true
}
