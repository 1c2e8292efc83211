package ui

import (
	"context"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/history/historytest"
	"github.com/soratui/soratui/internal/draft"
	"github.com/soratui/soratui/keys"
)

// After a submit made from a choice field, n lands in the prompt and
// typing writes text instead of toggling choices.
func TestAfterSubmitNTypesIntoThePrompt(t *testing.T) {
	t.Parallel()
	server := apidottest.NewTestServer(t, apidottest.Options{})
	m := newTestModel(t, openStore(t), server, 80, 24)
	m = typeText(t, m, "a koi pond at dawn")
	m = pressKeys(t, m,
		"tab", // the model choice
		"ctrl+s",
	)
	if m.current != jobsID || composeOf(m).focus != fieldPrompt {
		t.Fatalf("after submit: screen %d, compose focus %d", m.current, composeOf(m).focus)
	}
	m = send(t, m, press("n"))
	m = typeText(t, m, "a b")
	c := composeOf(m)
	if m.current != composeID || c.prompt.Value() != "a b" || c.model != apidot.ModelStandard {
		t.Errorf("after n and typing: screen %d, prompt %q, model %s", m.current, c.prompt.Value(), c.model)
	}
}

// A refused submit keeps the prompt for another try.
func TestPromptStaysAfterARefusedSubmit(t *testing.T) {
	t.Parallel()
	server := apidottest.NewTestServer(t, apidottest.Options{})
	m := newTestModel(t, openStore(t), server, 80, 24)
	server.SetBalance(0)
	m = typeText(t, m, "a city made of glass")
	m = send(t, m, press("ctrl+s"))
	if got := composeOf(m).prompt.Value(); got != "a city made of glass" {
		t.Errorf("prompt after a 402 = %q", got)
	}
	if !strings.Contains(m.flash, "still in compose") {
		t.Errorf("flash %q does not say the prompt is kept", m.flash)
	}
}

// The image check answers compose even after the user moved on.
func TestImageCheckReachesComposeWhenHidden(t *testing.T) {
	t.Parallel()
	m := newTestModel(t, openStore(t), nil, 80, 24)
	checked := ""
	m.sh.backend.CheckImage = func(_ context.Context, u string) error { checked = u; return nil }
	m = typeText(t, m, "a lantern festival")
	composeOf(m).focusField(fieldImage)
	m = typeText(t, m, "https://example.com/a.png")
	seq := composeOf(m).img.seq
	m = send(t, m, press("esc"))
	if m.current == composeID {
		t.Fatal("esc stayed in compose")
	}
	m = send(t, m, imageCheckDueMsg{seq: seq})
	if checked != "https://example.com/a.png" || composeOf(m).img.state != imageOK {
		t.Fatalf("checked %q, image state %d", checked, composeOf(m).img.state)
	}
	if probs := composeOf(m).problems(); probs[fieldImage] != "" {
		t.Errorf("compose still says %q", probs[fieldImage])
	}
}

// The draft is written as the form changes, restored at the next start,
// and a quit right after typing keeps the last words.
func TestDraftSurvivesAQuit(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "soratui", "draft.json")
	store := openStore(t)
	start := func() Model {
		m := newModel(Config{Backend: Backend{Store: store}, Key: keys.Key{Value: "sk-test-ui-0123456789", Source: keys.SourceEnv}, Now: testClock, Drafts: draft.New(path)})
		m = send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
		m = drain(t, m, m.Init(), 0)
		return send(t, m, navMsg{to: composeID}) // no API here: the key screen opened
	}
	m := start()
	m = typeText(t, m, "a fox")
	m = pressKeys(t, m,
		"tab",
		"right", // Pro
	)
	m = send(t, m, draftDueMsg{seq: composeOf(m).draftSeq})
	if d, _ := draft.New(path).Load(); d.Prompt != "a fox" || d.Model != apidot.ModelPro {
		t.Fatalf("saved draft %+v", d)
	}
	m = send(t, m, press("shift+tab"))
	m = typeText(t, m, " in snow")
	if _, cmd := sendCmd(t, m, press("ctrl+c")); !isQuit(cmd) {
		t.Fatal("ctrl+c did not quit at once")
	}
	m.close() // what Run does when the program ends
	m = start()
	if c := composeOf(m); c.prompt.Value() != "a fox in snow" || c.model != apidot.ModelPro {
		t.Errorf("restored %q %s", c.prompt.Value(), c.model)
	}
	if !strings.Contains(screenText(m), "Restored the draft") || !strings.Contains(screenText(m), "keeps the draft") {
		t.Errorf("the screen says nothing of the draft:\n%s", screenText(m))
	}
}

