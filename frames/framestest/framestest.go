// Package framestest helps tests that need ffmpeg: they skip with a clear
// message on a machine without it and fail under CI, which installs it.
package framestest

import (
	"os"
	"testing"

	"github.com/soratui/soratui/frames"
)

// Tools returns ffmpeg and ffprobe from PATH. Without them the test is
// skipped, or failed when CI=true.
func Tools(tb testing.TB) frames.Tools {
	tb.Helper()
	tools, err := frames.LookTools(os.Getenv("PATH"))
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatal("ffmpeg and ffprobe must be installed in CI (.ci/run installs them)")
		}
		tb.Skip("ffmpeg not installed: install ffmpeg to run the preview tests")
	}
	return tools
}
