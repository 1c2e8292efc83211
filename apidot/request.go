package apidot

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"
)

// MaxPromptRunes caps a prompt: far above any useful Sora prompt, low
// enough that a stray paste of a whole file is caught before it is sent.
const MaxPromptRunes = 5000

// Request is one generation as the user asked for it.
type Request struct {
	Model       string   // API name: ModelStandard or ModelPro
	Prompt      string   // required
	Duration    int      // seconds: 4, 8, 12, 16 or 20; 0 means the default
	AspectRatio string   // "16:9", "9:16", "auto" (Pro with an image) or empty
	Resolution  string   // Pro only: "720p", "1024p", "1080p"; empty means the default
	ImageURLs   []string // at most one
	CallbackURL string   // optional
}

// WithDefaults fills what soratui always sends explicitly: the duration and,
// for Pro, the resolution.
func (r Request) WithDefaults() Request {
	if r.Duration == 0 {
		r.Duration = DefaultDuration
	}
	if IsPro(r.Model) && r.Resolution == "" {
		r.Resolution = DefaultResolution
	}
	return r
}

// ImageURL is the guiding image, or "".
func (r Request) ImageURL() string {
	if len(r.ImageURLs) == 0 {
		return ""
	}
	return r.ImageURLs[0]
}

// FieldError says why one field of a request is invalid.
type FieldError struct {
	Field  string // the API name: prompt, model, duration, aspect_ratio, resolution, image_urls, callback_url
	Reason string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }

// ValidationError lists every invalid field of a request; nothing was sent.
type ValidationError struct {
	Fields []*FieldError
}

func (e *ValidationError) Error() string {
	msgs := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		msgs[i] = f.Error()
	}
	return "invalid request: " + strings.Join(msgs, "; ")
}

// Unwrap exposes each field error to errors.As.
func (e *ValidationError) Unwrap() []error {
	errs := make([]error, len(e.Fields))
	for i, f := range e.Fields {
		errs[i] = f
	}
	return errs
}

// Field returns the error for one field, or nil.
func (e *ValidationError) Field(name string) *FieldError {
	for _, f := range e.Fields {
		if f.Field == name {
			return f
		}
	}
	return nil
}

// FieldReason returns why field is invalid in err, or "" when err says
// nothing about it.
func FieldReason(err error, field string) string {
	var v *ValidationError
	if errors.As(err, &v) {
		if f := v.Field(field); f != nil {
			return f.Reason
		}
	}
	return ""
}

// Validate checks every rule of the API locally, after the defaults. It
// returns a *ValidationError naming each bad field, or nil.
func (r Request) Validate() error {
	r = r.WithDefaults()
	var errs []*FieldError
	add := func(field, format string, a ...any) {
		errs = append(errs, &FieldError{Field: field, Reason: fmt.Sprintf(format, a...)})
	}

	switch {
	case !utf8.ValidString(r.Prompt):
		add("prompt", "is not valid UTF-8 text")
	case strings.TrimSpace(r.Prompt) == "":
		add("prompt", "must not be empty: describe subject, action, camera, lighting and style")
	case strings.ContainsRune(r.Prompt, 0):
		add("prompt", "contains a NUL character")
	case utf8.RuneCountInString(r.Prompt) > MaxPromptRunes:
		add("prompt", "is %d characters long; the limit is %d", utf8.RuneCountInString(r.Prompt), MaxPromptRunes)
	}

	pro := IsPro(r.Model)
	if r.Model != ModelStandard && !pro {
		add("model", "unknown model %q: use standard (%s) or pro (%s)", r.Model, ModelStandard, ModelPro)
	}

	if !slices.Contains(Durations, r.Duration) {
		add("duration", "%d s is not offered: use 4, 8, 12, 16 or 20", r.Duration)
	}

	switch {
	case r.Model == ModelStandard && r.Resolution != "":
		add("resolution", "Standard is always 720p: resolution is for Pro only")
	case pro && !slices.Contains(Resolutions, r.Resolution):
		add("resolution", "%q is not offered: use 720p, 1024p or 1080p", r.Resolution)
	}

	switch r.AspectRatio {
	case "", "16:9", "9:16":
	case "auto":
		if !pro {
			add("aspect_ratio", "auto is for Pro with an image only: use 16:9 or 9:16")
		} else if len(r.ImageURLs) == 0 {
			add("aspect_ratio", "auto needs a guiding image URL: add one or use 16:9 or 9:16")
		}
	default:
		add("aspect_ratio", "%q is not offered: use 16:9 or 9:16", r.AspectRatio)
	}

	switch {
	case len(r.ImageURLs) > 1:
		add("image_urls", "at most one image URL is allowed, got %d", len(r.ImageURLs))
	case len(r.ImageURLs) == 1:
		if reason := checkHTTPURL(r.ImageURLs[0]); reason != "" {
			add("image_urls", "%s", reason)
		}
	}

	if r.CallbackURL != "" {
		if reason := checkHTTPURL(r.CallbackURL); reason != "" {
			add("callback_url", "%s", reason)
		}
	}

	if len(errs) > 0 {
		return &ValidationError{Fields: errs}
	}
	return nil
}

// checkHTTPURL returns why s is not an absolute http(s) URL, or "".
func checkHTTPURL(s string) string {
	if !utf8.ValidString(s) {
		return "URL is not valid UTF-8"
	}
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil {
		return "not a URL: " + err.Error()
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		if u.Scheme == "" {
			return fmt.Sprintf("%q is not an absolute URL: it needs http:// or https://", s)
		}
		return fmt.Sprintf("scheme %q is not allowed: use http or https", u.Scheme)
	}
	if u.Host == "" {
		return fmt.Sprintf("%q has no host", s)
	}
	return ""
}

// submitBody is the JSON body of POST /api/generate/submit.
type submitBody struct {
	Model       string     `json:"model"`
	CallbackURL string     `json:"callback_url,omitempty"`
	Input       inputShape `json:"input"`
}

type inputShape struct {
	Prompt      string   `json:"prompt"`
	Duration    int      `json:"duration,omitempty"`
	AspectRatio string   `json:"aspect_ratio,omitempty"`
	ImageURLs   []string `json:"image_urls,omitempty"`
	Resolution  string   `json:"resolution,omitempty"`
}

func (r Request) body() submitBody {
	r = r.WithDefaults()
	in := inputShape{
		Prompt:      r.Prompt,
		Duration:    r.Duration,
		AspectRatio: r.AspectRatio,
		ImageURLs:   r.ImageURLs,
	}
	if IsPro(r.Model) {
		in.Resolution = r.Resolution
	}
	return submitBody{Model: r.Model, CallbackURL: r.CallbackURL, Input: in}
}
