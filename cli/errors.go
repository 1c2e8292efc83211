package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/internal/inert"
	"github.com/soratui/soratui/jobs"
)

// UsageError marks bad usage or invalid input: the command line is wrong,
// nothing was sent, and the process exits 2.
type UsageError struct {
	Err  error
	Help string // a next step, such as where to read the usage
}

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// usageErrorf builds a UsageError from a format.
func usageErrorf(format string, a ...any) error {
	return &UsageError{Err: fmt.Errorf(format, a...)}
}

// SilentError carries an exit code for an outcome already reported on
// screen (a failed job printed as JSON, say): nothing more is printed.
type SilentError struct {
	Code int
	Err  error
}

func (e *SilentError) Error() string { return e.Err.Error() }
func (e *SilentError) Unwrap() error { return e.Err }

// ExitCode maps an error returned by Run to the process exit code:
// 0 success, 2 bad usage or invalid input, 1 anything else.
func ExitCode(err error) int {
	if err == nil {
		return 0
	}
	var silent *SilentError
	if errors.As(err, &silent) {
		return silent.Code
	}
	var usage *UsageError
	if errors.As(err, &usage) || apidot.IsInvalid(err) || apidot.IsModelUnavailable(err) {
		return 2
	}
	return 1
}

// describe turns an error into the sentence a person reads, with the next
// step for the failures that have one. Server or file text inside the error
// is shown inert; only the line breaks the hints add stay line breaks.
func describe(err error) string { return inert.Text(explain(err)) }

// explain words an error before it is made inert.
func explain(err error) string {
	var verr *apidot.ValidationError
	if errors.As(err, &verr) {
		var b strings.Builder
		b.WriteString("invalid request, nothing was sent:")
		for _, f := range verr.Fields {
			b.WriteString("\n  --" + flagFor(f.Field) + ": " + f.Reason)
		}
		return b.String()
	}
	var unrecorded *jobs.UnrecordedTaskError
	switch {
	case errors.As(err, &unrecorded):
		return unrecorded.Error() // the task id and how to recover it come first
	case errors.Is(err, context.Canceled):
		return "interrupted: every job stays in the history, and 'soratui watch' (or the interface) resumes the unfinished ones"
	case apidot.IsModelUnavailable(err):
		return err.Error() + "\n" + modelUnavailable
	case apidot.IsAuth(err):
		return err.Error() + "\nThe API key was refused: set a valid one with 'soratui key set' or the APIDOT_API_KEY variable."
	case apidot.IsInsufficientCredits(err):
		return err.Error() + "\nYour APIDot balance cannot cover this job: top up, or pick a shorter duration or a cheaper model. Nothing was retried."
	case apidot.IsAmbiguousSubmit(err):
		return err.Error() + "\nThe task may exist on the server (and be billed): the job is kept as unconfirmed and was not resubmitted."
	}
	return err.Error()
}

// modelUnavailable explains a submit refused because the server does not serve the model.
const modelUnavailable = "This model is not available from APIDot now: OpenAI retired Sora 2 on its own API in " +
	"September 2026, and resellers may follow. Nothing was billed. Try the offline demo with 'soratui --demo'."

// flagFor names the command-line flag of a request field.
func flagFor(field string) string {
	switch field {
	case "image_urls":
		return "image"
	case "aspect_ratio":
		return "aspect"
	case "callback_url":
		return "callback-url"
	}
	return field
}
