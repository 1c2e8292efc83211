// Package inert turns untrusted text (server answers, callbacks, imported files) into text a
// terminal shows literally, and says whether an untrusted URL may be fetched, opened or copied.
//
// Human output calls Line for one-line fields (status, error message, URL, a prompt in a table
// cell) and Text for multi-line fields (a prompt in a detail view). Both are pure and cheap;
// JSON output and exports keep the raw text instead, since JSON escaping already makes it safe.
package inert

import (
	"strings"
	"unicode/utf8"
)

// Newline is what Line shows in place of a line break, so untrusted text never starts a
// line of its own (a forged "finished, saved to …" line stays visibly part of the field).
const Newline = "⏎"

// Ellipsis ends text that Clip cut short.
const Ellipsis = "…"

// Line returns s for one line of human output: every control character (C0, DEL, C1, ESC, BEL,
// CR), invalid UTF-8 byte and bidi override is replaced by a visible inert stand-in, a tab
// becomes a space and a line break becomes Newline.
func Line(s string) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\r' && i+1 < len(s) && s[i+1] == '\n':
			b.WriteString(Newline)
			size = 2
		case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029':
			b.WriteString(Newline)
		default:
			writeRune(&b, r, size)
		}
		i += size
	}
	return b.String()
}

// Text returns s for multi-line human output: like Line, except that a line break ("\n" or
// "\r\n") stays a line break; a lone CR is shown, never obeyed, so it cannot overwrite a line.
func Text(s string) string {
	if isPlain(s) {
		return s
	}
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = Line(l)
	}
	return strings.Join(lines, "\n")
}

// Clip returns Line(s) cut to at most n runes, ending in Ellipsis when cut, so a huge stored
// field cannot flood a table cell or freeze a renderer. n < 1 yields "".
func Clip(s string, n int) string {
	if n < 1 {
		return ""
	}
	if len(s) > 4*n+4 {
		s = s[:4*n+4] // at most 4 bytes a rune: skip sanitizing what would be cut anyway
	}
	s = Line(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut, count := 0, 0
	for i := range s {
		if count == n-1 {
			cut = i
			break
		}
		count++
	}
	return s[:cut] + Ellipsis
}

// isPlain reports whether s is printable ASCII only, the common case that needs no copy.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// writeRune writes r, or its inert stand-in when r would act on the terminal.
func writeRune(b *strings.Builder, r rune, size int) {
	switch {
	case r == utf8.RuneError && size <= 1:
		b.WriteRune(utf8.RuneError) // a stray byte such as a raw 0x9B (CSI) shows as �
	case r == '\t':
		b.WriteByte(' ')
	case r < 0x20:
		b.WriteRune(0x2400 + r) // control pictures: ESC shows as ␛, BEL as ␇
	case r == 0x7f:
		b.WriteRune('\u2421') // ␡
	case r >= 0x80 && r <= 0x9f:
		b.WriteRune(utf8.RuneError) // C1 controls have no picture
	case isBidiControl(r):
		// dropped: an override would reorder what follows it on the line
	default:
		b.WriteRune(r)
	}
}

// isBidiControl reports the formatting characters that can make text display in an order
// other than the one it is stored in (Trojan Source style).
func isBidiControl(r rune) bool {
	switch {
	case r == '\u061c', r == '\u200e', r == '\u200f':
		return true
	case r >= '\u202a' && r <= '\u202e':
		return true
	case r >= '\u2066' && r <= '\u2069':
		return true
	}
	return false
}
