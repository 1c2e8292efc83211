package history

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

const (
	std = "sora-2-official"
	pro = "sora-2-pro-official"
)

// listFixture stores 40 jobs with varied models, statuses and prompts;
// some share a created_at so the id decides their order.
func listFixture(t *testing.T) (*Store, []*Job) {
	t.Helper()
	s := openTestStore(t)
	prompts := []string{
		"A cat on a skateboard", "dog in the rain", "CAT astronaut", "a café in Paris",
		`the "quoted" sign`, "bold <b>tag</b> & co", "concatenate the clouds", "sunset",
	}
	var js []*Job
	for i := range 40 {
		created := testEpoch.Add(time.Duration(i/3) * time.Minute) // three jobs per minute
		j := &Job{
			Model:     []string{std, pro}[i%2],
			Status:    allStatuses[i%len(allStatuses)],
			Prompt:    fmt.Sprintf("%s #%d", prompts[i%len(prompts)], i),
			CreatedAt: created,
		}
		if i%4 != 0 {
			j.TaskID = fmt.Sprintf("task-%03d", i)
		}
		js = append(js, j)
	}
	// Shuffle creation order so that ids do not follow created_at.
	slices.Reverse(js[10:30])
	mustCreate(t, s, js...)
	return s, js
}

func TestListFilters(t *testing.T) {
	t.Parallel()
	s, js := listFixture(t)
	cutoff := testEpoch.Add(5 * time.Minute)
	tests := []struct {
		name string
		q    Query
		keep func(*Job) bool
	}{
		{"all", Query{}, func(*Job) bool { return true }},
		{"one status", Query{Statuses: []Status{StatusRunning}}, func(j *Job) bool { return j.Status == StatusRunning }},
		{"several statuses", Query{Statuses: []Status{StatusFailed, StatusSubmitting, StatusFailed}},
			func(j *Job) bool { return j.Status == StatusFailed || j.Status == StatusSubmitting }},
		{"model", Query{Model: pro}, func(j *Job) bool { return j.Model == pro }},
		{"model and statuses", Query{Model: pro, Statuses: []Status{StatusFinished, StatusNotStarted}},
			func(j *Job) bool {
				return j.Model == pro && (j.Status == StatusFinished || j.Status == StatusNotStarted)
			}},
		{"unknown model", Query{Model: "sora-3"}, func(*Job) bool { return false }},
		{"search ignores case, at a word start", Query{Search: "cAt"}, func(j *Job) bool {
			return strings.HasPrefix(j.Prompt, "A cat") || strings.HasPrefix(j.Prompt, "CAT")
		}},
		{"search a word's start", Query{Search: "clo"}, func(j *Job) bool { return strings.Contains(j.Prompt, "clouds") }},
		{"search words in order", Query{Search: "the clouds"}, func(j *Job) bool { return strings.Contains(j.Prompt, "the clouds") }},
		{"search no word's middle", Query{Search: "oncat"}, func(j *Job) bool { return false }},
		{"search non-ASCII", Query{Search: "CAFÉ"}, func(j *Job) bool { return strings.Contains(j.Prompt, "café") }},
		{"search a quote", Query{Search: `"quoted"`}, func(j *Job) bool { return strings.Contains(j.Prompt, `"quoted"`) }},
		{"search markup", Query{Search: "<b>tag</b> &"}, func(j *Job) bool { return strings.Contains(j.Prompt, "<b>tag</b> &") }},
		{"search task id", Query{Search: "TASK-01"}, func(j *Job) bool { return strings.HasPrefix(j.TaskID, "task-01") }},
		{"search and status", Query{Search: "#1", Statuses: []Status{StatusRejected}},
			func(j *Job) bool { return strings.Contains(j.Prompt, "#1") && j.Status == StatusRejected }},
		{"search looks at no other field", Query{Search: "sora"}, func(j *Job) bool { return false }},
		{"created before", Query{CreatedBefore: cutoff}, func(j *Job) bool { return j.CreatedAt.Before(cutoff) }},
		{"created before with model", Query{CreatedBefore: cutoff, Model: std},
			func(j *Job) bool { return j.CreatedAt.Before(cutoff) && j.Model == std }},
	}
	for _, tt := range tests {
		for _, limit := range []int{0, 3} {
			t.Run(fmt.Sprintf("%s/limit=%d", tt.name, limit), func(t *testing.T) {
				var want []*Job
				for _, j := range js {
					if tt.keep(j) {
						want = append(want, j)
					}
				}
				wantIDs := newestFirst(want)
				if limit > 0 && len(wantIDs) > limit {
					wantIDs = wantIDs[:limit]
				}
				q := tt.q
				q.Limit = limit
				got := ids(mustList(t, s, q))
				if !slices.Equal(got, wantIDs) && len(got)+len(wantIDs) > 0 {
					t.Errorf("List(%+v)\n got %v\nwant %v", q, got, wantIDs)
				}
			})
		}
	}
	if _, err := s.List(Query{Statuses: []Status{"queued"}}); !errors.Is(err, ErrInvalid) {
		t.Errorf("List(unknown status) = %v, want ErrInvalid", err)
	}
}

func TestListPagesForwardAndBack(t *testing.T) {
	s, _ := listFixture(t)
	queries := []Query{
		{},
		{Statuses: []Status{StatusRunning, StatusFinished, StatusFailed}},
		{Model: std},
		{Search: "a"},
	}
	const size = 4
	for _, base := range queries {
		t.Run(fmt.Sprintf("%+v", base), func(t *testing.T) {
			all := ids(mustList(t, s, base))
			if len(all) <= size {
				t.Fatalf("fixture too small for paging: %d jobs", len(all))
			}
			var pages [][]Job
			q := base
			q.Limit = size
			for {
				page := mustList(t, s, q)
				if len(page) == 0 {
					break
				}
				pages = append(pages, page)
				c := page[len(page)-1].Cursor()
				q.After = &c
			}
			var forward []string
			for _, p := range pages {
				forward = append(forward, ids(p)...)
			}
			if !slices.Equal(forward, all) {
				t.Fatalf("forward pages give %v, want %v", forward, all)
			}
			// Back from the last page, each previous page is the same.
			q = base
			q.Limit = size
			for i := len(pages) - 1; i > 0; i-- {
				c := pages[i][0].Cursor()
				q.Before = &c
				back := ids(mustList(t, s, q))
				if want := ids(pages[i-1]); !slices.Equal(back, want) {
					t.Errorf("page before %d = %v, want %v", i, back, want)
				}
			}
			c := pages[0][0].Cursor()
			q.Before = &c
			if back := mustList(t, s, q); len(back) != 0 {
				t.Errorf("page before the first = %v, want none", ids(back))
			}
		})
	}
}

func TestListPageSurvivesDeletedCursorJob(t *testing.T) {
	s, _ := listFixture(t)
	all := ids(mustList(t, s, Query{}))
	page := mustList(t, s, Query{Limit: 5})
	c := page[4].Cursor()
	if _, err := s.Delete(page[4].ID); err != nil {
		t.Fatal(err)
	}
	next := ids(mustList(t, s, Query{Limit: 5, After: &c}))
	if !slices.Equal(next, all[5:10]) {
		t.Errorf("next page = %v, want %v", next, all[5:10])
	}
}
