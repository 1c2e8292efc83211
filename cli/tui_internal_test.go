package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/keys"
)

// TestTheInterfacesDemoOpensItsHistoryQuietly: switching a running
// interface to the demo opens the demo's history, which an older soratui
// may have written. The search index it then builds says nothing on
// stderr, where the interface is drawing, and the demo's jobs are found.
func TestTheInterfacesDemoOpensItsHistoryQuietly(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var stderr strings.Builder
	a := newApp(Env{Stderr: &stderr, StderrIsTerminal: true, Getenv: func(k string) string {
		if k == "XDG_DATA_HOME" {
			return dir
		}
		return ""
	}})
	defer a.close()
	path := filepath.Join(dir, "soratui", "demo.db")
	s, err := history.Open(path, history.Options{})
	if err != nil {
		t.Fatal(err)
	}
	j := &history.Job{Model: "sora-2", Prompt: "a lantern festival at dusk", Status: history.StatusFinished, Duration: 4, AspectRatio: "16:9"}
	if err := s.Create(j); err != nil {
		t.Fatal(err)
	}
	s.Close()
	ChangeHistoryFile(t, path, MakeSchema1)

	b, key, err := a.tuiDemo()
	if err != nil {
		t.Fatal(err)
	}
	if key.Source != keys.SourceDemo {
		t.Errorf("key source %v, want the demo's", key.Source)
	}
	if stderr.Len() != 0 {
		t.Errorf("opening the demo's history wrote %q on the interface's terminal", stderr.String())
	}
	js, err := b.Store.List(history.Query{Search: "lantern"})
	if err != nil || len(js) != 1 || js[0].ID != j.ID {
		t.Errorf("search in the demo's history = %+v, %v; want the job", js, err)
	}
}

func TestIndexNoticeCountsItsJobs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		w    history.IndexWork
		want string
	}{
		{history.IndexWork{Recovery: true, Total: 1}, "Adding 1 job of an import that stopped early to the search index (once)…"},
		{history.IndexWork{Total: 1_000_000}, "Building the search index of 1,000,000 jobs written by an older soratui (once)…"},
	} {
		if got := indexNotice(tc.w); got != tc.want {
			t.Errorf("indexNotice(%+v) = %q, want %q", tc.w, got, tc.want)
		}
	}
}
