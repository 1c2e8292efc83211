// Package config reads soratui's settings file
// ($XDG_CONFIG_HOME/soratui/config.toml), lays the environment over it and
// says where every effective value came from.
package config

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/download"
	"github.com/soratui/soratui/internal/xdg"
)

// Settings are the values the commands and the interface start from.
type Settings struct {
	// Model is the API model name, e.g. "sora-2-official".
	Model      string
	Duration   int
	Aspect     string // "" leaves the server's default
	Resolution string // Pro only; "" means the default 720p
	// DownloadDir is where auto-downloaded videos go.
	DownloadDir  string
	AutoDownload bool
	Notify       bool
	// MonthlyBudget is the credits a calendar month may spend; 0 means no budget.
	MonthlyBudget int
	// MaxDownload caps one download in bytes; 0 means the download rules' default.
	MaxDownload int64
}

// Origin says where one effective value came from.
type Origin struct {
	Kind   string // "default", "file" or "env"; flags are the commands' own
	Detail string // the file and line, the variable or the flag
}

func (o Origin) String() string {
	if o.Detail == "" {
		return o.Kind
	}
	return o.Kind + " " + o.Detail
}

// Effective is the settings in force with the origin of each key.
type Effective struct {
	Settings
	// Path is the config file looked at, whether or not it exists.
	Path string
	// Origins maps each key (as written in the file) to where its value came from.
	Origins map[string]Origin
}

// Keys are the config file's keys in the order `soratui config` prints them.
var Keys = []string{"model", "duration", "aspect", "resolution", "download_dir",
	"auto_download", "notify", "monthly_budget", "max_download"}

// EnvVar names the environment variable that overrides key.
func EnvVar(key string) string { return "SORATUI_" + strings.ToUpper(key) }

// Error is a bad config file or variable: where, which key, and why. It
// wraps ErrInvalid.
type Error struct {
	Path string
	Line int    // 0 when unknown (an environment variable, say)
	Key  string // "" for a syntax error outside any key
	Msg  string
}

// ErrInvalid is wrapped by every Error.
var ErrInvalid = errors.New("invalid configuration")

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Path)
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line))
	}
	if e.Key != "" {
		b.WriteString(": " + e.Key)
	}
	b.WriteString(": " + e.Msg)
	return b.String()
}

// Unwrap lets errors.Is find ErrInvalid.
func (e *Error) Unwrap() error { return ErrInvalid }

// Path is the config file: $SORATUI_CONFIG, else
// $XDG_CONFIG_HOME/soratui/config.toml, else ~/.config/soratui/config.toml.
func Path(getenv func(string) string) (string, error) {
	if p := getenv("SORATUI_CONFIG"); p != "" {
		return p, nil
	}
	p, err := xdg.File(getenv, "XDG_CONFIG_HOME", ".config", "config.toml")
	if err != nil {
		return "", errors.New("finding the config folder: no home folder; set XDG_CONFIG_HOME")
	}
	return p, nil
}

// Load reads the config file (a missing file is no error) and the
// environment over it. defaultDownloadDir is used when neither sets
// download_dir. A bad file or variable returns the defaults with an *Error.
func Load(getenv func(string) string, defaultDownloadDir string) (Effective, error) {
	eff := Defaults(defaultDownloadDir)
	path, err := Path(getenv)
	if err != nil {
		return eff, err
	}
	eff.Path = path
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return eff, fmt.Errorf("reading the config file: %w", err)
	default:
		if err := eff.applyFile(path, b, getenv("HOME")); err != nil {
			return Defaults(defaultDownloadDir).withPath(path), err
		}
	}
	for _, k := range Keys {
		v := getenv(EnvVar(k))
		if v == "" {
			continue
		}
		if k == "download_dir" {
			v = expandHome(v, getenv("HOME"))
		}
		if msg := eff.set(k, v); msg != "" {
			return Defaults(defaultDownloadDir).withPath(path), &Error{Path: "$" + EnvVar(k), Key: k, Msg: msg}
		}
		eff.Origins[k] = Origin{Kind: "env", Detail: EnvVar(k)}
	}
	return eff, nil
}

// Defaults are the settings without a file or environment.
func Defaults(downloadDir string) Effective {
	eff := Effective{
		Settings: Settings{
			Model:       apidot.ModelStandard,
			Duration:    apidot.DefaultDuration,
			DownloadDir: downloadDir,
			Notify:      true,
		},
		Origins: map[string]Origin{},
	}
	for _, k := range Keys {
		eff.Origins[k] = Origin{Kind: "default"}
	}
	return eff
}

func (e Effective) withPath(p string) Effective { e.Path = p; return e }

// Value prints key's effective value as `soratui config` shows it.
func (e Effective) Value(key string) string {
	s := e.Settings
	switch key {
	case "model":
		return apidot.ModelLabel(s.Model) + " (" + s.Model + ")"
	case "duration":
		return strconv.Itoa(s.Duration)
	case "aspect":
		return orNone(s.Aspect, "server default")
	case "resolution":
		return orNone(s.Resolution, apidot.DefaultResolution+" on Pro")
	case "download_dir":
		return s.DownloadDir
	case "auto_download":
		return strconv.FormatBool(s.AutoDownload)
	case "notify":
		return strconv.FormatBool(s.Notify)
	case "monthly_budget":
		if s.MonthlyBudget == 0 {
			return "0 (none)"
		}
		return apidot.Credits(s.MonthlyBudget).String()
	case "max_download":
		if s.MaxDownload == 0 {
			return "0 (the download default)"
		}
		return FormatSize(s.MaxDownload)
	}
	return ""
}

func orNone(v, none string) string {
	if v == "" {
		return "(" + none + ")"
	}
	return v
}

// set parses a text value into key; it returns why the value is bad, or "".
func (e *Effective) set(key, v string) string {
	v = strings.TrimSpace(v)
	s := &e.Settings
	switch key {
	case "model":
		m, err := apidot.ParseModel(v)
		if err != nil {
			return err.Error()
		}
		s.Model = m
	case "duration":
		n, err := strconv.Atoi(v)
		if err != nil || !slices.Contains(apidot.Durations, n) {
			return fmt.Sprintf("%q is not offered: use 4, 8, 12, 16 or 20", v)
		}
		s.Duration = n
	case "aspect":
		if !slices.Contains(apidot.AspectRatios, v) {
			return fmt.Sprintf("%q is not offered: use 16:9, 9:16 or auto", v)
		}
		s.Aspect = v
	case "resolution":
		if !slices.Contains(apidot.Resolutions, v) {
			return fmt.Sprintf("%q is not offered: use 720p, 1024p or 1080p", v)
		}
		s.Resolution = v
	case "download_dir":
		if v == "" {
			return "must not be empty"
		}
		s.DownloadDir = v
	case "auto_download", "notify":
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Sprintf("%q is not true or false", v)
		}
		if key == "notify" {
			s.Notify = b
		} else {
			s.AutoDownload = b
		}
	case "monthly_budget":
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fmt.Sprintf("%q is not a whole number of credits (0 for no budget)", v)
		}
		s.MonthlyBudget = n
	case "max_download":
		if v == "0" {
			s.MaxDownload = 0
			break
		}
		n, err := download.ParseSize(v)
		if err != nil {
			return err.Error()
		}
		s.MaxDownload = n
	default:
		return "unknown key"
	}
	return ""
}
