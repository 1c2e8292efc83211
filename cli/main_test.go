package cli_test

import (
	"os"
	"testing"

	"github.com/soratui/soratui/internal/testmain"
)

// shared holds what the tests make once and share; TestMain removes it.
var shared string

// The command tests wait on the simulator, ffmpeg and child processes far
// more than they compute.
func TestMain(m *testing.M) {
	var remove func()
	shared, remove = testmain.TempDir("cli-test-")
	testmain.Parallel(8)
	code := m.Run()
	remove()
	os.Exit(code)
}
