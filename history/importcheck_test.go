package history

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
)

// record is one import line: a valid finished job with extra (or overriding) fields.
func record(extra string) string {
	if extra != "" {
		extra = "," + extra
	}
	return `{"id":"r1","created_at":"2025-01-01T00:00:00Z","status":"finished"` + extra + `}`
}

func TestImportRefusesEachBadClassNamingLineAndField(t *testing.T) {
	good := record("")
	tests := []struct {
		name, line, field string
	}{
		{"negative credits", record(`"credits":-5`), "credits"},
		{"non-integer credits", record(`"credits":1.5`), "credits"},
		{"negative credits charged", record(`"credits_charged":-1`), "credits_charged"},
		{"negative duration", record(`"duration":-4`), "duration"},
		{"progress over 100", record(`"progress":101`), "progress"},
		{"progress below 0", record(`"progress":-1`), "progress"},
		{"progress in the status history", record(`"status_history":[{"status":"running","progress":250,"at":"2025-01-01T00:00:00Z"}]`), "status_history[0].progress"},
		{"unknown status", `{"id":"r1","created_at":"2025-01-01T00:00:00Z","status":"pwned"}`, "status"},
		{"prompt over 32 KB", record(`"prompt":"` + strings.Repeat("a", MaxPromptBytes+1) + `"`), "prompt"},
		{"error over its limit", record(`"error":"` + strings.Repeat("e", maxTextBytes+1) + `"`), "error"},
		{"too many video URLs", record(`"video_urls":[` + strings.TrimSuffix(strings.Repeat(`"https://x/v.mp4",`, maxVideoURLs+1), ",") + `]`), "video_urls"},
		{"video URL with ESC", record(`"video_urls":["https://x/v.mp4\u001b]52;c;eA==\u0007"]`), "video_urls[0]"},
		{"image URL with newline", record(`"image_url":"https://x/a.png\nfinished, saved to /tmp/x"`), "image_url"},
		{"callback URL with C1", record(`"callback_url":"https://x/\u009b31m"`), "callback_url"},
		{"local path with control", record(`"local_path":"/tmp/a\u0007.mp4"`), "local_path"},
		{"group id with control", record(`"group_id":"g\u001b[2J"`), "group_id"},
		{"task id with control", record(`"task_id":"t\u001b[2J"`), "task_id"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := openTestStore(t)
			before, _ := s.Stamp()
			_, err := s.Import(strings.NewReader(good + "\n\n" + tc.line + "\n" + good))
			var lerr *LineError
			if !errors.As(err, &lerr) || lerr.Line != 3 || !errors.Is(err, ErrInvalid) {
				t.Fatalf("Import = %v; want a LineError for line 3 wrapping ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tc.field) {
				t.Errorf("%q does not name the field %s", err, tc.field)
			}
			if len(err.Error()) > 400 || strings.ContainsAny(err.Error(), "\x1b\x07\n") {
				t.Errorf("the message is not short and inert: %q", err)
			}
			if after, _ := s.Stamp(); after != before {
				t.Error("something was written")
			}
		})
	}
}

func TestImportKeepsControlCharactersInTextAsData(t *testing.T) {
	s := openTestStore(t)
	line := record(`"prompt":"a\u001b]0;title\u0007b","error":"x\u009b31my"`)
	if _, err := s.Import(strings.NewReader(line)); err != nil {
		t.Fatal(err)
	}
	j, err := s.Get("r1")
	if err != nil || j.Prompt != "a\x1b]0;title\x07b" || j.Error != "x\u009b31my" {
		t.Fatalf("stored %q / %q, %v; want the text kept byte for byte", j.Prompt, j.Error, err)
	}
}

func TestImportRefusesOverlongLines(t *testing.T) {
	s := openTestStore(t)
	long := record(`"prompt":"` + strings.Repeat("a", MaxImportLine) + `"`)
	_, err := s.Import(strings.NewReader(record("") + "\n" + long))
	var lerr *LineError
	if !errors.As(err, &lerr) || lerr.Line != 2 || !strings.Contains(err.Error(), "longer than") {
		t.Fatalf("Import = %v, want line 2 refused as too long", err)
	}
}

