package history

import (
	"testing"

	bolt "go.etcd.io/bbolt"
)

// TestImportedJobsFillTheirPages: an import, whose jobs mostly stay as
// they are, fills the pages of the jobs it adds.
func TestImportedJobsFillTheirPages(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	mustImportLines(t, s, 1000)
	var st bolt.BucketStats
	if err := s.view(func(tx *bolt.Tx) error {
		st = tx.Bucket(bucketJobs).Stats()
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if used := float64(st.LeafInuse) / float64(st.LeafAlloc); used < 0.95 {
		t.Errorf("the imported jobs use %.0f%% of their %d pages, want 95%% or more", 100*used, st.LeafPageN)
	}
}
