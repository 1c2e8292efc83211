package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/colorprofile"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/soratui/soratui/download"
	"github.com/soratui/soratui/frames"
	"github.com/soratui/soratui/history"
)

// previewCols is the width of a preview on a pipe, where no terminal says.
const previewCols = 80

// previewOptions are preview's flags.
type previewOptions struct {
	ref      string // a local id, a unique prefix of one, or a task id
	width    int
	frame    string
	protocol string
}

func newPreviewCmd(a *app) *cobra.Command {
	var o previewOptions
	cmd := &cobra.Command{
		Use:   "preview ID [--width N] [--frame first|middle|strip] [--protocol auto|halfblock|kitty|sixel]",
		Short: "Show a frame of a finished job's video in the terminal",
		Long: `Preview prints a frame of a finished job's video (ID: its local id, a
unique prefix of it, or its task id): colour half-blocks on every terminal,
kitty graphics or sixel where the terminal supports them. It needs ffmpeg.

Frames come from the saved video when there is one, else from the result
link, and are kept in $XDG_CACHE_HOME/soratui/frames, so the second preview
is instant and works offline. On a pipe auto means half-blocks; NO_COLOR
prints a note instead of half-blocks.`,
		Example: `  soratui preview 01jx8k2m
  soratui preview 01jx8k2m --frame strip --width 120
  soratui preview 01jx8k2m --protocol halfblock | less -R`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.ref = args[0]
			return runPreview(cmd.Context(), a, o)
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.width, "width", 0, "at most this many columns (default: the terminal's width; 80 on a pipe)")
	f.StringVar(&o.frame, "frame", "middle", "which frame: first, middle or strip (five across the video)")
	f.StringVar(&o.protocol, "protocol", "auto", "how to draw: auto, halfblock, kitty or sixel")
	return cmd
}

func runPreview(ctx context.Context, a *app, o previewOptions) error {
	kind, err := frames.ParseKind(o.frame)
	if err != nil {
		return &UsageError{Err: fmt.Errorf("--frame: %w", err)}
	}
	proto, err := frames.ParseProtocol(o.protocol)
	if err != nil {
		return &UsageError{Err: fmt.Errorf("--protocol: %w", err)}
	}
	if o.width < 0 {
		return usageErrorf("--width %d: give a number of columns above 0", o.width)
	}
	j, err := a.storedJob(o.ref)
	if err != nil {
		return err
	}
	ex, err := a.frameExtractor()
	if err != nil {
		return err
	}
	img, err := ex.Frame(ctx, j, kind)
	if err != nil {
		return previewFailure(j, err)
	}
	canvas := a.previewCanvas(proto, o.width)
	if canvas.Protocol == frames.HalfBlock && canvas.Profile <= colorprofile.ASCII {
		_, err := fmt.Fprintln(a.env.Stdout, frames.NoColorNote)
		return err
	}
	out, err := frames.Render(img, canvas)
	if err != nil {
		return err
	}
	if !strings.HasSuffix(out, "\n") {
		out += "\n"
	}
	_, err = io.WriteString(a.env.Stdout, out)
	return err
}

// frameExtractor takes frames with the ffmpeg found on PATH into the
// user's cache, fetching result links like downloads do.
func (a *app) frameExtractor() (*frames.Extractor, error) {
	dir, err := frames.CacheDir(a.env.getenv)
	if err != nil {
		return nil, err
	}
	// Missing tools are not an error yet: a cached frame needs none.
	tools, _ := frames.LookTools(a.env.getenv("PATH"))
	return frames.New(frames.Config{Cache: dir, Tools: tools, Client: a.resultClient()}), nil
}

// previewCanvas is where a preview is drawn: the terminal's size (or 80
// columns on a pipe) capped by --width, in the protocol asked for or the
// best the terminal offers.
func (a *app) previewCanvas(p frames.Protocol, width int) frames.Canvas {
	c := frames.Canvas{Cols: previewCols, Protocol: p, Profile: colorprofile.TrueColor}
	fd, tty := stdoutTerminal(a.env.Stdout)
	if tty {
		if w, h, err := term.GetSize(fd); err == nil && w > 0 {
			c.Cols, c.Rows = w, max(h-2, 4)
		}
		c.Profile = colorprofile.Detect(a.env.Stdout, environ(a.env.getenv))
	}
	if a.env.getenv("NO_COLOR") != "" {
		c.Profile = colorprofile.ASCII
	}
	switch {
	case width > 0 && tty:
		c.Cols = min(c.Cols, width)
	case width > 0:
		c.Cols = width
	}
	if p == frames.Auto {
		c.Protocol = frames.HalfBlock
		if tty {
			c.Protocol, c.Tmux = frames.Detect(a.env.getenv)
			if c.Protocol == frames.HalfBlock && a.env.StdinIsTerminal {
				// The terminal (or tmux itself) answers: no passthrough.
				if p, err := frames.Query(frames.QueryTimeout); err == nil && p != frames.HalfBlock {
					c.Protocol, c.Tmux = p, false
				}
			}
		}
	} else if p != frames.HalfBlock {
		_, c.Tmux = frames.Detect(a.env.getenv)
	}
	if w, h, ok := frames.CellSize(fd); tty && ok {
		c.CellW, c.CellH = w, h
	}
	return c
}

// stdoutTerminal reports whether w is a terminal, and its descriptor.
func stdoutTerminal(w io.Writer) (int, bool) {
	f, ok := w.(interface{ Fd() uintptr })
	if !ok {
		return 0, false
	}
	fd := int(f.Fd())
	return fd, term.IsTerminal(fd)
}

// environ is the part of the environment that colour detection reads.
func environ(getenv func(string) string) []string {
	var env []string
	for _, k := range []string{"TERM", "COLORTERM", "NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "TERM_PROGRAM", "TMUX", "WT_SESSION"} {
		if v := getenv(k); v != "" {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// previewFailure words a preview that could not be made: no ffmpeg and
// failed extractions exit 1; a job without a video is a usage error.
func previewFailure(j history.Job, err error) error {
	switch {
	case errors.Is(err, frames.ErrNoFFmpeg):
		return &hintError{err: err, hint: "ffmpeg comes with most package managers: apt install ffmpeg, brew install ffmpeg."}
	case errors.Is(err, download.ErrNotFinished):
		return &UsageError{Err: fmt.Errorf("job %s is %s: it has no video to preview", j.ID, j.Status),
			Help: "'soratui show " + j.ID + "' says where it stands."}
	case errors.Is(err, download.ErrNoVideo):
		return &UsageError{Err: fmt.Errorf("job %s is finished but lists no video", j.ID)}
	case errors.Is(err, download.ErrExpired):
		return &hintError{err: fmt.Errorf("preview of %s: %w", j.ID, err),
			hint: "Download videos you want to keep: a saved video previews for good."}
	}
	return err
}

// frameForgetter removes the cached frames of a deleted job; a frame left
// behind costs only space, so failures are not worth a word. One
// extractor serves every deletion (prune may delete thousands).
func (a *app) frameForgetter() func(history.Job) {
	dir, err := frames.CacheDir(a.env.getenv)
	if err != nil {
		return nil
	}
	ex := frames.New(frames.Config{Cache: dir})
	return func(j history.Job) {
		if j.TaskID != "" {
			ex.Forget(j.TaskID)
		}
	}
}
