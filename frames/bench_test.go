package frames_test

import (
	"context"
	"testing"

	"github.com/charmbracelet/colorprofile"

	"github.com/soratui/soratui/frames"
	"github.com/soratui/soratui/frames/framestest"
)

// BenchmarkPreview times a preview as a person meets it, from the saved
// sample clip to 80 columns of half-blocks: the first view extracts with
// ffmpeg into an empty cache, the cached view reads the PNG back.
func BenchmarkPreview(b *testing.B) {
	tools := framestest.Tools(b)
	j := savedJob(b, "task-bench")
	view := func(b *testing.B, e *frames.Extractor) {
		img, err := e.Frame(context.Background(), j, frames.Middle)
		if err != nil {
			b.Fatal(err)
		}
		if out := frames.HalfBlocks(img, 80, 0, colorprofile.TrueColor); len(out) == 0 {
			b.Fatal("nothing rendered")
		}
	}
	b.Run("view=first", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			e := frames.New(frames.Config{Cache: b.TempDir(), Tools: tools})
			b.StartTimer()
			view(b, e)
		}
	})
	b.Run("view=cached", func(b *testing.B) {
		e := frames.New(frames.Config{Cache: b.TempDir(), Tools: tools})
		view(b, e)
		for b.Loop() {
			view(b, e)
		}
	})
}
