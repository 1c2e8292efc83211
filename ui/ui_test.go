package ui

import (
	"context"
	"flag"
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/download"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/history/historytest"
	"github.com/soratui/soratui/jobs"
	"github.com/soratui/soratui/keys"
)

// updating reports -update, the flag of the golden package teatest uses:
// it rewrites the golden files.
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// testNow is the fixed clock of every test.
var testNow = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// testClock reads testNow: stores and trackers in tests never see today's
// date, so no golden depends on when it runs.
func testClock() time.Time { return testNow }

func TestMain(m *testing.M) {
	time.Local = time.UTC
	os.Exit(m.Run())
}

func openStore(t testing.TB) *history.Store {
	t.Helper()
	return historytest.Open(t, history.Options{Now: testClock})
}

func intp(n int) *int { return &n }

// everyStatus is one job in each status, newest first once stored.
func everyStatus() []history.Job {
	at := func(min int) time.Time { return testNow.Add(-time.Duration(min) * time.Minute) }
	fin := at(2)
	return []history.Job{
		{Model: apidot.ModelStandard, Status: history.StatusFinished, Prompt: "a red fox in fresh snow, slow dolly in, golden hour", Duration: 4, Credits: 48, TaskID: "task-unified-1", VideoURLs: []string{"https://cdn.example/v/fox.mp4"}, Progress: intp(100), CreatedAt: at(9), FinishedAt: &fin},
		{Model: apidot.ModelPro, Resolution: "1080p", Status: history.StatusFailed, Prompt: "two knights duel at dawn", Duration: 8, Credits: 896, TaskID: "task-unified-2", Error: "The prompt was rejected by content moderation.", CreatedAt: at(8)},
		{Model: apidot.ModelStandard, Status: history.StatusRejected, Prompt: "a city made of glass", Duration: 4, Credits: 48, Error: "apidot submit: 402 insufficient_credits", CreatedAt: at(7)},
		{Model: apidot.ModelPro, Resolution: "720p", Status: history.StatusUnconfirmed, Prompt: "waves on black sand", Duration: 12, Credits: 576, Error: "no answer", CreatedAt: at(6)},
		{Model: apidot.ModelPro, Resolution: "1024p", Status: history.StatusRunning, Prompt: "neon koi pond at night, overhead drone shot", Duration: 8, Credits: 640, TaskID: "task-unified-5", Progress: intp(45), CreatedAt: at(5)},
		{Model: apidot.ModelStandard, Status: history.StatusNotStarted, Prompt: "a paper boat in a storm drain", Duration: 16, Credits: 192, TaskID: "task-unified-6", Progress: intp(0), CreatedAt: at(4)},
		{Model: apidot.ModelStandard, Status: history.StatusSubmitting, Prompt: "a lighthouse keeper's morning", Duration: 20, Credits: 240, CreatedAt: at(3)},
		{Model: apidot.ModelStandard, Status: history.StatusExpired, Prompt: "an old harbour at dusk", Duration: 4, Credits: 48, TaskID: "task-unified-8", Error: history.ExpiredNote, CreatedAt: at(10)},
	}
}

// seedStore stores js as Create would, but in one transaction rather than
// one each: every transaction opens, syncs and unmaps the file.
func seedStore(t testing.TB, s *history.Store, js []history.Job) []history.Job {
	t.Helper()
	out := make([]history.Job, len(js))
	ptrs := make([]*history.Job, len(js))
	for i := range js {
		j := js[i]
		if j.ID == "" {
			j.ID = fmt.Sprintf("job-%03d", i)
		}
		j.UpdatedAt = j.CreatedAt
		j.StatusHistory = []history.StatusChange{{Status: j.Status, At: j.CreatedAt}}
		out[i] = j
		ptrs[i] = &out[i]
	}
	if err := s.CreateGroup(ptrs); err != nil {
		t.Fatal(err)
	}
	return out
}

// servedModel is a model at a size on a new store, connected to a new
// simulator with opts.
func servedModel(t testing.TB, opts apidottest.Options, w, h int) (Model, *history.Store, *apidottest.Server) {
	t.Helper()
	store := openStore(t)
	server := apidottest.NewTestServer(t, opts)
	return newTestModel(t, store, server, w, h), store, server
}

