package history

import (
	"slices"
	"strings"
	"testing"
)

// generalWords is what rawWords gives for t by the general path: the whole
// text lower-cased, then split.
func generalWords(t string) []string {
	var ws []string
	splitWords(strings.ToLower(t), func(w string) { ws = append(ws, w) })
	return ws
}

// wordTexts are texts at the edges of asciiWords: capitals at a word's
// start, middle and end, digits, separators at both ends, words past
// maxWordLen, and text that leaves ASCII at its start, middle or end.
var wordTexts = []string{
	"", " ", "a", "A", "Kites over DUNES, at dusk", "task-017 #12 <b>tag</b>",
	"  leading and trailing  ", "camelCase mIxEd ABC123def", "x-y_z.w/v",
	strings.Repeat("long", 20) + " " + strings.Repeat("LONG", 20) + " " + strings.Repeat("ab", 32),
	"naïve café", "Ünïcode first", "last Ünïcode", "東京の夜 Tokyo", "tab\tnew\nline\x01ctrl\x7fdel",
	strings.Repeat("ä", 40) + "Z",
}

// TestRawWordsAreTheWordsOfTheLowerCaseText: the one-pass path for ASCII
// text gives exactly the words of the lower-cased text, in order, and
// text that is not all ASCII takes the general path from where ws was.
func TestRawWordsAreTheWordsOfTheLowerCaseText(t *testing.T) {
	for _, text := range wordTexts {
		checkRawWords(t, text)
	}
	got := rawWords(nil, "First Text", "naïve Second", "THIRD")
	if want := []string{"first", "text", "naïve", "second", "third"}; !slices.Equal(got, want) {
		t.Errorf("words of three texts = %q, want %q", got, want)
	}
}

func FuzzRawWords(f *testing.F) {
	for _, text := range wordTexts {
		f.Add(text)
	}
	f.Fuzz(func(t *testing.T, text string) { checkRawWords(t, text) })
}

func checkRawWords(t *testing.T, text string) {
	t.Helper()
	before := []string{"kept"}
	got := rawWords(slices.Clone(before), text)
	if want := append(before, generalWords(text)...); !slices.Equal(got, want) {
		t.Errorf("rawWords(%q) = %q, want %q", text, got[1:], want[1:])
	}
}
