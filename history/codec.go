package history

import (
	"encoding/binary"
	"errors"
	"time"
)

// Jobs are stored in a compact binary form rather than JSON: decoding JSON
// costs several microseconds per job, which would make a page of 50 jobs
// cost several times the fixed price of opening the file. The form is a
// format byte, then every field of Job in declaration order: strings and
// lists as a length and their contents, numbers as varints, times as Unix
// seconds and nanoseconds, pointers as a presence byte and the value.
// TestRecordCodecRoundTripsEveryField fails when a field of Job is missing.

// recordFormat is the first byte of every stored job.
const recordFormat = 1

var errCorrupt = errors.New("corrupt record")

// zeroUnix is time.Time{}.Unix(), stored for a zero time.
var zeroUnix = time.Time{}.Unix()

func encodeJob(j *Job) []byte {
	n := 64 + len(j.ID) + len(j.TaskID) + len(j.GroupID) + len(j.Model) + len(j.Prompt) + len(j.ImageURL) +
		len(j.Error) + len(j.LocalPath) + len(j.CallbackURL) + len(j.BatchID) + len(j.BatchKey) + 24*len(j.StatusHistory)
	for _, u := range j.VideoURLs {
		n += len(u) + 2
	}
	b := make([]byte, 0, n)
	b = append(b, recordFormat)
	b = appendString(b, j.ID)
	b = appendString(b, j.TaskID)
	b = appendString(b, j.GroupID)
	b = appendString(b, j.Model)
	b = appendString(b, string(j.Status))
	b = appendIntPtr(b, j.Progress)
	b = appendString(b, j.Prompt)
	b = appendString(b, j.ImageURL)
	b = binary.AppendVarint(b, int64(j.Duration))
	b = appendString(b, j.AspectRatio)
	b = appendString(b, j.Resolution)
	b = binary.AppendVarint(b, int64(j.Credits))
	b = binary.AppendUvarint(b, uint64(len(j.VideoURLs)))
	for _, u := range j.VideoURLs {
		b = appendString(b, u)
	}
	b = appendString(b, j.Error)
	b = appendString(b, j.LocalPath)
	b = appendString(b, j.CallbackURL)
	b = appendTime(b, j.CreatedAt)
	b = appendTime(b, j.UpdatedAt)
	if j.FinishedAt == nil {
		b = append(b, 0)
	} else {
		b = appendTime(append(b, 1), *j.FinishedAt)
	}
	b = binary.AppendUvarint(b, uint64(len(j.StatusHistory)))
	for _, c := range j.StatusHistory {
		b = appendString(b, string(c.Status))
		b = appendString(b, c.Raw)
		b = appendIntPtr(b, c.Progress)
		b = appendString(b, c.Note)
		b = appendTime(b, c.At)
	}
	b = binary.AppendVarint(b, int64(j.Schema))
	// Fields added after the first release follow Schema, so records
	// written before them still decode.
	b = appendIntPtr(b, j.CreditsCharged)
	b = appendString(b, j.BatchID)
	b = appendString(b, j.BatchKey)
	return b
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

func appendIntPtr(b []byte, p *int) []byte {
	if p == nil {
		return append(b, 0)
	}
	return binary.AppendVarint(append(b, 1), int64(*p))
}

func appendTime(b []byte, t time.Time) []byte {
	return binary.AppendUvarint(binary.AppendVarint(b, t.Unix()), uint64(t.Nanosecond()))
}

// decodeJobRecord is encodeJob backwards. Its strings share one copy of v,
// so the result stays valid after the transaction that v came from.
func decodeJobRecord(v []byte) (Job, error) {
	if len(v) == 0 || v[0] != recordFormat {
		return Job{}, errCorrupt
	}
	d := decoder{s: string(v), i: 1}
	var j Job
	j.ID = d.str()
	j.TaskID = d.str()
	j.GroupID = d.str()
	j.Model = d.str()
	j.Status = Status(d.str())
	j.Progress = d.intPtr()
	j.Prompt = d.str()
	j.ImageURL = d.str()
	j.Duration = int(d.varint())
	j.AspectRatio = d.str()
	j.Resolution = d.str()
	j.Credits = int(d.varint())
	if n := d.count(); n > 0 {
		j.VideoURLs = make([]string, n)
		for i := range j.VideoURLs {
			j.VideoURLs[i] = d.str()
		}
	}
	j.Error = d.str()
	j.LocalPath = d.str()
	j.CallbackURL = d.str()
	j.CreatedAt = d.time()
	j.UpdatedAt = d.time()
	if d.byte() == 1 {
		t := d.time()
		j.FinishedAt = &t
	}
	if n := d.count(); n > 0 {
		j.StatusHistory = make([]StatusChange, n)
		for i := range j.StatusHistory {
			c := &j.StatusHistory[i]
			c.Status = Status(d.str())
			c.Raw = d.str()
			c.Progress = d.intPtr()
			c.Note = d.str()
			c.At = d.time()
		}
	}
	j.Schema = int(d.varint())
	if d.i < len(d.s) {
		j.CreditsCharged = d.intPtr()
		j.BatchID = d.str()
		j.BatchKey = d.str()
	}
	if d.bad || d.i != len(d.s) {
		return Job{}, errCorrupt
	}
	return j, nil
}

// decoder reads a record; after the first error (bad) it returns zero
// values, which decodeJobRecord checks once at the end.
type decoder struct {
	s   string
	i   int
	bad bool
}

func (d *decoder) byte() byte {
	if d.i >= len(d.s) {
		d.bad = true
		return 0
	}
	c := d.s[d.i]
	d.i++
	return c
}

func (d *decoder) uvarint() uint64 {
	var x uint64
	for shift := uint(0); shift < 64; shift += 7 {
		c := d.byte()
		if d.bad {
			return 0
		}
		x |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return x
		}
	}
	d.bad = true
	return 0
}

func (d *decoder) varint() int64 {
	u := d.uvarint()
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return x
}

// count reads a list length, refusing one longer than the bytes left.
func (d *decoder) count() int {
	n := d.uvarint()
	if n > uint64(len(d.s)-d.i) {
		d.bad = true
		return 0
	}
	return int(n)
}

func (d *decoder) str() string {
	n := d.count()
	if d.bad {
		return ""
	}
	s := d.s[d.i : d.i+n]
	d.i += n
	return s
}

func (d *decoder) intPtr() *int {
	if d.byte() == 0 {
		return nil
	}
	v := int(d.varint())
	return &v
}

func (d *decoder) time() time.Time {
	sec, nsec := d.varint(), d.uvarint()
	if nsec >= 1e9 {
		d.bad = true
	}
	if d.bad || sec == zeroUnix && nsec == 0 {
		return time.Time{}
	}
	return time.Unix(sec, int64(nsec)).UTC()
}
