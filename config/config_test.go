package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/soratui/soratui/config"
)

// load writes file (when not empty) as the config file and loads it with env.
func load(t *testing.T, file string, env map[string]string) (config.Effective, error) {
	t.Helper()
	dir := t.TempDir()
	if file != "" {
		p := filepath.Join(dir, "soratui", "config.toml")
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(file), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	vars := map[string]string{"XDG_CONFIG_HOME": dir, "HOME": "/home/creator"}
	for k, v := range env {
		vars[k] = v
	}
	return config.Load(func(k string) string { return vars[k] }, "/videos/soratui")
}

func TestPrecedenceDefaultFileEnv(t *testing.T) {
	t.Parallel()
	file := "model = \"pro\"\nduration = 8\nresolution = \"1080p\"\nnotify = false\nmonthly_budget = 5000\nmax_download = \"2GB\"\ndownload_dir = \"~/clips\"\n"
	eff, err := load(t, file, map[string]string{"SORATUI_DURATION": "12", "SORATUI_AUTO_DOWNLOAD": "true"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		key, value, origin string
	}{
		{"model", "Pro (sora-2-pro-official)", "file"},
		{"duration", "12", "env SORATUI_DURATION"},
		{"resolution", "1080p", "file"},
		{"aspect", "(server default)", "default"},
		{"notify", "false", "file"},
		{"auto_download", "true", "env SORATUI_AUTO_DOWNLOAD"},
		{"monthly_budget", "5000 credits ($25.00)", "file"},
		{"max_download", "2GB", "file"},
		{"download_dir", "/home/creator/clips", "file"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			if got := eff.Value(tt.key); got != tt.value {
				t.Errorf("value = %q, want %q", got, tt.value)
			}
			if got := eff.Origins[tt.key].String(); !strings.HasPrefix(got, tt.origin) {
				t.Errorf("origin = %q, want prefix %q", got, tt.origin)
			}
		})
	}
	if got := eff.Origins["model"].Detail; !strings.HasSuffix(got, "config.toml:1") {
		t.Errorf("model's origin %q does not name the file and line 1", got)
	}
}

func TestMissingFileGivesDefaults(t *testing.T) {
	t.Parallel()
	eff, err := load(t, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if eff.Model != "sora-2-official" || eff.Duration != 4 || !eff.Notify || eff.DownloadDir != "/videos/soratui" || eff.MonthlyBudget != 0 {
		t.Errorf("defaults = %+v", eff.Settings)
	}
}

func TestBadConfigNamesLineAndKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file string
		env        map[string]string
		line       int
		key, says  string
	}{
		{"syntax", "model = \"pro\"\nduration = \n", nil, 2, "", "unexpected"},
		{"unknown key", "model = \"pro\"\n\ncolour = \"red\"\n", nil, 3, "colour", "unknown key"},
		{"wrong type", "notify = \"yes\"\n", nil, 1, "notify", "true or false"},
		{"bad duration", "model = \"pro\"\nduration = 7\n", nil, 2, "duration", "not offered"},
		{"bad model", "# mine\nmodel = \"ultra\"\n", nil, 2, "model", "unknown model"},
		{"negative budget", "monthly_budget = -5\n", nil, 1, "monthly_budget", "whole number"},
		{"bad size", "max_download = \"lots\"\n", nil, 1, "max_download", "size"},
		{"relative folder", "download_dir = \"clips\"\n", nil, 1, "download_dir", "absolute"},
		{"bad variable", "", map[string]string{"SORATUI_NOTIFY": "sometimes"}, 0, "notify", "true or false"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eff, err := load(t, tt.file, tt.env)
			var cerr *config.Error
			if !errors.As(err, &cerr) || !errors.Is(err, config.ErrInvalid) {
				t.Fatalf("err = %v, want a *config.Error", err)
			}
			if cerr.Line != tt.line || cerr.Key != tt.key || !strings.Contains(cerr.Error(), tt.says) {
				t.Errorf("error = %q (line %d, key %q), want line %d, key %q, saying %q", cerr, cerr.Line, cerr.Key, tt.line, tt.key, tt.says)
			}
			if eff.Model != "sora-2-official" || eff.Duration != 4 {
				t.Errorf("a bad file left non-default settings: %+v", eff.Settings)
			}
		})
	}
}
