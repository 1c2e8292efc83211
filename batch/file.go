// Package batch reads a shot list (JSON Lines or CSV, one submit per
// line), validates all of it before anything is sent, gives every line a
// stable key so a second run sends only what the first did not, and runs
// the lines with a limit on how many jobs are unfinished at once.
package batch

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/soratui/soratui/apidot"
)

// maxFile caps what Parse reads: a shot list is text, never megabytes.
const maxFile = 8 << 20

// Shot is one line of the file: one submit, or a comparison group.
type Shot struct {
	Line     int    // the line of the file it came from
	Name     string // optional, from the file
	Requests []apidot.Request
	Key      string // stable: content and position
}

// Defaults fill the fields a line leaves out (the settings).
type Defaults struct {
	Model      string
	Duration   int
	Aspect     string
	Resolution string // applied to Pro lines only
}

// LineError is one bad line.
type LineError struct {
	Line int
	Msg  string
}

func (e LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// InvalidError refuses a whole file: every bad line, in order.
type InvalidError struct{ Lines []LineError }

func (e *InvalidError) Error() string {
	msgs := make([]string, len(e.Lines))
	for i, l := range e.Lines {
		msgs[i] = l.Error()
	}
	return fmt.Sprintf("%d bad line(s), nothing was sent:\n  %s", len(e.Lines), strings.Join(msgs, "\n  "))
}

// rawShot is a line as written; the fields are the submit flags'.
type rawShot struct {
	Prompt     *string  `json:"prompt"`
	Model      string   `json:"model"`
	Duration   flexInt  `json:"duration"`
	Aspect     string   `json:"aspect"`
	Resolution string   `json:"resolution"`
	Image      string   `json:"image"`
	Compare    flexList `json:"compare"`
	Name       string   `json:"name"`
}

// flexInt reads 8 or "8".
type flexInt struct {
	set   bool
	value int
	text  string
}

func (f *flexInt) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(bytes.TrimSpace(b)), `"`)
	if s == "" || s == "null" {
		return nil
	}
	f.set, f.text = true, s
	n, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("duration: %q is not a number of seconds", s)
	}
	f.value = n
	return nil
}

// flexList reads ["standard","pro-1080p"] or "standard,pro-1080p".
type flexList string

func (f *flexList) UnmarshalJSON(b []byte) error {
	var list []string
	if err := json.Unmarshal(b, &list); err == nil {
		*f = flexList(strings.Join(list, ","))
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return errors.New("compare: give a list of variants or a comma string")
	}
	*f = flexList(s)
	return nil
}

// Parse reads a whole shot list, JSON Lines or CSV (told apart by the
// first non-blank character: '{' is JSON), and validates every line with
// the submit rules and check (an image URL check; nil skips it). Any bad
// line refuses the whole file with an *InvalidError naming each one.
func Parse(ctx context.Context, r io.Reader, d Defaults, check func(ctx context.Context, url string) error) ([]Shot, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxFile+1))
	if err != nil {
		return nil, fmt.Errorf("reading the shot list: %w", err)
	}
	if len(b) > maxFile {
		return nil, fmt.Errorf("the shot list is over %d MiB", maxFile>>20)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, &InvalidError{Lines: []LineError{{Line: 1, Msg: "no shots: the file is empty"}}}
	}
	var raws []rawAt
	var bad []LineError
	if first := bytes.TrimLeft(b, " \t\r\n\ufeff"); len(first) > 0 && first[0] == '{' {
		raws, bad = readJSONLines(b)
	} else {
		raws, bad = readCSV(b)
	}
	var shots []Shot
	for _, ra := range raws {
		shot, msgs := ra.raw.shot(ra.line, d)
		for _, m := range msgs {
			bad = append(bad, LineError{Line: ra.line, Msg: m})
		}
		if len(msgs) == 0 {
			shots = append(shots, shot)
		}
	}
	bad = append(bad, checkImages(ctx, shots, check)...)
	if len(bad) > 0 {
		sortLines(bad)
		return nil, &InvalidError{Lines: bad}
	}
	if len(shots) == 0 {
		return nil, &InvalidError{Lines: []LineError{{Line: 1, Msg: "no shots: the file is empty"}}}
	}
	for i := range shots {
		shots[i].Key = key(i, shots[i])
	}
	return shots, nil
}

// rawAt is a line as written, with its line number.
type rawAt struct {
	line int
	raw  rawShot
}

func readJSONLines(b []byte) ([]rawAt, []LineError) {
	var out []rawAt
	var bad []LineError
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), maxFile)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		var r rawShot
		if err := dec.Decode(&r); err != nil {
			bad = append(bad, LineError{Line: n, Msg: jsonMsg(err)})
			continue
		}
		out = append(out, rawAt{line: n, raw: r})
	}
	return out, bad
}

// jsonMsg says what is wrong with a JSON line, without Go type names.
func jsonMsg(err error) string {
	msg := strings.TrimPrefix(err.Error(), "json: ")
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("%s: wrong type of value (%s)", te.Field, te.Value)
	}
	if f, ok := strings.CutPrefix(msg, "unknown field "); ok {
		return "unknown field " + f + "; the fields are prompt, model, duration, aspect, resolution, image, compare, name"
	}
	return "not a JSON object: " + msg
}

func readCSV(b []byte) ([]rawAt, []LineError) {
	cr := csv.NewReader(bytes.NewReader(b))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, []LineError{{Line: 1, Msg: "not JSON Lines, and not CSV with a header row: " + err.Error()}}
	}
	cols := map[string]int{}
	var bad []LineError
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		switch h {
		case "prompt", "model", "duration", "aspect", "resolution", "image", "compare", "name":
			cols[h] = i
		default:
			bad = append(bad, LineError{Line: 1, Msg: fmt.Sprintf("unknown column %q; the columns are prompt, model, duration, aspect, resolution, image, compare, name", h)})
		}
	}
	if _, ok := cols["prompt"]; !ok {
		bad = append(bad, LineError{Line: 1, Msg: "the header has no prompt column"})
	}
	if len(bad) > 0 {
		return nil, bad
	}
	var out []rawAt
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			bad = append(bad, LineError{Line: line, Msg: "unreadable CSV: " + err.Error()})
			continue
		}
		raw, msg := csvShot(rec, cols)
		if msg != "" {
			bad = append(bad, LineError{Line: line, Msg: msg})
			continue
		}
		if raw != nil {
			out = append(out, rawAt{line: line, raw: *raw})
		}
	}
	return out, bad
}

// csvShot reads one record; nil for a blank one.
func csvShot(rec []string, cols map[string]int) (*rawShot, string) {
	cell := func(name string) string {
		i, ok := cols[name]
		if !ok || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	if strings.TrimSpace(strings.Join(rec, "")) == "" {
		return nil, ""
	}
	p := cell("prompt")
	r := rawShot{Prompt: &p, Model: cell("model"), Aspect: cell("aspect"), Resolution: cell("resolution"),
		Image: cell("image"), Compare: flexList(cell("compare")), Name: cell("name")}
	if d := cell("duration"); d != "" {
		if err := r.Duration.UnmarshalJSON([]byte(d)); err != nil {
			return nil, err.Error()
		}
	}
	return &r, ""
}
