package download_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/assets"
	"github.com/soratui/soratui/download"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/history/historytest"
)

// fast retries quickly so fault tests stay short.
func fast(client *http.Client) *download.Downloader {
	return &download.Downloader{Client: client, Attempts: 3, Backoff: time.Millisecond}
}

// finishedTask submits a job to the simulator, which finishes it at once,
// and returns its task id.
func finishedTask(t *testing.T, srv *apidottest.Server) string {
	t.Helper()
	c := apidot.NewClient("sk-download-test", apidot.WithBaseURL(srv.URL))
	task, err := c.Submit(context.Background(), apidot.Request{Model: apidot.ModelStandard, Prompt: "a red fox in snow", Duration: 4})
	if err != nil {
		t.Fatal(err)
	}
	return task.ID
}

// newStore opens a history file in a fresh folder.

// storeFinished records a finished job for the task.
func storeFinished(t *testing.T, s *history.Store, srv *apidottest.Server, taskID string) history.Job {
	t.Helper()
	j := history.Job{
		TaskID: taskID, Model: apidot.ModelStandard, Status: history.StatusFinished,
		Prompt: "a red fox in snow", Duration: 4, VideoURLs: []string{srv.VideoURL(taskID)},
	}
	if err := s.Create(&j); err != nil {
		t.Fatal(err)
	}
	return j
}

// entries lists a folder's names; none when it does not exist.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// fileGets counts the simulator's result-file requests; apiCalls the rest.
func fileGets(srv *apidottest.Server) (files, apiCalls int) {
	for _, r := range srv.Requests() {
		if strings.HasPrefix(r.Path, "/files/") {
			files++
		} else {
			apiCalls++
		}
	}
	return files, apiCalls
}

