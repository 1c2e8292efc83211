package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/keys"
)

func TestSubmitPutsTheJobAtTheTopAndFollowsIt(t *testing.T) {
	store := openStore(t)
	server := apidottest.NewTestServer(t, apidottest.Options{RunTime: 100 * time.Millisecond})
	m := newTestModel(t, store, server, 80, 24)
	m = typeText(t, m, "a koi pond at dawn")
	m, cmd := sendCmd(t, m, press("ctrl+s"))
	if m.screen != screenJobs || cmd == nil {
		t.Fatalf("ctrl+s: screen %d, cmd %v", m.screen, cmd)
	}
	m = send(t, m, cmd())
	top, ok := m.list.selected()
	if !ok || top.Prompt != "a koi pond at dawn" || top.TaskID == "" {
		t.Fatalf("top of the list = %+v", top)
	}
	if m.compose.prompt.Value() != "" {
		t.Error("compose kept the submitted prompt")
	}
	// Events from the tracker move the job to finished.
	deadline := time.After(30 * time.Second)
	for top.Status != history.StatusFinished {
		select {
		case ev := <-m.events:
			m = send(t, m, jobEventMsg{ev: ev})
			top = m.list.jobs[m.list.index[top.ID]]
		case <-deadline:
			t.Fatalf("job stuck at %s", top.Status)
		}
	}
	if !strings.Contains(screenText(m), "✓ finished") {
		t.Errorf("screen does not show it finished:\n%s", screenText(m))
	}
	if server.Submits() != 1 {
		t.Errorf("%d submits, want 1", server.Submits())
	}
}

func TestCompareFromComposeMakesOneGroup(t *testing.T) {
	store := openStore(t)
	server := apidottest.NewTestServer(t, apidottest.Options{})
	m := newTestModel(t, store, server, 120, 40)
	m = typeText(t, m, "city at night")
	m.compose.compare = map[string]bool{"standard": true, "pro-1080p": true}
	m, cmd := sendCmd(t, m, press("ctrl+s"))
	m = send(t, m, cmd())
	if len(m.list.jobs) != 2 || m.list.jobs[0].GroupID == "" || m.list.jobs[0].GroupID != m.list.jobs[1].GroupID {
		t.Fatalf("jobs %+v", m.list.jobs)
	}
	if len(server.Tasks()) != 2 {
		t.Errorf("%d tasks", len(server.Tasks()))
	}
}

func TestHugePasteIsCutWithANotice(t *testing.T) {
	m := newTestModel(t, openStore(t), nil, 80, 24)
	m = send(t, m, tea.PasteMsg{Content: strings.Repeat("日本 ", 3000)})
	if n := utf8.RuneCountInString(m.compose.prompt.Value()); n != apidot.MaxPromptRunes {
		t.Errorf("prompt has %d characters, want the cap %d", n, apidot.MaxPromptRunes)
	}
	if !strings.Contains(screenText(m), "Paste cut to fit") {
		t.Errorf("no notice:\n%s", screenText(m))
	}
	m = send(t, m, tea.PasteMsg{Content: "\xff\xfe bad bytes"})
	if !utf8.ValidString(m.compose.prompt.Value()) {
		t.Error("invalid UTF-8 reached the prompt")
	}
}

func TestTabSkipsResolutionForStandard(t *testing.T) {
	m := newTestModel(t, openStore(t), nil, 80, 24)
	var seen []field
	for range numFields {
		m = send(t, m, press("tab"))
		seen = append(seen, m.compose.focus)
	}
	want := []field{fieldModel, fieldDuration, fieldAspect, fieldImage, fieldCompare, fieldPrompt, fieldModel}
	if fmt.Sprint(seen) != fmt.Sprint(want) {
		t.Errorf("focus order %v, want %v", seen, want)
	}
	m.compose.model = apidot.ModelPro
	m = send(t, m, press("tab"))
	m = send(t, m, press("tab"))
	m = send(t, m, press("tab"))
	if m.compose.focus != fieldResolution {
		t.Errorf("Pro: focus %v after aspect, want resolution", m.compose.focus)
	}
}

