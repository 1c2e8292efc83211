package frames_test

import (
	"context"
	"errors"
	"image"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/assets"
	"github.com/soratui/soratui/frames"
	"github.com/soratui/soratui/frames/framestest"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/internal/testmain"
)

// counter counts the tools started and the most running at once.
type counter struct {
	runs, running, peak atomic.Int32
}

func (c *counter) run(ctx context.Context, name string, args ...string) ([]byte, error) {
	c.runs.Add(1)
	n := c.running.Add(1)
	defer c.running.Add(-1)
	for {
		p := c.peak.Load()
		if n <= p || c.peak.CompareAndSwap(p, n) {
			break
		}
	}
	return frames.RunCommand(ctx, name, args...)
}

// savedJob is a finished job whose video is the sample clip on disk.
func savedJob(t testing.TB, id string) history.Job {
	t.Helper()
	path := filepath.Join(t.TempDir(), "clip.mp4")
	if err := os.WriteFile(path, assets.SampleClip, 0o644); err != nil {
		t.Fatal(err)
	}
	return history.Job{ID: "01local", TaskID: id, Status: history.StatusFinished, LocalPath: path}
}

// distinctColours counts the different colours in img.
func distinctColours(img image.Image) int {
	seen := map[[3]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
		}
	}
	return len(seen)
}

// shared holds what the tests extract once and share; TestMain removes it.
var shared string

func TestMain(m *testing.M) {
	var remove func()
	shared, remove = testmain.TempDir("frames-test-")
	code := m.Run()
	remove()
	os.Exit(code)
}

// middleRun is one real extraction of the sample clip's middle frame that
// four callers asked for at once: the tests of that frame, of the cache
// and of the one extraction per job all read it, so ffmpeg runs once for
// the three of them.
type middleRun struct {
	cache      string // the cache folder it filled
	job        history.Job
	img        image.Image
	runs, peak int32 // tools started, and the most running at once
}

// sharedMiddle runs the extraction for the first test that asks. Each
// test calls framestest.Tools first, so it is skipped without ffmpeg.
var sharedMiddle = sync.OnceValues(func() (middleRun, error) {
	tools, err := frames.LookTools(os.Getenv("PATH"))
	if err != nil {
		return middleRun{}, err
	}
	clip := filepath.Join(shared, "clip.mp4")
	if err := os.WriteFile(clip, assets.SampleClip, 0o644); err != nil {
		return middleRun{}, err
	}
	r := middleRun{cache: filepath.Join(shared, "cache"),
		job: history.Job{ID: "01local", TaskID: "task-middle", Status: history.StatusFinished, LocalPath: clip}}
	var c counter
	e := frames.New(frames.Config{Cache: r.cache, Tools: tools, Run: c.run})
	imgs, errs := make([]image.Image, 4), make([]error, 4)
	var wg sync.WaitGroup
	for i := range imgs {
		wg.Go(func() { imgs[i], errs[i] = e.Frame(context.Background(), r.job, frames.Middle) })
	}
	wg.Wait()
	r.img, r.runs, r.peak = imgs[0], c.runs.Load(), c.peak.Load()
	return r, errors.Join(errs...)
})

