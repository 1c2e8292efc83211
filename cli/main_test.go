package cli_test

import (
	"os"
	"testing"

	"github.com/soratui/soratui/internal/testmain"
)

// The command tests wait on the simulator, ffmpeg and child processes far
// more than they compute.
func TestMain(m *testing.M) {
	testmain.Parallel(8)
	os.Exit(m.Run())
}
