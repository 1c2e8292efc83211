package cli

import (
	"context"
	"io"
)

// stdinStoppable is stdin for a command that reads it whole: a file as it
// is (it never waits, and an import rereads it with a seek), anything
// else through a stopReader.
func stdinStoppable(ctx context.Context, stdin io.Reader) io.Reader {
	if rs, ok := stdin.(io.ReadSeeker); ok {
		if _, err := rs.Seek(0, io.SeekCurrent); err == nil {
			return stdin
		}
	}
	return &stopReader{ctx: ctx, r: stdin}
}

// stopReader reads r until ctx ends: a read that waits on a terminal or a
// silent pipe then returns ctx's error at once rather than when input
// comes. The abandoned read goes on in the background, into its own
// buffer, until the process ends.
type stopReader struct {
	ctx context.Context
	r   io.Reader
	buf []byte
}

type readResult struct {
	n   int
	err error
}

func (s *stopReader) Read(p []byte) (int, error) {
	if err := s.ctx.Err(); err != nil {
		return 0, err
	}
	if len(s.buf) < len(p) {
		s.buf = make([]byte, len(p))
	}
	buf := s.buf[:len(p)]
	done := make(chan readResult, 1)
	go func() {
		n, err := s.r.Read(buf)
		done <- readResult{n, err}
	}()
	select {
	case res := <-done:
		return copy(p, buf[:res.n]), res.err
	case <-s.ctx.Done():
		s.buf = nil // the read still in flight keeps the old one
		return 0, s.ctx.Err()
	}
}
