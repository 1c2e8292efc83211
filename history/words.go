package history

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Search matches text at the start of a word: a job matches Query.Search
// when its prompt, id or task id, ignoring case, contains the search text
// at a position where a word starts (or anywhere, when the text itself
// starts with a character that is not part of a word, such as "#" or "<").
// A word is a run of letters and digits; a Chinese or Japanese character
// is a word of its own, since those scripts do not separate words. So
// "kite" finds "Kites over dunes" but not "skite", and "red fox" finds
// "a red foxglove".
//
// The rule lets an index of words answer a search: every word of the text
// starts a word of the job, so the jobs with a word that begins with the
// rarest word of the text are the only candidates (see search.go).

// maxWordLen caps the bytes of a word kept in the index; longer words are
// indexed by their first maxWordLen bytes, which a search still finds.
const maxWordLen = 64

// isWordRune reports whether r belongs to a word.
func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// isSingleRuneWord reports whether r is a word by itself: scripts written
// without spaces between words.
func isSingleRuneWord(r rune) bool {
	// Every such script lies above U+2E80; the test spares the common
	// case the three table searches.
	return r >= 0x2e80 && unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana)
}

// splitWords calls fn with each word of lower-case text s, in order,
// truncated to maxWordLen bytes (on a rune boundary).
func splitWords(s string, fn func(string)) {
	start := -1
	for i := 0; i < len(s); {
		size, inWord, single := 1, false, false
		if c := s[i]; c < utf8.RuneSelf {
			// ASCII, most text: no rune decoding or Unicode tables.
			inWord = 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || 'A' <= c && c <= 'Z'
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			single = isSingleRuneWord(r)
			inWord = !single && isWordRune(r)
		}
		switch {
		case inWord:
			if start < 0 {
				start = i
			}
		case start >= 0:
			fn(truncWord(s[start:i]))
			start = -1
		}
		if single {
			fn(s[i : i+size])
		}
		i += size
	}
	if start >= 0 {
		fn(truncWord(s[start:]))
	}
}

func truncWord(w string) string {
	if len(w) <= maxWordLen {
		return w
	}
	n := maxWordLen
	for n > 0 && !utf8.RuneStart(w[n]) {
		n--
	}
	return w[:n]
}

// searchFields are the lower-case texts of a job that Search looks at.
func searchFields(j *Job) [3]string {
	return [3]string{strings.ToLower(j.Prompt), strings.ToLower(j.ID), strings.ToLower(j.TaskID)}
}

// jobWords are the distinct words of a job's searched fields, sorted.
func jobWords(j *Job) []string { return distinctWords(j.Prompt, j.TaskID, j.ID) }

// distinctWords are the distinct words of texts, lower-cased, sorted.
func distinctWords(texts ...string) []string {
	ws := rawWords(nil, texts...)
	slices.Sort(ws)
	return slices.Clip(slices.Compact(ws))
}

// rawWords appends the words of texts to ws, lower-cased, in order and
// repeated as they come: an import groups them by word anyway
// (wordPlanner), which makes sorting each job's words wasted work.
func rawWords(ws []string, texts ...string) []string {
	add := func(w string) { ws = append(ws, w) }
	for _, t := range texts {
		var ok bool
		if ws, ok = asciiWords(ws, t); !ok {
			splitWords(strings.ToLower(t), add)
		}
	}
	return ws
}

// asciiWords is splitWords(strings.ToLower(t)) appending to ws, in one
// pass that lowers only the words with capitals, for text all ASCII (most
// prompts); at a byte that is not ASCII it returns ws as it was and false.
func asciiWords(ws []string, t string) ([]string, bool) {
	n, start, upper := len(ws), -1, false
	for i := 0; i < len(t); i++ {
		switch asciiClass[t[i]] {
		case asciiUpper:
			if start < 0 {
				start = i
			}
			upper = true
		case asciiLower:
			if start < 0 {
				start, upper = i, false
			}
		case asciiOther:
			if start >= 0 {
				ws = append(ws, asciiWord(t[start:i], upper))
				start = -1
			}
		default:
			return ws[:n], false
		}
	}
	if start >= 0 {
		ws = append(ws, asciiWord(t[start:], upper))
	}
	return ws, true
}

// asciiWord is an ASCII word as splitWords gives it: lower-case, truncated.
func asciiWord(w string, upper bool) string {
	if len(w) > maxWordLen {
		w = w[:maxWordLen]
	}
	if upper {
		return strings.ToLower(w)
	}
	return w
}

// The classes of bytes asciiWords tells apart.
const (
	asciiOther = iota // not part of a word
	asciiLower        // a small letter or a digit
	asciiUpper        // a capital
	notASCII
)

var asciiClass = func() (t [256]uint8) {
	for c := range 256 {
		switch {
		case c >= utf8.RuneSelf:
			t[c] = notASCII
		case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
			t[c] = asciiLower
		case 'A' <= c && c <= 'Z':
			t[c] = asciiUpper
		}
	}
	return t
}()

// queryWords are the distinct words of a lower-case search text.
func queryWords(lower string) []string { return distinctWords(lower) }

// matches reports whether the job's prompt, id or task id contains the
// lower-case search text at the start of a word (see the rule above).
func matches(j *Job, lower string) bool {
	for _, f := range searchFields(j) {
		if containsAtWordStart(f, lower) {
			return true
		}
	}
	return false
}

// containsAtWordStart reports whether s contains sub where a word of s
// starts, or anywhere when sub does not start with a word character.
func containsAtWordStart(s, sub string) bool {
	first, _ := utf8.DecodeRuneInString(sub)
	anywhere := sub == "" || !isWordRune(first) || isSingleRuneWord(first)
	for off := 0; ; {
		i := strings.Index(s[off:], sub)
		if i < 0 {
			return false
		}
		at := off + i
		if anywhere || at == 0 {
			return true
		}
		prev, _ := utf8.DecodeLastRuneInString(s[:at])
		if !isWordRune(prev) || isSingleRuneWord(prev) {
			return true
		}
		_, size := utf8.DecodeRuneInString(s[at:])
		off = at + size
	}
}
