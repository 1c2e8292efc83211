package history

import (
	"fmt"
	"strings"
)

// Limits on imported records: a file from someone else is input, and none of its fields
// may be large enough to bloat the history or freeze a screen.
const (
	MaxImportLine   = 1 << 20 // bytes of one JSON line
	MaxPromptBytes  = 32 << 10
	maxTextBytes    = 8 << 10 // error, status notes and raw values
	maxURLBytes     = 8 << 10
	maxPathBytes    = 4 << 10
	maxShortField   = 64 // group, aspect ratio, resolution, batch id
	maxVideoURLs    = 16
	maxStatusEvents = 1000
	maxCredits      = 1 << 30
)

// checkImported refuses a record whose fields a soratui never writes: negative credits,
// progress outside 0–100, oversized text, URLs or paths with control characters. Control
// characters inside prompts and errors are kept as data (they are shown inert).
func checkImported(j *Job) error {
	if p := j.Progress; p != nil && (*p < 0 || *p > 100) {
		return fieldError("progress", "%d is outside 0–100", *p)
	}
	if j.Credits < 0 || j.Credits > maxCredits {
		return fieldError("credits", "%d is not a credit count", j.Credits)
	}
	if c := j.CreditsCharged; c != nil && (*c < 0 || *c > maxCredits) {
		return fieldError("credits_charged", "%d is not a credit count", *c)
	}
	if j.Duration < 0 {
		return fieldError("duration", "%d is negative", j.Duration)
	}
	if len(j.Prompt) > MaxPromptBytes {
		return fieldError("prompt", "longer than %d KB", MaxPromptBytes>>10)
	}
	if len(j.VideoURLs) > maxVideoURLs {
		return fieldError("video_urls", "more than %d URLs", maxVideoURLs)
	}
	if len(j.StatusHistory) > maxStatusEvents {
		return fieldError("status_history", "more than %d entries", maxStatusEvents)
	}
	if err := checkText(j); err != nil {
		return err
	}
	return checkLinks(j)
}

// checkText bounds the free-text fields.
func checkText(j *Job) error {
	for _, f := range []struct {
		name, v string
		max     int
		plain   bool // no control characters either
	}{
		{"error", j.Error, maxTextBytes, false},
		{"group_id", j.GroupID, maxShortField, true},
		{"aspect_ratio", j.AspectRatio, maxShortField, true},
		{"resolution", j.Resolution, maxShortField, true},
		{"batch_id", j.BatchID, maxShortField, true},
		{"batch_key", j.BatchKey, maxTextBytes, true},
	} {
		if len(f.v) > f.max {
			return fieldError(f.name, "longer than %d bytes", f.max)
		}
		if f.plain && strings.ContainsFunc(f.v, isControl) {
			return fieldError(f.name, "contains control characters")
		}
	}
	for i, c := range j.StatusHistory {
		if len(c.Raw) > maxTextBytes || len(c.Note) > maxTextBytes {
			return fieldError(fmt.Sprintf("status_history[%d]", i), "longer than %d bytes", maxTextBytes)
		}
		if p := c.Progress; p != nil && (*p < 0 || *p > 100) {
			return fieldError(fmt.Sprintf("status_history[%d].progress", i), "%d is outside 0–100", *p)
		}
	}
	return nil
}

// checkLinks refuses URLs and paths with control characters or of absurd length: they are
// fetched, opened or printed, never as anything but plain text.
func checkLinks(j *Job) error {
	links := []struct{ name, v string }{
		{"image_url", j.ImageURL}, {"callback_url", j.CallbackURL}, {"local_path", j.LocalPath},
	}
	for i, u := range j.VideoURLs {
		links = append(links, struct{ name, v string }{fmt.Sprintf("video_urls[%d]", i), u})
	}
	for _, l := range links {
		limit := maxURLBytes
		if l.name == "local_path" {
			limit = maxPathBytes
		}
		if len(l.v) > limit {
			return fieldError(l.name, "longer than %d bytes", limit)
		}
		if strings.ContainsFunc(l.v, func(r rune) bool { return isControl(r) || r >= 0x80 && r <= 0x9f }) {
			return fieldError(l.name, "contains control characters")
		}
	}
	return nil
}

// fieldError names the field of a refused record; it wraps ErrInvalid.
func fieldError(field, format string, args ...any) error {
	return fmt.Errorf("%w: field %s: %s", ErrInvalid, field, fmt.Sprintf(format, args...))
}