func TestImportChecksWithTheCallersRule(t *testing.T) {
	s := openTestStore(t)
	check := func(j *Job) error {
		if j.Duration != 0 && j.Duration%4 != 0 {
			return fmt.Errorf("field duration: %d s is not in the catalog", j.Duration)
		}
		return nil
	}
	_, err := s.ImportWith(strings.NewReader(record(`"duration":8`)+"\n"+record(`"id":"r2","duration":7`)), ImportOptions{Check: check})
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "line 2") || !strings.Contains(err.Error(), "duration") {
		t.Fatalf("ImportWith = %v, want line 2's duration refused", err)
	}
}

// onlyReader hides every method but Read, as stdin's pipe would.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func TestImportOfAPipeReadsItOnce(t *testing.T) {
	t.Parallel()
	const n = testChunk + 10
	var sb strings.Builder
	writeJobLines(t, &sb, n)
	s := openTestStore(t)
	s.chunks.lines = testChunk
	res, err := s.Import(onlyReader{strings.NewReader(sb.String())})
	if err != nil || res.Added != n {
		t.Fatalf("Import = %+v, %v; want %d added", res, err, n)
	}
}

// TestImportReportsItsProgress imports three chunks and a part, with a
// blank line among them: the first pass reports the lines it has checked,
// with no total, then the total of records, and the second pass each
// chunk it has written, then the words it has indexed, all in order and on
// the caller's goroutine. A refused import reports no writing.
func TestImportReportsItsProgress(t *testing.T) {
	t.Parallel()
	const n = 3*testChunk + 10
	var sb strings.Builder
	writeJobLines(t, &sb, n)
	in := strings.Replace(sb.String(), "\n", "\n\n", 1) // line 2 is blank
	s := openTestStore(t)
	s.chunks.lines = testChunk
	s.chunks.bulkWords = 100
	var got []ImportProgress
	res, err := s.ImportWith(strings.NewReader(in), ImportOptions{Progress: func(p ImportProgress) { got = append(got, p) }})
	if err != nil || res.Added != n {
		t.Fatalf("ImportWith = %+v, %v; want %d added", res, err, n)
	}
	// The words: a pair for each distinct word of each job, reported
	// after each transaction of the index, rising to all of them.
	pairs := 0
	for _, j := range mustList(t, s, Query{}) {
		pairs += len(jobWords(&j))
	}
	indexed := slices.IndexFunc(got, func(p ImportProgress) bool { return p.IndexTotal > 0 })
	if indexed < 0 || len(got)-indexed < 3 {
		t.Fatalf("progress %v: want several reports of the words", got)
	}
	for i, p := range got[indexed:] {
		last := ImportProgress{Checked: n + 1, Total: n, Written: n}
		if i > 0 {
			last = got[indexed+i-1]
		}
		if p.IndexTotal != pairs || p.Indexed <= last.Indexed || p.Checked != n+1 || p.Written != n {
			t.Errorf("report %+v after %+v; want more of %d pairs", p, last, pairs)
		}
	}
	if end := got[len(got)-1]; end.Indexed != pairs {
		t.Errorf("the last report is %+v; want all %d pairs in", end, pairs)
	}
	got = got[:indexed]
	want := []ImportProgress{
		{Checked: testChunk}, {Checked: 2 * testChunk}, {Checked: 3 * testChunk}, {Checked: n + 1},
		{Checked: n + 1, Total: n},
		{Checked: n + 1, Total: n, Written: testChunk - 1}, {Checked: n + 1, Total: n, Written: 2*testChunk - 1},
		{Checked: n + 1, Total: n, Written: 3*testChunk - 1}, {Checked: n + 1, Total: n, Written: n},
	}
	if !slices.Equal(got, want) {
		t.Errorf("progress\n got %v\nwant %v", got, want)
	}

	got = nil
	bad := sb.String() + "{\n"
	if _, err := s.ImportWith(strings.NewReader(bad), ImportOptions{Progress: func(p ImportProgress) { got = append(got, p) }}); err == nil {
		t.Fatal("an import with a bad last line succeeded")
	}
	for _, p := range got {
		if p.Total != 0 || p.Written != 0 {
			t.Errorf("a refused import reported %+v", p)
		}
	}
}