// A job another process deleted leaves the list.
func TestDeletedJobLeavesNoRow(t *testing.T) {
	t.Parallel()
	store := openStore(t)
	seeded := seedStore(t, store, everyStatus())
	m := newTestModel(t, store, nil, 120, 40)
	other := historytest.OpenAt(t, store.Path(), history.Options{Now: testClock})
	if _, err := other.Delete(seeded[3].ID); err != nil {
		t.Fatal(err)
	}
	other.Close()
	m = send(t, m, tickMsg{at: testNow.Add(time.Hour)})
	if _, ok := jobsOf(m).list.index[seeded[3].ID]; ok || len(jobsOf(m).list.jobs) != len(seeded)-1 {
		t.Errorf("the deleted job still has a row: %d rows", len(jobsOf(m).list.jobs))
	}
}

// G/End and g/Home reach the ends of every list.
func TestEndsOfEveryList(t *testing.T) {
	t.Parallel()
	store := openStore(t)
	seedStore(t, store, numberedJobs(60))
	selected := map[screenID]func(Model) string{
		jobsID:    func(m Model) string { j, _ := jobsOf(m).list.selected(); return j.Prompt },
		historyID: func(m Model) string { j, _ := historyOf(m).selected(); return j.Prompt },
	}
	for _, open := range []string{"2", "3"} {
		for _, keys := range [][2]string{{"G", "g"}, {"end", "home"}} {
			t.Run(open+keys[0], func(t *testing.T) {
				m := newTestModel(t, store, nil, 80, 24)
				m = send(t, m, press("esc"))
				m = send(t, m, press(open))
				m = send(t, m, press(keys[0]))
				if got := selected[m.current](m); got != "prompt 059" {
					t.Errorf("%s selects %q, want the oldest", keys[0], got)
				}
				m = send(t, m, press(keys[1]))
				if got := selected[m.current](m); got != "prompt 000" {
					t.Errorf("%s selects %q, want the newest", keys[1], got)
				}
			})
		}
	}
}

// A long message wraps whole onto more lines instead of being cut.
func TestLongMessagesWrap(t *testing.T) {
	t.Parallel()
	m := newTestModel(t, openStore(t), nil, 80, 24)
	long := "Could not open a player or browser (exec: xdg-open: executable file not found in $PATH); the result is at https://cdn.example/v/a-very-long-name.mp4"
	m = send(t, m, flashMsg{text: long, bad: true})
	text := screenText(m)
	if !strings.Contains(strings.Join(strings.Fields(text), " "), long) {
		t.Errorf("the message is cut:\n%s", text)
	}
	lines := strings.Split(text, "\n")
	for _, l := range lines[len(lines)-2:] {
		if strings.HasSuffix(strings.TrimSpace(l), "…") {
			t.Errorf("the key bar is cut: %q", l)
		}
	}
}

// Wide graphemes (a ZWJ family emoji, CJK) keep every column in place.
func TestWideGraphemesKeepRowsAligned(t *testing.T) {
	t.Parallel()
	store := openStore(t)
	js := everyStatus()
	js[0].Prompt = "👩‍👩‍👧 a family picnic"
	js[1].Prompt = "桜の下で猫が眠る、ゆっくりズーム"
	js[2].Prompt = "plain ascii prompt"
	seedStore(t, store, js[:3])
	for _, w := range []int{80, 120} {
		m := newTestModel(t, store, nil, w, 24)
		m = send(t, m, press("esc"))
		lines := strings.Split(screenText(m), "\n")[4:7]
		col := -1
		for _, l := range lines {
			if ansi.StringWidth(l) > w {
				t.Errorf("%d columns: row wider than the screen: %q", w, l)
			}
			i := strings.Index(l, "m00s")
			c := ansi.StringWidth(l[:i])
			if col >= 0 && c != col {
				t.Errorf("%d columns: the time column moved to %d from %d: %q", w, c, col, l)
			}
			col = c
		}
	}
}

