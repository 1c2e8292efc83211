package frames

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/soratui/soratui/internal/inert"
)

// localOnly keeps ffmpeg to local files: a fetched "video" that is really
// a playlist must not make it read other files or reach the network.
const localOnly = "file"

// stripLen is how many frames a contact strip holds; odd, so its centre
// frame is the middle frame and one seek serves both.
const stripLen = 5

// Tools are the programs extraction runs.
type Tools struct {
	FFmpeg  string // decodes frames
	FFprobe string // reads the video's duration
}

// LookTools finds ffmpeg and ffprobe (they ship together) in the folders
// of path, a PATH value. Either missing gives ErrNoFFmpeg.
func LookTools(path string) (Tools, error) {
	var t Tools
	for _, want := range []struct {
		name string
		dst  *string
	}{{"ffmpeg", &t.FFmpeg}, {"ffprobe", &t.FFprobe}} {
		for _, dir := range filepath.SplitList(path) {
			if dir == "" || !filepath.IsAbs(dir) {
				// A relative PATH entry would run whatever the current
				// folder holds.
				continue
			}
			if p, err := exec.LookPath(filepath.Join(dir, want.name)); err == nil {
				*want.dst = p
				break
			}
		}
		if *want.dst == "" {
			return Tools{}, ErrNoFFmpeg
		}
	}
	return t, nil
}

// Runner runs a program and returns what it wrote to standard output.
type Runner func(ctx context.Context, name string, args ...string) ([]byte, error)

// ToolError is a run of ffmpeg or ffprobe that failed.
type ToolError struct {
	Tool   string // "ffmpeg" or "ffprobe"
	Err    error  // from os/exec
	Stderr string // the tool's last line of complaint
}

func (e *ToolError) Error() string {
	msg := e.Tool + " failed: " + e.Err.Error()
	if e.Stderr != "" {
		// The text may echo bytes from an untrusted video.
		msg += ": " + inert.Clip(e.Stderr, 200)
	}
	return msg
}

func (e *ToolError) Unwrap() error { return e.Err }

// RunCommand is the Runner that starts real processes.
func RunCommand(ctx context.Context, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	var out, errs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errs
	cmd.WaitDelay = waitDelay
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &ToolError{Tool: filepath.Base(name), Err: err, Stderr: lastLine(errs.String())}
	}
	return out.Bytes(), nil
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return s
}

// duration reads the video's length in seconds from its MP4 header, else
// asks ffprobe; 0 when the container does not say, which still yields a
// first frame.
func (e *Extractor) duration(ctx context.Context, video string) (float64, error) {
	if d, ok := mp4Duration(video); ok {
		return d, nil
	}
	out, err := e.run(ctx, e.tools.FFprobe, "-v", "error", "-protocol_whitelist", localOnly,
		"-show_entries", "format=duration", "-of", "default=noprint_wrappers=1:nokey=1", video)
	if err != nil {
		return 0, err
	}
	d, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	if err != nil || d < 0 {
		return 0, nil
	}
	return d, nil
}

// seeks are the times (seconds) each kind needs, given the duration.
func seeks(k Kind, d float64) []float64 {
	switch k {
	case First:
		return []float64{0}
	case Middle:
		return []float64{d / 2}
	}
	ts := make([]float64, stripLen)
	for i := range ts {
		ts[i] = (float64(i) + 0.5) * d / stripLen
	}
	return ts
}

// decode runs one ffmpeg for every frame that kinds need, in a temporary
// folder under dir, and returns the frames by seek time.
func (e *Extractor) decode(ctx context.Context, video, dir string, kinds []Kind) (map[Kind][]image.Image, error) {
	var d float64
	if !slices.Equal(kinds, []Kind{First}) {
		// Only the first frame is found without the length.
		var err error
		if d, err = e.duration(ctx, video); err != nil {
			return nil, err
		}
	}
	tmp, err := os.MkdirTemp(dir, ".extract-*")
	if err != nil {
		return nil, fmt.Errorf("extracting frames: %w", err)
	}
	defer os.RemoveAll(tmp)

	index := map[string]int{} // seek time → input number
	var times []string
	for _, k := range kinds {
		for _, t := range seeks(k, d) {
			s := strconv.FormatFloat(t, 'f', 3, 64)
			if _, ok := index[s]; !ok {
				index[s] = len(times)
				times = append(times, s)
			}
		}
	}
	args := []string{"-v", "error", "-nostdin", "-y"}
	for _, t := range times {
		args = append(args, "-threads", decodeThreads(len(times)), "-protocol_whitelist", localOnly, "-ss", t, "-i", video)
	}
	for i := range times {
		args = append(args, "-map", strconv.Itoa(i)+":v:0", "-frames:v", "1", "-update", "1",
			filepath.Join(tmp, strconv.Itoa(i)+".png"))
	}
	if _, err := e.run(ctx, e.tools.FFmpeg, args...); err != nil {
		return nil, err
	}
	got := map[Kind][]image.Image{}
	for _, k := range kinds {
		for _, t := range seeks(k, d) {
			img, err := readPNG(filepath.Join(tmp, strconv.Itoa(index[strconv.FormatFloat(t, 'f', 3, 64)])+".png"))
			if err != nil {
				return nil, err
			}
			got[k] = append(got[k], img)
		}
	}
	return got, nil
}

// decodeThreads is the decoder threads of each of n inputs: the CPUs
// shared among them. By default every decoder starts a thread per CPU,
// and for the one frame each input gives, starting them costs more than
// they save: the sample clip's six inputs took a third more CPU on two
// cores.
func decodeThreads(n int) string {
	return strconv.Itoa(max(1, runtime.NumCPU()/max(n, 1)))
}

func readPNG(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("ffmpeg wrote no frame: %w", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("reading a frame: %w", err)
	}
	if b := img.Bounds(); b.Dx() == 0 || b.Dy() == 0 {
		return nil, errors.New("ffmpeg wrote an empty frame")
	}
	return img, nil
}
