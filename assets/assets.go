// Package assets holds the files soratui embeds: the sample clip the
// simulator serves as every result video, and example prompts.
package assets

import _ "embed"

// SampleClip is a 4-second 320×180 H.264 MP4 (testsrc2 with a 440 Hz tone).
//
//go:embed sample.mp4
var SampleClip []byte
