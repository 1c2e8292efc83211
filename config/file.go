package config

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	toml "github.com/pelletier/go-toml/v2"
)

// fileSettings is the file's shape: a pointer stays nil when its key is absent.
type fileSettings struct {
	Model         *string `toml:"model"`
	Duration      *int    `toml:"duration"`
	Aspect        *string `toml:"aspect"`
	Resolution    *string `toml:"resolution"`
	DownloadDir   *string `toml:"download_dir"`
	AutoDownload  *bool   `toml:"auto_download"`
	Notify        *bool   `toml:"notify"`
	MonthlyBudget *int    `toml:"monthly_budget"`
	MaxDownload   any     `toml:"max_download"` // "2GB" or a byte count
}

// applyFile lays the file at path (contents b) over e.
func (e *Effective) applyFile(path string, b []byte, home string) error {
	var f fileSettings
	err := toml.NewDecoder(bytes.NewReader(b)).DisallowUnknownFields().Decode(&f)
	if err != nil {
		return fileError(path, err)
	}
	for _, kv := range []struct {
		key string
		val any
	}{
		{"model", f.Model}, {"duration", f.Duration}, {"aspect", f.Aspect},
		{"resolution", f.Resolution}, {"download_dir", f.DownloadDir},
		{"auto_download", f.AutoDownload}, {"notify", f.Notify},
		{"monthly_budget", f.MonthlyBudget}, {"max_download", f.MaxDownload},
	} {
		text, ok := textOf(kv.val)
		if !ok {
			continue
		}
		if kv.key == "download_dir" {
			text = expandHome(text, home)
		}
		line := keyLine(b, kv.key)
		if msg := e.set(kv.key, text); msg != "" {
			return &Error{Path: path, Line: line, Key: kv.key, Msg: msg}
		}
		if kv.key == "download_dir" && !filepath.IsAbs(e.DownloadDir) {
			return &Error{Path: path, Line: line, Key: kv.key, Msg: fmt.Sprintf("%q is not an absolute path (~/ is fine)", text)}
		}
		e.Origins[kv.key] = Origin{Kind: "file", Detail: fmt.Sprintf("%s:%d", path, line)}
	}
	return nil
}

// textOf prints a decoded value for set; false when the key was absent.
func textOf(v any) (string, bool) {
	switch p := v.(type) {
	case nil:
		return "", false
	case *string:
		if p == nil {
			return "", false
		}
		return *p, true
	case *int:
		if p == nil {
			return "", false
		}
		return fmt.Sprint(*p), true
	case *bool:
		if p == nil {
			return "", false
		}
		return fmt.Sprint(*p), true
	}
	return fmt.Sprint(v), true
}

// fileError turns the TOML library's error into an *Error with the line
// and key it names.
func fileError(path string, err error) error {
	var strict *toml.StrictMissingError
	if errors.As(err, &strict) && len(strict.Errors) > 0 {
		d := strict.Errors[0]
		line, _ := d.Position()
		return &Error{Path: path, Line: line, Key: strings.Join(d.Key(), "."),
			Msg: "unknown key; the keys are " + strings.Join(Keys, ", ")}
	}
	var dec *toml.DecodeError
	if errors.As(err, &dec) {
		line, _ := dec.Position()
		msg := strings.TrimPrefix(dec.Error(), "toml: ")
		key := strings.Join(dec.Key(), ".")
		if strings.HasPrefix(msg, "cannot decode") {
			msg = "wrong type of value: " + wantType(key)
		}
		return &Error{Path: path, Line: line, Key: key, Msg: msg}
	}
	return &Error{Path: path, Msg: err.Error()}
}

// wantType says what kind of value key takes.
func wantType(key string) string {
	switch key {
	case "duration", "monthly_budget":
		return "a number such as 8"
	case "auto_download", "notify":
		return "true or false"
	case "max_download":
		return `a size such as "2GB"`
	}
	return `a quoted string such as "pro"`
}

// keyLine is the line that sets key at the top level of the file, or 0.
func keyLine(b []byte, key string) int {
	re := regexp.MustCompile(`^\s*"?` + regexp.QuoteMeta(key) + `"?\s*=`)
	for i, l := range strings.Split(string(b), "\n") {
		if re.MatchString(l) {
			return i + 1
		}
	}
	return 0
}

// expandHome expands a leading "~/" to the home folder.
func expandHome(p, home string) string {
	rest, ok := strings.CutPrefix(p, "~/")
	if !ok || home == "" {
		return p
	}
	return filepath.Join(home, rest)
}
