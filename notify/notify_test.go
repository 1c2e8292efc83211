package notify_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/notify"
)

func TestSequences(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"notification", notify.Terminal{}.Notification("soratui", "Finished: a fox"),
			"\x1b]777;notify;soratui;Finished: a fox\x07\x1b]9;soratui: Finished: a fox\x07"},
		{"progress", notify.Terminal{}.Progress(42, false), "\x1b]9;4;1;42\x07"},
		{"failed progress", notify.Terminal{}.Progress(100, true), "\x1b]9;4;2;100\x07"},
		{"done", notify.Terminal{}.ProgressDone(), "\x1b]9;4;0\x07"},
		{"tmux passthrough", notify.Terminal{Tmux: true}.Progress(5, false), "\x1bPtmux;\x1b\x1b]9;4;1;5\x07\x1b\\"},
		{"hostile text is inert", notify.Terminal{}.Notification("t", "a\x07b\x1b]0;x;y\x9c"),
			"\x1b]777;notify;t;a␇b␛]0,x,y�\x07\x1b]9;t: a␇b␛]0,x,y�\x07"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got  %q\nwant %q", tt.got, tt.want)
			}
		})
	}
}

func TestDetectTmux(t *testing.T) {
	env := map[string]string{"TMUX": "/tmp/tmux-0/default,1,0"}
	if !notify.Detect(func(k string) string { return env[k] }).Tmux {
		t.Error("TMUX set, but not detected")
	}
	if notify.Detect(func(string) string { return "" }).Tmux {
		t.Error("tmux detected without TMUX")
	}
}

func pct(n int) *int { return &n }

func TestWatcherTellsEachEndOnceAndMovesTheTaskbar(t *testing.T) {
	var out bytes.Buffer
	w := notify.NewWatcher(&out, notify.Terminal{})
	steps := []struct {
		job  history.Job
		want string // what this step writes
	}{
		{history.Job{ID: "a", Status: history.StatusRunning, Progress: pct(40)}, "\x1b]9;4;1;40\x07"},
		{history.Job{ID: "b", Status: history.StatusNotStarted}, "\x1b]9;4;1;20\x07"},
		{history.Job{ID: "a", Status: history.StatusRunning, Progress: pct(40)}, ""},
		{history.Job{ID: "a", Status: history.StatusFinished, Model: "sora-2-official", Prompt: "a fox"},
			"\x1b]777;notify;soratui a;Finished: Standard 720p · a fox\x07\x1b]9;soratui a: Finished: Standard 720p · a fox\x07\x1b]9;4;1;50\x07"},
		{history.Job{ID: "a", Status: history.StatusFinished, Model: "sora-2-official", Prompt: "a fox"}, ""},
		{history.Job{ID: "b", Status: history.StatusFailed, Model: "sora-2-official", Prompt: "a duel", Error: "moderation"},
			"\x1b]777;notify;soratui b;Failed (moderation): Standard 720p · a duel\x07\x1b]9;soratui b: Failed (moderation): Standard 720p · a duel\x07\x1b]9;4;2;100\x07"},
		{history.Job{ID: "c", Status: history.StatusRejected}, ""},
	}
	for i, st := range steps {
		out.Reset()
		w.Job(st.job)
		if out.String() != st.want {
			t.Errorf("step %d: wrote %q, want %q", i, out.String(), st.want)
		}
	}
	out.Reset()
	w.Close()
	if !strings.Contains(out.String(), "\x1b]9;4;0\x07") {
		t.Errorf("Close wrote %q, want the progress reset", out.String())
	}
}