func TestQuitKeys(t *testing.T) {
	m := newTestModel(t, openStore(t), nil, 80, 24)
	// In the prompt, q types.
	m, cmd := sendCmd(t, m, press("q"))
	if cmd != nil && isQuit(cmd) {
		t.Fatal("q in the prompt quit")
	}
	if m.compose.prompt.Value() != "q" {
		t.Errorf("prompt = %q", m.compose.prompt.Value())
	}
	if _, cmd := sendCmd(t, m, press("ctrl+c")); !isQuit(cmd) {
		t.Error("ctrl+c in compose did not quit")
	}
	m = send(t, m, press("esc"))
	if _, cmd := sendCmd(t, m, press("q")); !isQuit(cmd) {
		t.Error("q in the job list did not quit")
	}
}

func isQuit(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	_, ok := cmd().(tea.QuitMsg)
	return ok
}

func TestHistoryPagesThroughEveryJobOnce(t *testing.T) {
	store := openStore(t)
	var js []history.Job
	for i := range 95 {
		js = append(js, history.Job{Model: apidot.ModelStandard, Status: history.StatusFinished, Prompt: fmt.Sprintf("prompt %03d", i), Duration: 4, Credits: 48, CreatedAt: testNow.Add(-time.Duration(i) * time.Minute)})
	}
	seedStore(t, store, js)
	m := newTestModel(t, store, nil, 80, 24)
	m = send(t, m, press("esc"))
	m, cmd := sendCmd(t, m, press("h"))
	m = send(t, m, cmd())
	size := m.hist.pageSize()
	seen := map[string]bool{}
	var order []string
	for pages := 0; ; pages++ {
		if pages > 20 {
			t.Fatal("paging does not end")
		}
		for _, j := range m.hist.page {
			if seen[j.ID] {
				t.Fatalf("job %s shown twice", j.ID)
			}
			seen[j.ID] = true
			order = append(order, j.Prompt)
		}
		if len(m.hist.page) > size {
			t.Fatalf("page of %d rows, room for %d", len(m.hist.page), size)
		}
		if !m.hist.hasNext {
			break
		}
		m, cmd = sendCmd(t, m, press("pgdown"))
		m = send(t, m, cmd())
	}
	if len(seen) != 95 || order[0] != "prompt 000" || order[94] != "prompt 094" {
		t.Errorf("saw %d jobs, first %s last %s", len(seen), order[0], order[len(order)-1])
	}
	// And back: the previous page is the one before.
	last := m.hist.pageNo
	m, cmd = sendCmd(t, m, press("pgup"))
	m = send(t, m, cmd())
	if m.hist.pageNo != last-1 || m.hist.page[0].Prompt != fmt.Sprintf("prompt %03d", (last-1)*size) {
		t.Errorf("page up: page %d starts at %s", m.hist.pageNo, m.hist.page[0].Prompt)
	}
	// Moving up past the top of a page crosses into the previous one.
	m, cmd = sendCmd(t, m, press("up"))
	if cmd == nil {
		t.Fatal("up at the top of page 2 loads nothing")
	}
	m = send(t, m, cmd())
	if j, _ := m.hist.selected(); j.Prompt != fmt.Sprintf("prompt %03d", (last-1)*size-1) {
		t.Errorf("after crossing up, selected %s", j.Prompt)
	}
}

