package batch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"

	"github.com/soratui/soratui/apidot"
)

// shot turns a line into its requests after the defaults, and says what
// is wrong with it (each reason names the field as the file does).
func (r rawShot) shot(line int, d Defaults) (Shot, []string) {
	if r.Prompt == nil {
		return Shot{}, []string{"prompt: missing: every line needs a prompt"}
	}
	base := apidot.Request{Prompt: *r.Prompt, Duration: d.Duration, AspectRatio: d.Aspect}
	if r.Duration.set {
		base.Duration = r.Duration.value
	}
	if r.Aspect != "" {
		base.AspectRatio = r.Aspect
	}
	if r.Image != "" {
		base.ImageURLs = []string{r.Image}
	}
	var reqs []apidot.Request
	if r.Compare != "" {
		if r.Model != "" || r.Resolution != "" {
			return Shot{}, []string{"compare: takes the place of model and resolution: give the variants only"}
		}
		variants, err := apidot.ParseVariants(string(r.Compare))
		if err != nil {
			return Shot{}, []string{"compare: " + err.Error()}
		}
		for _, v := range variants {
			reqs = append(reqs, v.Apply(base))
		}
	} else {
		model := d.Model
		if r.Model != "" {
			m, err := apidot.ParseModel(r.Model)
			if err != nil {
				return Shot{}, []string{"model: " + err.Error()}
			}
			model = m
		}
		base.Model = model
		base.Resolution = r.Resolution
		if base.Resolution == "" && apidot.IsPro(model) {
			base.Resolution = d.Resolution
		}
		reqs = []apidot.Request{base}
	}
	var msgs []string
	for _, req := range reqs {
		var verr *apidot.ValidationError
		if err := req.Validate(); errors.As(err, &verr) {
			for _, f := range verr.Fields {
				msgs = append(msgs, fieldName(f.Field)+": "+f.Reason)
			}
			break // the variants share every other field: one report is enough
		}
	}
	for i := range reqs {
		reqs[i] = reqs[i].WithDefaults()
	}
	return Shot{Line: line, Name: r.Name, Requests: reqs}, msgs
}

// fieldName names a request field as the file does.
func fieldName(field string) string {
	switch field {
	case "image_urls":
		return "image"
	case "aspect_ratio":
		return "aspect"
	}
	return field
}

// checkImages checks each distinct image URL once.
func checkImages(ctx context.Context, shots []Shot, check func(context.Context, string) error) []LineError {
	if check == nil {
		return nil
	}
	seen := map[string]error{}
	var bad []LineError
	for _, s := range shots {
		url := s.Requests[0].ImageURL()
		if url == "" {
			continue
		}
		err, done := seen[url]
		if !done {
			err = check(ctx, url)
			seen[url] = err
		}
		if err != nil {
			bad = append(bad, LineError{Line: s.Line, Msg: "image: " + err.Error()})
		}
	}
	return bad
}

func sortLines(ls []LineError) {
	sort.SliceStable(ls, func(i, j int) bool { return ls[i].Line < ls[j].Line })
}

// key is a line's stable identity: its position among the shots and what
// it asks for, so running the same file again finds what was sent.
func key(pos int, s Shot) string {
	body, _ := json.Marshal(struct {
		Name     string
		Requests []apidot.Request
	}{s.Name, s.Requests})
	sum := sha256.Sum256(append([]byte(strconv.Itoa(pos)+"\x00"), body...))
	return hex.EncodeToString(sum[:8])
}

// Estimate is the catalog price of the shot (every variant).
func (s Shot) Estimate() int {
	n := 0
	for _, r := range s.Requests {
		n += int(apidot.Price(r))
	}
	return n
}

// Label names what the shot sends: "Pro 1080p, 8 s" or a comparison.
func (s Shot) Label() string {
	out := ""
	for i, r := range s.Requests {
		if i > 0 {
			out += " vs "
		}
		out += apidot.VariantLabel(r.Model, r.Resolution)
	}
	return fmt.Sprintf("%s, %d s", out, s.Requests[0].Duration)
}
