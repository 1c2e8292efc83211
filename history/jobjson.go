package history

import (
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"
)

// Import decodes every line twice (check, then write), and encoding/json
// spends about 10 µs on a line of Export's form. unmarshalJob reads that
// form directly: the field names exactly as Export spells them, each at
// most once, plain integers, and strings of valid UTF-8 with the usual
// escapes. Anything else (unknown or repeated fields, other spellings,
// surrogate escapes, a value of the wrong type, invalid JSON) goes to
// json.Unmarshal, so a line decodes to exactly what json.Unmarshal gives,
// errors included; TestUnmarshalJobMatchesEncodingJSON holds the two side
// by side.

// unmarshalJob decodes one JSON object into *j, a zero Job, as
// json.Unmarshal(line, j) does.
func unmarshalJob(line []byte, j *Job) error {
	p := jsonReader{b: line}
	if p.job(j) && p.end() {
		return nil
	}
	*j = Job{}
	return json.Unmarshal(line, j)
}

// jsonReader reads the JSON of one line; each method reports false where
// the line leaves the fast form (the caller then asks encoding/json).
type jsonReader struct {
	b   []byte
	i   int
	buf []byte // unescaped string bytes
}

func (p *jsonReader) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// end reports whether only white space is left.
func (p *jsonReader) end() bool {
	p.ws()
	return p.i == len(p.b)
}

// is consumes c, after white space, when it comes next.
func (p *jsonReader) is(c byte) bool {
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

// null consumes a null literal when it comes next.
func (p *jsonReader) null() bool {
	p.ws()
	if len(p.b)-p.i >= 4 && string(p.b[p.i:p.i+4]) == "null" {
		p.i += 4
		return true
	}
	return false
}

// object reads {"key": value, ...}, calling field with each key, which
// reads the value; keys must be distinct (seen has a bit per known key).
func (p *jsonReader) object(field func(key []byte) (bit uint32, ok bool)) bool {
	if !p.is('{') {
		return false
	}
	if p.is('}') {
		return true
	}
	var seen uint32
	for {
		p.ws()
		key, ok := p.rawString()
		if !ok || !p.is(':') {
			return false
		}
		bit, ok := field(key)
		if !ok || seen&bit != 0 {
			return false
		}
		seen |= bit
		if p.is('}') {
			return true
		}
		if !p.is(',') {
			return false
		}
	}
}

// array reads [value, ...], calling elem to read each value.
func (p *jsonReader) array(elem func() bool) bool {
	if !p.is('[') {
		return false
	}
	if p.is(']') {
		return true
	}
	for {
		if !elem() {
			return false
		}
		if p.is(']') {
			return true
		}
		if !p.is(',') {
			return false
		}
	}
}

// rawString reads a string of ASCII without escapes and returns its
// contents: keys and times.
func (p *jsonReader) rawString() ([]byte, bool) {
	if p.i >= len(p.b) || p.b[p.i] != '"' {
		return nil, false
	}
	start := p.i + 1
	for k := start; k < len(p.b); k++ {
		switch c := p.b[k]; {
		case c == '"':
			p.i = k + 1
			return p.b[start:k], true
		case c == '\\' || c < 0x20 || c >= 0x80:
			return nil, false
		}
	}
	return nil, false
}

// str reads a string value (null leaves *s as it is, as encoding/json does).
// A string without escapes, the usual case, converts straight from the
// line; one with escapes is built in p.buf, a run at a time.
func (p *jsonReader) str(s *string) bool {
	if p.null() {
		return true
	}
	if p.i >= len(p.b) || p.b[p.i] != '"' {
		return false
	}
	p.buf = p.buf[:0]
	escaped := false
	run := p.i + 1 // start of the bytes not yet in p.buf
	for k := run; k < len(p.b); {
		switch c := p.b[k]; {
		case !strStop[c]:
			k++
		case c == '"':
			v := p.b[run:k]
			if escaped {
				p.buf = append(p.buf, v...)
				v = p.buf
			}
			if !utf8.Valid(v) {
				return false // encoding/json replaces bad bytes; let it
			}
			*s = string(v)
			p.i = k + 1
			return true
		case c == '\\':
			p.buf = append(p.buf, p.b[run:k]...)
			escaped = true
			var ok bool
			if k, ok = p.escape(k + 1); !ok {
				return false
			}
			run = k
		default: // a control character
			return false
		}
	}
	return false
}

// strStop marks the bytes that end a plain run inside a string: the
// closing quote, a backslash and the control characters JSON forbids.
var strStop = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// escape appends the character of the escape after a backslash at k and
// returns the index after it.
func (p *jsonReader) escape(k int) (int, bool) {
	if k >= len(p.b) {
		return 0, false
	}
	switch c := p.b[k]; c {
	case '"', '\\', '/':
		p.buf = append(p.buf, c)
	case 'b':
		p.buf = append(p.buf, '\b')
	case 'f':
		p.buf = append(p.buf, '\f')
	case 'n':
		p.buf = append(p.buf, '\n')
	case 'r':
		p.buf = append(p.buf, '\r')
	case 't':
		p.buf = append(p.buf, '\t')
	case 'u':
		if k+5 > len(p.b) {
			return 0, false
		}
		r, err := strconv.ParseUint(string(p.b[k+1:k+5]), 16, 16)
		if err != nil || r >= 0xd800 && r < 0xe000 {
			return 0, false // surrogates: encoding/json's rules
		}
		p.buf = utf8.AppendRune(p.buf, rune(r))
		return k + 5, true
	default:
		return 0, false
	}
	return k + 1, true
}

// integer reads a JSON integer (no fraction or exponent).
func (p *jsonReader) integer(n *int) bool {
	p.ws()
	start := p.i
	if p.i < len(p.b) && p.b[p.i] == '-' {
		p.i++
	}
	digits := p.i
	for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
		p.i++
	}
	if p.i == digits || p.b[digits] == '0' && p.i-digits > 1 {
		return false
	}
	if p.i < len(p.b) && (p.b[p.i] == '.' || p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		return false
	}
	v, err := strconv.ParseInt(string(p.b[start:p.i]), 10, 64)
	*n = int(v)
	return err == nil
}