func TestJobSavesTheServedBytesAndRecordsLocalPath(t *testing.T) {
	t.Parallel()
	srv := apidottest.NewTestServer(t, apidottest.Options{})
	store := historytest.Open(t)
	job := storeFinished(t, store, srv, finishedTask(t, srv))
	_, callsBefore := fileGets(srv)

	dest := filepath.Join(t.TempDir(), "new", "folder", "fox.mp4")
	var calls [][2]int64
	got, err := download.Job(context.Background(), store, srv.Client(), job.ID, dest, func(done, total int64) {
		calls = append(calls, [2]int64{done, total})
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(dest)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, assets.SampleClip) {
		t.Errorf("saved %d bytes that differ from the %d served", len(b), len(assets.SampleClip))
	}
	if got.LocalPath != dest || got.Status != history.StatusFinished {
		t.Errorf("returned local_path %q status %s", got.LocalPath, got.Status)
	}
	stored, err := store.Get(job.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.LocalPath != dest || stored.Status != history.StatusFinished || len(stored.StatusHistory) != len(job.StatusHistory) {
		t.Errorf("stored local_path %q status %s history %v", stored.LocalPath, stored.Status, stored.StatusHistory)
	}
	info, err := os.Stat(dest)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", info.Mode().Perm())
	}
	if names := entries(t, filepath.Dir(dest)); len(names) != 1 {
		t.Errorf("folder holds %v, want only the video", names)
	}
	n := int64(len(assets.SampleClip))
	if len(calls) == 0 || calls[len(calls)-1] != [2]int64{n, n} {
		t.Errorf("progress calls %v, want the last to be %d of %d", calls, n, n)
	}
	if files, calls := fileGets(srv); files != 1 || calls != callsBefore {
		t.Errorf("%d file requests and %d new API calls, want 1 and 0", files, calls-callsBefore)
	}
}

func TestDroppedVideoLeavesNoFile(t *testing.T) {
	t.Parallel()
	srv := apidottest.NewTestServer(t, apidottest.Options{Faults: apidottest.Faults{DropVideo: true}})
	store := historytest.Open(t)
	job := storeFinished(t, store, srv, finishedTask(t, srv))
	dir := t.TempDir()
	dest := filepath.Join(dir, "fox.mp4")

	_, err := fast(srv.Client()).Job(context.Background(), store, job.ID, dest)
	if !errors.Is(err, download.ErrIncomplete) {
		t.Fatalf("err = %v, want ErrIncomplete", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "cut off") || !strings.Contains(msg, "3 attempts") || !strings.Contains(msg, "of 34.9 KB") {
		t.Errorf("message %q does not say the download was cut off, how far, and how often it was tried", msg)
	}
	if names := entries(t, dir); len(names) != 0 {
		t.Errorf("folder holds %v, want nothing (no final file, no temporary file)", names)
	}
	if files, _ := fileGets(srv); files != 3 {
		t.Errorf("%d file requests, want 3 attempts", files)
	}
	stored, _ := store.Get(job.ID)
	if stored.LocalPath != "" || stored.Status != history.StatusFinished {
		t.Errorf("stored local_path %q status %s", stored.LocalPath, stored.Status)
	}
}

func TestExpiredLinkIsNotRetried(t *testing.T) {
	t.Parallel()
	srv := apidottest.NewTestServer(t, apidottest.Options{})
	store := historytest.Open(t)
	task := finishedTask(t, srv)
	job := storeFinished(t, store, srv, task)
	srv.Expire(task)
	dir := t.TempDir()

	_, err := fast(srv.Client()).Job(context.Background(), store, job.ID, filepath.Join(dir, "fox.mp4"))
	if !errors.Is(err, download.ErrExpired) {
		t.Fatalf("err = %v, want ErrExpired", err)
	}
	var herr *download.HTTPError
	if !errors.As(err, &herr) || herr.StatusCode != http.StatusForbidden {
		t.Errorf("err = %#v, want an *HTTPError 403", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "link has expired") || !strings.Contains(msg, "about a day") {
		t.Errorf("message %q does not say the link expired", msg)
	}
	if files, _ := fileGets(srv); files != 1 {
		t.Errorf("%d file requests, want 1 (an expired link is not retried)", files)
	}
	if names := entries(t, dir); len(names) != 0 {
		t.Errorf("folder holds %v", names)
	}
}

// flaky answers 503 fails times, then serves body with Range support.
type flaky struct {
	fails int
	body  []byte
	gets  atomic.Int32
}

func (f *flaky) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if int(f.gets.Add(1)) <= f.fails {
		w.Header().Set("Retry-After", "0")
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	http.ServeContent(w, r, "video.mp4", time.Time{}, bytes.NewReader(f.body))
}

func TestServerErrorsAreRetried(t *testing.T) {
	t.Parallel()
	h := &flaky{fails: 2, body: assets.SampleClip}
	srv := httptest.NewServer(h)
	defer srv.Close()
	dest := filepath.Join(t.TempDir(), "v.mp4")

	n, err := fast(srv.Client()).Fetch(context.Background(), srv.URL+"/v.mp4", dest)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(dest)
	if n != int64(len(assets.SampleClip)) || !bytes.Equal(b, assets.SampleClip) {
		t.Errorf("got %d bytes (file %d), want the clip", n, len(b))
	}
	if h.gets.Load() != 3 {
		t.Errorf("%d requests, want 3", h.gets.Load())
	}
}

func TestServerErrorsGiveUpAfterTheAttempts(t *testing.T) {
	t.Parallel()
	h := &flaky{fails: 100, body: assets.SampleClip}
	srv := httptest.NewServer(h)
	defer srv.Close()
	dir := t.TempDir()

	_, err := fast(srv.Client()).Fetch(context.Background(), srv.URL+"/v.mp4", filepath.Join(dir, "v.mp4"))
	var herr *download.HTTPError
	if !errors.As(err, &herr) || herr.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("err = %v, want an *HTTPError 503", err)
	}
	if !strings.Contains(err.Error(), "after 3 attempts") {
		t.Errorf("message %q does not say how often it tried", err)
	}
	if h.gets.Load() != 3 {
		t.Errorf("%d requests, want 3", h.gets.Load())
	}
	if names := entries(t, dir); len(names) != 0 {
		t.Errorf("folder holds %v", names)
	}
}

func TestDroppedTransferResumesWithRange(t *testing.T) {
	t.Parallel()
	body := bytes.Repeat([]byte("0123456789abcdef"), 64<<10) // 1 MiB
	var ranges []string
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		ranges = append(ranges, r.Header.Get("Range"))
		first := len(ranges) == 1
		mu.Unlock()
		if first {
			w.Header().Set("Accept-Ranges", "bytes")
			w.Header().Set("Content-Type", "video/mp4")
			w.Header().Set("ETag", `"v1"`)
			w.Header().Set("Content-Length", fmt.Sprint(len(body)))
			w.Write(body[:300_000])
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler)
		}
		w.Header().Set("ETag", `"v1"`)
		http.ServeContent(w, r, "v.mp4", time.Time{}, bytes.NewReader(body))
	}))
	defer srv.Close()
	dest := filepath.Join(t.TempDir(), "v.mp4")

	if _, err := fast(srv.Client()).Fetch(context.Background(), srv.URL, dest); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(dest)
	if !bytes.Equal(b, body) {
		t.Errorf("saved %d bytes that differ from the %d served", len(b), len(body))
	}
	mu.Lock()
	defer mu.Unlock()
	if len(ranges) != 2 || ranges[0] != "" || !strings.HasPrefix(ranges[1], "bytes=") || ranges[1] == "bytes=0-" {
		t.Errorf("Range headers %q, want none then a resume", ranges)
	}
}

// stallingServer announces a 1000-byte video, sends its first bytes and
// then nothing until the request ends; gets counts the requests.
func stallingServer(t *testing.T) (srv *httptest.Server, gets *atomic.Int32) {
	gets = new(atomic.Int32)
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gets.Add(1)
		w.Header().Set("Content-Type", "video/mp4")
		w.Header().Set("Content-Length", "1000")
		w.Write([]byte("partial"))
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	return srv, gets
}

