package history

import (
	"fmt"
	"io"
	"os"
)

// replay lets an import read its input twice (check, then write) without holding it in
// memory: a seekable reader is rewound; anything else is copied to a temporary file as
// the first pass reads it.
type replay struct {
	src   io.Reader
	seek  io.ReadSeeker
	start int64
	spool *os.File
	runs  *sortedRuns // the input sorted, when it came shuffled
}

func newReplay(r io.Reader) (*replay, error) {
	if rs, ok := r.(io.ReadSeeker); ok {
		if off, err := rs.Seek(0, io.SeekCurrent); err == nil {
			return &replay{src: r, seek: rs, start: off}, nil
		}
	}
	spool, err := scratchFile("soratui-import-*.jsonl")
	if err != nil {
		return nil, fmt.Errorf("import: a temporary copy of the input: %w", err)
	}
	return &replay{src: io.TeeReader(r, spool), spool: spool}, nil
}

// first is the input for the checking pass.
func (p *replay) first() io.Reader { return p.src }

// again is the same input from its start, for the writing pass.
func (p *replay) again() (io.Reader, error) {
	if p.seek != nil {
		if _, err := p.seek.Seek(p.start, io.SeekStart); err != nil {
			return nil, fmt.Errorf("import: rereading the input: %w", err)
		}
		return p.seek, nil
	}
	if _, err := p.spool.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("import: rereading the temporary copy: %w", err)
	}
	return p.spool, nil
}

// close removes the temporary copies, if any.
func (p *replay) close() {
	if p.runs != nil {
		p.runs.close()
	}
	if p.spool != nil {
		closeScratch(p.spool)
	}
}

// scratchFile makes a temporary file for an import's own use, removed
// from its folder at once where the system allows it (unix: the open file
// lives on, and nothing is left behind whatever becomes of the process).
func scratchFile(pattern string) (*os.File, error) {
	f, err := os.CreateTemp("", pattern)
	if err == nil {
		os.Remove(f.Name())
	}
	return f, err
}

// closeScratch closes a scratchFile and removes it where the early remove
// could not (Windows).
func closeScratch(f *os.File) {
	name := f.Name()
	f.Close()
	os.Remove(name)
}
