package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/soratui/soratui/download"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/jobs"
)

type downloadOptions struct {
	ref     string // a local id, a unique prefix of one, or a task id
	output  string
	force   bool
	maxSize string
}

func newDownloadCmd(a *app) *cobra.Command {
	var o downloadOptions
	cmd := &cobra.Command{
		Use:   "download ID [-o PATH]",
		Short: "Save a finished job's video and record where it went",
		Long: `Download saves the video of a finished job (ID: its local id, a unique
prefix of it, or its task id) and records the file in the history. It prints
the saved path on stdout and progress on stderr.

The default file is <Videos>/soratui/<date>-<prompt>-<id>.mp4, where <Videos>
is $XDG_VIDEOS_DIR or your usual Videos folder. -o takes a file name or an
existing folder. An existing file is never replaced unless you pass --force.
The video arrives in a temporary file first: an interrupted download leaves
nothing behind. Result links expire (APIDot keeps them about a day).`,
		Example: `  soratui download 01jx8k2m
  soratui download task-unified-1745090382-0001 -o ~/Desktop/
  soratui download 01jx8k2m -o fox.mp4 --force`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.ref = args[0]
			if !cmd.Flags().Changed("max-size") {
				if max := a.autoSettings().MaxDownload; max > 0 {
					o.maxSize = strconv.FormatInt(max, 10) // max_download from the settings
				}
			}
			return runDownload(cmd.Context(), a, o)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.output, "output", "o", "", "file or existing folder to save to (default: the Videos folder)")
	f.BoolVar(&o.force, "force", false, "replace an existing file")
	f.StringVar(&o.maxSize, "max-size", "4GB", "refuse a video larger than this (e.g. 500MB)")
	return cmd
}

func runDownload(ctx context.Context, a *app, o downloadOptions) error {
	svc, err := a.localService()
	if err != nil {
		return err
	}
	j, err := findJob(svc.Store(), o.ref)
	if err != nil {
		return err
	}
	if _, err := download.VideoURL(j); err != nil {
		return notDownloadable(j, err)
	}
	maxSize, err := download.ParseSize(o.maxSize)
	if err != nil {
		return &UsageError{Err: fmt.Errorf("--max-size: %w", err)}
	}
	dest, err := a.downloadTarget(j, o.output)
	if err != nil {
		return err
	}
	if err := download.Check(j, dest, o.force); err != nil {
		return downloadFailure(j, err)
	}
	bar := &progressBar{w: a.env.Stderr, live: a.env.StderrIsTerminal}
	stop := svc.Listen(func(e jobs.Event) {
		if e.Kind == jobs.DownloadProgress && e.Job.ID == j.ID {
			bar.update(e.Done, e.Total)
		}
	})
	saved, err := svc.Download(ctx, j.ID, jobs.DownloadOptions{Dest: dest, Overwrite: o.force, MaxSize: maxSize})
	stop()
	bar.finish(err == nil)
	if unrec := (*download.UnrecordedError)(nil); errors.As(err, &unrec) {
		// The new file is there; only the history could not record it.
		fmt.Fprintln(a.env.Stdout, unrec.Path)
		return err
	}
	if err != nil {
		return downloadFailure(j, err)
	}
	_, err = fmt.Fprintln(a.env.Stdout, saved.LocalPath)
	return err
}

// resultClient fetches result files: a plain client, since result URLs
// take no API key and must never be sent one. In demo mode the files come
// from this process's simulator, whatever port an earlier one listened on.
func (a *app) resultClient() *http.Client {
	if !a.global.demo {
		return &http.Client{}
	}
	base, err := url.Parse(a.demoServer().URL)
	if err != nil {
		return &http.Client{}
	}
	return &http.Client{Transport: demoFiles{host: base.Host}}
}

// demoFiles sends requests for simulator result files (a loopback host,
// a /files/ path) to the running simulator.
type demoFiles struct{ host string }

func (d demoFiles) RoundTrip(r *http.Request) (*http.Response, error) {
	if ip := net.ParseIP(r.URL.Hostname()); ip != nil && ip.IsLoopback() && strings.HasPrefix(r.URL.Path, "/files/") {
		r = r.Clone(r.Context())
		r.URL.Host, r.Host = d.host, d.host
	}
	return http.DefaultTransport.RoundTrip(r)
}

