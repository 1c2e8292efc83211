package apidottest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/soratui/soratui/apidot/apidottest"
)

func status(t *testing.T, s *apidottest.Server, id string) (int, string) {
	t.Helper()
	resp := call(t, s, http.MethodGet, "/api/generate/status/"+id, nil)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(raw)
}

func TestHostileModeSpoilsEveryTextField(t *testing.T) {
	t.Parallel()
	s := apidottest.NewTestServer(t, apidottest.Options{Hostile: true, QueueTime: time.Hour})
	escaped, _ := json.Marshal(apidottest.HostileText)
	hostile := strings.Trim(string(escaped), `"`)
	tests := []struct {
		name, body string
		want       []string
	}{
		{"queued status", `{"model":"sora-2-official","input":{"prompt":"p"}}`, []string{`"message"`, `"created_time"`}},
		{"400 message", `{"model":"sora-2-official","input":{"prompt":""}}`, []string{`"message"`, `"type"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, out := post(t, s, tc.body)
			b, _ := json.Marshal(out)
			if strings.Count(string(b), hostile) < 1 {
				t.Fatalf("answer %s lacks the hostile text", b)
			}
		})
	}
	task := s.Tasks()[0]
	code, text := status(t, s, task.ID)
	if code != 200 || !strings.Contains(text, `"status":"queued`+hostile) || !strings.Contains(text, `"error_message":"`+hostile) {
		t.Fatalf("status %d %s: want a hostile queued status and error_message", code, text)
	}
}

func TestHostileFinishedTaskListsUntrustedFiles(t *testing.T) {
	t.Parallel()
	s := apidottest.NewTestServer(t, apidottest.Options{Hostile: true})
	post(t, s, `{"model":"sora-2-official","input":{"prompt":"p"}}`)
	id := s.Tasks()[0].ID
	_, text := status(t, s, id)
	for _, want := range []string{`"status":"finished"`, s.VideoURL(id), "file:///etc/passwd", "javascript:alert"} {
		if !strings.Contains(text, want) {
			t.Errorf("finished answer lacks %q: %s", want, text)
		}
	}
}

func TestAnswerTaskIDOverridesTheSubmitAnswer(t *testing.T) {
	t.Parallel()
	s := apidottest.NewTestServer(t, apidottest.Options{AnswerTaskID: "same-id"})
	for range 2 {
		_, out := post(t, s, `{"model":"sora-2-official","input":{"prompt":"p"}}`)
		if got := out["data"].(map[string]any)["task_id"]; got != "same-id" {
			t.Fatalf("task_id %v, want same-id", got)
		}
	}
	if n := len(s.Tasks()); n != 2 {
		t.Fatalf("%d tasks, want 2 created under their own ids", n)
	}
}
