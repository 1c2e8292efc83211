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
	"github.com/soratui/soratui/history/historytest"
	"github.com/soratui/soratui/keys"
)

func TestSubmitPutsTheJobAtTheTopAndFollowsIt(t *testing.T) {
	t.Parallel()
	m, _, server := servedModel(t, apidottest.Options{RunTime: 100 * time.Millisecond}, 80, 24)
	m = typeText(t, m, "a koi pond at dawn")
	m = send(t, m, press("ctrl+s"))
	if m.current != jobsID {
		t.Fatalf("ctrl+s: screen %d, want the job list", m.current)
	}
	// The service's events reach the list on their own goroutine.
	m = await(t, m, "the accepted job is listed", func(m Model) bool { j, _ := jobsOf(m).list.selected(); return j.TaskID != "" })
	top, ok := jobsOf(m).list.selected()
	if !ok || top.Prompt != "a koi pond at dawn" || top.TaskID == "" {
		t.Fatalf("top of the list = %+v", top)
	}
	if composeOf(m).prompt.Value() != "" {
		t.Error("compose kept the submitted prompt")
	}
	// Events from the job service move the job to finished.
	m = await(t, m, "the job finishes", func(m Model) bool {
		return jobsOf(m).list.jobs[jobsOf(m).list.index[top.ID]].Status == history.StatusFinished
	})
	if !strings.Contains(screenText(m), "✓ finished") {
		t.Errorf("screen does not show it finished:\n%s", screenText(m))
	}
	if server.Submits() != 1 {
		t.Errorf("%d submits, want 1", server.Submits())
	}
}

func TestCompareFromComposeMakesOneGroup(t *testing.T) {
	t.Parallel()
	m, _, server := servedModel(t, apidottest.Options{}, 120, 40)
	m = typeText(t, m, "city at night")
	composeOf(m).compare = map[string]bool{"standard": true, "pro-1080p": true}
	m = send(t, m, press("ctrl+s"))
	m = await(t, m, "both variants are listed", func(m Model) bool { return len(jobsOf(m).list.jobs) == 2 })
	if len(jobsOf(m).list.jobs) != 2 || jobsOf(m).list.jobs[0].GroupID == "" || jobsOf(m).list.jobs[0].GroupID != jobsOf(m).list.jobs[1].GroupID {
		t.Fatalf("jobs %+v", jobsOf(m).list.jobs)
	}
	if len(server.Tasks()) != 2 {
		t.Errorf("%d tasks", len(server.Tasks()))
	}
}

func TestHugePasteIsCutWithANotice(t *testing.T) {
	t.Parallel()
	m := newTestModel(t, openStore(t), nil, 80, 24)
	m = send(t, m, tea.PasteMsg{Content: strings.Repeat("日本 ", 3000)})
	if n := utf8.RuneCountInString(composeOf(m).prompt.Value()); n != apidot.MaxPromptRunes {
		t.Errorf("prompt has %d characters, want the cap %d", n, apidot.MaxPromptRunes)
	}
	if !strings.Contains(screenText(m), "Paste cut to fit") {
		t.Errorf("no notice:\n%s", screenText(m))
	}
	m = send(t, m, tea.PasteMsg{Content: "\xff\xfe bad bytes"})
	if !utf8.ValidString(composeOf(m).prompt.Value()) {
		t.Error("invalid UTF-8 reached the prompt")
	}
}

func TestTabSkipsResolutionForStandard(t *testing.T) {
	t.Parallel()
	m := newTestModel(t, openStore(t), nil, 80, 24)
	var seen []field
	for range numFields {
		m = send(t, m, press("tab"))
		seen = append(seen, composeOf(m).focus)
	}
	want := []field{fieldModel, fieldDuration, fieldAspect, fieldImage, fieldCompare, fieldPrompt, fieldModel}
	if fmt.Sprint(seen) != fmt.Sprint(want) {
		t.Errorf("focus order %v, want %v", seen, want)
	}
	composeOf(m).model = apidot.ModelPro
	m = pressKeys(t, m, "tab", "tab", "tab")
	if composeOf(m).focus != fieldResolution {
		t.Errorf("Pro: focus %v after aspect, want resolution", composeOf(m).focus)
	}
}

