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
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/assets"
	"github.com/soratui/soratui/download"
	"github.com/soratui/soratui/history"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	existing := filepath.Join(dir, "old.mp4")
	if err := os.WriteFile(existing, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	fresh := filepath.Join(dir, "new.mp4")
	ok := "https://cdn.example.com/v.mp4"
	finished := func(url, local string) history.Job {
		return history.Job{ID: "j1", Status: history.StatusFinished, VideoURLs: []string{url}, LocalPath: local}
	}
	tests := []struct {
		name      string
		job       history.Job
		dest      string
		overwrite bool
		want      error // nil means accepted
	}{
		{"new path", finished(ok, ""), fresh, false, nil},
		{"existing file", finished(ok, ""), existing, false, fs.ErrExist},
		{"existing file with overwrite", finished(ok, ""), existing, true, nil},
		{"the job's own file", finished(ok, existing), existing, false, download.ErrAlreadySaved},
		{"not finished", history.Job{ID: "j1", Status: history.StatusRunning}, fresh, false, download.ErrNotFinished},
		{"no video", finished("", ""), fresh, false, download.ErrNoVideo},
		{"file URL", finished("file:///etc/passwd", ""), fresh, false, download.ErrUntrustedURL},
		{"javascript URL", finished("javascript:alert(1)", ""), fresh, false, download.ErrUntrustedURL},
		{"data URL", finished("data:video/mp4;base64,AAAA", ""), fresh, false, download.ErrUntrustedURL},
		{"schemeless URL", finished("cdn.example.com/v.mp4", ""), fresh, false, download.ErrUntrustedURL},
		{"flag-like URL", finished("--output=/etc/passwd", ""), fresh, false, download.ErrUntrustedURL},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := download.Check(tc.job, tc.dest, tc.overwrite)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("Check = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestUntrustedURLIsNeverFetched(t *testing.T) {
	t.Parallel()
	secret := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secret, []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, raw := range []string{"file://" + secret, "javascript:alert(1)", "data:video/mp4;base64,AAAA", secret, "-o/tmp/x"} {
		dir := t.TempDir()
		_, err := download.Fetch(context.Background(), nil, raw, filepath.Join(dir, "v.mp4"), nil)
		if !errors.Is(err, download.ErrUntrustedURL) {
			t.Errorf("Fetch(%q) = %v, want ErrUntrustedURL", raw, err)
		}
		if names := entries(t, dir); len(names) != 0 {
			t.Errorf("Fetch(%q) left %v", raw, names)
		}
	}
}

func TestOnlyVideoAnswersAreSaved(t *testing.T) {
	t.Parallel()
	webm := append([]byte{0x1a, 0x45, 0xdf, 0xa3}, bytes.Repeat([]byte{1}, 64)...)
	tests := []struct {
		name, contentType string
		body              []byte
		ok                bool
	}{
		{"mp4 typed", "video/mp4", assets.SampleClip, true},
		{"octet stream", "application/octet-stream", []byte("opaque bytes"), true},
		{"mp4 magic, wrong type", "text/plain", assets.SampleClip, true},
		{"webm magic, no type", "", webm, true},
		{"html page", "text/html; charset=utf-8", []byte("<!doctype html><title>Login</title>"), false},
		{"json error", "application/json", []byte(`{"error":"expired"}`), false},
		{"short text", "text/plain", []byte("no"), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header()["Content-Type"] = []string{tc.contentType}
				w.Write(tc.body)
			}))
			defer srv.Close()
			dir := t.TempDir()
			_, err := download.Fetch(context.Background(), srv.Client(), srv.URL+"/v", filepath.Join(dir, "v.mp4"), nil)
			if tc.ok != (err == nil) {
				t.Fatalf("Fetch = %v, want ok=%v", err, tc.ok)
			}
			if !tc.ok {
				if !errors.Is(err, download.ErrNotVideo) {
					t.Fatalf("err = %v, want ErrNotVideo", err)
				}
				if names := entries(t, dir); len(names) != 0 {
					t.Fatalf("a refused answer left %v", names)
				}
			}
		})
	}
}

