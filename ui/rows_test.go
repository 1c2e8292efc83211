package ui

import (
	"math/rand/v2"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/internal/inert"
)

// TestPadCutsWhereTruncateWould checks pad's early-stopping measure of
// plain text against measuring the whole string and cutting it with
// ansi.Truncate, on text mixing ASCII, wide characters, combining marks,
// emoji sequences and zero-width joiners, at every width up to past its end.
func TestPadCutsWhereTruncateWould(t *testing.T) {
	pieces := []string{
		"a", "slow", " ", "dolly shot", "é", "e\u0301", "世界", "…", "👍🏽",
		"👨\u200d👩\u200d👧", "🇯🇵", "\u200b", "ｱ", "한국어", "x",
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 400 {
		var b strings.Builder
		for range r.IntN(12) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		s := b.String()
		for w := 1; w <= lipgloss.Width(s)+2; w++ {
			want := s
			if n := lipgloss.Width(s); n > w {
				want = ansi.Truncate(s, w, "…")
			}
			want += strings.Repeat(" ", max(w-lipgloss.Width(want), 0))
			if got := pad(s, w); got != want {
				t.Fatalf("pad(%q, %d) = %q, want %q", s, w, got, want)
			}
		}
	}
}

// TestPadStylesAndControlsTakeTheMeasuredPath keeps text with escape
// sequences, which padPlain does not read, to its exact width.
func TestPadStylesAndControlsTakeTheMeasuredPath(t *testing.T) {
	styled := lipgloss.NewStyle().Bold(true).Render("running (slow)")
	for _, s := range []string{styled, "tab\there", styled + " 世界"} {
		for w := 1; w <= 20; w++ {
			if got := ansi.StringWidth(pad(s, w)); got != w {
				t.Errorf("pad(%q, %d) is %d cells wide", s, w, got)
			}
		}
	}
}

// TestRowTextShowsWhatTheWholePromptWould checks that folding only the
// part of a prompt a row can show gives the row the whole prompt would:
// runs of spaces and line breaks, wide and zero-width characters, control
// characters shown as stand-ins, and prompts past the 400-rune clip.
func TestRowTextShowsWhatTheWholePromptWould(t *testing.T) {
	words := []string{
		"dolly", "shot", " ", "\n\n", "\t", "世界", "e\u0301\u0301\u0301", "\x1b[31m", "👍🏽",
		"a\u0300\u0301\u0302\u0303\u0304\u0305\u0306\u0307", "ｱｲｳ", "golden-hour", "\u202e",
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 300 {
		var b strings.Builder
		for range r.IntN(400) {
			b.WriteString(words[r.IntN(len(words))])
			b.WriteByte(" \n"[r.IntN(2)])
		}
		j := history.Job{Prompt: b.String(), Status: history.StatusFailed}
		if r.IntN(3) == 0 {
			j.Error = "content policy"
		}
		whole := inert.Clip(strings.Join(strings.Fields(j.Prompt), " "), 400)
		if j.Error != "" {
			whole = inert.Clip(j.Error, 200) + " — " + whole
		}
		for _, w := range []int{1, 2, 8, 13, 40, 77, 150, 500} {
			if got, want := pad(rowText(j, w), w), pad(whole, w); got != want {
				t.Fatalf("prompt %q at %d cells:\n got %q\nwant %q", j.Prompt, w, got, want)
			}
		}
	}
}

// FuzzPad holds pad to measuring the whole string and cutting it with
// ansi.Truncate, for any bytes: invalid UTF-8 and C1 controls included.
func FuzzPad(f *testing.F) {
	for _, s := range []string{"dolly shot", "世界 e\u0301 👍🏽", "\x9b31m red", "a\xffb", "\u0085x", "tab\there", "plain, then \x1b[1mbold\x1b[m"} {
		f.Add(s, 6)
	}
	f.Fuzz(func(t *testing.T, s string, w int) {
		if w < 1 || w > 200 {
			return
		}
		want := s
		if lipgloss.Width(s) > w {
			want = ansi.Truncate(s, w, "…")
		}
		want += strings.Repeat(" ", max(w-lipgloss.Width(want), 0))
		if got := pad(s, w); got != want {
			t.Fatalf("pad(%q, %d) = %q, want %q", s, w, got, want)
		}
	})
}