// Light and dark backgrounds draw every colour from the palette: no SGR 37
// (light grey) that vanishes on a light background.
func TestLightBackgroundHasNoLightGrey(t *testing.T) {
	t.Parallel()
	for _, dark := range []bool{false, true} {
		m := newTestModel(t, openStore(t), nil, 80, 24)
		bg := color.RGBA{R: 255, G: 255, B: 255, A: 255}
		if dark {
			bg = color.RGBA{A: 255}
		}
		m = send(t, m, tea.BackgroundColorMsg{Color: bg})
		m = typeText(t, m, "a fox")
		frame := m.render()
		if strings.Contains(frame, "[37m") || strings.Contains(frame, ";37m") || strings.Contains(frame, "38;5;7m") {
			t.Errorf("dark=%v: the frame uses SGR 37", dark)
		}
		accent := newPalette(dark).accent
		if !strings.Contains(frame, newPaint(lipgloss.NewStyle().Foreground(accent)).pre+"┃") {
			t.Errorf("dark=%v: the prompt border is not in the accent colour", dark)
		}
	}
}

// The interface opens on the job list when jobs are unfinished, else on
// compose, and esc from compose then returns to the list.
func TestOpensOnJobsWhenUnfinished(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		jobs []history.Job
		want screenID
	}{
		{"unfinished jobs", everyStatus(), jobsID},
		{"all finished", everyStatus()[:1], composeID},
		{"no jobs", nil, composeID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := openStore(t)
			seedStore(t, store, tt.jobs)
			m := newModel(Config{Backend: Backend{Store: store}, Key: keys.Key{Value: "sk-test-ui-0123456789", Source: keys.SourceEnv}, Now: testClock})
			m = send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
			m = send(t, m, jobsOf(m).loadFirst()())
			if m.current != tt.want {
				t.Fatalf("opened on screen %d, want %d", m.current, tt.want)
			}
			m = pressKeys(t, m, "1", "esc")
			if m.current != jobsID {
				t.Errorf("esc from compose went to screen %d, want the job list", m.current)
			}
		})
	}
}

// ctrl+p and ctrl+n walk through earlier prompts and back to the typing.
func TestPromptRecall(t *testing.T) {
	t.Parallel()
	store := openStore(t)
	seedStore(t, store, everyStatus()[:3])
	m := newTestModel(t, store, nil, 80, 24)
	m = typeText(t, m, "half typed")
	steps := []struct {
		key, want string
	}{
		{"ctrl+p", "a city made of glass"},
		{"ctrl+p", "two knights duel at dawn"},
		{"ctrl+n", "a city made of glass"},
		{"ctrl+n", "half typed"},
		{"ctrl+n", "half typed"},
	}
	for _, s := range steps {
		m = send(t, m, press(s.key))
		if got := composeOf(m).prompt.Value(); got != s.want {
			t.Fatalf("after %s the prompt is %q, want %q", s.key, got, s.want)
		}
	}
}

// x asks first; y deletes through the service, and the job leaves Detail
// and the list; any other key keeps it.
func TestDeleteFromDetailAsksFirst(t *testing.T) {
	t.Parallel()
	server := apidottest.NewTestServer(t, apidottest.Options{})
	store := openStore(t)
	seeded := seedStore(t, store, everyStatus()[:2])
	m := newTestModel(t, store, server, 80, 24)
	m = send(t, m, navMsg{to: jobsID})
	m = send(t, m, press("enter"))
	id := detailOf(m).job.ID
	m = send(t, m, press("x"))
	if !strings.Contains(m.flash, "Delete "+id) {
		t.Fatalf("x does not ask: %q", m.flash)
	}
	m = send(t, m, press("n"))
	if _, err := store.Get(id); err != nil || m.current != detailID {
		t.Fatalf("n did not keep the job: %v, screen %d", err, m.current)
	}
	m = pressKeys(t, m, "x", "y")
	m = await(t, m, "the row goes", func(m Model) bool { _, ok := jobsOf(m).list.index[id]; return !ok })
	if _, err := store.Get(id); err == nil {
		t.Error("y did not delete the job")
	}
	if m.current != jobsID || len(jobsOf(m).list.jobs) != len(seeded)-1 {
		t.Errorf("after deleting: screen %d, %d rows", m.current, len(jobsOf(m).list.jobs))
	}
}

