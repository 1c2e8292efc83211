package frames

import (
	"bytes"
	"context"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/soratui/soratui/assets"
)

// mp4Box is a box with a 32-bit size.
func mp4Box(typ string, payload ...[]byte) []byte {
	body := bytes.Join(payload, nil)
	b := binary.BigEndian.AppendUint32(nil, uint32(8+len(body)))
	return append(append(b, typ...), body...)
}

// mp4Box64 is a box with a 64-bit size.
func mp4Box64(typ string, payload ...[]byte) []byte {
	body := bytes.Join(payload, nil)
	b := binary.BigEndian.AppendUint32(nil, 1)
	b = binary.BigEndian.AppendUint64(append(b, typ...), uint64(16+len(body)))
	return append(b, body...)
}

// mvhd0 and mvhd1 are movie headers of version 0 and 1, with the fields
// after the duration left out (the reader needs none of them).
func mvhd0(scale, length uint32) []byte {
	b := make([]byte, 20)
	binary.BigEndian.PutUint32(b[12:], scale)
	binary.BigEndian.PutUint32(b[16:], length)
	return mp4Box("mvhd", b)
}

func mvhd1(scale uint32, length uint64) []byte {
	b := make([]byte, 32)
	b[0] = 1
	binary.BigEndian.PutUint32(b[20:], scale)
	binary.BigEndian.PutUint64(b[24:], length)
	return mp4Box("mvhd", b)
}

var (
	ftyp = mp4Box("ftyp", []byte("isom\x00\x00\x02\x00isomiso2avc1mp41"))
	mdat = mp4Box("mdat", bytes.Repeat([]byte{0xAB}, 300))
)

func TestMP4Duration(t *testing.T) {
	t.Parallel()
	hugeSize := binary.BigEndian.AppendUint32(nil, 1)
	hugeSize = binary.BigEndian.AppendUint64(append(hugeSize, "moov"...), 1<<63+24)
	tooMany := bytes.Repeat(mp4Box("free"), maxBoxes)
	cases := []struct {
		name string
		file []byte
		want float64 // 0: not read, ffprobe's turn
	}{
		{"version 0", cat(ftyp, mp4Box("moov", mvhd0(1000, 4500)), mdat), 4.5},
		{"version 1, 64-bit sizes", cat(ftyp, mp4Box64("moov", mvhd1(90000, 360000)), mdat), 4},
		{"header after the media", cat(ftyp, mdat, mp4Box("moov", mp4Box("trak"), mvhd0(600, 1200))), 2},
		{"last box to the end of the file", cat(ftyp, mp4Box("moov", mvhd0(10, 75)), []byte{0, 0, 0, 0, 'm', 'd', 'a', 't', 1, 2, 3}), 7.5},
		{"length unknown", cat(ftyp, mp4Box("moov", mvhd0(1000, math.MaxUint32)), mdat), 0},
		{"64-bit length unknown", cat(ftyp, mp4Box("moov", mvhd1(1000, math.MaxUint64)), mdat), 0},
		{"no time scale", cat(ftyp, mp4Box("moov", mvhd0(0, 4500)), mdat), 0},
		{"zero length", cat(ftyp, mp4Box("moov", mvhd0(1000, 0)), mdat), 0},
		{"unknown version", cat(ftyp, mp4Box("moov", append(mvhd0(1000, 10), 0)[:8], []byte{2}, make([]byte, 40)), mdat), 0},
		{"header cut short", cat(ftyp, mp4Box("moov", mp4Box("mvhd", make([]byte, 10)))), 0},
		{"box larger than the file", cat(ftyp, mp4Box("moov", mvhd0(1000, 4500)))[:len(ftyp)+20], 0},
		{"box smaller than its header", cat(ftyp, []byte{0, 0, 0, 4, 'm', 'o', 'o', 'v'}, mp4Box("moov", mvhd0(1, 1))), 0},
		{"64-bit size past int64", cat(ftyp, hugeSize, mvhd0(1000, 4500)), 0},
		{"header past too many boxes", cat(ftyp, tooMany, mp4Box("moov", mvhd0(1000, 4500))), 0},
		{"no movie header", cat(ftyp, mdat), 0},
		{"WebM", []byte("\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04webm"), 0},
		{"empty", nil, 0},
		{"the sample clip", assets.SampleClip, 4},
	}
	dir := t.TempDir()
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strconv.Itoa(i)+".mp4")
			if err := os.WriteFile(path, tc.file, 0o600); err != nil {
				t.Fatal(err)
			}
			got, ok := mp4Duration(path)
			if ok != (tc.want > 0) || got != tc.want {
				t.Errorf("mp4Duration = %v, %v; want %v", got, ok, tc.want)
			}
		})
	}
	for _, path := range []string{dir, filepath.Join(dir, "missing.mp4")} {
		if d, ok := mp4Duration(path); ok {
			t.Errorf("mp4Duration(%s) = %v, want no answer", path, d)
		}
	}
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// The header's length is the one ffprobe reads from the same file.
func TestMP4DurationAgreesWithFFprobe(t *testing.T) {
	t.Parallel()
	tools, err := LookTools(os.Getenv("PATH"))
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ffprobe must be installed in CI (.ci/run installs it)")
		}
		t.Skip("ffprobe not installed")
	}
	path := filepath.Join(t.TempDir(), "clip.mp4")
	if err := os.WriteFile(path, assets.SampleClip, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := RunCommand(context.Background(), tools.FFprobe, "-v", "error",
		"-show_entries", "format=duration", "-of", "default=noprint_wrappers=1:nokey=1", path)
	if err != nil {
		t.Fatal(err)
	}
	want, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := mp4Duration(path); !ok || math.Abs(got-want) > 0.05 {
		t.Errorf("mp4Duration = %v, %v; ffprobe says %v", got, ok, want)
	}
}

// Whatever the bytes, the reader answers a positive, finite length or
// none, without panicking.
func FuzzMP4Duration(f *testing.F) {
	f.Add(cat(ftyp, mp4Box("moov", mvhd0(1000, 4500)), mdat))
	f.Add(cat(ftyp, mp4Box64("moov", mvhd1(90000, 360000))))
	f.Add(assets.SampleClip[:min(len(assets.SampleClip), 4096)])
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(dir, "f.mp4")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		if d, ok := mp4Duration(path); ok && (d <= 0 || math.IsInf(d, 0) || math.IsNaN(d)) {
			t.Errorf("mp4Duration = %v, true", d)
		}
	})
}
