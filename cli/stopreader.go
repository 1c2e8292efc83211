package cli

import (
	"context"
	"io"
)

// stdinStoppable is stdin read so that Ctrl-C ends the wait: a file as it
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

// untilDone runs f aside and returns what it returns, or ctx's error as
// soon as ctx ends: Ctrl-C reaches the process as a cancelled context, not
// as the end of a read that waits on a terminal or a silent pipe. An
// abandoned f goes on unwatched until the process ends.
func untilDone[T any](ctx context.Context, f func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := f()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// stopReader reads r until ctx ends (untilDone), each read into its own
// buffer, which an abandoned read keeps.
type stopReader struct {
	ctx context.Context
	r   io.Reader
	buf []byte
}

func (s *stopReader) Read(p []byte) (int, error) {
	if err := s.ctx.Err(); err != nil {
		return 0, err
	}
	if len(s.buf) < len(p) {
		s.buf = make([]byte, len(p))
	}
	buf := s.buf[:len(p)]
	n, err := untilDone(s.ctx, func() (int, error) { return s.r.Read(buf) })
	if err != nil && s.ctx.Err() != nil {
		s.buf = nil // the read may still be in flight
		return 0, err
	}
	return copy(p, buf[:n]), err
}
