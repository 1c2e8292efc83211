package frames

import (
	"errors"
	"fmt"
	"image"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
)

// maxIDLen bounds a task id used as a folder name.
const maxIDLen = 128

// CacheDir is where frames are kept: $XDG_CACHE_HOME/soratui/frames, else
// ~/.cache/soratui/frames. getenv reads the environment.
func CacheDir(getenv func(string) string) (string, error) {
	// The XDG spec says relative values are invalid and must be ignored.
	if d := getenv("XDG_CACHE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "soratui", "frames"), nil
	}
	home := getenv("HOME")
	if home == "" {
		h, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("finding the frame cache: %w", err)
		}
		home = h
	}
	return filepath.Join(home, ".cache", "soratui", "frames"), nil
}

// CheckID returns nil when id is safe as one folder name: 1 to 128
// letters, digits, '-', '_' or '.', and not "." or "..". Task ids come from
// the server, so a hostile one must never reach outside the cache.
func CheckID(id string) error {
	if id == "" || id == "." || id == ".." || len(id) > maxIDLen {
		return fmt.Errorf("%w: %q", ErrBadID, clipID(id))
	}
	for _, r := range id {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
			r == '-' || r == '_' || r == '.'
		if !ok {
			return fmt.Errorf("%w: %q", ErrBadID, clipID(id))
		}
	}
	return nil
}

// clipID keeps an error about a bad id short.
func clipID(id string) string {
	if len(id) > 40 {
		return id[:40] + "…"
	}
	return id
}

// cache is the folder of PNG files, one subfolder per task id.
type cache struct{ dir string }

// path is the file of one kind of frame for one task (id already checked).
func (c cache) path(id string, k Kind) string {
	return filepath.Join(c.dir, id, string(k)+".png")
}

// load reads a cached frame; a missing one is an error wrapping
// fs.ErrNotExist.
func (c cache) load(id string, k Kind) (image.Image, error) {
	f, err := os.Open(c.path(id, k))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		// A damaged file is as good as none: extraction writes it again.
		return nil, fmt.Errorf("%w: %s: %v", fs.ErrNotExist, f.Name(), err)
	}
	return img, nil
}

// store writes a frame through a temporary file and a rename, so a reader
// never sees half a PNG.
func (c cache) store(id string, k Kind, img image.Image) error {
	dir := filepath.Join(c.dir, id)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("caching frames: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+string(k)+"-*.png")
	if err != nil {
		return fmt.Errorf("caching frames: %w", err)
	}
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	err = enc.Encode(tmp, img)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), c.path(id, k))
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("caching frames: %w", err)
	}
	return nil
}

// has reports whether every kind is cached for id.
func (c cache) has(id string, kinds []Kind) bool {
	for _, k := range kinds {
		if _, err := os.Stat(c.path(id, k)); errors.Is(err, fs.ErrNotExist) {
			return false
		}
	}
	return true
}