func TestHistoryFilters(t *testing.T) {
	store := openStore(t)
	seedStore(t, store, everyStatus())
	m := newTestModel(t, store, nil, 120, 40)
	m = send(t, m, press("esc"))
	m, cmd := sendCmd(t, m, press("h"))
	m = send(t, m, cmd())
	prompts := func() []string {
		var out []string
		for _, j := range m.hist.page {
			out = append(out, j.Prompt)
		}
		return out
	}
	m, _ = sendCmd(t, m, press("/"))
	if !m.hist.filtering {
		t.Fatal("/ did not open the filter")
	}
	for _, r := range "NEON" {
		m, cmd = sendCmd(t, m, tea.KeyPressMsg{Code: r, Text: string(r)})
		if cmd != nil {
			m = send(t, m, loadOnly(cmd))
		}
	}
	if got := prompts(); len(got) != 1 || !strings.Contains(got[0], "neon koi") {
		t.Errorf("search NEON = %v", got)
	}
	m = send(t, m, press("enter"))
	m, cmd = sendCmd(t, m, press("esc"))
	// esc left the screen, since the filter was applied and closed; go back.
	m, cmd = sendCmd(t, m, press("h"))
	m = send(t, m, cmd())
	m.hist.input.SetValue("")
	m, cmd = sendCmd(t, m, press("s")) // pending
	m = send(t, m, cmd())
	if got := len(prompts()); got != 4 {
		t.Errorf("pending filter: %d jobs, want 4 (%v)", got, prompts())
	}
	m, cmd = sendCmd(t, m, press("m")) // Standard
	m = send(t, m, cmd())
	if got := prompts(); len(got) != 2 {
		t.Errorf("pending Standard: %v", got)
	}
}

// loadOnly runs a command that may be a batch and returns the history
// page it carries.
func loadOnly(cmd tea.Cmd) tea.Msg {
	msg := cmd()
	if batch, ok := msg.(tea.BatchMsg); ok {
		for _, c := range batch {
			if c == nil {
				continue
			}
			done := make(chan tea.Msg, 1)
			go func() { done <- c() }()
			select {
			case m := <-done:
				if p, ok := m.(historyPageMsg); ok {
					return p
				}
			case <-time.After(200 * time.Millisecond):
				// a cursor blink; not what we want
			}
		}
		return nil
	}
	return msg
}

func TestWheelScrollsTheList(t *testing.T) {
	store := openStore(t)
	seedStore(t, store, everyStatus())
	m := newTestModel(t, store, nil, 80, 24)
	m = send(t, m, press("esc"))
	m = send(t, m, tea.MouseWheelMsg{Button: tea.MouseWheelDown})
	if m.list.cursor != 3 {
		t.Errorf("cursor %d after one wheel step, want 3", m.list.cursor)
	}
	m = send(t, m, tea.MouseWheelMsg{Button: tea.MouseWheelUp})
	if m.list.cursor != 0 {
		t.Errorf("cursor %d after wheel up, want 0", m.list.cursor)
	}
}

func TestJobsFromAnotherProcessAppear(t *testing.T) {
	store := openStore(t)
	m := newTestModel(t, store, nil, 80, 24)
	other, err := history.Open(store.Path(), history.Options{Now: testClock})
	if err != nil {
		t.Fatal(err)
	}
	seedStore(t, other, everyStatus()[:1])
	m, cmd := sendCmd(t, m, tickMsg{at: testNow})
	if cmd == nil {
		t.Fatal("a tick checks nothing")
	}
	stamp := m.checkStamp()()
	m, cmd = sendCmd(t, m, stamp)
	if cmd == nil {
		t.Fatal("a changed history does not reload the list")
	}
	m = send(t, m, cmd())
	if len(m.list.jobs) != 1 {
		t.Errorf("list has %d jobs after another process added one", len(m.list.jobs))
	}
}

func TestKeyScreenSavesAndConnects(t *testing.T) {
	store := openStore(t)
	server := apidottest.NewTestServer(t, apidottest.Options{})
	base := newTestModel(t, store, server, 80, 24)
	var saved string
	m := New(context.Background(), Config{
		Backend: base.backend,
		KeyErr:  keys.ErrNoKey,
		SaveKey: func(_ context.Context, k string) error { saved = k; return nil },
		Now:     func() time.Time { return testNow },
	})
	m = send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	if m.screen != screenKey {
		t.Fatalf("no key: screen %d, want the key screen", m.screen)
	}
	m = typeText(t, m, "short")
	m = send(t, m, press("enter"))
	if m.keyIn.err == nil {
		t.Error("a malformed key was accepted")
	}
	m.keyIn.input.SetValue("sk-live-0123456789abcd")
	m, cmd := sendCmd(t, m, press("enter"))
	m, cmd = sendCmd(t, m, cmd())
	if saved != "sk-live-0123456789abcd" {
		t.Fatalf("saved %q", saved)
	}
	m = send(t, m, cmd())
	if m.screen != screenCompose || m.tracker == nil {
		t.Errorf("after saving: screen %d tracker %v", m.screen, m.tracker)
	}
	if strings.Contains(screenText(m), "0123456789abcd") {
		t.Error("the screen shows the key")
	}
}

