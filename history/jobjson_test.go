package history

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// exportLine is one job as Export writes it, every field set.
func exportLine(t testing.TB) string {
	t.Helper()
	p, c := 40, 12
	fin := time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.UTC)
	j := Job{
		ID: "01hx", TaskID: "task-1", GroupID: "g", Model: std, Status: StatusFinished, Progress: &p,
		Prompt:   "a \"quoted\" fox\nnew line\ttab \\ back <b>&</b> é 日本 \u2028 \x01 end",
		ImageURL: "https://x/y.png", Duration: 8, AspectRatio: "16:9", Resolution: "720p", Credits: 30,
		VideoURLs: []string{"https://cdn/v.mp4", "https://cdn/w.mp4"}, Error: "e", LocalPath: "/tmp/v.mp4",
		CallbackURL: "https://cb", CreatedAt: fin.Add(-time.Hour), UpdatedAt: fin, FinishedAt: &fin,
		StatusHistory: []StatusChange{{Status: StatusRunning, Raw: "processing", Progress: &p, Note: "n", At: fin},
			{Status: StatusFinished, At: fin.In(time.FixedZone("x", 3600))}},
		Schema: 1, CreditsCharged: &c, BatchID: "b", BatchKey: "k",
	}
	b, err := j.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// jobJSONCases are lines in and out of unmarshalJob's fast form: each must
// decode as encoding/json decodes it, value or error.
func jobJSONCases(t testing.TB) []string {
	full := exportLine(t)
	edit := func(old, new string) string {
		if !strings.Contains(full, old) {
			t.Fatalf("the export line has no %q", old)
		}
		return strings.Replace(full, old, new, 1)
	}
	return []string{
		full,
		`{}`, ` { "id" : "a" , "prompt":"b" } `, "{\"id\":\"a\"}\n", `{"video_urls":[],"status_history":[]}`,
		`{"video_urls":null,"status_history":null,"progress":null,"finished_at":null,"credits_charged":null}`,
		`{"prompt":null,"duration":null,"created_at":null}`,
		`{"duration":-0}`, `{"duration":-12}`, `{"credits":9223372036854775807}`,
		// Out of the fast form: encoding/json decides.
		`{"ID":"upper"}`, `{"id":"a","id":"b"}`, `{"unknown":1,"id":"a"}`, `{"id":"\ud83d\ude00"}`,
		`{"id":"\ud800"}`, "{\"id\":\"bad \xff utf-8\"}", `{"duration":1.5}`, `{"duration":1e2}`,
		`{"duration":01}`, `{"credits":99999999999999999999}`, `{"duration":"4"}`, `{"id":4}`,
		`{"video_urls":[null,"x"]}`, `{"status_history":[null]}`, `{"created_at":"yesterday"}`,
		`{"created_at":"2024-01-01T00:00:00\u005a"}`, `{"id":"a"} x`, `{"id":"a"`, `{"id":"a",}`,
		`null`, `[]`, `"x"`, ``, "\xef\xbb\xbf{}", `{"id":"tab	raw"}`, `{"id":"\x"}`, `{"id":"\u12"}`,
		edit(`"schema":1`, `"schema":true`), edit(`"note":"n"`, `"note":"n","extra":1`),
		edit(`"at":"2024-05-06T07:08:09.123456789Z"`, `"at":"2024-05-06T07:08:09.123456789Z","at":null`),
	}
}

func TestUnmarshalJobMatchesEncodingJSON(t *testing.T) {
	for _, line := range jobJSONCases(t) {
		checkUnmarshalJob(t, []byte(line))
	}
}

// FuzzUnmarshalJob looks for a line the fast form decodes differently
// from encoding/json.
func FuzzUnmarshalJob(f *testing.F) {
	for _, line := range jobJSONCases(f) {
		f.Add([]byte(line))
	}
	f.Fuzz(func(t *testing.T, line []byte) { checkUnmarshalJob(t, line) })
}

func checkUnmarshalJob(t *testing.T, line []byte) {
	t.Helper()
	var got, want Job
	gotErr := unmarshalJob(line, &got)
	wantErr := json.Unmarshal(line, &want)
	if (gotErr == nil) != (wantErr == nil) || gotErr != nil && gotErr.Error() != wantErr.Error() {
		t.Fatalf("%q: error %v, encoding/json says %v", line, gotErr, wantErr)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%q:\n got %#v\nwant %#v", line, got, want)
	}
}

// TestUnmarshalJobTakesExportsFastForm checks that Export's own lines,
// escapes included, stay in the fast form, where the import's speed is.
func TestUnmarshalJobTakesExportsFastForm(t *testing.T) {
	p := jsonReader{b: []byte(exportLine(t))}
	var j Job
	if !p.job(&j) || !p.end() {
		t.Fatalf("an export line left the fast form at byte %d", p.i)
	}
	if !strings.Contains(j.Prompt, "\"quoted\" fox\nnew line") {
		t.Errorf("prompt = %q", j.Prompt)
	}
}
