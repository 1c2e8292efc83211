package batch_test

import (
	"testing"

	"github.com/soratui/soratui/internal/testmain"
)

// The runner tests wait on the simulator's queue far more than they
// compute.
func TestMain(m *testing.M) { testmain.Main(m, 8) }
