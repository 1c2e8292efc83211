// Package ledger counts what jobs cost: the server's charge when it said
// so, else the catalog estimate of a finished job, with jobs whose billing
// is uncertain kept apart and jobs that were refused never counted.
package ledger

import (
	"fmt"
	"sort"
	"time"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/history"
)

// Kind is how a job's credits count.
type Kind int

// The kinds of charge a job can carry.
const (
	// None: never billed (refused by the server or locally, or not yet sent).
	None Kind = iota
	// Billed: charged, by the server's word or because the job finished.
	Billed
	// Maybe: the job may or may not have been billed (unconfirmed, or
	// failed or expired without the server saying what it charged).
	Maybe
	// Pending: accepted and still running; it will be billed.
	Pending
)

// Classify says how j counts and for how many credits.
func Classify(j history.Job) (Kind, int) {
	switch j.Status {
	case history.StatusRejected, history.StatusSubmitting:
		return None, 0
	}
	if j.CreditsCharged != nil {
		return Billed, *j.CreditsCharged
	}
	switch j.Status {
	case history.StatusFinished:
		return Billed, j.Credits
	case history.StatusNotStarted, history.StatusRunning:
		return Pending, j.Credits
	}
	// unconfirmed, failed, expired, or a status this build does not know
	return Maybe, j.Credits
}

// Totals sums jobs by kind.
type Totals struct {
	Jobs    int `json:"jobs"`
	Billed  int `json:"billed"`
	Maybe   int `json:"maybe"`
	Pending int `json:"pending"`
}

// Add counts j.
func (t *Totals) Add(j history.Job) {
	kind, n := Classify(j)
	switch kind {
	case None:
		return
	case Billed:
		t.Billed += n
	case Maybe:
		t.Maybe += n
	case Pending:
		t.Pending += n
	}
	t.Jobs++
}

// Committed is what a budget must allow for: billed, running and uncertain
// credits alike, so a budget is never passed by jobs still in flight.
func (t Totals) Committed() int { return t.Billed + t.Maybe + t.Pending }

// Lister lists jobs; *history.Store is one.
type Lister interface {
	List(history.Query) ([]history.Job, error)
}

// pageSize is how many jobs Walk reads per transaction.
const pageSize = 500

// Walk calls fn for every job created at or after since (all jobs for a
// zero since), newest first, a page at a time so a large history is never
// held whole.
func Walk(l Lister, since time.Time, fn func(history.Job)) error {
	q := history.Query{Limit: pageSize}
	for {
		page, err := l.List(q)
		if err != nil {
			return err
		}
		for _, j := range page {
			if !since.IsZero() && j.CreatedAt.Before(since) {
				return nil
			}
			fn(j)
		}
		if len(page) < pageSize {
			return nil
		}
		c := page[len(page)-1].Cursor()
		q.After = &c
	}
}

// MonthStart is the first instant of now's calendar month in now's zone.
func MonthStart(now time.Time) time.Time {
	y, m, _ := now.Date()
	return time.Date(y, m, 1, 0, 0, 0, 0, now.Location())
}

// Month totals the jobs created in now's calendar month.
func Month(l Lister, now time.Time) (Totals, error) {
	var t Totals
	err := Walk(l, MonthStart(now), func(j history.Job) { t.Add(j) })
	return t, err
}

// Row is one group of a spend report.
type Row struct {
	Key string `json:"key"`
	Totals
}

// Group is how a report groups jobs: "day", "month" or "model".
type Group string

// The groupings Report offers.
const (
	ByDay   Group = "day"
	ByMonth Group = "month"
	ByModel Group = "model"
)

// ParseGroup reads --by.
func ParseGroup(s string) (Group, error) {
	switch g := Group(s); g {
	case ByDay, ByMonth, ByModel:
		return g, nil
	}
	return "", fmt.Errorf("unknown grouping %q: use day, month or model", s)
}

// key is the group j belongs to, dates in loc.
func (g Group) key(j history.Job, loc *time.Location) string {
	switch g {
	case ByDay:
		return j.CreatedAt.In(loc).Format("2006-01-02")
	case ByModel:
		return apidot.VariantLabel(j.Model, j.Resolution)
	}
	return j.CreatedAt.In(loc).Format("2006-01")
}

// Report totals the jobs created at or after since, grouped by g; rows
// hold only groups with a counted job, dates newest first, models by name.
func Report(l Lister, since time.Time, g Group, loc *time.Location) ([]Row, Totals, error) {
	var total Totals
	byKey := map[string]*Row{}
	var order []string
	err := Walk(l, since, func(j history.Job) {
		if kind, _ := Classify(j); kind == None {
			return
		}
		total.Add(j)
		k := g.key(j, loc)
		r, ok := byKey[k]
		if !ok {
			r = &Row{Key: k}
			byKey[k] = r
			order = append(order, k)
		}
		r.Add(j)
	})
	if err != nil {
		return nil, Totals{}, err
	}
	if g == ByModel {
		sort.Strings(order)
	}
	rows := make([]Row, len(order))
	for i, k := range order {
		rows[i] = *byKey[k]
	}
	return rows, total, nil
}
