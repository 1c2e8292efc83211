package ui

import (
	"errors"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/internal/inert"
)

// describeError is the sentence the interface shows for a failure; text
// from the server or files goes through inert.
func describeError(err error) string {
	var verr *apidot.ValidationError
	switch {
	case errors.As(err, &verr):
		return "Not sent: " + inert.Line(verr.Fields[0].Error())
	case apidot.IsAuth(err):
		return "APIDot refused the key: set a valid one with 'soratui key set' or APIDOT_API_KEY."
	case apidot.IsInsufficientCredits(err):
		return "Your APIDot balance cannot cover this job; nothing was retried."
	case apidot.IsAmbiguousSubmit(err):
		return "No answer to the submit: the task may exist (and be billed), so it was kept as unconfirmed and not resent."
	case apidot.IsInvalid(err):
		return "APIDot refused the request: " + inert.Line(err.Error())
	case errors.Is(err, history.ErrLocked):
		return err.Error()
	}
	return inert.Line(err.Error())
}
