package cli_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/jobs/jobstest"
)

func TestSubmitWaitFinishesAProJob(t *testing.T) {
	t.Parallel()
	h := newHarness(t, jobsTaking(50, 150))
	r := h.run("", "submit", "--model", "pro", "--resolution", "1080p", "--duration", "8", "--prompt", "a lighthouse in a storm", "--wait", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	job := outJSON[history.Job](t, r)
	if job.Status != history.StatusFinished || job.Model != "sora-2-pro-official" || job.Resolution != "1080p" || job.Credits != 896 {
		t.Errorf("job = %s %s %s %d", job.Status, job.Model, job.Resolution, job.Credits)
	}
	if len(job.VideoURLs) != 1 || job.VideoURLs[0] != h.server.VideoURL(job.TaskID) {
		t.Errorf("video urls %v", job.VideoURLs)
	}
	if h.server.Submits() != 1 {
		t.Errorf("%d submits, want 1", h.server.Submits())
	}
	if !strings.Contains(r.stderr, "running") || !strings.Contains(r.stderr, "finished") {
		t.Errorf("no progress on stderr:\n%s", r.stderr)
	}
	for _, field := range []string{`"id"`, `"task_id"`, `"group_id"`, `"model"`, `"status"`, `"progress"`, `"prompt"`, `"image_url"`, `"duration"`, `"aspect_ratio"`, `"resolution"`, `"credits"`, `"video_urls"`, `"error"`, `"local_path"`, `"created_at"`, `"updated_at"`, `"finished_at"`} {
		if !strings.Contains(r.stdout, field) {
			t.Errorf("JSON lacks %s", field)
		}
	}
	info, err := os.Stat(h.db)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("history file mode %v, want 0600", info.Mode().Perm())
	}
	if dir, _ := os.Stat(filepath.Dir(h.db)); dir.Mode().Perm() != 0o700 {
		t.Errorf("history folder mode %v, want 0700", dir.Mode().Perm())
	}
	raw, _ := os.ReadFile(h.db)
	if bytes.Contains(raw, []byte(cliKey)) {
		t.Error("the history file holds the API key")
	}
	if !bytes.Contains(raw, []byte(job.TaskID)) {
		t.Error("the history file does not hold the task id")
	}
}

func TestInvalidInputExits2AndSendsNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{})
	big := writeTemp(t, "big.txt", strings.Repeat("a very long paste ", 2000))
	badUTF8 := writeTemp(t, "bad.txt", "a fox \xff\xfe in snow")
	tests := []struct {
		name string
		args []string
		says string
	}{
		{"no prompt", []string{"submit"}, "--prompt: must not be empty"},
		{"blank prompt", []string{"submit", "--prompt", "   "}, "--prompt: must not be empty"},
		{"unknown model", []string{"submit", "--model", "ultra", "--prompt", "p"}, "unknown model"},
		{"resolution on standard", []string{"submit", "--resolution", "1080p", "--prompt", "p"}, "--resolution: Standard is always 720p"},
		{"auto without image", []string{"submit", "--model", "pro", "--aspect", "auto", "--prompt", "p"}, "--aspect: auto needs a guiding image"},
		{"auto on standard", []string{"submit", "--aspect", "auto", "--image", "https://example.com/a.png", "--prompt", "p"}, "--aspect: auto is for Pro"},
		{"two images", []string{"submit", "--model", "pro", "--image", "https://example.com/a.png", "--image", "https://example.com/b.png", "--prompt", "p"}, "at most one image"},
		{"ftp image", []string{"submit", "--image", "ftp://example.com/a.png", "--prompt", "p"}, `scheme "ftp"`},
		{"duration 7", []string{"submit", "--duration", "7", "--prompt", "p"}, "--duration: 7 s is not offered"},
		{"huge paste", []string{"submit", "--prompt-file", big}, "the limit is 5000"},
		{"invalid UTF-8", []string{"submit", "--prompt-file", badUTF8}, "not valid UTF-8"},
		{"compare with model", []string{"submit", "--compare", "standard,pro", "--model", "pro", "--prompt", "p"}, "takes the place of --model"},
		{"one bad variant", []string{"submit", "--compare", "standard,pro-4k", "--prompt", "p"}, `unknown variant "pro-4k"`},
		{"compare variant invalid with flags", []string{"submit", "--compare", "standard,pro", "--aspect", "auto", "--image", "https://example.com/a.png", "--prompt", "p"}, "--aspect: auto is for Pro"},
		{"image is a web page", []string{"submit", "--image", h.server.ImageURL("page.html"), "--prompt", "p"}, "not an image (text/html"},
		{"image is missing", []string{"submit", "--image", h.server.ImageURL("missing.png"), "--prompt", "p"}, "answered 404"},
		{"unknown flag", []string{"submit", "--colour", "red"}, "unknown flag"},
		{"extra argument", []string{"submit", "--prompt", "p", "extra"}, "unknown command"},
		{"jq syntax", []string{"submit", "--jq", ".[", "--prompt", "x"}, "--jq"},
		{"template syntax", []string{"submit", "--template", "{{.id", "--prompt", "x"}, "--template"},
		{"both jq and template", []string{"submit", "--jq", ".id", "--template", "{{.id}}", "--prompt", "x"}, "not both"},
		{"unknown template function", []string{"submit", "--template", "{{nope .id}}", "--prompt", "x"}, "--template"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.run("", tt.args...)
			if r.code != 2 {
				t.Errorf("exit %d, want 2\n%s", r.code, r.stderr)
			}
			if !strings.Contains(r.stderr, tt.says) {
				t.Errorf("stderr does not say %q:\n%s", tt.says, r.stderr)
			}
			h.wantNothingSent(tt.name)
		})
	}
}

func TestSubmitExitCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		opts   apidottest.Options
		args   []string
		code   int
		status history.Status
		says   string
	}{
		{"server 400", apidottest.Options{}, []string{"--prompt", "p [reject]"}, 2, history.StatusRejected, "invalid_request"},
		{"401", apidottest.Options{Key: "sk-server-wants-another"}, []string{"--prompt", "p"}, 1, history.StatusRejected, "soratui key set"},
		{"402", apidottest.Options{LimitBalance: true, Balance: 10}, []string{"--prompt", "p"}, 1, history.StatusRejected, "balance"},
		{"ambiguous", apidottest.Options{Faults: apidottest.Faults{SubmitCreateThenDrop: 1}}, []string{"--prompt", "p"}, 1, history.StatusUnconfirmed, "not resubmitted"},
		{"failed job", apidottest.Options{}, []string{"--prompt", "p [fail]", "--wait"}, 1, history.StatusFailed, ""},
		{"finished job", apidottest.Options{}, []string{"--prompt", "p", "--wait"}, 0, history.StatusFinished, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.opts)
			r := h.run("", append([]string{"submit"}, tt.args...)...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d\n%s", r.code, tt.code, r.stderr)
			}
			if !strings.Contains(r.stderr, tt.says) {
				t.Errorf("stderr does not say %q:\n%s", tt.says, r.stderr)
			}
			js := h.jobs()
			if len(js) != 1 || js[0].Status != tt.status {
				t.Fatalf("jobs = %+v, want one %s", js, tt.status)
			}
			if h.server.Submits() != 1 {
				t.Errorf("%d submits, want 1", h.server.Submits())
			}
		})
	}
}

func TestPromptFromStdin(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{})
	r := h.run("a koi pond, overhead drone shot\n", "submit", "--prompt-file", "-", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	js := h.jobs()
	if len(js) != 1 || js[0].Prompt != "a koi pond, overhead drone shot" {
		t.Errorf("stored %+v", js)
	}
	if _, input := submittedInput(t, h); input["prompt"] != "a koi pond, overhead drone shot" {
		t.Errorf("sent prompt %q", input["prompt"])
	}
}

