package ui

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/keys"
)

func TestGoldenKeyScreen(t *testing.T) {
	t.Parallel()
	eachSize(t, func(t *testing.T, w, h int) {
		m := newTestModel(t, openStore(t), nil, w, h)
		m.sh.key = keys.Key{}
		m.current = keyID
		m.screens[keyID] = newKeyScreen(m.sh, errors.Join(keys.ErrNoKey, keys.ErrUnavailable))
		m.resize()
		m = typeText(t, m, "sk-abc")
		golden(t, m)
		if strings.Contains(screenText(m), "sk-abc") {
			t.Error("the key screen shows the typed key")
		}
	})
}

func TestGoldenComposeEmpty(t *testing.T) {
	t.Parallel()
	eachSize(t, func(t *testing.T, w, h int) {
		golden(t, newTestModel(t, openStore(t), nil, w, h))
	})
}

func TestGoldenComposeInvalidCombination(t *testing.T) {
	t.Parallel()
	eachSize(t, func(t *testing.T, w, h int) {
		m := newTestModel(t, openStore(t), nil, w, h)
		m = typeText(t, m, "a glass whale drifting over a desert, wide shot")
		m = pressKeys(t, m,
			"tab",   // model
			"right", // Pro
			"tab",   // duration
			"right", // 8
			"tab",   // aspect
		)
		composeOf(m).aspect = "auto" // chosen before the image was removed
		m = pressKeys(t, m,
			"tab",   // resolution
			"right", // 1024p
		)
		golden(t, m)
		text := screenText(m)
		if !strings.Contains(text, "auto needs a guiding image URL") {
			t.Errorf("the reason is not next to the field:\n%s", text)
		}
		m = send(t, m, press("ctrl+s"))
		if m.current != composeID || !strings.Contains(m.flash, "Cannot submit") {
			t.Errorf("an invalid form was submitted: screen %d flash %q", m.current, m.flash)
		}
	})
}

func TestGoldenComposeCompare(t *testing.T) {
	t.Parallel()
	eachSize(t, func(t *testing.T, w, h int) {
		m := newTestModel(t, openStore(t), nil, w, h)
		m = typeText(t, m, "city at night, rain on the lens")
		// In the compare row: standard on, three steps right, pro-1080p on.
		m = pressKeys(t, m, "shift+tab", "space", "right", "right", "right", "space")
		golden(t, m)
		if !strings.Contains(screenText(m), "496 credits ($2.48)") {
			t.Error("the estimate is not the sum of the variants")
		}
	})
}

func TestGoldenJobsEveryStatus(t *testing.T) {
	t.Parallel()
	eachSize(t, func(t *testing.T, w, h int) {
		m := onEveryStatus(t, w, h)
		golden(t, m)
		text := screenText(m)
		for _, s := range history.Statuses() {
			if !strings.Contains(text, strings.ReplaceAll(string(s), "_", " ")) {
				t.Errorf("status %s missing from the list", s)
			}
		}
	})
}

func TestGoldenDetail(t *testing.T) {
	t.Parallel()
	eachSize(t, func(t *testing.T, w, h int) {
		m := onEveryStatus(t, w, h)
		jobsOf(m).list.step(6) // the finished job, oldest
		m = send(t, m, press("enter"))
		golden(t, m)
	})
}

func TestGoldenDetailCompareGroup(t *testing.T) {
	t.Parallel()
	eachSize(t, func(t *testing.T, w, h int) {
		store := openStore(t)
		js := everyStatus()
		std, pro := js[0], js[4]
		std.GroupID, pro.GroupID = "gtest", "gtest"
		pro.CreatedAt = std.CreatedAt
		seeded := seedStore(t, store, []history.Job{std, pro})
		m := newTestModel(t, store, nil, w, h)
		m = pressKeys(t, m, "esc", "enter")
		if len(detailOf(m).group) != 2 {
			t.Fatalf("group of %d, want 2 (%v)", len(detailOf(m).group), seeded)
		}
		golden(t, m)
	})
}

func TestGoldenDetailDownloadProgress(t *testing.T) {
	t.Parallel()
	eachSize(t, func(t *testing.T, w, h int) {
		store := openStore(t)
		seedStore(t, store, everyStatus()[:1])
		m := newTestModel(t, store, nil, w, h)
		m = pressKeys(t, m, "esc", "enter")
		detailOf(m).dl = &downloadState{id: detailOf(m).job.ID, done: 1200 << 10, total: 2600 << 10}
		golden(t, m)
		if !strings.Contains(screenText(m), "46% 1.2 MB/2.5 MB") {
			t.Errorf("no download progress:\n%s", screenText(m))
		}
	})
}

func TestGoldenHistory(t *testing.T) {
	t.Parallel()
	eachSize(t, func(t *testing.T, w, h int) {
		m := onEveryStatus(t, w, h)
		m = send(t, m, press("h"))
		golden(t, m)
		if want := fmt.Sprintf("of %d jobs in the history", len(everyStatus())); !strings.Contains(screenText(m), want) {
			t.Errorf("History does not say %q", want)
		}
	})
}

func TestGoldenHelp(t *testing.T) {
	t.Parallel()
	eachSize(t, func(t *testing.T, w, h int) {
		m := newTestModel(t, openStore(t), nil, w, h)
		m = pressKeys(t, m, "esc", "?")
		golden(t, m)
		m = send(t, m, press("esc"))
		if m.current == helpID {
			t.Error("esc did not close the help")
		}
	})
}
