// Package notify speaks to the terminal about finished jobs: a desktop
// notification (OSC 9, and OSC 777 for terminals that read that one) and
// the taskbar's progress (OSC 9;4), wrapped for tmux's passthrough when
// soratui runs inside tmux.
package notify

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/internal/inert"
)

// Terminal builds the sequences for one terminal.
type Terminal struct {
	// Tmux wraps every sequence in tmux's passthrough (DCS tmux; … ST),
	// which tmux hands to the outer terminal when allow-passthrough is on.
	Tmux bool
}

// Detect reads from the environment whether soratui runs inside tmux.
func Detect(getenv func(string) string) Terminal {
	return Terminal{Tmux: getenv("TMUX") != ""}
}

func (t Terminal) wrap(seq string) string {
	if t.Tmux {
		return ansi.TmuxPassthrough(seq)
	}
	return seq
}

// Notification raises a desktop notification: OSC 777 (notify;title;body)
// then OSC 9 (body), so terminals that read either show it. Title and
// body are made inert: no control character or separator reaches the
// terminal from a prompt or a server's message.
func (t Terminal) Notification(title, body string) string {
	title, body = clean(title), clean(body)
	return t.wrap(ansi.URxvtExt("notify", title, body)) + t.wrap(ansi.Notify(title+": "+body))
}

// Progress shows pct (0–100) in the taskbar; failed shows it in the error
// state.
func (t Terminal) Progress(pct int, failed bool) string {
	if failed {
		return t.wrap(ansi.SetErrorProgressBar(pct))
	}
	return t.wrap(ansi.SetProgressBar(pct))
}

// ProgressDone hides the taskbar's progress.
func (t Terminal) ProgressDone() string { return t.wrap(ansi.ResetProgressBar) }

// maxBody keeps a notification to what a desktop popup shows.
const maxBody = 120

// clean keeps text printable and free of the OSC separator ';'.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == ';':
			return ','
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return ' '
		}
		return r
	}, inert.Line(s))
	return inert.Clip(strings.Join(strings.Fields(s), " "), maxBody)
}

// Ended reports whether a job in status s has just come to the end a
// notification tells of: finished, failed or expired.
func Ended(s history.Status) bool {
	return s == history.StatusFinished || s == history.StatusFailed || s == "expired"
}

// Message is the title and body of the notification of j's end.
func Message(j history.Job) (title, body string) {
	what := "Finished"
	switch j.Status {
	case history.StatusFailed:
		what = "Failed"
	case "expired":
		what = "Expired"
	}
	body = what + ": " + apidot.VariantLabel(j.Model, j.Resolution) + " · " + j.Prompt
	if j.Status != history.StatusFinished && j.Error != "" {
		body = what + " (" + j.Error + "): " + apidot.VariantLabel(j.Model, j.Resolution) + " · " + j.Prompt
	}
	return "soratui " + j.ID, body
}
