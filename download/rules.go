package download

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/internal/inert"
)

// The rules every front end (CLI, interface, job service) applies before and while saving a
// video live here, so a target refused in one place is refused everywhere:
//
//	dest, err := download.Target(videosDir, job, output) // where it goes
//	err = download.Check(job, dest, overwrite)            // may it go there (usage errors)
//	d := download.Downloader{Client: c, Overwrite: overwrite, MaxSize: max}
//	saved, err := d.Job(ctx, store, job.ID, dest)         // fetch, verify, record
//
// Job applies Check itself, so calling Check first only gets the refusal before any progress
// display starts.

// DefaultMaxSize is the size limit of a zero Downloader: 4 GB, far above any Sora clip.
const DefaultMaxSize = 4 * 1000 * 1000 * 1000

// TargetError is a target that is not a regular file; it unwraps to ErrNotRegular.
type TargetError struct {
	Path string
	Kind string // "a folder", "a named pipe (FIFO)", "a socket", "a device", "not a regular file"
}

func (e *TargetError) Error() string {
	return fmt.Sprintf("%s is %s, not a regular file; nothing was written", e.Path, e.Kind)
}

// Unwrap makes errors.Is(err, ErrNotRegular) true.
func (e *TargetError) Unwrap() error { return ErrNotRegular }

// UnrecordedError means the video was saved at Path but the history could not record it.
type UnrecordedError struct {
	Path string
	Err  error
}

func (e *UnrecordedError) Error() string {
	return fmt.Sprintf("saved to %s, but recording that in the history failed: %v", e.Path, e.Err)
}

// Unwrap returns the history's error.
func (e *UnrecordedError) Unwrap() error { return e.Err }

// Target is where a job's video goes, as an absolute path: the default path under videosDir
// when output is empty; output joined with the default file name when output ends in a path
// separator or is an existing folder; output itself otherwise.
func Target(videosDir string, j history.Job, output string) (string, error) {
	if output == "" {
		if videosDir == "" {
			return "", errors.New("no Videos folder is known; pass a file name")
		}
		return filepath.Abs(DefaultPath(videosDir, j))
	}
	name := filepath.Base(DefaultPath("", j))
	if strings.HasSuffix(output, "/") || strings.HasSuffix(output, string(filepath.Separator)) {
		return filepath.Abs(filepath.Join(output, name))
	}
	if info, err := os.Stat(output); err == nil && info.IsDir() {
		return filepath.Abs(filepath.Join(output, name))
	}
	return filepath.Abs(output)
}

// Check says whether job j's video may be saved at dest: the job must be finished with a
// video at a trusted URL (ErrNotFinished, ErrNoVideo, ErrUntrustedURL), dest must be a regular
// file or a new path (*TargetError, whatever overwrite says), and an existing file needs
// overwrite (fs.ErrExist, with ErrAlreadySaved too when it is the job's recorded file).
func Check(j history.Job, dest string, overwrite bool) error {
	u, err := VideoURL(j)
	if err != nil {
		return err
	}
	if err := inert.CheckURL(u); err != nil {
		return fmt.Errorf("job %s: %w", j.ID, err)
	}
	err = checkDest(dest, overwrite)
	if errors.Is(err, fs.ErrExist) && j.LocalPath != "" && sameFile(dest, j.LocalPath) {
		return fmt.Errorf("job %s: %w: %w", j.ID, ErrAlreadySaved, err)
	}
	return err
}

// checkDest refuses a target that is not a regular file, and an existing one unless
// overwrite is set.
func checkDest(dest string, overwrite bool) error {
	if dest == "" {
		return errors.New("download: no destination file")
	}
	info, err := os.Stat(dest)
	if err == nil && !info.Mode().IsRegular() {
		return &TargetError{Path: dest, Kind: kind(info.Mode())}
	}
	if overwrite {
		return nil
	}
	if _, lerr := os.Lstat(dest); lerr == nil {
		return existsError(dest)
	}
	return nil
}

// kind names a non-regular file mode for a person.
func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
		return "a device"
	}
	return "not a regular file"
}

// sameFile reports whether two paths name the same file.
func sameFile(a, b string) bool {
	ia, errA := os.Stat(a)
	ib, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(ia, ib)
}

// ParseSize reads a size limit such as "500MB", "4GB", "1.5 GiB" or "1048576" (bytes).
// KB, MB, GB and TB count in thousands, KiB, MiB, GiB and TiB in 1024s; case is ignored.
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := strings.IndexFunc(t, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	num, unit := t, ""
	if i >= 0 {
		num, unit = t[:i], strings.ToUpper(strings.TrimSpace(t[i:]))
	}
	mult := map[string]float64{"": 1, "B": 1, "K": 1e3, "KB": 1e3, "M": 1e6, "MB": 1e6, "G": 1e9,
		"GB": 1e9, "T": 1e12, "TB": 1e12, "KIB": 1 << 10, "MIB": 1 << 20, "GIB": 1 << 30, "TIB": 1 << 40}[unit]
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || mult == 0 || v*mult < 1 || v*mult > 1<<62 {
		return 0, fmt.Errorf("size %q: want a positive size such as 500MB or 4GB", s)
	}
	return int64(v * mult), nil
}
