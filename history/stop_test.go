package history

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

// TestAStoppedImportKeepsWhatItWrote: an import stopped while it checks
// or sorts its input has written nothing; one stopped while it writes
// keeps the chunks written, their words indexed, and importing the file
// again finishes it.
func TestAStoppedImportKeepsWhatItWrote(t *testing.T) {
	t.Parallel()
	const n = 1000
	lines := shuffledLines(t, n, 5)
	for _, tc := range []struct {
		name string
		stop func(ImportProgress) bool
	}{
		{"checking", func(at ImportProgress) bool { return at.Checked > 0 && at.Total == 0 }},
		{"sorting", func(at ImportProgress) bool { return at.Sorted > 0 }},
		{"sorted", func(at ImportProgress) bool { return at.Sorted == n }},
		{"writing", func(at ImportProgress) bool { return at.Written >= 3*testChunk }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := openTestStore(t)
			s.chunks.lines = testChunk
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			written := 0
			res, err := s.ImportContext(ctx, bytes.NewReader(lines), ImportOptions{Progress: func(at ImportProgress) {
				if ctx.Err() == nil && tc.stop(at) {
					written = at.Written
					cancel()
				}
			}})
			if !errors.Is(err, context.Canceled) || res.Added != written || res.Updated+res.Unchanged != 0 {
				t.Fatalf("ImportContext = %+v, %v; want %d added and context.Canceled", res, err, written)
			}
			if tc.name == "writing" && written == 0 {
				t.Fatal("the import never reported a chunk written")
			}
			if js, err := s.List(Query{}); err != nil || len(js) != written {
				t.Fatalf("List = %d jobs, %v; want the %d written", len(js), err, written)
			}
			checkWordIndex(t, s)
			if res, err := s.Import(bytes.NewReader(lines)); err != nil || res.Added != n-written || res.Unchanged != written {
				t.Fatalf("importing again = %+v, %v; want %d new and %d unchanged", res, err, n-written, written)
			}
		})
	}
}

// cancelAfter keeps what is written and ends a context once it holds n
// bytes.
type cancelAfter struct {
	bytes.Buffer
	n      int
	cancel func()
}

func (c *cancelAfter) Write(p []byte) (int, error) {
	if c.Len()+len(p) >= c.n {
		c.cancel()
	}
	return c.Buffer.Write(p)
}

// TestAStoppedExportEndsOnAWholeLine: an export stopped midway has written
// the oldest jobs, each line whole.
func TestAStoppedExportEndsOnAWholeLine(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	mustImportLines(t, s, 3*chunkJobs)
	full := exportOf(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	w := &cancelAfter{n: len(full) / 5, cancel: cancel}
	if err := s.ExportContext(ctx, w); !errors.Is(err, context.Canceled) {
		t.Fatalf("ExportContext = %v, want context.Canceled", err)
	}
	got := w.String()
	if len(got) >= len(full) || !strings.HasPrefix(full, got) || !strings.HasSuffix(got, "\n") {
		t.Errorf("the stopped export wrote %d bytes of %d, not whole lines from the start", len(got), len(full))
	}
}