func TestQuitKeys(t *testing.T) {
	t.Parallel()
	m := newTestModel(t, openStore(t), nil, 80, 24)
	// In the prompt, q types.
	m, cmd := sendCmd(t, m, press("q"))
	if cmd != nil && isQuit(cmd) {
		t.Fatal("q in the prompt quit")
	}
	if composeOf(m).prompt.Value() != "q" {
		t.Errorf("prompt = %q", composeOf(m).prompt.Value())
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
	t.Parallel()
	store := openStore(t)
	seedStore(t, store, numberedJobs(95))
	m := newTestModel(t, store, nil, 80, 24)
	m = pressKeys(t, m, "esc", "h")
	size := historyOf(m).pageSize()
	seen := map[string]bool{}
	var order []string
	for pages := 0; ; pages++ {
		if pages > 20 {
			t.Fatal("paging does not end")
		}
		for _, j := range historyOf(m).page {
			if seen[j.ID] {
				t.Fatalf("job %s shown twice", j.ID)
			}
			seen[j.ID] = true
			order = append(order, j.Prompt)
		}
		if len(historyOf(m).page) > size {
			t.Fatalf("page of %d rows, room for %d", len(historyOf(m).page), size)
		}
		if !historyOf(m).hasNext {
			break
		}
		m = send(t, m, press("pgdown"))
	}
	if len(seen) != 95 || order[0] != "prompt 000" || order[94] != "prompt 094" {
		t.Errorf("saw %d jobs, first %s last %s", len(seen), order[0], order[len(order)-1])
	}
	// And back: the previous page is the one before.
	last := historyOf(m).pageNo
	m = send(t, m, press("pgup"))
	if historyOf(m).pageNo != last-1 || historyOf(m).page[0].Prompt != fmt.Sprintf("prompt %03d", (last-1)*size) {
		t.Errorf("page up: page %d starts at %s", historyOf(m).pageNo, historyOf(m).page[0].Prompt)
	}
	// Moving up past the top of a page crosses into the previous one.
	m = send(t, m, press("up"))
	if j, _ := historyOf(m).selected(); j.Prompt != fmt.Sprintf("prompt %03d", (last-1)*size-1) {
		t.Errorf("after crossing up, selected %s", j.Prompt)
	}
}

func TestHistoryFilters(t *testing.T) {
	t.Parallel()
	m := onEveryStatus(t, 120, 40)
	m = send(t, m, press("h"))
	prompts := func() []string {
		var out []string
		for _, j := range historyOf(m).page {
			out = append(out, j.Prompt)
		}
		return out
	}
	m = send(t, m, press("/"))
	if !historyOf(m).filtering {
		t.Fatal("/ did not open the filter")
	}
	seq := 0
	for _, r := range "NEON" {
		m = send(t, m, tea.KeyPressMsg{Code: r, Text: string(r)})
		seq = historyOf(m).seq
	}
	if !strings.Contains(screenText(m), "searching…") {
		t.Errorf("no word while the search waits:\n%s", screenText(m))
	}
	m = send(t, m, searchDueMsg{seq: seq - 1}) // superseded: no search
	if len(prompts()) != len(everyStatus()) {
		t.Errorf("a superseded search ran: %v", prompts())
	}
	m = send(t, m, searchDueMsg{seq: seq})
	if got := prompts(); len(got) != 1 || !strings.Contains(got[0], "neon koi") {
		t.Errorf("search NEON = %v", got)
	}
	m = pressKeys(t, m, "enter", "esc")
	// esc left the screen, since the filter was applied and closed; go back.
	m = send(t, m, press("h"))
	historyOf(m).input.SetValue("")
	m = send(t, m, press("s")) // pending
	if got := len(prompts()); got != 4 {
		t.Errorf("pending filter: %d jobs, want 4 (%v)", got, prompts())
	}
	m = send(t, m, press("m")) // Standard
	if got := prompts(); len(got) != 2 {
		t.Errorf("pending Standard: %v", got)
	}
}

func TestWheelScrollsTheList(t *testing.T) {
	t.Parallel()
	m := onEveryStatus(t, 80, 24)
	m = send(t, m, tea.MouseWheelMsg{Button: tea.MouseWheelDown})
	if jobsOf(m).list.cursor != 3 {
		t.Errorf("cursor %d after one wheel step, want 3", jobsOf(m).list.cursor)
	}
	m = send(t, m, tea.MouseWheelMsg{Button: tea.MouseWheelUp})
	if jobsOf(m).list.cursor != 0 {
		t.Errorf("cursor %d after wheel up, want 0", jobsOf(m).list.cursor)
	}
}

func TestJobsFromAnotherProcessAppear(t *testing.T) {
	t.Parallel()
	store := openStore(t)
	m := newTestModel(t, store, nil, 80, 24)
	other := historytest.OpenAt(t, store.Path(), history.Options{Now: testClock})
	seedStore(t, other, everyStatus()[:1])
	m = send(t, m, tickMsg{at: testNow.Add(time.Hour)})
	if len(jobsOf(m).list.jobs) != 1 {
		t.Errorf("list has %d jobs after another process added one", len(jobsOf(m).list.jobs))
	}
}

func TestKeyScreenSavesAndConnects(t *testing.T) {
	t.Parallel()
	base, _, _ := servedModel(t, apidottest.Options{}, 80, 24)
	var saved string
	m := newModel(Config{
		Backend: base.sh.backend,
		KeyErr:  keys.ErrNoKey,
		SaveKey: func(_ context.Context, k string) error { saved = k; return nil },
		Now:     func() time.Time { return testNow },
	})
	m = send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	if m.current != keyID {
		t.Fatalf("no key: screen %d, want the key screen", m.current)
	}
	m = typeText(t, m, "short")
	m = send(t, m, press("enter"))
	if keyOf(m).err == nil {
		t.Error("a malformed key was accepted")
	}
	keyOf(m).input.SetValue("sk-live-0123456789abcd")
	m = send(t, m, press("enter"))
	if saved != "sk-live-0123456789abcd" {
		t.Fatalf("saved %q", saved)
	}
	if m.current != composeID || m.sh.svc == nil {
		t.Errorf("after saving: screen %d service %v", m.current, m.sh.svc)
	}
	if strings.Contains(screenText(m), "0123456789abcd") {
		t.Error("the screen shows the key")
	}
}

func TestKeyScreenShowsWhyTheKeyringFailed(t *testing.T) {
	t.Parallel()
	m := newModel(Config{
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
	keyOf(m).input.SetValue("sk-live-0123456789abcd")
	m = send(t, m, press("enter"))
	if !strings.Contains(screenText(m), "APIDOT_API_KEY") || keyOf(m).err == nil {
		t.Errorf("a failed save says nothing useful:\n%s", screenText(m))
	}
}

func TestDuplicateIntoCompose(t *testing.T) {
	t.Parallel()
	store := openStore(t)
	seedStore(t, store, everyStatus()[1:2]) // Pro 1080p, 8 s
	m := newTestModel(t, store, nil, 80, 24)
	m = pressKeys(t, m, "esc", "enter", "e")
	c := composeOf(m)
	if m.current != composeID || c.prompt.Value() != "two knights duel at dawn" || c.model != apidot.ModelPro || c.resolution != "1080p" || c.duration != 8 {
		t.Errorf("compose after duplicate: screen %d %q %s %s %d", m.current, c.prompt.Value(), c.model, c.resolution, c.duration)
	}
}

func TestCopyAndOpen(t *testing.T) {
	t.Parallel()
	store := openStore(t)
	seedStore(t, store, everyStatus()[:1])
	var opened string
	m := newTestModel(t, store, nil, 80, 24)
	m.sh.cfg.OpenURL = func(s string) error { opened = s; return nil }
	m = pressKeys(t, m, "esc", "enter", "y")
	if !strings.Contains(m.flash, "Copied") {
		t.Errorf("y: flash %q", m.flash)
	}
	m = send(t, m, press("o"))
	if opened != "https://cdn.example/v/fox.mp4" {
		t.Errorf("opened %q", opened)
	}
}

func TestDownloadFromDetail(t *testing.T) {
	t.Parallel()
	m, store, _ := servedModel(t, apidottest.Options{}, 80, 24)
	m = typeText(t, m, "a short clip")
	m = send(t, m, press("ctrl+s"))
	m = await(t, m, "the job finishes", func(m Model) bool {
		j, _ := jobsOf(m).list.selected()
		return j.Status == history.StatusFinished
	})
	job, _ := jobsOf(m).list.selected()
	m = pressKeys(t, m, "enter", "d")
	m = await(t, m, "the download ends", func(m Model) bool { return detailOf(m).dl != nil && detailOf(m).dl.finished })
	if dl := detailOf(m).dl; dl.err != nil {
		t.Fatalf("download failed: %v", dl.err)
	}
	saved, _ := store.Get(job.ID)
	if saved.LocalPath == "" || detailOf(m).job.LocalPath != saved.LocalPath {
		t.Errorf("local_path %q, detail shows %q", saved.LocalPath, detailOf(m).job.LocalPath)
	}
	if j, _ := jobsOf(m).list.selected(); !strings.Contains(statusText(j, 0, testNow), "saved") {
		t.Errorf("the list does not mark the job saved: %s", statusText(j, 0, testNow))
	}
}
