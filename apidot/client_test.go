package apidot_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/apidot/apidottest"
)

const testKey = "sk-test-0123456789abcdefXYZW"

func newClient(t *testing.T, s *apidottest.Server, opts ...apidot.Option) *apidot.Client {
	t.Helper()
	return apidot.NewClient(testKey, append([]apidot.Option{
		apidot.WithBaseURL(s.URL),
		apidot.WithHTTPClient(s.Client()),
		apidot.WithUserAgent("soratui/test"),
	}, opts...)...)
}

// submitAndStatus submits a standard job with prompt and asks for its
// status once, failing the test on either error.
func submitAndStatus(t *testing.T, c *apidot.Client, prompt string) (submitted, status apidot.Task) {
	t.Helper()
	task, err := c.Submit(context.Background(), standard(prompt))
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Status(context.Background(), task.ID)
	if err != nil {
		t.Fatal(err)
	}
	return task, got
}

func standard(prompt string) apidot.Request {
	return apidot.Request{Model: apidot.ModelStandard, Prompt: prompt}
}

func TestSubmitSendsTheDocumentedBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		req  apidot.Request
		want string
	}{
		{
			name: "standard gets an explicit duration and no resolution",
			req:  apidot.Request{Model: apidot.ModelStandard, Prompt: "a red fox", AspectRatio: "16:9"},
			want: `{"model":"sora-2-official","input":{"prompt":"a red fox","duration":4,"aspect_ratio":"16:9"}}`,
		},
		{
			name: "pro gets an explicit 720p",
			req:  apidot.Request{Model: apidot.ModelPro, Prompt: "a red fox", Duration: 8},
			want: `{"model":"sora-2-pro-official","input":{"prompt":"a red fox","duration":8,"resolution":"720p"}}`,
		},
		{
			name: "pro auto with image and callback",
			req: apidot.Request{Model: apidot.ModelPro, Prompt: "p", Duration: 12, Resolution: "1080p",
				AspectRatio: "auto", ImageURLs: []string{"https://example.com/a.png"}, CallbackURL: "https://example.com/hook"},
			want: `{"model":"sora-2-pro-official","callback_url":"https://example.com/hook","input":{"prompt":"p","duration":12,"aspect_ratio":"auto","image_urls":["https://example.com/a.png"],"resolution":"1080p"}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := apidottest.NewTestServer(t, apidottest.Options{Key: testKey})
			task, err := newClient(t, s).Submit(context.Background(), tt.req)
			if err != nil {
				t.Fatalf("Submit: %v", err)
			}
			if !strings.HasPrefix(task.ID, "task-unified-") || task.Status != apidot.StatusNotStarted {
				t.Errorf("task = %+v, want a task-unified id, not_started", task)
			}
			reqs := s.Requests()
			if len(reqs) != 1 {
				t.Fatalf("server saw %d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if r.Method != http.MethodPost || r.Path != "/api/generate/submit" {
				t.Errorf("request = %s %s", r.Method, r.Path)
			}
			if r.Authorization != "Bearer "+testKey {
				t.Errorf("Authorization = %q", r.Authorization)
			}
			if r.UserAgent != "soratui/test" {
				t.Errorf("User-Agent = %q", r.UserAgent)
			}
			if got := strings.TrimSpace(string(r.Body)); got != tt.want {
				t.Errorf("body\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestStatusFollowsATaskToTheEnd(t *testing.T) {
	t.Parallel()
	for _, flat := range []bool{false, true} {
		t.Run(fmt.Sprintf("flat files %v", flat), func(t *testing.T) {
			s := apidottest.NewTestServer(t, apidottest.Options{FlatFiles: flat})
			c := newClient(t, s)
			task, got := submitAndStatus(t, c, "a lighthouse at dusk")
			if got.Status != apidot.StatusFinished || !got.Terminal() {
				t.Fatalf("status = %q, want finished", got.Status)
			}
			if got.Progress == nil || *got.Progress != 100 {
				t.Errorf("progress = %v, want 100", got.Progress)
			}
			if len(got.Files) != 2 {
				t.Fatalf("files = %+v, want poster and video", got.Files)
			}
			if urls := got.VideoURLs(); len(urls) != 1 || urls[0] != s.VideoURL(task.ID) {
				t.Errorf("VideoURLs = %v, want only %s", urls, s.VideoURL(task.ID))
			}
		})
	}
}

func TestStatusReportsFailureMessage(t *testing.T) {
	t.Parallel()
	s := apidottest.NewTestServer(t, apidottest.Options{})
	c := newClient(t, s)
	_, got := submitAndStatus(t, c, "a duel [fail]")
	if got.Status != apidot.StatusFailed || !strings.Contains(got.ErrorMessage, "moderation") {
		t.Errorf("got %+v, want failed with a moderation message", got)
	}
	if len(got.VideoURLs()) != 0 {
		t.Errorf("failed task has video URLs %v", got.VideoURLs())
	}
}

func TestUnknownStatusIsPendingNotAnError(t *testing.T) {
	t.Parallel()
	s := apidottest.NewTestServer(t, apidottest.Options{UnknownStatus: "queued", QueueTime: time.Hour, NoProgress: true})
	c := newClient(t, s)
	task, err := c.Submit(context.Background(), standard("a queue"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Status(context.Background(), task.ID)
	if err != nil {
		t.Fatalf("unknown status gave an error: %v", err)
	}
	if got.Status != "queued" || got.Terminal() || got.Progress != nil {
		t.Errorf("got %+v, want raw queued, not terminal, no progress", got)
	}
}

func TestStatusEscapesTheTaskID(t *testing.T) {
	t.Parallel()
	s := apidottest.NewTestServer(t, apidottest.Options{})
	_, err := newClient(t, s).Status(context.Background(), "a/b c?d")
	if !apidot.IsNotFound(err) {
		t.Fatalf("err = %v, want 404", err)
	}
	reqs := s.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	if want := "/api/generate/status/a%2Fb%20c%3Fd"; reqs[0].RawPath != want {
		t.Errorf("raw path = %q, want %q", reqs[0].RawPath, want)
	}
}

// classify names every class an error belongs to.
func classify(err error) string {
	var c []string
	for _, k := range []struct {
		name string
		is   func(error) bool
	}{
		{"invalid", apidot.IsInvalid},
		{"auth", apidot.IsAuth},
		{"credits", apidot.IsInsufficientCredits},
		{"ratelimited", apidot.IsRateLimited},
		{"transient", apidot.IsTransient},
		{"ambiguous", apidot.IsAmbiguousSubmit},
		{"notsent", apidot.NotSent},
	} {
		if k.is(err) {
			c = append(c, k.name)
		}
	}
	return strings.Join(c, ",")
}

func TestErrorsAreClassified(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		opts      apidottest.Options
		key       string
		status    bool // call Status on a finished task instead of Submit
		prompt    string
		timeout   time.Duration
		want      string
		code      int
		httpCode  int
		wantTasks int
	}{
		{name: "401 bad key", opts: apidottest.Options{Key: "sk-other-key-000000"}, want: "auth", code: 401, httpCode: 401},
		{name: "402 balance", opts: apidottest.Options{LimitBalance: true, Balance: 10}, want: "credits", code: 402, httpCode: 402},
		{name: "400 from the server", prompt: "a cat [reject]", want: "invalid", code: 400, httpCode: 400},
		{name: "429 submit", opts: apidottest.Options{Faults: apidottest.Faults{RateLimit: 1}}, want: "ratelimited,transient,notsent", code: 429, httpCode: 429},
		{name: "submit 500 without task", opts: apidottest.Options{Faults: apidottest.Faults{SubmitServerError: 1}}, want: "transient,ambiguous", code: 500, httpCode: 500},
		{name: "submit creates then 500", opts: apidottest.Options{Faults: apidottest.Faults{SubmitCreateThenError: 1}}, want: "transient,ambiguous", code: 500, httpCode: 500, wantTasks: 1},
		{name: "submit creates then drops", opts: apidottest.Options{Faults: apidottest.Faults{SubmitCreateThenDrop: 1}}, want: "transient,ambiguous", wantTasks: 1},
		{name: "submit times out", opts: apidottest.Options{Faults: apidottest.Faults{Slow: 1, SlowDelay: 3 * time.Second}}, timeout: 100 * time.Millisecond, want: "transient,ambiguous"},
		{name: "status 503", status: true, opts: apidottest.Options{Faults: apidottest.Faults{ServerError: 1}}, want: "transient", code: 503, httpCode: 503, wantTasks: 1},
		{name: "status HTTP 200 with code 500", status: true, opts: apidottest.Options{Faults: apidottest.Faults{ErrorBody: 1}}, want: "transient", code: 500, httpCode: 200, wantTasks: 1},
		{name: "status dropped", status: true, opts: apidottest.Options{Faults: apidottest.Faults{Drop: 1}}, want: "transient", wantTasks: 1},
		{name: "status times out", status: true, opts: apidottest.Options{Faults: apidottest.Faults{Slow: 1, SlowDelay: 3 * time.Second}}, timeout: 100 * time.Millisecond, want: "transient", wantTasks: 1},
		{name: "status 429", status: true, opts: apidottest.Options{Faults: apidottest.Faults{RateLimit: 1}}, want: "ratelimited,transient,notsent", code: 429, httpCode: 429, wantTasks: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			faults := tt.opts.Faults
			tt.opts.Faults = apidottest.Faults{}
			s := apidottest.NewTestServer(t, tt.opts)
			err := failingCall(t, s, faults, tt.status, tt.prompt, tt.timeout)
			if got := classify(err); got != tt.want {
				t.Errorf("classes = %q, want %q (err: %v)", got, tt.want, err)
			}
			checkAPIError(t, err, tt.code, tt.httpCode)
			if n := len(s.Tasks()); n != tt.wantTasks {
				t.Errorf("server holds %d tasks, want %d", n, tt.wantTasks)
			}
			if strings.Contains(err.Error(), testKey) || strings.Contains(fmt.Sprintf("%+v %#v", err, err), testKey) {
				t.Errorf("error text holds the key: %v", err)
			}
		})
	}
}

// failingCall submits (or, with status, reads a fresh task's status) with
// faults switched on, and returns the error it must give.
func failingCall(t *testing.T, s *apidottest.Server, faults apidottest.Faults, status bool, prompt string, timeout time.Duration) error {
	t.Helper()
	var opts []apidot.Option
	if timeout > 0 {
		opts = append(opts, apidot.WithTimeout(timeout))
	}
	c := newClient(t, s, opts...)
	if prompt == "" {
		prompt = "a calm lake"
	}
	var err error
	if status {
		// The task is made by a client without the short timeout, so a
		// busy machine cannot fail the setup instead of the call.
		task, serr := newClient(t, s).Submit(context.Background(), standard(prompt))
		if serr != nil {
			t.Fatal(serr)
		}
		s.SetFaults(faults)
		_, err = c.Status(context.Background(), task.ID)
	} else {
		s.SetFaults(faults)
		_, err = c.Submit(context.Background(), standard(prompt))
	}
	if err == nil {
		t.Fatal("no error")
	}
	return err
}

// checkAPIError checks that err carries the server's code and message when
// code is set, and is a transport error otherwise.
func checkAPIError(t *testing.T, err error, code, httpCode int) {
	t.Helper()
	var apiErr *apidot.APIError
	if code == 0 {
		if errors.As(err, &apiErr) {
			t.Errorf("err is an *APIError %v, want a transport error", apiErr)
		}
		return
	}
	if !errors.As(err, &apiErr) {
		t.Fatalf("err %T is not an *APIError", err)
	}
	if apiErr.Code != code || apiErr.HTTPStatus != httpCode {
		t.Errorf("code %d http %d, want %d %d", apiErr.Code, apiErr.HTTPStatus, code, httpCode)
	}
	if apiErr.Message == "" {
		t.Error("the server's message was not kept")
	}
}

func TestConnectionRefusedProvesNothingWasSent(t *testing.T) {
	t.Parallel()
	s := apidottest.NewServer(apidottest.Options{})
	url := s.URL
	s.Close()
	c := apidot.NewClient(testKey, apidot.WithBaseURL(url))
	_, err := c.Submit(context.Background(), standard("a closed door"))
	if got := classify(err); got != "transient,notsent" {
		t.Errorf("classes = %q, want transient,notsent (err: %v)", got, err)
	}
	if strings.Contains(err.Error(), testKey) {
		t.Errorf("error holds the key: %v", err)
	}
}

func TestRetryAfterIsParsed(t *testing.T) {
	t.Parallel()
	s := apidottest.NewTestServer(t, apidottest.Options{Faults: apidottest.Faults{RateLimit: 1, RetryAfter: 7 * time.Second}})
	_, err := newClient(t, s).Submit(context.Background(), standard("x"))
	if got := apidot.RetryAfter(err); got != 7*time.Second {
		t.Errorf("RetryAfter = %v, want 7s (err: %v)", got, err)
	}
	var apiErr *apidot.APIError
	if !errors.As(err, &apiErr) || !apiErr.Retryable() {
		t.Errorf("429 not retryable: %v", err)
	}
}

func TestInvalidRequestsAreNeverSent(t *testing.T) {
	t.Parallel()
	img := "https://example.com/a.png"
	tests := []struct {
		name  string
		req   apidot.Request
		field string
	}{
		{"empty prompt", apidot.Request{Model: apidot.ModelStandard}, "prompt"},
		{"blank prompt", apidot.Request{Model: apidot.ModelStandard, Prompt: " \n\t "}, "prompt"},
		{"invalid UTF-8", apidot.Request{Model: apidot.ModelStandard, Prompt: "a\xffb"}, "prompt"},
		{"NUL in prompt", apidot.Request{Model: apidot.ModelStandard, Prompt: "a\x00b"}, "prompt"},
		{"huge prompt", apidot.Request{Model: apidot.ModelStandard, Prompt: strings.Repeat("é", apidot.MaxPromptRunes+1)}, "prompt"},
		{"unknown model", apidot.Request{Model: "sora-3", Prompt: "p"}, "model"},
		{"empty model", apidot.Request{Prompt: "p"}, "model"},
		{"duration 7", apidot.Request{Model: apidot.ModelStandard, Prompt: "p", Duration: 7}, "duration"},
		{"negative duration", apidot.Request{Model: apidot.ModelPro, Prompt: "p", Duration: -4}, "duration"},
		{"resolution on standard", apidot.Request{Model: apidot.ModelStandard, Prompt: "p", Resolution: "1080p"}, "resolution"},
		{"unknown resolution", apidot.Request{Model: apidot.ModelPro, Prompt: "p", Resolution: "4k"}, "resolution"},
		{"auto on standard", apidot.Request{Model: apidot.ModelStandard, Prompt: "p", AspectRatio: "auto", ImageURLs: []string{img}}, "aspect_ratio"},
		{"auto without image", apidot.Request{Model: apidot.ModelPro, Prompt: "p", AspectRatio: "auto"}, "aspect_ratio"},
		{"unknown aspect", apidot.Request{Model: apidot.ModelPro, Prompt: "p", AspectRatio: "4:3"}, "aspect_ratio"},
		{"two images", apidot.Request{Model: apidot.ModelPro, Prompt: "p", ImageURLs: []string{img, img}}, "image_urls"},
		{"ftp image", apidot.Request{Model: apidot.ModelPro, Prompt: "p", ImageURLs: []string{"ftp://example.com/a.png"}}, "image_urls"},
		{"relative image", apidot.Request{Model: apidot.ModelPro, Prompt: "p", ImageURLs: []string{"a.png"}}, "image_urls"},
		{"file callback", apidot.Request{Model: apidot.ModelPro, Prompt: "p", CallbackURL: "file:///etc/passwd"}, "callback_url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := apidottest.NewTestServer(t, apidottest.Options{})
			_, err := newClient(t, s).Submit(context.Background(), tt.req)
			var verr *apidot.ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("err = %v, want a *ValidationError", err)
			}
			if len(verr.Fields) != 1 || verr.Fields[0].Field != tt.field {
				t.Errorf("fields = %v, want exactly %s", verr, tt.field)
			}
			if !strings.Contains(err.Error(), tt.field+": ") || apidot.FieldReason(err, tt.field) == "" {
				t.Errorf("message %q does not name %s with a reason", err, tt.field)
			}
			if !apidot.IsInvalid(err) {
				t.Error("not classified invalid")
			}
			if n := len(s.Requests()); n != 0 {
				t.Errorf("%d requests reached the server, want 0", n)
			}
		})
	}
}

func TestValidRequestsPass(t *testing.T) {
	t.Parallel()
	for _, r := range []apidot.Request{
		{Model: apidot.ModelStandard, Prompt: "日本の春 🌸, camera dolly", Duration: 20, AspectRatio: "9:16"},
		{Model: apidot.ModelPro, Prompt: "p", Duration: 16, Resolution: "1024p", AspectRatio: "auto", ImageURLs: []string{"http://example.com/x.jpg"}},
		{Model: apidot.ModelPro, Prompt: strings.Repeat("a", apidot.MaxPromptRunes)},
	} {
		if err := r.Validate(); err != nil {
			t.Errorf("Validate(%+v) = %v", r, err)
		}
	}
}

func TestValidationReportsEveryBadField(t *testing.T) {
	t.Parallel()
	err := apidot.Request{Model: apidot.ModelStandard, Duration: 7, Resolution: "1080p"}.Validate()
	for _, f := range []string{"prompt", "duration", "resolution"} {
		if apidot.FieldReason(err, f) == "" {
			t.Errorf("no reason for %s in %v", f, err)
		}
	}
}

func TestPricesFollowTheCatalog(t *testing.T) {
	t.Parallel()
	tests := []struct {
		model, res string
		dur        int
		credits    int
		dollars    string
	}{
		{apidot.ModelStandard, "", 0, 48, "0.24"},
		{apidot.ModelStandard, "", 4, 48, "0.24"},
		{apidot.ModelStandard, "", 8, 96, "0.48"},
		{apidot.ModelStandard, "", 12, 144, "0.72"},
		{apidot.ModelStandard, "", 16, 192, "0.96"},
		{apidot.ModelStandard, "", 20, 240, "1.20"},
		{apidot.ModelPro, "", 4, 192, "0.96"},
		{apidot.ModelPro, "720p", 4, 192, "0.96"},
		{apidot.ModelPro, "1024p", 4, 320, "1.60"},
		{apidot.ModelPro, "1080p", 4, 448, "2.24"},
		{apidot.ModelPro, "720p", 20, 960, "4.80"},
		{apidot.ModelPro, "1024p", 8, 640, "3.20"},
		{apidot.ModelPro, "1080p", 20, 2240, "11.20"},
	}
	for _, tt := range tests {
		got := apidot.Price(apidot.Request{Model: tt.model, Resolution: tt.res, Duration: tt.dur, Prompt: "p"})
		if int(got) != tt.credits || fmt.Sprintf("%.2f", got.Dollars()) != tt.dollars {
			t.Errorf("Price(%s %s %ds) = %d ($%.2f), want %d ($%s)", tt.model, tt.res, tt.dur, got, got.Dollars(), tt.credits, tt.dollars)
		}
	}
	if got := apidot.Credits(448).String(); got != "448 credits ($2.24)" {
		t.Errorf("String = %q", got)
	}
}

func TestSimulatorChargesWhatPriceSays(t *testing.T) {
	t.Parallel()
	s := apidottest.NewTestServer(t, apidottest.Options{LimitBalance: true, Balance: 1000})
	r := apidot.Request{Model: apidot.ModelPro, Prompt: "p", Resolution: "1080p", Duration: 4}
	if _, err := newClient(t, s).Submit(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	if got, want := s.Balance(), 1000-int(apidot.Price(r)); got != want {
		t.Errorf("balance = %d, want %d", got, want)
	}
}

func TestClientNeverPrintsItsKey(t *testing.T) {
	t.Parallel()
	c := apidot.NewClient(testKey)
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%v %+v %#v %s", c, c, c, c), fmt.Sprintf("%v", *c)} {
		if strings.Contains(s, testKey) || strings.Contains(s, "0123456789") {
			t.Errorf("formatted client holds the key: %s", s)
		}
	}
	b, _ := json.Marshal(c)
	if strings.Contains(string(b), testKey) {
		t.Errorf("JSON of the client holds the key: %s", b)
	}
}

func TestVariants(t *testing.T) {
	t.Parallel()
	vs, err := apidot.ParseVariants("standard, pro,pro-1080p")
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(vs)
	want := "[{standard sora-2-official } {pro-720p sora-2-pro-official 720p} {pro-1080p sora-2-pro-official 1080p}]"
	if got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
	for _, bad := range []string{"", "pro-4k", "standard,standard", "pro,pro-720p", "ultra"} {
		if _, err := apidot.ParseVariants(bad); err == nil {
			t.Errorf("ParseVariants(%q) accepted", bad)
		}
	}
}

func TestParseModel(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"standard": apidot.ModelStandard, "PRO": apidot.ModelPro, "sora-2-pro-official": apidot.ModelPro, "sora-2-official": apidot.ModelStandard} {
		if got, err := apidot.ParseModel(in); err != nil || got != want {
			t.Errorf("ParseModel(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := apidot.ParseModel("sora-3"); err == nil {
		t.Error("sora-3 accepted")
	}
}
