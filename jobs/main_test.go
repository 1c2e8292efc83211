package jobs_test

import (
	"testing"

	"github.com/soratui/soratui/internal/testmain"
)

// The tracker tests wait on the simulator's timings far more than they
// compute.
func TestMain(m *testing.M) { testmain.Main(m, 8) }
