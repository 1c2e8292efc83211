package history

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestStatusTerminalAndValid(t *testing.T) {
	tests := []struct {
		s               Status
		terminal, valid bool
	}{
		{StatusSubmitting, false, true},
		{StatusUnconfirmed, false, true},
		{StatusRejected, true, true},
		{StatusNotStarted, false, true},
		{StatusRunning, false, true},
		{StatusFinished, true, true},
		{StatusFailed, true, true},
		{"queued", false, false},
		{"", false, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.s), func(t *testing.T) {
			if got := tt.s.Terminal(); got != tt.terminal {
				t.Errorf("Terminal() = %v, want %v", got, tt.terminal)
			}
			if got := tt.s.Valid(); got != tt.valid {
				t.Errorf("Valid() = %v, want %v", got, tt.valid)
			}
		})
	}
}

func TestParseStatus(t *testing.T) {
	tests := []struct {
		in      string
		want    Status
		wantErr bool
	}{
		{"running", StatusRunning, false},
		{" Finished ", StatusFinished, false},
		{"not-started", StatusNotStarted, false},
		{"not_started", StatusNotStarted, false},
		{"queued", "", true},
		{"", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseStatus(tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("ParseStatus(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
			}
			if err != nil && !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
		})
	}
}

func TestSetStatusRecordsChanges(t *testing.T) {
	t0 := time.Date(2025, 1, 2, 3, 4, 5, 0, time.FixedZone("CET", 3600))
	var j Job
	j.SetStatus(StatusSubmitting, "", t0)
	j.SetStatus(StatusNotStarted, "queued", t0.Add(time.Second))
	j.SetStatus(StatusNotStarted, "queued", t0.Add(2*time.Second)) // same: no entry
	j.SetStatus(StatusNotStarted, "not_started", t0.Add(3*time.Second))
	j.SetStatus(StatusRunning, "running", t0.Add(4*time.Second))
	if j.FinishedAt != nil {
		t.Fatalf("FinishedAt = %v before a terminal status", j.FinishedAt)
	}
	j.SetStatus(StatusFinished, "", t0.Add(5*time.Second))

	want := []StatusChange{
		{Status: StatusSubmitting, At: t0.UTC()},
		{Status: StatusNotStarted, Raw: "queued", At: t0.Add(time.Second).UTC()},
		{Status: StatusNotStarted, At: t0.Add(3 * time.Second).UTC()},
		{Status: StatusRunning, At: t0.Add(4 * time.Second).UTC()},
		{Status: StatusFinished, At: t0.Add(5 * time.Second).UTC()},
	}
	if len(j.StatusHistory) != len(want) {
		t.Fatalf("history = %+v, want %+v", j.StatusHistory, want)
	}
	for i := range want {
		got := j.StatusHistory[i]
		if got.Status != want[i].Status || got.Raw != want[i].Raw || !got.At.Equal(want[i].At) || got.At.Location() != time.UTC {
			t.Errorf("history[%d] = %+v, want %+v in UTC", i, got, want[i])
		}
	}
	if j.Status != StatusFinished || !j.UpdatedAt.Equal(t0.Add(5*time.Second)) {
		t.Errorf("Status, UpdatedAt = %s, %v", j.Status, j.UpdatedAt)
	}
	if j.FinishedAt == nil || !j.FinishedAt.Equal(t0.Add(5*time.Second)) {
		t.Errorf("FinishedAt = %v, want %v", j.FinishedAt, t0.Add(5*time.Second))
	}
}

func TestJobJSON(t *testing.T) {
	created := time.Date(2025, 3, 4, 5, 6, 7, 890, time.UTC)
	j := Job{ID: "abc", Status: StatusRunning, Prompt: "a <cat> & dog", CreatedAt: created}
	b, err := json.Marshal(j)
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "task_id", "group_id", "model", "status", "progress", "prompt", "image_url",
		"duration", "aspect_ratio", "resolution", "credits", "video_urls", "error", "local_path",
		"created_at", "updated_at", "finished_at", "status_history", "schema"} {
		if _, ok := fields[k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, b)
		}
	}
	checks := map[string]string{
		"video_urls":     `[]`,
		"status_history": `[]`,
		"progress":       `null`,
		"finished_at":    `null`,
		"created_at":     `"2025-03-04T05:06:07.00000089Z"`,
	}
	for k, want := range checks {
		if got := string(fields[k]); got != want {
			t.Errorf("%s = %s, want %s", k, got, want)
		}
	}
	m, err := j.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(m), `"a <cat> & dog"`) {
		t.Errorf("MarshalJSON escapes the prompt: %s", m)
	}
}