func TestKeyScreenShowsWhyTheKeyringFailed(t *testing.T) {
	m := New(context.Background(), Config{
		Backend: Backend{Store: openStore(t)},
		KeyErr:  errors.Join(keys.ErrNoKey, keys.ErrTimeout),
		SaveKey: func(context.Context, string) error { return keys.ErrUnavailable },
		Demo:    func() (Backend, keys.Key, error) { return Backend{}, keys.Key{}, nil },
	})
	m = send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	text := screenText(m)
	if !strings.Contains(text, "APIDOT_API_KEY") || !strings.Contains(text, "ctrl+t") {
		t.Errorf("key screen does not name APIDOT_API_KEY and the demo:\n%s", text)
	}
	m.keyIn.input.SetValue("sk-live-0123456789abcd")
	m, cmd := sendCmd(t, m, press("enter"))
	m = send(t, m, cmd())
	if !strings.Contains(screenText(m), "APIDOT_API_KEY") || m.keyIn.err == nil {
		t.Errorf("a failed save says nothing useful:\n%s", screenText(m))
	}
}

func TestDuplicateIntoCompose(t *testing.T) {
	store := openStore(t)
	seedStore(t, store, everyStatus()[1:2]) // Pro 1080p, 8 s
	m := newTestModel(t, store, nil, 80, 24)
	m = send(t, m, press("esc"))
	m, _ = sendCmd(t, m, press("enter"))
	m, _ = sendCmd(t, m, press("e"))
	c := m.compose
	if m.screen != screenCompose || c.prompt.Value() != "two knights duel at dawn" || c.model != apidot.ModelPro || c.resolution != "1080p" || c.duration != 8 {
		t.Errorf("compose after duplicate: screen %d %q %s %s %d", m.screen, c.prompt.Value(), c.model, c.resolution, c.duration)
	}
}

func TestCopyAndOpen(t *testing.T) {
	store := openStore(t)
	seedStore(t, store, everyStatus()[:1])
	var opened string
	m := newTestModel(t, store, nil, 80, 24)
	m.cfg.OpenURL = func(s string) error { opened = s; return nil }
	m = send(t, m, press("esc"))
	m, _ = sendCmd(t, m, press("enter"))
	m, cmd := sendCmd(t, m, press("y"))
	if cmd == nil || !strings.Contains(m.flash, "Copied") {
		t.Errorf("y: flash %q", m.flash)
	}
	m, cmd = sendCmd(t, m, press("o"))
	m = send(t, m, cmd())
	if opened != "https://cdn.example/v/fox.mp4" {
		t.Errorf("opened %q", opened)
	}
}

func TestDownloadFromDetail(t *testing.T) {
	store := openStore(t)
	server := apidottest.NewTestServer(t, apidottest.Options{})
	m := newTestModel(t, store, server, 80, 24)
	m = typeText(t, m, "a short clip")
	m, cmd := sendCmd(t, m, press("ctrl+s"))
	m = send(t, m, cmd())
	job, _ := m.list.selected()
	final, err := m.tracker.Follow(context.Background(), job.ID)
	if err != nil {
		t.Fatal(err)
	}
	m.list.upsert(final)
	m, _ = sendCmd(t, m, press("enter"))
	m, cmd = sendCmd(t, m, press("d"))
	for cmd != nil {
		msg := cmd()
		m, cmd = sendCmd(t, m, msg)
		if _, done := msg.(downloadDoneMsg); done {
			break
		}
	}
	if m.detail.dl == nil || !m.detail.dl.finished || m.detail.dl.err != nil {
		t.Fatalf("download state %+v", m.detail.dl)
	}
	saved, _ := store.Get(job.ID)
	if saved.LocalPath == "" || !strings.HasPrefix(saved.LocalPath, m.backend.VideosDir) {
		t.Errorf("local_path %q", saved.LocalPath)
	}
}