// videosDir is the Videos folder from the command's environment.
func (a *app) videosDir() (string, error) {
	dir, err := download.VideosDir(a.env.getenv)
	if err != nil {
		return "", &UsageError{Err: err}
	}
	return dir, nil
}

// downloadTarget is where a job's video goes: -o as a file, -o as an
// existing folder (or one written with a trailing separator) holding the
// default name, or the default path.
func (a *app) downloadTarget(j history.Job, output string) (string, error) {
	dir := ""
	if output == "" {
		d, err := a.videosDir()
		if err != nil {
			return "", err
		}
		dir = d
	}
	return download.Target(dir, j, output)
}

// notDownloadable explains why a job has nothing to download (exit 2).
func notDownloadable(j history.Job, err error) error {
	switch {
	case j.Status == history.StatusFailed || j.Status == history.StatusRejected || j.Status == history.StatusExpired:
		return &UsageError{Err: fmt.Errorf("job %s %s: it has no video to download", j.ID, j.Status),
			Help: "'soratui show " + j.ID + "' says why."}
	case errors.Is(err, download.ErrNotFinished):
		return &UsageError{Err: fmt.Errorf("job %s is %s, not finished: there is no video yet", j.ID, j.Status),
			Help: "Follow it with 'soratui watch', then download it."}
	}
	return &UsageError{Err: fmt.Errorf("job %s is finished but lists no video URL", j.ID)}
}

// existsUsage refuses to replace a file (exit 2).
func existsUsage(dest string) error {
	return &UsageError{Err: fmt.Errorf("%s already exists", dest),
		Help: "Pass --force to replace it, or -o to save elsewhere."}
}

// downloadFailure words a failed download for a person. The job itself
// is untouched: still finished, never resubmitted.
func downloadFailure(j history.Job, err error) error {
	switch {
	case errors.Is(err, download.ErrAlreadySaved):
		return &UsageError{Err: fmt.Errorf("job %s is already saved at %s", j.ID, j.LocalPath),
			Help: "Pass --force to download it again, or -o to save a copy elsewhere."}
	case errors.Is(err, download.ErrNotRegular):
		return &UsageError{Err: err, Help: "Pass -o with a regular file name or a folder."}
	case errors.Is(err, download.ErrUntrustedURL):
		return &hintError{err: fmt.Errorf("downloading %s: the server's result link is %w", j.ID, err),
			hint: "Only http and https links are fetched; nothing was saved."}
	case errors.Is(err, download.ErrNotVideo), errors.Is(err, download.ErrTooLarge):
		return &hintError{err: fmt.Errorf("downloading %s: %w", j.ID, err),
			hint: "Nothing was saved; the job is still finished. 'soratui show " + j.ID + "' has its result link."}
	case errors.Is(err, fs.ErrExist):
		var perr *fs.PathError
		if errors.As(err, &perr) {
			return existsUsage(perr.Path)
		}
		return &UsageError{Err: err}
	case errors.Is(err, download.ErrExpired):
		return &hintError{err: fmt.Errorf("downloading %s: %w", j.ID, err),
			hint: "The video cannot be fetched any more. 'soratui show " + j.ID + "' has its prompt and settings to generate it again."}
	case errors.Is(err, download.ErrDiskFull):
		return &hintError{err: fmt.Errorf("downloading %s: %w", j.ID, err),
			hint: "Nothing was saved. Free some space, or save elsewhere with -o."}
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("downloading %s: stopped; nothing was saved", j.ID)
	}
	return &hintError{err: fmt.Errorf("downloading %s: %w", j.ID, err),
		hint: "Nothing was saved; the job is still finished. Try again with 'soratui download " + j.ID + "'."}
}

// hintError is a runtime failure (exit 1) with a next step.
type hintError struct {
	err  error
	hint string
}

func (e *hintError) Error() string { return e.err.Error() + "\n" + e.hint }
func (e *hintError) Unwrap() error { return e.err }

// autoDownloadFailure words the failure of a download started because a
// followed job finished (--download): an existing file is kept and the
// next step names another place.
func autoDownloadFailure(j history.Job, err error) error {
	var perr *fs.PathError
	if errors.Is(err, fs.ErrExist) && errors.As(err, &perr) {
		return &hintError{err: fmt.Errorf("%s already exists and was not replaced", perr.Path),
			hint: "Save it elsewhere with 'soratui download " + j.ID + " -o PATH'."}
	}
	return downloadFailure(j, err)
}
