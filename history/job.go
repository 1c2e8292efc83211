package history

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// SchemaVersion is the version of the file layout and of the job record that
// this package writes; Open refuses files with a newer one and migrates
// older ones. Version 2 added the word index that answers searches;
// version 3 kept it as posting lists, a tenth of the size, version 4
// keeps the lists' open ends apart, version 5 drops the lists of
// common words (see postings.go), and version 6 lets an import index its
// words after its jobs (see pending.go).
const SchemaVersion = 6

// Status is where a job stands, from before its submit request to a result.
type Status string

// The statuses a job moves through. Every job starts as StatusSubmitting and
// ends in one of the terminal statuses (see Status.Terminal).
const (
	// StatusSubmitting is stored before the submit request is sent.
	StatusSubmitting Status = "submitting"
	// StatusUnconfirmed means the submit outcome is unknown: the task may
	// exist on the server (a crash or timeout during submit).
	StatusUnconfirmed Status = "unconfirmed"
	// StatusRejected means the task was provably never created, or the
	// server refused it (400, 401, 402); nothing was billed.
	StatusRejected Status = "rejected"
	// StatusNotStarted means the server accepted the task but has not
	// started it (queued).
	StatusNotStarted Status = "not_started"
	// StatusRunning means the server is generating the video.
	StatusRunning Status = "running"
	// StatusFinished means the video is ready.
	StatusFinished Status = "finished"
	// StatusFailed means the server gave up on the task.
	StatusFailed Status = "failed"
	// StatusExpired means the server no longer knows a task it once
	// accepted (it answered 404 several times); APIDot keeps results for
	// 24 hours to 3 days. Nothing more will come of it.
	StatusExpired Status = "expired"
)

// ExpiredNote explains StatusExpired to a person.
const ExpiredNote = "the server no longer knows this task; results are kept 24 h to 3 days"

// allStatuses lists every valid status in the order a job moves through them.
var allStatuses = [...]Status{
	StatusSubmitting, StatusUnconfirmed, StatusRejected,
	StatusNotStarted, StatusRunning, StatusFinished, StatusFailed, StatusExpired,
}

// unfinishedStatuses are the statuses Unfinished reports.
var unfinishedStatuses = []Status{
	StatusSubmitting, StatusUnconfirmed, StatusNotStarted, StatusRunning,
}

// Statuses returns every valid status, in the order a job moves through them.
func Statuses() []Status {
	out := make([]Status, len(allStatuses))
	copy(out, allStatuses[:])
	return out
}

// Terminal reports whether a job in this status will never change again.
func (s Status) Terminal() bool {
	switch s {
	case StatusRejected, StatusFinished, StatusFailed, StatusExpired:
		return true
	}
	return false
}

// Valid reports whether s is one of the defined statuses.
func (s Status) Valid() bool {
	for _, v := range allStatuses {
		if s == v {
			return true
		}
	}
	return false
}

// ParseStatus turns user input such as "running" or "Not-Started" into a
// Status; it returns an error wrapping ErrInvalid for anything else.
func ParseStatus(s string) (Status, error) {
	norm := Status(strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "-", "_"))
	if norm.Valid() {
		return norm, nil
	}
	names := make([]string, len(allStatuses))
	for i, v := range allStatuses {
		names[i] = string(v)
	}
	return "", fmt.Errorf("%w: unknown status %q (want one of %s)", ErrInvalid, s, strings.Join(names, ", "))
}

// StatusChange is one entry of a job's status history.
type StatusChange struct {
	Status Status `json:"status"`
	// Raw is the server's own status value when it differs from Status
	// (for example "queued", shown as not_started).
	Raw      string    `json:"raw,omitempty"`
	Progress *int      `json:"progress,omitempty"`
	Note     string    `json:"note,omitempty"` // for example an error reason
	At       time.Time `json:"at"`
}

