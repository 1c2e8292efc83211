package cli

import "strings"

// inertText is text from the server or a file made safe for a terminal:
// control characters other than newline and tab are dropped. It is the one
// call site to switch to internal/inert's Text.
func inertText(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if r < 0x20 || (r >= 0x7f && r < 0xa0) {
			return -1
		}
		return r
	}, s)
}
