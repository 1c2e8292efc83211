package history

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinels returned (wrapped) by the Store; test them with errors.Is.
var (
	// ErrNotFound means no job matches the id, task id or prefix.
	ErrNotFound = errors.New("job not found")
	// ErrAmbiguous means an id prefix matches several jobs; the error is
	// an *AmbiguousError that lists them.
	ErrAmbiguous = errors.New("id prefix matches several jobs")
	// ErrLocked means another process held the history file for longer
	// than Options.Timeout; the error is a *LockError.
	ErrLocked = errors.New("history file is busy in another process")
	// ErrExists means a job with that id or task id is already stored.
	ErrExists = errors.New("job already exists")
	// ErrInvalid means a job, status or import record breaks the rules of
	// the store (bad id, unknown status, missing or out-of-range time).
	ErrInvalid = errors.New("invalid job")
	// ErrNewerSchema means the file was written by a newer soratui.
	ErrNewerSchema = errors.New("history file has a newer schema")
)

// LockError reports that the history file stayed locked by another process
// (or another Store in this one) for longer than Options.Timeout.
type LockError struct {
	Path string // the history file
	PID  int    // the process holding the lock; 0 when unknown
	Name string // that process's command name when known, e.g. "soratui"
}

// Error names the file and, when known, the process holding it; it says
// "soratui" only when the holder is one.
func (e *LockError) Error() string {
	who := "another process"
	if e.Name == "soratui" {
		who = "another soratui process"
	}
	switch {
	case e.PID > 0 && e.Name != "" && e.Name != "soratui":
		who += fmt.Sprintf(" (pid %d, %s)", e.PID, e.Name)
	case e.PID > 0:
		who += fmt.Sprintf(" (pid %d)", e.PID)
	}
	return fmt.Sprintf("history file %s is busy in %s", e.Path, who)
}

// Unwrap makes errors.Is(err, ErrLocked) true.
func (e *LockError) Unwrap() error { return ErrLocked }

// AmbiguousError reports an id prefix that matches several jobs.
type AmbiguousError struct {
	Ref string   // what was looked up
	IDs []string // the matching local ids, at most 10 of them
}

// maxAmbiguousIDs caps AmbiguousError.IDs so a short prefix cannot produce a
// huge error.
const maxAmbiguousIDs = 10

// Error names the prefix and the jobs it matches.
func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("%q matches several jobs: %s", e.Ref, strings.Join(e.IDs, ", "))
}

// Unwrap makes errors.Is(err, ErrAmbiguous) true.
func (e *AmbiguousError) Unwrap() error { return ErrAmbiguous }

// LineError reports the first bad line of an import; nothing was written.
type LineError struct {
	Line int // 1-based line number
	Err  error
}

// Error names the line and the reason.
func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

// Unwrap returns the reason the line was refused.
func (e *LineError) Unwrap() error { return e.Err }