// intPtr reads null or an integer.
func (p *jsonReader) intPtr(n **int) bool {
	if p.null() {
		*n = nil
		return true
	}
	v := new(int)
	*n = v
	return p.integer(v)
}

// time reads a time as time.Time's UnmarshalJSON does.
func (p *jsonReader) time(t *time.Time) bool {
	if p.null() {
		return true
	}
	start := p.i
	if _, ok := p.rawString(); !ok {
		return false
	}
	return t.UnmarshalJSON(p.b[start:p.i]) == nil
}

func (p *jsonReader) timePtr(t **time.Time) bool {
	if p.null() {
		*t = nil
		return true
	}
	v := new(time.Time)
	*t = v
	return p.time(v)
}

// strings reads a list of strings; [] is an empty list, null none.
func (p *jsonReader) strings(list *[]string) bool {
	if p.null() {
		*list = nil
		return true
	}
	*list = []string{}
	return p.array(func() bool {
		var s string
		p.ws()
		ok := p.str(&s)
		*list = append(*list, s)
		return ok
	})
}

// status reads a Status.
func (p *jsonReader) status(s *Status) bool {
	return p.str((*string)(s))
}

// job reads a Job object.
func (p *jsonReader) job(j *Job) bool {
	return p.object(func(key []byte) (uint32, bool) {
		switch string(key) {
		case "id":
			return 1 << 0, p.str(&j.ID)
		case "task_id":
			return 1 << 1, p.str(&j.TaskID)
		case "group_id":
			return 1 << 2, p.str(&j.GroupID)
		case "model":
			return 1 << 3, p.str(&j.Model)
		case "status":
			return 1 << 4, p.status(&j.Status)
		case "progress":
			return 1 << 5, p.intPtr(&j.Progress)
		case "prompt":
			return 1 << 6, p.str(&j.Prompt)
		case "image_url":
			return 1 << 7, p.str(&j.ImageURL)
		case "duration":
			return 1 << 8, p.null() || p.integer(&j.Duration)
		case "aspect_ratio":
			return 1 << 9, p.str(&j.AspectRatio)
		case "resolution":
			return 1 << 10, p.str(&j.Resolution)
		case "credits":
			return 1 << 11, p.null() || p.integer(&j.Credits)
		case "video_urls":
			return 1 << 12, p.strings(&j.VideoURLs)
		case "error":
			return 1 << 13, p.str(&j.Error)
		case "local_path":
			return 1 << 14, p.str(&j.LocalPath)
		case "callback_url":
			return 1 << 15, p.str(&j.CallbackURL)
		case "created_at":
			return 1 << 16, p.time(&j.CreatedAt)
		case "updated_at":
			return 1 << 17, p.time(&j.UpdatedAt)
		case "finished_at":
			return 1 << 18, p.timePtr(&j.FinishedAt)
		case "status_history":
			return 1 << 19, p.statusHistory(&j.StatusHistory)
		case "schema":
			return 1 << 20, p.null() || p.integer(&j.Schema)
		case "credits_charged":
			return 1 << 21, p.intPtr(&j.CreditsCharged)
		case "batch_id":
			return 1 << 22, p.str(&j.BatchID)
		case "batch_key":
			return 1 << 23, p.str(&j.BatchKey)
		}
		return 0, false
	})
}

// statusHistory reads a list of StatusChange; [] is an empty list, null
// none.
func (p *jsonReader) statusHistory(list *[]StatusChange) bool {
	if p.null() {
		*list = nil
		return true
	}
	*list = []StatusChange{}
	return p.array(func() bool {
		var c StatusChange
		ok := p.object(func(key []byte) (uint32, bool) {
			switch string(key) {
			case "status":
				return 1 << 0, p.status(&c.Status)
			case "raw":
				return 1 << 1, p.str(&c.Raw)
			case "progress":
				return 1 << 2, p.intPtr(&c.Progress)
			case "note":
				return 1 << 3, p.str(&c.Note)
			case "at":
				return 1 << 4, p.time(&c.At)
			}
			return 0, false
		})
		*list = append(*list, c)
		return ok
	})
}