// newTestModel is a model at a size with a store and, when server is
// set, a tracker on it.
func newTestModel(t testing.TB, store *history.Store, server *apidottest.Server, w, h int) Model {
	t.Helper()
	b := Backend{Store: store}
	if server != nil {
		videos := t.TempDir()
		b.NewService = func(key string) (*jobs.Service, error) {
			c := apidot.NewClient(key, apidot.WithBaseURL(server.URL), apidot.WithHTTPClient(server.Client()))
			svc := jobs.NewService(jobs.ServiceConfig{
				Tracker:    jobs.Config{Store: store, API: c, Scheduler: jobs.Fixed{Interval: 20 * time.Millisecond}, RequestsPerSecond: 1000, Now: testClock},
				Downloader: download.Downloader{Client: server.Client(), Backoff: time.Millisecond},
				VideosDir:  videos,
			})
			t.Cleanup(svc.Close)
			return svc, nil
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	m := New(ctx, Config{
		Version: "test",
		Backend: b,
		Key:     keys.Key{Value: "sk-test-ui-0123456789", Source: keys.SourceEnv},
		Now:     testClock,
		Demo:    func() (Backend, keys.Key, error) { return b, keys.Key{}, nil },
	})
	m.sh.wait = noWait()
	m.keyed = true // tests start on compose; TestOpensOnJobsWhenUnfinished covers the start
	m = send(t, m, tea.WindowSizeMsg{Width: w, Height: h})
	if b.NewService != nil {
		m = send(t, m, m.connect(b, m.sh.key)())
	}
	if store != nil {
		m = send(t, m, jobsOf(m).loadRecent(recentLimit, false)())
	}
	return m
}

// send feeds one message and then every message its commands produce,
// as the program would, except waits: timers and channel reads are
// dropped (see noWait), so a test never sleeps.
func send(t testing.TB, m Model, msg tea.Msg) Model {
	t.Helper()
	next, cmd := m.Update(msg)
	m = drain(t, next.(Model), cmd, 0)
	// A running program always waits for the next job event.
	return drain(t, m, m.waitEvent(), 0)
}

// drain runs cmd and feeds what it produces.
func drain(t testing.TB, m Model, cmd tea.Cmd, depth int) Model {
	t.Helper()
	if cmd == nil {
		return m
	}
	if depth > 50 {
		t.Fatal("commands keep producing messages")
	}
	switch msg := cmd().(type) {
	case nil, laterMsg, tea.QuitMsg, tea.SuspendMsg:
		return m
	case tea.BatchMsg:
		for _, c := range msg {
			m = drain(t, m, c, depth+1)
		}
		return m
	default:
		next, c := m.Update(msg)
		return drain(t, next.(Model), c, depth+1)
	}
}

// laterMsg stands for a timer's message in tests: never delivered.
type laterMsg struct{ msg tea.Msg }

// noWait is a waiter whose timers fire never and which takes only the
// job events already sent; tests deliver what timers would.
func noWait() waiter {
	later := func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
		return func() tea.Msg { return laterMsg{msg: fn(testNow.Add(d))} }
	}
	event := func(_ context.Context, ch <-chan jobs.Event) tea.Cmd {
		return func() tea.Msg {
			select {
			case ev := <-ch:
				return jobEventMsg{ev: ev}
			default:
				return nil
			}
		}
	}
	return waiter{after: later, every: later, event: event}
}

// sendCmd feeds one message and returns the model and its command.
func sendCmd(t testing.TB, m Model, msg tea.Msg) (Model, tea.Cmd) {
	t.Helper()
	next, cmd := m.Update(msg)
	return next.(Model), cmd
}

// press is the key press named s: a key name ("enter", "shift+tab",
// "pgdown"), ctrl+ and a letter, or the character typed.
func press(s string) tea.KeyPressMsg {
	named := map[string]tea.KeyPressMsg{
		"enter": {Code: tea.KeyEnter}, "esc": {Code: tea.KeyEscape},
		"tab": {Code: tea.KeyTab}, "shift+tab": {Code: tea.KeyTab, Mod: tea.ModShift},
		"space": {Code: tea.KeySpace, Text: " "},
		"left":  {Code: tea.KeyLeft}, "right": {Code: tea.KeyRight},
		"up": {Code: tea.KeyUp}, "down": {Code: tea.KeyDown},
		"pgup": {Code: tea.KeyPgUp}, "pgdown": {Code: tea.KeyPgDown},
	}
	if k, ok := named[s]; ok {
		return k
	}
	if letter, ok := strings.CutPrefix(s, "ctrl+"); ok && len(letter) == 1 {
		return tea.KeyPressMsg{Code: rune(letter[0]), Mod: tea.ModCtrl}
	}
	r := []rune(s)[0]
	return tea.KeyPressMsg{Code: r, Text: s}
}

// writeTemp writes text to a file called name in a fresh temporary folder
// and returns its path.
func writeTemp(t testing.TB, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// onEveryStatus is a w×h model on the job list of a history that holds a
// job of every status.
func onEveryStatus(t testing.TB, w, h int) Model {
	t.Helper()
	store := openStore(t)
	seedStore(t, store, everyStatus())
	return send(t, newTestModel(t, store, nil, w, h), press("esc"))
}

// pressKeys presses each key (named as press takes them) in turn.
func pressKeys(t testing.TB, m Model, keys ...string) Model {
	t.Helper()
	for _, k := range keys {
		m = send(t, m, press(k))
	}
	return m
}

func typeText(t testing.TB, m Model, s string) Model {
	t.Helper()
	for _, r := range s {
		if r == ' ' {
			m = send(t, m, press("space"))
			continue
		}
		m = send(t, m, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return m
}

// screenText is the frame as a person reads it.
func screenText(m Model) string { return ansi.Strip(m.render()) }

// golden compares the frame with testdata/<name>.golden as a person reads
// it, and on each background (light, dark) with its colours in
// testdata/<name>_<background>.ansi.golden.
func golden(t *testing.T, m Model) {
	t.Helper()
	got := screenText(m)
	lines := strings.Split(got, "\n")
	if len(lines) != m.height {
		t.Errorf("frame has %d lines, want the terminal's %d", len(lines), m.height)
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > m.width {
			t.Errorf("line %d is %d cells wide, wider than %d: %q", i+1, w, m.width, l)
		}
	}
	name := strings.ReplaceAll(t.Name(), "/", "_")
	compareGolden(t, filepath.Join("testdata", name+".golden"), got)
	for _, bg := range []struct {
		name string
		c    color.Color
	}{{"light", color.White}, {"dark", color.Black}} {
		lit := send(t, m, tea.BackgroundColorMsg{Color: bg.c})
		frame := lit.render()
		if ansi.Strip(frame) != got {
			t.Errorf("the %s background changes the text, not only its colours", bg.name)
		}
		compareGolden(t, filepath.Join("testdata", name+"_"+bg.name+".ansi.golden"), frame)
	}
}

// compareGolden compares got with the file at path, or writes it under
// -update.
func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if updating() {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./ui -update)", err)
	}
	if got != string(want) {
		t.Errorf("frame differs from %s (run go test ./ui -update after checking):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

var termSizes = []struct{ w, h int }{{80, 24}, {120, 40}}

func eachSize(t *testing.T, f func(t *testing.T, w, h int)) {
	for _, s := range termSizes {
		t.Run(fmt.Sprintf("%dx%d", s.w, s.h), func(t *testing.T) { f(t, s.w, s.h) })
	}
}

// Each screen of a model, for tests that look inside.
func composeOf(m Model) *composeScreen { return m.screens[composeID].(*composeScreen) }
func jobsOf(m Model) *jobsScreen       { return m.screens[jobsID].(*jobsScreen) }
func detailOf(m Model) *detailScreen   { return m.screens[detailID].(*detailScreen) }
func historyOf(m Model) *historyScreen { return m.screens[historyID].(*historyScreen) }
func keyOf(m Model) *keyScreen         { return m.screens[keyID].(*keyScreen) }

// newModel is New for tests: nothing waits.
func newModel(cfg Config) Model {
	m := New(context.Background(), cfg)
	m.sh.wait = noWait()
	return m
}

// await feeds the job service's events until cond holds, failing the test
// after a generous deadline.
func await(t testing.TB, m Model, what string, cond func(Model) bool) Model {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for !cond(m) {
		select {
		case ev := <-m.events:
			m = send(t, m, jobEventMsg{ev: ev})
		case <-deadline:
			t.Fatalf("waited in vain until %s:\n%s", what, screenText(m))
		}
	}
	return m
}

// numberedJobs are n finished jobs, "prompt 000" the newest, a minute apart.
func numberedJobs(n int) []history.Job {
	js := make([]history.Job, n)
	for i := range js {
		js[i] = history.Job{Model: apidot.ModelStandard, Status: history.StatusFinished, Prompt: fmt.Sprintf("prompt %03d", i), Duration: 4, Credits: 48, CreatedAt: testNow.Add(-time.Duration(i) * time.Minute)}
	}
	return js
}
