package cli

import (
	"testing"

	"github.com/soratui/soratui/history"
)

// TestAnImportStoppedWhileWritingSaysWhatIsIn: the message of an import
// interrupted while it writes counts what it did of all, and says how to
// finish.
func TestAnImportStoppedWhileWritingSaysWhatIsIn(t *testing.T) {
	err := importStopped(history.ImportResult{Added: 8192, Updated: 3, Unchanged: 1}, 1_000_000)
	want := "import stopped after 8,196 of 1,000,000 jobs: 8,192 new, 3 updated, 1 unchanged\n" +
		"What was imported stays. Importing the file again finishes it, adding nothing twice."
	if err == nil || describe(err) != want || ExitCode(err) != 1 {
		t.Errorf("%v (exit %d), want\n%s", err, ExitCode(err), want)
	}
}
