package frames

import "testing"

func TestReadRepliesOfTerminals(t *testing.T) {
	for _, tc := range []struct {
		name  string
		reply string
		want  Protocol
		done  bool
	}{
		{"kitty", "\x1b_Gi=31;OK\x1b\\\x1b[?62;c", Kitty, true},
		{"sixel xterm", "\x1b[?63;1;2;4;6;9;15;22c", Sixel, true},
		{"neither", "\x1b[?62;22c", HalfBlock, true},
		{"kitty refuses", "\x1b_Gi=31;ENOTSUPPORTED:no\x1b\\\x1b[?62;4c", Sixel, true},
		{"device attributes still arriving", "\x1b_Gi=31;OK\x1b\\\x1b[?62;", HalfBlock, false},
		{"nothing yet", "", HalfBlock, false},
		{"attribute 44 is not 4", "\x1b[?64;44c", HalfBlock, true},
	} {
		p, done := readReplies([]byte(tc.reply))
		if p != tc.want || done != tc.done {
			t.Errorf("%s: %s done=%v, want %s done=%v", tc.name, p, done, tc.want, tc.done)
		}
	}
}
