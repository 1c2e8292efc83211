package apidottest

import (
	"net/http"
	"time"
)

// ForgedLine is the line HostileText tries to print on a line of its own, posing as
// soratui's own report of a saved video.
const ForgedLine = "finished, saved to /tmp/forged.mp4"

// HostileText is what a hostile server appends to every text field: an OSC 52 clipboard
// write, a screen clear, a title set, a C1 CSI, a bidi override and a forged line.
const HostileText = "\x1b]52;c;ZWNobyBwd25lZA==\x07\x1b[2J\x1b[H\x1b]0;pwned\x1b\\\u009b31m\u202e\r\n" + ForgedLine + "\n"

// HostileURL is the extra video URL a hostile server lists: a javascript: URL with
// control characters, never to be fetched, opened or copied.
const HostileURL = "javascript:alert(document.cookie)//\x1b]52;c;eA==\x07"

// spoil appends HostileText to every text the server chose in an answer body (messages,
// error types, statuses while queued, error_message, created_time), leaving the statuses
// that drive a task (running, finished, failed) readable so tasks still end.
func spoil(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	for k, val := range m {
		switch k {
		case "message", "msg", "type", "created_time":
			if s, ok := val.(string); ok {
				m[k] = s + HostileText
			}
		case "error_message":
			s, _ := val.(string)
			m[k] = s + HostileText
		case "status":
			if val == "not_started" {
				m[k] = "queued" + HostileText // an unknown status means pending
			}
		case "error", "data":
			m[k] = spoil(val)
		}
	}
	return m
}

// hostileFiles adds the files a hostile server lists beside the real video: a file: poster
// and a javascript: video.
func hostileFiles(files []map[string]any) []map[string]any {
	return append(files,
		map[string]any{"file_url": "file:///etc/passwd", "file_type": "image"},
		map[string]any{"file_url": HostileURL, "file_type": "video"},
	)
}

// Forget makes the server answer 404 for a task it accepted earlier, as APIDot does once
// it no longer keeps a task (results last 24 h to 3 days).
func (s *Server) Forget(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.forgotten[id] = true
}

// forgottenLocked reports a task Forget dropped.
func (s *Server) forgottenLocked(id string) bool { return s.forgotten[id] }

// modelGone answers a submit the way resellers did after Sora 2 left OpenAI's API: the
// model is not found. It reports whether it answered.
func (s *Server) modelGone(w http.ResponseWriter, r *http.Request, idx int, model string) bool {
	if !s.opts.ModelNotFound {
		return false
	}
	s.answer(w, r, &idx, http.StatusNotFound, errorBody(404, "model_not_found",
		"The model `"+model+"` does not exist or you do not have access to it."))
	return true
}

// answeredID is the task id a submit answer carries: the created one, or AnswerTaskID.
func (s *Server) answeredID(t *Task) string {
	if s.opts.AnswerTaskID != "" {
		return s.opts.AnswerTaskID
	}
	return t.ID
}

// createdTime formats a task's creation time the way the API does.
func createdTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05") }
