package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/history"
)

// openImportFile opens a file to import; a missing file, a folder and any other
// unreadable path are one kind of usage error (exit 2).
func openImportFile(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err == nil {
		info, serr := f.Stat()
		switch {
		case serr != nil:
			err = serr
		case !info.Mode().IsRegular():
			err = fmt.Errorf("%w: not a regular file", fs.ErrInvalid)
		default:
			return f, nil
		}
		f.Close()
	}
	why := "cannot be read"
	if errors.Is(err, fs.ErrNotExist) {
		why = "does not exist"
	} else if errors.Is(err, fs.ErrInvalid) {
		why = "is not a regular file (a folder?)"
	}
	return nil, &UsageError{Err: fmt.Errorf("cannot import %q: it %s", path, why),
		Help: "Pass a JSON Lines file written by 'soratui export', or - for stdin."}
}

// checkImportedJob applies the catalog to an imported record: a duration APIDot does not
// sell is refused (0 stands for an adopted task whose duration is unknown).
func checkImportedJob(j *history.Job) error {
	if j.Duration != 0 && !slices.Contains(apidot.Durations, j.Duration) {
		return fmt.Errorf("field duration: %d s is not in the catalog (%v)", j.Duration, apidot.Durations)
	}
	return nil
}
