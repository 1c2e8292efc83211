package history

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"time"
)

// An import writes its records oldest first, whatever their order in the
// file. In the file's order, the records of a shuffled file land on pages
// all over each index, so that every transaction rewrote, and held in
// memory, pages from the whole file. When the checking pass finds the
// records out of order, a sorting pass writes each chunk's lines, sorted,
// as a run of a temporary file, and the writing pass reads the runs
// merged.

// orderCheck tells whether records come oldest first (by created_at).
type orderCheck struct {
	last     time.Time
	shuffled bool
}

func (o *orderCheck) see(recs []*importRecord) {
	for _, rec := range recs {
		if o.shuffled {
			return
		}
		at := rec.job.CreatedAt
		o.shuffled = at.Before(o.last)
		if !o.shuffled {
			o.last = at
		}
	}
}

// ordered is the input for the writing pass: the same input from its
// start, or its lines sorted when the checking pass found them shuffled.
// Without room for the sorted copy, it is the input as it is, slower to
// write. It reports the records sorted after each chunk, and stops with
// ctx's error once ctx ends.
func (p *replay) ordered(ctx context.Context, shuffled bool, check func(*Job) error, lines int, report func(sorted int)) (io.Reader, error) {
	again, err := p.again()
	if err != nil || !shuffled {
		return again, err
	}
	runs, err := writeSortedRuns(again, check, lines, func(sorted int) error {
		report(sorted)
		return ctx.Err()
	})
	if err == nil {
		p.runs = runs // close removes them
	}
	if cerr := ctx.Err(); cerr != nil {
		return nil, cerr
	}
	if _, changed := errors.AsType[*LineError](err); changed {
		return nil, err
	}
	if err == nil {
		if merged, err := runs.reader(); err == nil {
			return merged, nil
		}
	}
	return p.again()
}

// sortedRuns is the lines of an input in runs, each sorted, in one
// temporary file.
type sortedRuns struct {
	file *os.File
	runs []section
}

// runHeader is a run's entry before its line: created_at (seconds with
// the sign bit flipped, then nanoseconds) and the record's place in the
// input, which sort as bytes, then the line's length.
const runHeader = 8 + 4 + 8 + 4

// writeSortedRuns reads r, checked before, and writes its records' lines
// as sorted runs of a chunk each, reporting the records written after
// each: an error report returns stops it. An error from the input (it
// changed since it was checked) is a *LineError.
func writeSortedRuns(r io.Reader, check func(*Job) error, lines int, report func(sorted int) error) (*sortedRuns, error) {
	f, err := scratchFile("soratui-import-sorted-*")
	if err != nil {
		return nil, fmt.Errorf("import: a temporary file to sort the input: %w", err)
	}
	sr := &sortedRuns{file: f}
	w := bufio.NewWriterSize(f, 256<<10)
	var (
		end   int64
		order []int
		hdr   [runHeader]byte
	)
	err = eachChunk(r, check, chunking{lines: lines}, func(b *batch) error {
		order = order[:0]
		for i := range b.recs {
			order = append(order, i)
		}
		slices.SortStableFunc(order, func(x, y int) int {
			return b.recs[x].job.CreatedAt.Compare(b.recs[y].job.CreatedAt)
		})
		start := end
		for _, i := range order {
			rec := b.recs[i]
			at := rec.job.CreatedAt
			binary.BigEndian.PutUint64(hdr[0:], uint64(at.Unix())^1<<63)
			binary.BigEndian.PutUint32(hdr[8:], uint32(at.Nanosecond()))
			binary.BigEndian.PutUint64(hdr[12:], uint64(b.before+i))
			binary.BigEndian.PutUint32(hdr[20:], uint32(len(rec.line)))
			w.Write(hdr[:])
			if _, err := w.Write(rec.line); err != nil {
				return fmt.Errorf("import: writing a temporary file to sort the input: %w", err)
			}
			end += int64(runHeader + len(rec.line))
		}
		sr.runs = append(sr.runs, section{start, end - start})
		return report(b.before + len(b.recs))
	})
	if err == nil {
		if err = w.Flush(); err != nil {
			err = fmt.Errorf("import: writing a temporary file to sort the input: %w", err)
		}
	}
	if err != nil {
		sr.close()
		return nil, err
	}
	return sr, nil
}

func (sr *sortedRuns) close() { closeScratch(sr.file) }

// reader reads the runs' lines merged, oldest first, each ending in a
// newline.
func (sr *sortedRuns) reader() (io.Reader, error) {
	size := min(64<<10, max(4<<10, (16<<20)/max(1, len(sr.runs))))
	m := &lineMerge{}
	for _, s := range sr.runs {
		lr := &lineRun{r: bufio.NewReaderSize(io.NewSectionReader(sr.file, s.off, s.size), size)}
		ok, err := lr.read()
		if err != nil {
			return nil, err
		}
		if ok {
			m.heads = append(m.heads, lr)
		}
	}
	for i := len(m.heads)/2 - 1; i >= 0; i-- {
		m.down(i)
	}
	return m, nil
}

// lineRun reads one run's entries.
type lineRun struct {
	r    *bufio.Reader
	hdr  [runHeader]byte
	line []byte
}

func (lr *lineRun) read() (bool, error) {
	_, err := io.ReadFull(lr.r, lr.hdr[:])
	if err == io.EOF {
		return false, nil
	}
	if err == nil {
		n := binary.BigEndian.Uint32(lr.hdr[20:])
		if n > MaxImportLine {
			err = errors.New("a line too long")
		} else {
			lr.line = slices.Grow(lr.line[:0], int(n))[:n]
			_, err = io.ReadFull(lr.r, lr.line)
		}
	}
	if err != nil {
		return false, fmt.Errorf("import: reading the temporary file of the sorted input: %w", err)
	}
	return true, nil
}

// lineMerge is a heap of the runs by their next entry; Read hands out the
// least entry's line.
type lineMerge struct {
	heads []*lineRun
	buf   []byte // the last line handed out, with its newline
	out   []byte // what Read has yet to hand out of it
}

func (m *lineMerge) Read(p []byte) (int, error) {
	if len(m.out) == 0 {
		if len(m.heads) == 0 {
			return 0, io.EOF
		}
		top := m.heads[0]
		m.buf = append(append(m.buf[:0], top.line...), '\n')
		m.out = m.buf
		ok, err := top.read()
		if err != nil {
			return 0, err
		}
		if !ok {
			last := len(m.heads) - 1
			m.heads[0] = m.heads[last]
			m.heads = m.heads[:last]
		}
		m.down(0)
	}
	n := copy(p, m.out)
	m.out = m.out[n:]
	return n, nil
}

// down moves the run at i down the heap to its place.
func (m *lineMerge) down(i int) {
	h := m.heads
	for {
		least := i
		for c := 2*i + 1; c <= 2*i+2 && c < len(h); c++ {
			if bytes.Compare(h[c].hdr[:20], h[least].hdr[:20]) < 0 {
				least = c
			}
		}
		if least == i {
			return
		}
		h[i], h[least] = h[least], h[i]
		i = least
	}
}