// Job is one video generation request as recorded in the history file. Its
// JSON form is the one printed by --json and written by Export.
type Job struct {
	ID      string `json:"id"`       // local id, assigned by Create
	TaskID  string `json:"task_id"`  // APIDot task id, empty until the server answers
	GroupID string `json:"group_id"` // shared by the jobs of one compare submission
	Model   string `json:"model"`    // API name, e.g. "sora-2-official"
	Status  Status `json:"status"`
	// Progress is the server's percentage; nil means unknown (JSON null).
	Progress    *int       `json:"progress"`
	Prompt      string     `json:"prompt"`
	ImageURL    string     `json:"image_url"`
	Duration    int        `json:"duration"`
	AspectRatio string     `json:"aspect_ratio"`
	Resolution  string     `json:"resolution"`
	Credits     int        `json:"credits"`
	VideoURLs   []string   `json:"video_urls"`
	Error       string     `json:"error"`
	LocalPath   string     `json:"local_path"`
	CallbackURL string     `json:"callback_url"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	FinishedAt  *time.Time `json:"finished_at"`
	// StatusHistory lists every status change, oldest first.
	StatusHistory []StatusChange `json:"status_history"`
	Schema        int            `json:"schema"`
	// CreditsCharged is the server's credits_amount, what the task really
	// cost (0 for a refunded failure); nil until the server says.
	CreditsCharged *int `json:"credits_charged"`
	// BatchID is shared by the jobs of one batch file run; BatchKey names
	// the file line a job came from, so a rerun of the file skips it.
	BatchID  string `json:"batch_id,omitempty"`
	BatchKey string `json:"batch_key,omitempty"`
}

// jobJSON has Job's fields without its methods, so MarshalJSON can call
// json.Marshal without recursing.
type jobJSON Job

// MarshalJSON writes empty lists as [] rather than null, so scripts can
// iterate video_urls and status_history without a null check, and leaves
// <, > and & in prompts unescaped so exports stay readable.
func (j Job) MarshalJSON() ([]byte, error) {
	if j.VideoURLs == nil {
		j.VideoURLs = []string{}
	}
	if j.StatusHistory == nil {
		j.StatusHistory = []StatusChange{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(jobJSON(j)); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// SetStatus moves the job to status s at time at. It appends a StatusChange
// when the status or the server's raw value differs from the last entry,
// sets UpdatedAt, and sets FinishedAt when s is terminal (clears it
// otherwise). raw is the server's own status value; pass "" or string(s)
// when they agree.
func (j *Job) SetStatus(s Status, raw string, at time.Time) {
	at = at.UTC()
	if raw == string(s) {
		raw = ""
	}
	n := len(j.StatusHistory)
	if n == 0 || j.StatusHistory[n-1].Status != s || j.StatusHistory[n-1].Raw != raw {
		j.StatusHistory = append(j.StatusHistory, StatusChange{Status: s, Raw: raw, At: at})
	}
	j.Status = s
	j.UpdatedAt = at
	switch {
	case !s.Terminal():
		j.FinishedAt = nil
	case j.FinishedAt == nil:
		t := at
		j.FinishedAt = &t
	}
}

// Cursor returns the job's position in the newest-first order of List, for
// Query.After and Query.Before.
func (j Job) Cursor() Cursor {
	return Cursor{CreatedAt: j.CreatedAt, ID: j.ID}
}

// Cursor is a position in the newest-first order of List: a created_at time
// and a local id. It stays valid when the job it came from is deleted.
type Cursor struct {
	CreatedAt time.Time
	ID        string
}

// Bounds for values that end up in bbolt keys or in a terminal.
const (
	maxIDLen     = 64
	maxTaskIDLen = 256
	maxModelLen  = 256
)

// Times that fit int64 Unix nanoseconds, the encoding of the order index.
var (
	minTime = time.Unix(0, -1<<63).UTC()
	maxTime = time.Unix(0, 1<<63-1).UTC()
)

// validate checks what the store relies on: a usable id, a known status,
// times that fit the order index, and keys that fit bbolt.
func (j *Job) validate() error {
	if err := validID(j.ID); err != nil {
		return err
	}
	if !j.Status.Valid() {
		return fmt.Errorf("%w: invalid status %q", ErrInvalid, j.Status)
	}
	if len(j.TaskID) > maxTaskIDLen || strings.ContainsFunc(j.TaskID, isControl) {
		return fmt.Errorf("%w: invalid task_id %q", ErrInvalid, j.TaskID)
	}
	if len(j.Model) > maxModelLen || strings.ContainsFunc(j.Model, isControl) {
		return fmt.Errorf("%w: invalid model %q", ErrInvalid, j.Model)
	}
	if j.CreatedAt.IsZero() {
		return fmt.Errorf("%w: created_at missing", ErrInvalid)
	}
	for _, f := range []struct {
		name string
		t    time.Time
	}{{"created_at", j.CreatedAt}, {"updated_at", j.UpdatedAt}} {
		if f.t.Before(minTime) || f.t.After(maxTime) {
			return fmt.Errorf("%w: %s %s out of range", ErrInvalid, f.name, f.t.Format(time.RFC3339))
		}
	}
	for i, c := range j.StatusHistory {
		if !c.Status.Valid() {
			return fmt.Errorf("%w: status_history[%d]: invalid status %q", ErrInvalid, i, c.Status)
		}
	}
	return nil
}

// validID accepts the ids this package generates and any other short,
// shell-safe token an imported file may carry.
func validID(id string) error {
	if id == "" || len(id) > maxIDLen {
		return fmt.Errorf("%w: invalid id %q (1 to %d characters)", ErrInvalid, id, maxIDLen)
	}
	for _, r := range id {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.'
		if !ok {
			return fmt.Errorf("%w: invalid id %q (letters, digits, '-', '_' and '.' only)", ErrInvalid, id)
		}
	}
	return nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// normalize puts times in UTC without monotonic readings, so that a job reads
// back equal to what was written.
func (j *Job) normalize() {
	j.CreatedAt = j.CreatedAt.UTC()
	j.UpdatedAt = j.UpdatedAt.UTC()
	if j.FinishedAt != nil {
		t := j.FinishedAt.UTC()
		j.FinishedAt = &t
	}
	for i := range j.StatusHistory {
		j.StatusHistory[i].At = j.StatusHistory[i].At.UTC()
	}
	j.Schema = SchemaVersion
}
