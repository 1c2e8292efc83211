package download

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/history"
)

// VariantName is the file name an automatic download gets: the date, the
// variant and a slug of the prompt, "2026-12-01-pro-1080p-red-fox.mp4",
// dated by created_at in local time.
func VariantName(j history.Job) string {
	variant := "standard"
	if apidot.IsPro(j.Model) {
		res := j.Resolution
		if res == "" {
			res = apidot.DefaultResolution
		}
		variant = "pro-" + Slug(res)
	}
	return j.CreatedAt.Local().Format("2006-01-02") + "-" + variant + "-" + Slug(j.Prompt) + ".mp4"
}

// FreePath is dir/VariantName(j), or, when that file exists and is not
// the job's own, the same name with "-2", "-3"… before the extension, so
// two takes of one prompt never collide.
func FreePath(dir string, j history.Job) string {
	name := VariantName(j)
	base, ext := name[:len(name)-len(".mp4")], ".mp4"
	p := filepath.Join(dir, name)
	for n := 2; taken(p, j); n++ {
		p = filepath.Join(dir, base+"-"+strconv.Itoa(n)+ext)
	}
	return p
}

// taken reports a path that exists and is not j's recorded file.
func taken(p string, j history.Job) bool {
	if j.LocalPath != "" && sameFile(p, j.LocalPath) {
		return false
	}
	_, err := os.Lstat(p)
	return !errors.Is(err, fs.ErrNotExist)
}