func TestStalledTransferIsRetriedThenReported(t *testing.T) {
	t.Parallel()
	srv, gets := stallingServer(t)
	dir := t.TempDir()
	d := fast(srv.Client())
	d.Attempts = 2
	d.StallTimeout = 50 * time.Millisecond

	_, err := d.Fetch(context.Background(), srv.URL, filepath.Join(dir, "v.mp4"))
	if err == nil || !strings.Contains(err.Error(), "no data arrived for 50ms") {
		t.Fatalf("err = %v, want a stall", err)
	}
	if gets.Load() != 2 {
		t.Errorf("%d requests, want 2", gets.Load())
	}
	if names := entries(t, dir); len(names) != 0 {
		t.Errorf("folder holds %v", names)
	}
}

func TestCancelledDownloadLeavesNoFile(t *testing.T) {
	t.Parallel()
	srv, _ := stallingServer(t)
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	d := fast(srv.Client())
	d.Progress = func(done, _ int64) {
		if done > 0 {
			cancel()
		}
	}
	d.ProgressInterval = time.Nanosecond

	_, err := d.Fetch(ctx, srv.URL, filepath.Join(dir, "v.mp4"))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if names := entries(t, dir); len(names) != 0 {
		t.Errorf("folder holds %v", names)
	}
}

func TestExistingFileIsNeverReplacedSilently(t *testing.T) {
	t.Parallel()
	srv := apidottest.NewTestServer(t, apidottest.Options{})
	url := srv.VideoURL(finishedTask(t, srv))
	dest := filepath.Join(t.TempDir(), "v.mp4")
	os.WriteFile(dest, []byte("my own file"), 0o600)

	_, err := fast(srv.Client()).Fetch(context.Background(), url, dest)
	if !errors.Is(err, fs.ErrExist) {
		t.Fatalf("err = %v, want fs.ErrExist", err)
	}
	if b, _ := os.ReadFile(dest); string(b) != "my own file" {
		t.Errorf("file changed to %d bytes", len(b))
	}
	if files, _ := fileGets(srv); files != 0 {
		t.Errorf("%d file requests, want none", files)
	}

	d := fast(srv.Client())
	d.Overwrite = true
	if _, err := d.Fetch(context.Background(), url, dest); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(dest); !bytes.Equal(b, assets.SampleClip) {
		t.Errorf("with Overwrite the file holds %d bytes, want the clip", len(b))
	}
	if names := entries(t, filepath.Dir(dest)); len(names) != 1 {
		t.Errorf("folder holds %v", names)
	}
}

func TestJobWithoutAResultFetchesNothing(t *testing.T) {
	t.Parallel()
	srv := apidottest.NewTestServer(t, apidottest.Options{})
	store := historytest.Open(t)
	tests := []struct {
		job  history.Job
		want error
	}{
		{history.Job{TaskID: "task-running", Status: history.StatusRunning, VideoURLs: []string{srv.VideoURL("x")}}, download.ErrNotFinished},
		{history.Job{TaskID: "task-failed", Status: history.StatusFailed}, download.ErrNotFinished},
		{history.Job{Status: history.StatusRejected}, download.ErrNotFinished},
		{history.Job{TaskID: "task-empty", Status: history.StatusFinished}, download.ErrNoVideo},
	}
	for _, tt := range tests {
		t.Run(string(tt.job.Status), func(t *testing.T) {
			j := tt.job
			j.Model, j.Prompt = apidot.ModelStandard, "p"
			if err := store.Create(&j); err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			_, err := download.Job(context.Background(), store, srv.Client(), j.ID, filepath.Join(dir, "v.mp4"), nil)
			if !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
			if names := entries(t, dir); len(names) != 0 {
				t.Errorf("folder holds %v", names)
			}
		})
	}
	if files, _ := fileGets(srv); files != 0 {
		t.Errorf("%d file requests, want none", files)
	}
}

func TestProgressIsThrottled(t *testing.T) {
	t.Parallel()
	body := bytes.Repeat([]byte{7}, 4<<20)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeContent(w, r, "v.mp4", time.Time{}, bytes.NewReader(body))
	}))
	defer srv.Close()
	var calls [][2]int64
	d := &download.Downloader{Client: srv.Client(), ProgressInterval: time.Hour, Progress: func(done, total int64) {
		calls = append(calls, [2]int64{done, total})
	}}
	if _, err := d.Fetch(context.Background(), srv.URL, filepath.Join(t.TempDir(), "v.mp4")); err != nil {
		t.Fatal(err)
	}
	n := int64(len(body))
	// 128 chunks of 32 KiB, but one report when the answer arrives and
	// one when the file is complete.
	if len(calls) != 2 || calls[0] != [2]int64{0, n} || calls[1] != [2]int64{n, n} {
		t.Errorf("progress calls %v, want [0 %d] and [%d %d]", calls, n, n, n)
	}
}

func TestUnknownLengthReportsTheFinalSize(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write([]byte("abc"))
		w.(http.Flusher).Flush() // chunked: no Content-Length
		w.Write([]byte("def"))
	}))
	defer srv.Close()
	var last [2]int64
	dest := filepath.Join(t.TempDir(), "v.mp4")
	_, err := download.Fetch(context.Background(), srv.Client(), srv.URL, dest, func(done, total int64) { last = [2]int64{done, total} })
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(dest); string(b) != "abcdef" || last != [2]int64{6, 6} {
		t.Errorf("file %q, last progress %v", b, last)
	}
}
