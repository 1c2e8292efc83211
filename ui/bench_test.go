package ui

import (
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/history/historytest"
	"github.com/soratui/soratui/keys"
)

// BenchmarkStartup measures start-up to the first frame in an 80×24
// terminal: open the history, build the model, read what the first frame
// shows, draw it (closing the history is not timed). It should cost the
// same with 100,000 jobs as with 10 (SPEC §5); the larger history fills
// the screen (20 rows, not 10).
func BenchmarkStartup(b *testing.B) {
	historytest.BySize(b, func(b *testing.B, path string) {
		for b.Loop() {
			store, err := history.Open(path, history.Options{})
			if err != nil {
				b.Fatal(err)
			}
			m := newModel(Config{
				Backend: Backend{Store: store},
				Key:     keys.Key{Value: "sk-bench-0123456789", Source: keys.SourceEnv},
			})
			m = send(b, m, tea.WindowSizeMsg{Width: 80, Height: 24})
			m.current = jobsID
			// The first frame: the rest of the list loads after it,
			// in a command this run does not wait for.
			m, _ = sendCmd(b, m, jobsOf(m).loadFirst()())
			if len(jobsOf(m).list.jobs) == 0 {
				b.Fatal("the first frame has no jobs")
			}
			_ = m.render()
			// Closing comes when the user quits, not before the first
			// frame; unmapping a large file costs up to a millisecond
			// on a virtual machine, more than a small history's start.
			b.StopTimer()
			store.Close()
			b.StartTimer()
		}
	})
}

// BenchmarkRenderFrame draws the job list with 1,000 live jobs.
func BenchmarkRenderFrame(b *testing.B) {
	js := make([]history.Job, 1000)
	for i := range js {
		j := historytest.Job(i)
		j.Status = history.StatusRunning
		p := i % 100
		j.Progress = &p
		js[len(js)-1-i] = j
	}
	m := newModel(Config{Key: keys.Key{Value: "sk-bench-0123456789", Source: keys.SourceEnv}})
	m = send(b, m, tea.WindowSizeMsg{Width: 120, Height: 40})
	m.current = jobsID
	jobsOf(m).list.replace(js)
	b.Run("jobs=1000", func(b *testing.B) {
		for b.Loop() {
			m.sh.frame++
			_ = m.render()
		}
	})
}
