package main_test

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/frames/framestest"
	"github.com/soratui/soratui/jobs/jobstest"
)

var sgrColour = regexp.MustCompile(`[34]8;2;\d+;\d+;\d+`)

// colourScreen is the screen with its colours, as tmux holds it.
func (term *terminal) colourScreen() string {
	return term.capture("-e")
}

// framesSideBySide reports a line with half-blocks in both its halves.
func framesSideBySide(screen string) bool {
	for _, l := range strings.Split(screen, "\n") {
		r := []rune(l)
		if strings.Contains(string(r[:len(r)/2]), "▀") && strings.Contains(string(r[len(r)/2:]), "▀") {
			return true
		}
	}
	return false
}

func TestTUIDetailShowsTheFramesOfACompareGroup(t *testing.T) {
	t.Parallel()
	requireTool(t, "tmux")
	framestest.Tools(t)
	e := newE2E(t, apidottest.Options{})
	if _, errs, code := e.run("submit", "--compare", "standard,pro-1080p", "--prompt", "a red fox in fresh snow", "--wait"); code != 0 {
		t.Fatalf("submit: exit %d %s", code, errs)
	}
	env := e.env("TERM=xterm-256color", "COLORTERM=truecolor",
		"XDG_CACHE_HOME="+filepath.Join(e.dir, "cache"), "SORATUI_POLL_INTERVAL=200ms")
	term := startTerminal(t, env, 120, 40)
	term.waitScreen("Prompt")
	term.keys("Escape")
	term.waitScreen("finished")
	term.keys("Enter")
	term.waitScreen("Comparison group")
	// One wide frame can fill both halves of a line, so wait for both
	// members' frames to be extracted before reading the screen.
	jobstest.Eventually(t, "one frame cached per member", func() bool {
		cached, _ := filepath.Glob(filepath.Join(e.dir, "cache", "soratui", "frames", "*", "middle.png"))
		return len(cached) == 2
	})
	screen := term.waitFor("two frames side by side", framesSideBySide)
	if !strings.Contains(screen, "Standard 720p") || !strings.Contains(screen, "Pro 1080p") {
		t.Errorf("the frames have no variant labels:\n%s", screen)
	}
	colours := map[string]bool{}
	for _, c := range sgrColour.FindAllString(term.colourScreen(), -1) {
		colours[c[1:]] = true
	}
	if len(colours) < 50 {
		t.Errorf("%d distinct colours on the screen, want frames of the clip (≥ 50)", len(colours))
	}
	term.keys("p")
	term.waitFor("the frames hidden by p", func(s string) bool { return !strings.Contains(s, "▀") })
	term.quit()
}
