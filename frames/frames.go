// Package frames shows finished videos as pictures: it takes still frames
// with ffmpeg (first, middle, and a contact strip), keeps them as PNG files
// in a per-task cache so a second look is instant and works offline, and
// renders images for terminals as colour half-blocks, kitty graphics or
// sixel.
package frames

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/soratui/soratui/download"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/internal/inert"
)

// Kind names which frame of a video is wanted.
type Kind string

// The frames of a video that are extracted and cached.
const (
	First  Kind = "first"  // the opening frame
	Middle Kind = "middle" // the frame halfway through
	Strip  Kind = "strip"  // five frames side by side, evenly spread
)

// allKinds lists every kind, in the order a URL extraction fills them.
func allKinds() []Kind { return []Kind{Middle, First, Strip} }

// ParseKind reads first, middle or strip.
func ParseKind(s string) (Kind, error) {
	for _, k := range allKinds() {
		if string(k) == s {
			return k, nil
		}
	}
	return "", fmt.Errorf("unknown frame %q: use first, middle or strip", inert.Clip(s, 40))
}

// Defaults of a zero Config.
const (
	DefaultTimeout = time.Minute
	DefaultWidth   = 640
	stripFrameW    = 256 // pixels per frame of a strip
	stripGap       = 16  // pixels between strip frames: about a column at 100
	waitDelay      = 2 * time.Second
)

// Sentinels, wrapped by Frame's errors.
var (
	// ErrNoFFmpeg means ffmpeg (or ffprobe) is not installed; the words
	// are the ones a person sees where the preview would be.
	ErrNoFFmpeg = errors.New("install ffmpeg to see previews")
	// ErrBadID means a task id is unfit to name a cache folder.
	ErrBadID = errors.New("not a usable task id")
	// ErrNotCached means Cached found no frame; Frame would extract it.
	ErrNotCached = errors.New("no cached frame")
)

// Config is what an Extractor needs.
type Config struct {
	// Cache is the folder of cached frames (see CacheDir).
	Cache string
	// Tools are ffmpeg and ffprobe (see LookTools); zero values mean they
	// are missing, and uncached frames fail with ErrNoFFmpeg.
	Tools Tools
	// Run starts the tools; nil means RunCommand.
	Run Runner
	// Client fetches result URLs under package download's rules; nil
	// means a plain client.
	Client *http.Client
	// Timeout bounds one extraction, fetch included; 0 means a minute.
	Timeout time.Duration
	// Width is the widest a cached frame is kept, in pixels; 0 means 640.
	Width int
}

// Extractor takes frames from jobs' videos and caches them. It is safe for
// concurrent use; at most one extraction runs per job at a time.
type Extractor struct {
	cfg   Config
	tools Tools
	locks jobLocks
}

// New returns an Extractor for c.
func New(c Config) *Extractor {
	if c.Run == nil {
		c.Run = RunCommand
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Width <= 0 {
		c.Width = DefaultWidth
	}
	return &Extractor{cfg: c, tools: c.Tools}
}

// Available reports whether ffmpeg is there to extract new frames.
func (e *Extractor) Available() bool { return e.tools.FFmpeg != "" && e.tools.FFprobe != "" }

func (e *Extractor) run(ctx context.Context, name string, args ...string) ([]byte, error) {
	return e.cfg.Run(ctx, name, args...)
}

func (e *Extractor) cache() cache { return cache{dir: e.cfg.Cache} }

// Cached returns the job's frame of kind k from the cache alone, or an
// error wrapping ErrNotCached; it never runs ffmpeg or touches the network.
func (e *Extractor) Cached(j history.Job, k Kind) (image.Image, error) {
	if err := CheckID(j.TaskID); err != nil {
		return nil, err
	}
	img, err := e.cache().load(j.TaskID, k)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w for %s", ErrNotCached, j.TaskID)
	}
	return img, err
}

// Frame returns the job's frame of kind k: from the cache when it is
// there, else extracted from the saved video (LocalPath) or, failing
// that, from the result URL fetched under package download's rules (then
// every kind is extracted, so the video is fetched once). Errors wrap
// ErrNoFFmpeg, ErrBadID, download.ErrNotFinished, download.ErrNoVideo, a
// download error, a *ToolError or ctx's error.
func (e *Extractor) Frame(ctx context.Context, j history.Job, k Kind) (image.Image, error) {
	img, err := e.Cached(j, k)
	if !errors.Is(err, ErrNotCached) {
		return img, err
	}
	local := savedVideo(j.LocalPath)
	var url string
	if local == "" {
		if url, err = download.VideoURL(j); err != nil {
			return nil, err
		}
		if err := inert.CheckURL(url); err != nil {
			return nil, err
		}
	}
	if !e.Available() {
		return nil, ErrNoFFmpeg
	}
	unlock, err := e.locks.lock(ctx, j.TaskID)
	if err != nil {
		return nil, err
	}
	defer unlock()
	// Whoever held the lock may have filled the cache meanwhile.
	if img, err := e.Cached(j, k); err == nil {
		return img, nil
	}
	ctx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
	defer cancel()
	got, err := e.extract(ctx, j.TaskID, local, url, k)
	if err != nil {
		return nil, fmt.Errorf("preview of %s: %w", j.ID, err)
	}
	return got, nil
}

// extract fills the cache from the local video, or from url, and returns
// the frame of kind k.
func (e *Extractor) extract(ctx context.Context, id, local, url string, k Kind) (image.Image, error) {
	dir := filepath.Join(e.cfg.Cache, id)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("caching frames: %w", err)
	}
	want := []Kind{k}
	if local == "" {
		tmp, err := os.MkdirTemp(dir, ".fetch-*")
		if err != nil {
			return nil, fmt.Errorf("caching frames: %w", err)
		}
		defer os.RemoveAll(tmp)
		local = filepath.Join(tmp, "video")
		d := download.Downloader{Client: e.cfg.Client}
		if _, err := d.Fetch(ctx, url, local); err != nil {
			return nil, err
		}
		want = allKinds()
	}
	decoded, err := e.decode(ctx, local, dir, want)
	if err != nil {
		return nil, err
	}
	var out image.Image
	for _, kk := range want {
		img := e.compose(kk, decoded[kk])
		if err := e.cache().store(id, kk, img); err != nil {
			return nil, err
		}
		if kk == k {
			out = img
		}
	}
	return out, nil
}

// compose scales one kind's decoded frames into the image that is cached.
func (e *Extractor) compose(k Kind, imgs []image.Image) image.Image {
	if k != Strip {
		return Fit(imgs[0], e.cfg.Width, 0, false)
	}
	return sheet(imgs, stripFrameW, stripGap)
}

// savedVideo is path when it names a regular file, else "" (never saved,
// or moved away since: the URL is the way).
func savedVideo(path string) string {
	if path == "" {
		return ""
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return ""
	}
	if info, err := os.Stat(abs); err != nil || !info.Mode().IsRegular() {
		return ""
	}
	return abs
}

// Forget removes the cached frames of a task, as when its job leaves the
// history; a task with none is no error.
func (e *Extractor) Forget(taskID string) error {
	if err := CheckID(taskID); err != nil {
		return err
	}
	if err := os.RemoveAll(filepath.Join(e.cfg.Cache, taskID)); err != nil {
		return fmt.Errorf("removing cached frames: %w", err)
	}
	return nil
}
