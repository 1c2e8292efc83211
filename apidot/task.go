package apidot

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// Task statuses the API documents. Any other value means still pending.
const (
	StatusNotStarted = "not_started"
	StatusRunning    = "running"
	StatusFinished   = "finished"
	StatusFailed     = "failed"
)

// File is one output file of a task.
type File struct {
	URL  string `json:"file_url"`
	Type string `json:"file_type"`
}

// Task is what the API says of a task.
type Task struct {
	ID           string
	Status       string // raw, as the server sent it
	Progress     *int   // 0–100, nil when the server gave none
	Files        []File
	ErrorMessage string
	CreatedTime  string
	// CreditsAmount is what the server says the task cost (0 for a
	// refunded failure); nil when the answer does not say.
	CreditsAmount *int
}

// Terminal reports finished or failed.
func (t Task) Terminal() bool { return t.Status == StatusFinished || t.Status == StatusFailed }

// VideoURLs returns the URLs of the files typed as video; when no file
// says its type, every file's URL.
func (t Task) VideoURLs() []string {
	var videos, untyped []string
	for _, f := range t.Files {
		if f.URL == "" {
			continue
		}
		switch strings.ToLower(f.Type) {
		case "video":
			videos = append(videos, f.URL)
		case "":
			untyped = append(untyped, f.URL)
		}
	}
	if len(videos) > 0 {
		return videos
	}
	return untyped
}

// envelope is the body of every answer.
type envelope struct {
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Msg     string          `json:"msg"`
	Error   json.RawMessage `json:"error"`
	Data    *taskData       `json:"data"`
}

type taskData struct {
	TaskID   string    `json:"task_id"`
	Status   string    `json:"status"`
	Progress *progress `json:"progress"`
	Output   *struct {
		Files []File `json:"files"`
	} `json:"output"`
	Files         []File  `json:"files"`
	ErrorMessage  *string `json:"error_message"`
	CreatedTime   string  `json:"created_time"`
	CreditsAmount *amount `json:"credits_amount"`
}

func (d *taskData) task() Task {
	t := Task{ID: d.TaskID, Status: d.Status, CreatedTime: d.CreatedTime}
	if d.Progress != nil && d.Progress.ok {
		p := d.Progress.value
		t.Progress = &p
	}
	if d.Output != nil {
		t.Files = append(t.Files, d.Output.Files...)
	}
	t.Files = append(t.Files, d.Files...)
	if d.ErrorMessage != nil {
		t.ErrorMessage = *d.ErrorMessage
	}
	if d.CreditsAmount != nil && d.CreditsAmount.ok {
		c := d.CreditsAmount.value
		t.CreditsAmount = &c
	}
	return t
}

// errorDetail reads the error's type and message, whether the server sent
// an object {type, message} or a plain string.
func (e *envelope) errorDetail() (typ, msg string) {
	msg = e.Message
	if msg == "" {
		msg = e.Msg
	}
	raw := bytes.TrimSpace(e.Error)
	if len(raw) == 0 || string(raw) == "null" {
		return "", msg
	}
	var obj struct {
		Type    string `json:"type"`
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	if json.Unmarshal(raw, &obj) == nil {
		typ = obj.Type
		if typ == "" {
			typ = obj.Code
		}
		if obj.Message != "" {
			msg = obj.Message
		}
		return typ, msg
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if msg == "" {
			return "", s
		}
		return s, msg
	}
	return "", msg
}

// progress accepts a number or a numeric string, clamped to 0–100.
type progress struct {
	value int
	ok    bool
}

func (p *progress) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(bytes.TrimSpace(b)), `"`)
	if s == "" || s == "null" {
		return nil
	}
	f, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
	if err != nil || math.IsNaN(f) {
		return nil // an unreadable progress is no progress, never an error
	}
	p.value, p.ok = int(math.Round(min(max(f, 0), 100))), true
	return nil
}

// amount accepts a credit count as a number or a numeric string; a
// negative or unreadable value is no amount.
type amount struct {
	value int
	ok    bool
}

func (a *amount) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(bytes.TrimSpace(b)), `"`)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || f < 0 || f > math.MaxInt32 {
		return nil // an unreadable amount is unknown, never an error
	}
	a.value, a.ok = int(math.Round(f)), true
	return nil
}