// o and y act only on http(s) results, and o opens only a regular file at
// the absolute path the history recorded.
func TestOpenAndCopyRefuseWhatIsNotSafe(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	video := filepath.Join(dir, "fox.mp4")
	link := filepath.Join(dir, "link.mp4")
	if err := os.WriteFile(video, []byte("mp4"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(video, link); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		url, path string
		opens     string
	}{
		{"https result", "https://cdn.example/v/fox.mp4", "", "https://cdn.example/v/fox.mp4"},
		{"file URL", "file:///etc/passwd", "", ""},
		{"option-like URL", "-oProxyCommand=x", "", ""},
		{"saved video", "https://cdn.example/v/fox.mp4", video, video},
		{"saved link", "https://cdn.example/v/fox.mp4", link, ""},
		{"saved folder", "https://cdn.example/v/fox.mp4", dir, ""},
		{"relative path", "https://cdn.example/v/fox.mp4", "-fox.mp4", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := openStore(t)
			j := everyStatus()[0]
			j.VideoURLs, j.LocalPath = []string{tt.url}, tt.path
			seedStore(t, store, []history.Job{j})
			m := newTestModel(t, store, nil, 80, 24)
			opened := ""
			m.sh.cfg.OpenURL = func(s string) error { opened = s; return nil }
			m = send(t, m, navMsg{to: jobsID})
			m = pressKeys(t, m, "enter", "o")
			if opened != tt.opens {
				t.Errorf("o opened %q, want %q (flash %q)", opened, tt.opens, m.flash)
			}
			if tt.opens == "" && !m.flashBad {
				t.Errorf("a refusal says nothing: %q", m.flash)
			}
			m = send(t, m, press("y"))
			if copied := strings.HasPrefix(m.flash, "Copied"); copied != strings.HasPrefix(tt.url, "https://") {
				t.Errorf("y on %q: %q", tt.url, m.flash)
			}
		})
	}
}

// A click selects a row and a second click opens it; in Detail, [ and ]
// move through a comparison group, and only the actions that apply are
// offered.
func TestClickGroupKeysAndApplicableActions(t *testing.T) {
	t.Parallel()
	store := openStore(t)
	js := everyStatus()
	std, pro := js[0], js[4] // finished, running
	std.GroupID, pro.GroupID = "gtest", "gtest"
	pro.CreatedAt = std.CreatedAt
	seedStore(t, store, []history.Job{std, pro, js[1]})
	m := newTestModel(t, store, nil, 120, 40)
	m = send(t, m, navMsg{to: jobsID})
	row := func(i int) tea.MouseClickMsg {
		return tea.MouseClickMsg{Button: tea.MouseLeft, Y: headerHeight + 2 + i}
	}
	m = send(t, m, row(1))
	if jobsOf(m).list.cursor != 1 || m.current != jobsID {
		t.Fatalf("a click on row 1: cursor %d, screen %d", jobsOf(m).list.cursor, m.current)
	}
	marks := groupMarks(jobsOf(m).list.jobs)
	if marks[0] != " " || marks[1] != "┌" || marks[2] != "└" {
		t.Errorf("group marks %q: the group does not read as one block", marks)
	}
	m = send(t, m, row(1))
	if m.current != detailID {
		t.Fatalf("a second click did not open the job: screen %d", m.current)
	}
	first := detailOf(m).job.ID
	m = send(t, m, press("]"))
	if detailOf(m).job.ID == first || detailOf(m).job.GroupID != "gtest" {
		t.Errorf("] stayed on %s", detailOf(m).job.ID)
	}
	m = send(t, m, press("["))
	if detailOf(m).job.ID != first {
		t.Errorf("[ did not come back to %s", first)
	}
	offered := func(m Model) string {
		var out []string
		for _, b := range detailOf(m).Keys().ShortHelp() {
			out = append(out, b.Help().Key)
		}
		return strings.Join(out, " ")
	}
	for detailOf(m).job.Status != history.StatusRunning {
		m = send(t, m, press("]"))
	}
	if keys := offered(m); strings.Contains(keys, "o") || strings.Contains(keys, "d") || strings.Contains(keys, "y") {
		t.Errorf("a running job offers %q", keys)
	}
	m = send(t, m, press("]"))
	if keys := offered(m); !strings.Contains(keys, "o") || !strings.Contains(keys, "d") {
		t.Errorf("a finished job offers %q", keys)
	}
}