// sharedRun returns what run (a sharedMiddle or sharedURL) made, failing the
// test on its error.
func sharedRun[T any](t *testing.T, run func() (T, error)) T {
	t.Helper()
	r, err := run()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func middleFrame(t *testing.T) middleRun {
	t.Helper()
	return sharedRun(t, sharedMiddle)
}

// urlRun is one real extraction from a result link: the video fetched
// once and every kind of frame cached from it. The test of that fetch and
// the strip's test both read it, so ffmpeg runs once for the two of them.
type urlRun struct {
	cache   string // the cache folder it filled
	job     history.Job
	fetches int      // requests for the video
	ffmpeg  []string // the arguments ffmpeg got
}

// sharedURL runs the extraction for the first test that asks; the
// simulator that served the video is closed by then, so a reader of the
// cache that fetched again would fail. Each test calls framestest.Tools
// first, so it is skipped without ffmpeg.
var sharedURL = sync.OnceValues(func() (urlRun, error) {
	tools, err := frames.LookTools(os.Getenv("PATH"))
	if err != nil {
		return urlRun{}, err
	}
	srv := apidottest.NewServer(apidottest.Options{})
	defer srv.Close()
	task, err := apidot.NewClient("sk-test-1234", apidot.WithBaseURL(srv.URL)).
		Submit(context.Background(), apidot.Request{Model: apidot.ModelStandard, Prompt: "p"}.WithDefaults())
	if err != nil {
		return urlRun{}, err
	}
	r := urlRun{cache: filepath.Join(shared, "url-cache"),
		job: history.Job{ID: "01url", TaskID: task.ID, Status: history.StatusFinished, VideoURLs: []string{srv.VideoURL(task.ID)}}}
	run := func(ctx context.Context, name string, args ...string) ([]byte, error) {
		if name == tools.FFmpeg {
			r.ffmpeg = args
		}
		return frames.RunCommand(ctx, name, args...)
	}
	e := frames.New(frames.Config{Cache: r.cache, Tools: tools, Client: srv.Client(), Run: run})
	if _, err := e.Frame(context.Background(), r.job, frames.First); err != nil {
		return urlRun{}, err
	}
	for _, req := range srv.Requests() {
		if strings.HasPrefix(req.Path, "/files/") {
			r.fetches++
		}
	}
	return r, nil
})

func urlFrames(t *testing.T) urlRun {
	t.Helper()
	return sharedRun(t, sharedURL)
}

// TestInputsShareTheCPUs checks the decoder threads of the link's
// extraction, whose inputs are every frame of every kind: each input gets
// its share of the CPUs, at least one, instead of a thread per CPU.
func TestInputsShareTheCPUs(t *testing.T) {
	t.Parallel()
	framestest.Tools(t)
	args := urlFrames(t).ffmpeg
	inputs := 0
	want := strconv.Itoa(max(1, runtime.NumCPU()/6)) // first, and the strip's five with the middle among them
	for i, a := range args {
		if a != "-i" {
			continue
		}
		inputs++
		at := i - 1 // the input's last -threads: ffmpeg applies the last
		for at >= 0 && args[at] != "-threads" {
			at--
		}
		if at < 0 || args[at+1] != want || slices.Contains(args[at:i], "-i") {
			t.Errorf("input %d is not decoded with -threads %s: %q", inputs, want, args[:i+1])
		}
	}
	if inputs != 6 {
		t.Errorf("ffmpeg got %d inputs, want 6: %q", inputs, args)
	}
}

func TestFrameComesFromTheRealClip(t *testing.T) {
	t.Parallel()
	tools := framestest.Tools(t)
	for _, tc := range []struct {
		kind       frames.Kind
		minW, maxW int
	}{
		{frames.First, 320, 320},
		{frames.Middle, 320, 320},
		{frames.Strip, 1000, 1400},
	} {
		t.Run(string(tc.kind), func(t *testing.T) {
			t.Parallel()
			var img image.Image
			var err error
			switch tc.kind {
			case frames.Middle:
				img = middleFrame(t).img
			case frames.Strip:
				// The strip the link's extraction cached with every kind.
				r := urlFrames(t)
				img, err = frames.New(frames.Config{Cache: r.cache, Tools: tools}).Frame(context.Background(), r.job, tc.kind)
			default:
				e := frames.New(frames.Config{Cache: t.TempDir(), Tools: tools})
				img, err = e.Frame(context.Background(), savedJob(t, "task-real"), tc.kind)
			}
			if err != nil {
				t.Fatal(err)
			}
			if w := img.Bounds().Dx(); w < tc.minW || w > tc.maxW {
				t.Errorf("width %d, want %d..%d", w, tc.minW, tc.maxW)
			}
			// testsrc2 is colour bars, a gradient and a clock: hundreds of colours.
			if n := distinctColours(img); n < 100 {
				t.Errorf("%d distinct colours, want a real picture (≥ 100)", n)
			}
		})
	}
}

func TestSecondViewUsesTheCacheAndNoFFmpeg(t *testing.T) {
	t.Parallel()
	tools := framestest.Tools(t)
	first := middleFrame(t)
	if first.runs == 0 {
		t.Fatal("the first view ran no tool")
	}
	var c counter
	e := frames.New(frames.Config{Cache: first.cache, Tools: tools, Run: c.run})
	j := first.job
	again, err := e.Frame(context.Background(), j, frames.Middle)
	if err != nil {
		t.Fatal(err)
	}
	if c.runs.Load() != 0 {
		t.Errorf("the second view ran %d more tools, want none", c.runs.Load())
	}
	if again.Bounds() != first.img.Bounds() {
		t.Errorf("cached frame %v, first %v", again.Bounds(), first.img.Bounds())
	}
	// Offline and without ffmpeg the cached frame still shows.
	j.LocalPath = ""
	offline := frames.New(frames.Config{Cache: first.cache})
	if _, err := offline.Frame(context.Background(), j, frames.Middle); err != nil {
		t.Errorf("cached frame without ffmpeg: %v", err)
	}
	if _, err := os.Stat(filepath.Join(first.cache, j.TaskID, "middle.png")); err != nil {
		t.Errorf("cache file: %v", err)
	}
}

func TestMissingFFmpegSaysInstallIt(t *testing.T) {
	t.Parallel()
	empty := t.TempDir()
	if _, err := frames.LookTools(empty); !errors.Is(err, frames.ErrNoFFmpeg) {
		t.Fatalf("LookTools without ffmpeg: %v", err)
	}
	// A PATH with only ffmpeg (no ffprobe) is no better.
	if err := os.WriteFile(filepath.Join(empty, "ffmpeg"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := frames.LookTools(empty + string(os.PathListSeparator) + "relative/bin"); !errors.Is(err, frames.ErrNoFFmpeg) {
		t.Fatalf("LookTools with ffmpeg alone: %v", err)
	}
	e := frames.New(frames.Config{Cache: t.TempDir()})
	_, err := e.Frame(context.Background(), savedJob(t, "task-none"), frames.Middle)
	if !errors.Is(err, frames.ErrNoFFmpeg) || err.Error() != "install ffmpeg to see previews" {
		t.Errorf("error %v, want the install message", err)
	}
}

func TestFrameFromTheResultURLFetchesOnceAndFillsEveryKind(t *testing.T) {
	t.Parallel()
	tools := framestest.Tools(t)
	r := urlFrames(t)
	e := frames.New(frames.Config{Cache: r.cache, Tools: tools})
	for _, k := range []frames.Kind{frames.First, frames.Middle, frames.Strip} {
		if _, err := e.Cached(r.job, k); err != nil {
			t.Errorf("%s not cached after a URL extraction: %v", k, err)
		}
	}
	if r.fetches != 1 {
		t.Errorf("%d fetches of the video, want 1", r.fetches)
	}
	left, _ := filepath.Glob(filepath.Join(r.cache, r.job.TaskID, ".*"))
	if len(left) != 0 {
		t.Errorf("temporary files left in the cache: %v", left)
	}
}

func TestFrameRefusesWhatItMustNotFetch(t *testing.T) {
	t.Parallel()
	tools := framestest.Tools(t)
	for _, tc := range []struct {
		name string
		job  history.Job
		want error
	}{
		{"not finished", history.Job{ID: "a", TaskID: "t1", Status: history.StatusRunning}, nil},
		{"file URL", history.Job{ID: "b", TaskID: "t2", Status: history.StatusFinished, VideoURLs: []string{"file:///etc/passwd"}}, nil},
		{"hostile task id", history.Job{ID: "c", TaskID: "../../x", Status: history.StatusFinished, VideoURLs: []string{"http://127.0.0.1:1/v.mp4"}}, frames.ErrBadID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c counter
			dir := t.TempDir()
			e := frames.New(frames.Config{Cache: filepath.Join(dir, "frames"), Tools: tools, Run: c.run})
			_, err := e.Frame(context.Background(), tc.job, frames.Middle)
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Fatalf("error %v, want a refusal (%v)", err, tc.want)
			}
			if c.runs.Load() != 0 {
				t.Errorf("ran %d tools for a refused job", c.runs.Load())
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("wrote %d entries for a refused job", len(entries))
			}
		})
	}
}

func TestOneExtractionAtATimePerJob(t *testing.T) {
	t.Parallel()
	framestest.Tools(t)
	// Four callers asked for the same job's frame at once. One extraction
	// is one ffmpeg (the clip's MP4 header gives its length); the waiters
	// found the cache.
	r := middleFrame(t)
	if r.runs != 1 || r.peak != 1 {
		t.Errorf("%d tool runs, %d at once; want 1, 1", r.runs, r.peak)
	}
}

// A video that is not an MP4 (here the sample clip remuxed into
// Matroska, as it is) has its length from ffprobe: the middle frame still
// comes from the middle, the same as the MP4's.
func TestLengthFromFFprobeForOtherContainers(t *testing.T) {
	t.Parallel()
	tools := framestest.Tools(t)
	dir := t.TempDir()
	mp4, mkv := filepath.Join(dir, "clip.mp4"), filepath.Join(dir, "clip.mkv")
	if err := os.WriteFile(mp4, assets.SampleClip, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := frames.RunCommand(context.Background(), tools.FFmpeg, "-v", "error", "-nostdin", "-i", mp4, "-c", "copy", mkv); err != nil {
		t.Fatal(err)
	}
	var c counter
	e := frames.New(frames.Config{Cache: t.TempDir(), Tools: tools, Run: c.run})
	j := history.Job{ID: "01mkv", TaskID: "task-mkv", Status: history.StatusFinished, LocalPath: mkv}
	mid, err := e.Frame(context.Background(), j, frames.Middle)
	if err != nil {
		t.Fatal(err)
	}
	if c.runs.Load() != 2 {
		t.Errorf("%d tool runs, want ffprobe and ffmpeg", c.runs.Load())
	}
	if !sameImage(mid, middleFrame(t).img) {
		t.Error("the middle frame differs from the MP4's")
	}
}

// sameImage reports whether a and b have the same size and pixels.
func sameImage(a, b image.Image) bool {
	if a == nil || b == nil || a.Bounds() != b.Bounds() {
		return false
	}
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				return false
			}
		}
	}
	return true
}