func TestCompareSubmitsOneGroup(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{})
	r := h.run("", "submit", "--compare", "standard,pro-1080p", "--prompt", "city at night", "--json", "--wait")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	js := outJSON[[]history.Job](t, r)
	if len(js) != 2 || js[0].GroupID == "" || js[0].GroupID != js[1].GroupID {
		t.Fatalf("jobs %+v", js)
	}
	if js[0].Credits != 48 || js[1].Credits != 448 || js[1].Resolution != "1080p" {
		t.Errorf("credits %d %d res %q", js[0].Credits, js[1].Credits, js[1].Resolution)
	}
	if !strings.Contains(r.stderr, "496 credits ($2.48)") {
		t.Errorf("no total estimate before submit:\n%s", r.stderr)
	}
	if len(h.server.Tasks()) != 2 {
		t.Errorf("%d tasks", len(h.server.Tasks()))
	}
}

func TestNoKeyExitsWithoutSending(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{})
	delete(h.env, "APIDOT_API_KEY")
	r := h.run("", "submit", "--prompt", "p")
	if r.code != 1 {
		t.Errorf("exit %d, want 1", r.code)
	}
	if !strings.Contains(r.stderr, "APIDOT_API_KEY") || !strings.Contains(r.stderr, "soratui key set") {
		t.Errorf("message does not say how to set a key:\n%s", r.stderr)
	}
	h.wantNothingSent("a submit without a key")
}

func TestInterruptedWaitSaysHowToResume(t *testing.T) {
	t.Parallel()
	h := newHarness(t, neverStarting())
	stderr, stop := h.background("submit", "--prompt", "a long wait", "--wait")
	jobstest.Eventually(t, "the wait to read the status", func() bool { return h.server.StatusReads("") > 0 })
	if code := stop(); code != 1 || !strings.Contains(stderr.String(), "soratui watch") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
	if js := h.jobs(); len(js) != 1 || js[0].Status != history.StatusNotStarted || js[0].TaskID == "" {
		t.Errorf("the interrupted job is not kept to resume: %+v", js)
	}
}

func TestRerunRepeatsAJobInItsGroup(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{})
	r := h.run("", "submit", "--compare", "standard,pro-1080p", "--duration", "8", "--aspect", "9:16", "--prompt", "a harbour at dawn", "--json")
	group := outJSON[[]history.Job](t, r)
	if len(group) != 2 {
		t.Fatalf("compare submit: %d jobs\n%s%s", len(group), r.stdout, r.stderr)
	}
	solo := submitJob(t, h, "--prompt", "a lone owl", "--model", "pro", "--resolution", "1024p")
	tests := []struct {
		name                      string
		args                      []string
		model, resolution, aspect string
		duration                  int
		group                     string
	}{
		{"same parameters, same group", []string{group[1].ID}, "sora-2-pro-official", "1080p", "9:16", 8, group[1].GroupID},
		{"flags override", []string{group[1].ID, "--model", "standard", "--duration", "4"}, "sora-2-official", "", "9:16", 4, group[1].GroupID},
		{"no group stays without one", []string{solo.ID, "--resolution", "720p"}, "sora-2-pro-official", "720p", "", 4, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := h.server.Submits()
			r := h.run("", append([]string{"rerun", "--wait", "--json"}, tt.args...)...)
			j := outJSON[history.Job](t, r)
			if j.Model != tt.model || j.Resolution != tt.resolution || j.AspectRatio != tt.aspect || j.Duration != tt.duration || j.GroupID != tt.group {
				t.Errorf("rerun = %s %q %q %d group %q; want %s %q %q %d group %q",
					j.Model, j.Resolution, j.AspectRatio, j.Duration, j.GroupID, tt.model, tt.resolution, tt.aspect, tt.duration, tt.group)
			}
			if j.Status != history.StatusFinished || j.ID == tt.args[0] || h.server.Submits() != before+1 {
				t.Errorf("rerun %s: status %s, %d submits", j.ID, j.Status, h.server.Submits()-before)
			}
		})
	}
	if r := h.run("", "rerun", solo.ID, "--model", "standard", "--resolution", "1080p"); r.code != 2 || !strings.Contains(r.stderr, "--resolution") {
		t.Errorf("an invalid override: exit %d: %s", r.code, r.stderr)
	}
	if r := h.run("", "rerun", "nosuchjob"); r.code != 2 {
		t.Errorf("an unknown id: exit %d", r.code)
	}
}
