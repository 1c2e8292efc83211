package jobs_test

import (
	"os"
	"testing"

	"github.com/soratui/soratui/internal/testmain"
)

// The tracker tests wait on the simulator's timings far more than they
// compute.
func TestMain(m *testing.M) {
	testmain.Parallel(8)
	os.Exit(m.Run())
}