func TestMaxSizeStopsOversizedResults(t *testing.T) {
	t.Parallel()
	body := bytes.Repeat([]byte{7}, 100_000)
	tests := []struct {
		name    string
		chunked bool
	}{
		{"by Content-Length", false},
		{"while streaming", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "video/mp4")
				if !tc.chunked {
					w.Header().Set("Content-Length", fmt.Sprint(len(body)))
				}
				for i := 0; i < len(body); i += 10_000 {
					w.Write(body[i : i+10_000])
					w.(http.Flusher).Flush()
				}
			}))
			defer srv.Close()
			dir := t.TempDir()
			d := download.Downloader{Client: srv.Client(), MaxSize: 50_000}
			_, err := d.Fetch(context.Background(), srv.URL, filepath.Join(dir, "v.mp4"))
			if !errors.Is(err, download.ErrTooLarge) {
				t.Fatalf("err = %v, want ErrTooLarge", err)
			}
			if names := entries(t, dir); len(names) != 0 {
				t.Fatalf("an oversized result left %v", names)
			}
			d.MaxSize = int64(len(body))
			if _, err := d.Fetch(context.Background(), srv.URL, filepath.Join(dir, "v.mp4")); err != nil {
				t.Fatalf("a result of exactly the limit: %v", err)
			}
		})
	}
}

// deadPID returns the pid of a process that has ended.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skipf("cannot run 'true': %v", err)
	}
	return cmd.Process.Pid
}

func TestStalePartialsOfDeadProcessesAreRemoved(t *testing.T) {
	t.Parallel()
	srv := apidottest.NewTestServer(t, apidottest.Options{})
	dir := t.TempDir()
	dest := filepath.Join(dir, "v.mp4")
	live := exec.Command("sleep", "60")
	if err := live.Start(); err != nil {
		t.Skipf("cannot start 'sleep': %v", err)
	}
	t.Cleanup(func() { live.Process.Kill(); live.Wait() })
	stale := fmt.Sprintf(".v.mp4.part-%d-123", deadPID(t))
	keep := []string{
		fmt.Sprintf(".v.mp4.part-%d-456", live.Process.Pid), // still downloading
		fmt.Sprintf(".v.mp4.part-%d-789", os.Getpid()),      // this process's own
		fmt.Sprintf(".other.mp4.part-%d-1", deadPID(t)),     // another file's
	}
	for _, n := range append(keep, stale) {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("part"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	task := finishedTask(t, srv)
	if _, err := download.Fetch(context.Background(), srv.Client(), srv.VideoURL(task), dest, nil); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(entries(t, dir), " ")
	if strings.Contains(got, stale) {
		t.Errorf("stale partial %s kept: %s", stale, got)
	}
	for _, n := range append(keep, "v.mp4") {
		if !strings.Contains(got, n) {
			t.Errorf("%s removed: %s", n, got)
		}
	}
}

func TestPartialFileNamesItsOwner(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "video/mp4")
		w.Header().Set("Content-Length", "1000")
		w.Write([]byte("partial"))
		w.(http.Flusher).Flush()
		<-release
	}))
	defer srv.Close()
	defer close(release)
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	seen := make(chan []string, 1)
	d := download.Downloader{Client: srv.Client(), ProgressInterval: time.Nanosecond, Progress: func(done, _ int64) {
		if done > 0 {
			seen <- entries(t, dir)
			cancel()
		}
	}}
	d.Fetch(ctx, srv.URL, filepath.Join(dir, "v.mp4"))
	names := <-seen
	want := fmt.Sprintf(".v.mp4.part-%d-", os.Getpid())
	if len(names) != 1 || !strings.HasPrefix(names[0], want) {
		t.Fatalf("partial files %v, want one starting %s", names, want)
	}
}

func TestParseSize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int64
	}{
		{"500MB", 500_000_000},
		{"4GB", 4_000_000_000},
		{"4gb", 4_000_000_000},
		{"1.5 GB", 1_500_000_000},
		{"2MiB", 2 << 20},
		{"1048576", 1 << 20},
		{"10 KB", 10_000},
		{"", 0},
		{"-5MB", 0},
		{"0", 0},
		{"5XB", 0},
		{"MB", 0},
		{"1e3MB", 0},
	}
	for _, tc := range tests {
		got, err := download.ParseSize(tc.in)
		if tc.want == 0 && err == nil || tc.want != 0 && (err != nil || got != tc.want) {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
}

func TestTarget(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	j := history.Job{ID: "01abc", Prompt: "A fox", CreatedAt: time.Date(2026, 5, 1, 12, 0, 0, 0, time.Local)}
	name := "2026-05-01-a-fox-01abc.mp4"
	tests := []struct {
		output, want string
	}{
		{"", filepath.Join(dir, "soratui", name)},
		{dir, filepath.Join(dir, name)},
		{filepath.Join(dir, "new") + "/", filepath.Join(dir, "new", name)},
		{filepath.Join(dir, "fox.mp4"), filepath.Join(dir, "fox.mp4")},
	}
	for _, tc := range tests {
		got, err := download.Target(dir, j, tc.output)
		if err != nil || got != tc.want {
			t.Errorf("Target(%q) = %q, %v; want %q", tc.output, got, err, tc.want)
		}
	}
	if _, err := download.Target("", j, ""); err == nil {
		t.Error("Target with no Videos folder and no output: want an error")
	}
}
