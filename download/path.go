package download

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/adrg/xdg"

	"github.com/soratui/soratui/history"
)

// maxSlug caps the prompt part of a file name.
const maxSlug = 40

// DefaultPath is where a job's video goes unless the user says otherwise:
// <videos>/soratui/<YYYY-MM-DD>-<prompt-slug>-<id>.mp4, dated by the job's
// created_at in local time. The name is safe on every common file system.
func DefaultPath(videosDir string, j history.Job) string {
	name := j.CreatedAt.Local().Format("2006-01-02") + "-" + Slug(j.Prompt) + "-" + safeID(j.ID) + ".mp4"
	return filepath.Join(videosDir, "soratui", name)
}

// Slug turns a prompt into lowercase ASCII words joined by '-', at most 40
// characters, cut at a word boundary; "video" when nothing is left.
// Common accented Latin letters lose their accents; apostrophes vanish.
func Slug(prompt string) string {
	var words []string
	var w strings.Builder
	flush := func() {
		if w.Len() > 0 {
			words = append(words, w.String())
			w.Reset()
		}
	}
	for _, r := range strings.ToLower(prompt) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			w.WriteRune(r)
		case r == '\'' || r == '\u2019':
			// "fox's" stays one word.
		default:
			if s := fold(r); s != "" {
				w.WriteString(s)
			} else {
				flush()
			}
		}
	}
	flush()
	var b strings.Builder
	for _, word := range words {
		switch {
		case b.Len() == 0 && len(word) > maxSlug:
			b.WriteString(word[:maxSlug])
		case b.Len() == 0:
			b.WriteString(word)
		case b.Len()+1+len(word) <= maxSlug:
			b.WriteString("-" + word)
		default:
			return b.String()
		}
	}
	if b.Len() == 0 {
		return "video"
	}
	return b.String()
}

// fold spells a common accented lowercase Latin letter in ASCII; "" for
// anything else.
func fold(r rune) string {
	for _, g := range [...]struct{ ascii, letters string }{
		{"a", "àáâãäåāăą"}, {"c", "çćčĉċ"}, {"d", "đď"}, {"e", "èéêëēĕėęě"},
		{"g", "ĝğġģ"}, {"i", "ìíîïĩīĭįı"}, {"l", "łľĺļ"}, {"n", "ñńņň"},
		{"o", "òóôõöōŏőø"}, {"r", "ŕŗř"}, {"s", "śŝşš"}, {"t", "ţťŧ"},
		{"u", "ùúûüũūŭůűų"}, {"y", "ýÿŷ"}, {"z", "źżž"},
		{"ss", "ß"}, {"ae", "æ"}, {"oe", "œ"}, {"th", "þ"},
	} {
		if strings.ContainsRune(g.letters, r) {
			return g.ascii
		}
	}
	return ""
}

// safeID keeps a job id to letters, digits, '-' and '_'.
func safeID(id string) string {
	s := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '-'
	}, id)
	if s == "" {
		return "job"
	}
	return s
}

// VideosDir is the user's Videos folder: $XDG_VIDEOS_DIR when it is an
// absolute path (a leading ~ or $HOME expanded), else what adrg/xdg found
// (user-dirs.dirs on Linux, ~/Movies on macOS, the Videos known folder on
// Windows), else ~/Videos. getenv is usually os.Getenv. adrg/xdg reads the
// process environment once, at start-up; when getenv's HOME differs from
// the home it saw (a test's own home), its folder is moved under getenv's
// HOME, so nothing lands in the real home.
func VideosDir(getenv func(string) string) (string, error) {
	home := getenv("HOME")
	if d := expandHome(getenv("XDG_VIDEOS_DIR"), home); d != "" && filepath.IsAbs(d) {
		return d, nil
	}
	if d := xdg.UserDirs.Videos; d != "" && filepath.IsAbs(d) {
		return rebase(d, xdg.Home, home), nil
	}
	if home == "" {
		h, err := os.UserHomeDir()
		if err != nil || h == "" {
			return "", errors.New("finding the Videos folder: no home folder; set XDG_VIDEOS_DIR or pass -o")
		}
		home = h
	}
	return filepath.Join(home, "Videos"), nil
}

// rebase moves dir from under oldHome to under newHome; dir itself when
// the homes agree or dir is elsewhere.
func rebase(dir, oldHome, newHome string) string {
	if newHome == "" || oldHome == "" || oldHome == newHome {
		return dir
	}
	rel, err := filepath.Rel(oldHome, dir)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return dir
	}
	return filepath.Join(newHome, rel)
}

// expandHome expands a leading "~" or "$HOME", as user-dirs.dirs writes it.
func expandHome(p, home string) string {
	if home == "" {
		return p
	}
	for _, prefix := range []string{"~", "$HOME", "${HOME}"} {
		if p == prefix {
			return home
		}
		if rest, ok := strings.CutPrefix(p, prefix+"/"); ok {
			return filepath.Join(home, rest)
		}
	}
	return p
}