func TestExtractionStopsAtTheTimeout(t *testing.T) {
	t.Parallel()
	hang := func(ctx context.Context, _ string, _ ...string) ([]byte, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	e := frames.New(frames.Config{Cache: t.TempDir(), Tools: frames.Tools{FFmpeg: "/x/ffmpeg", FFprobe: "/x/ffprobe"},
		Run: hang, Timeout: 1})
	_, err := e.Frame(context.Background(), savedJob(t, "task-slow"), frames.Middle)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v, want the deadline", err)
	}
}

func TestAPlaylistPosingAsAVideoReachesNothing(t *testing.T) {
	t.Parallel()
	tools := framestest.Tools(t)
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "clip.mp4")
	playlist := "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\n" + srv.URL + "/segment.ts\n#EXT-X-ENDLIST\n"
	if err := os.WriteFile(path, []byte(playlist), 0o644); err != nil {
		t.Fatal(err)
	}
	e := frames.New(frames.Config{Cache: t.TempDir(), Tools: tools})
	j := history.Job{ID: "01evil", TaskID: "task-evil", Status: history.StatusFinished, LocalPath: path}
	if _, err := e.Frame(context.Background(), j, frames.First); err == nil {
		t.Error("a playlist gave a frame")
	}
	if hits.Load() != 0 {
		t.Errorf("ffmpeg made %d requests for a playlist's segments", hits.Load())
	}
}
