package download

import (
	"bytes"
	"mime"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/soratui/soratui/internal/proc"
)

// partialPrefix starts the name of every partial file of dest's name; the owner's pid
// follows it, so a later download can tell an abandoned partial from one still growing.
func partialPrefix(name string) string { return "." + name + ".part-" }

// createPartial makes the temporary file beside dest that a download streams into:
// ".<name>.part-<pid>-<random>".
func createPartial(dir, name string) (*os.File, error) {
	return os.CreateTemp(dir, partialPrefix(name)+strconv.Itoa(os.Getpid())+"-*")
}

// removeStale deletes the partial files of name in dir whose owner process is gone (killed
// mid-download, say), so an interrupted download leaves nothing behind for good. Partials of
// live processes, this one included, are left alone.
func removeStale(dir, name string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	prefix := partialPrefix(name)
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		pidText, _, ok := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if !ok || err != nil || pid <= 0 || pid == os.Getpid() || proc.Alive(pid) {
			continue
		}
		os.Remove(filepath.Join(dir, e.Name()))
	}
}

// isVideo reports whether an answer is a video: a video/* or application/octet-stream
// Content-Type, or a body that starts like an MP4 (an "ftyp" box) or a WebM/Matroska file.
func isVideo(contentType string, head []byte) bool {
	if mt, _, err := mime.ParseMediaType(contentType); err == nil {
		if strings.HasPrefix(mt, "video/") || mt == "application/octet-stream" {
			return true
		}
	}
	if len(head) >= 8 && string(head[4:8]) == "ftyp" {
		return true
	}
	return bytes.HasPrefix(head, []byte{0x1a, 0x45, 0xdf, 0xa3})
}
