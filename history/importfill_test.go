package history

import "testing"

// TestImportedJobsFillTheirPages: an import, whose jobs mostly stay as
// they are, fills the pages of the jobs it adds.
func TestImportedJobsFillTheirPages(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	mustImportLines(t, s, 1000)
	if used := jobPagesUsed(t, s); used < 0.95 {
		t.Errorf("the imported jobs use %.0f%% of their pages, want 95%% or more", 100*used)
	}
}
