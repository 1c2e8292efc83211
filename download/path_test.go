package download_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/soratui/soratui/download"
	"github.com/soratui/soratui/history"
)

func TestSlug(t *testing.T) {
	t.Parallel()
	tests := []struct{ prompt, want string }{
		{"A red fox in fresh snow, slow dolly", "a-red-fox-in-fresh-snow-slow-dolly"},
		{"The fox's den — at DAWN!", "the-foxs-den-at-dawn"},
		{"Café crème brûlée, Straße", "cafe-creme-brulee-strasse"},
		{"東京の夜", "video"},
		{"", "video"},
		{"../../etc/passwd", "etc-passwd"},
		{"CON", "con"},
		{"one two three four five six seven eight nine ten", "one-two-three-four-five-six-seven-eight"},
		{strings.Repeat("x", 60) + " fox", strings.Repeat("x", 40)},
		{"neon\tcity\nrain  at   night", "neon-city-rain-at-night"},
	}
	for _, tt := range tests {
		got := download.Slug(tt.prompt)
		if got != tt.want {
			t.Errorf("Slug(%q) = %q, want %q", tt.prompt, got, tt.want)
		}
		if len(got) > 40 {
			t.Errorf("Slug(%q) is %d characters", tt.prompt, len(got))
		}
	}
}

func TestDefaultPath(t *testing.T) {
	t.Parallel()
	created := time.Date(2026, 4, 19, 12, 0, 0, 0, time.Local)
	j := history.Job{ID: "01jx8k2m4n5pq", Prompt: "A lighthouse in a storm, 35mm film", CreatedAt: created}
	got := download.DefaultPath("/home/ana/Videos", j)
	want := filepath.Join("/home/ana/Videos", "soratui", "2026-04-19-a-lighthouse-in-a-storm-35mm-film-01jx8k2m4n5pq.mp4")
	if got != want {
		t.Errorf("DefaultPath = %q, want %q", got, want)
	}
	j.ID = "../x"
	if got := download.DefaultPath("/v", j); filepath.Dir(got) != filepath.Join("/v", "soratui") {
		t.Errorf("an odd id escapes the folder: %q", got)
	}
}

func TestVideosDir(t *testing.T) {
	t.Parallel()
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	tests := []struct {
		name   string
		getenv func(string) string
		want   string
	}{
		{"XDG_VIDEOS_DIR", env("XDG_VIDEOS_DIR", "/data/clips", "HOME", "/home/ana"), "/data/clips"},
		{"$HOME in XDG_VIDEOS_DIR", env("XDG_VIDEOS_DIR", "$HOME/Clips", "HOME", "/home/ana"), "/home/ana/Clips"},
		{"~ in XDG_VIDEOS_DIR", env("XDG_VIDEOS_DIR", "~/Clips", "HOME", "/home/ana"), "/home/ana/Clips"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := download.VideosDir(tt.getenv)
			if err != nil || got != filepath.FromSlash(tt.want) {
				t.Errorf("VideosDir = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	// A home of the caller's own (a test's) keeps the folder out of the
	// real home.
	home := t.TempDir()
	got, err := download.VideosDir(env("HOME", home))
	if err != nil || !strings.HasPrefix(got, home+string(filepath.Separator)) {
		t.Errorf("HOME=%s: VideosDir = %q, %v; want a folder under it", home, got, err)
	}
	// A relative XDG_VIDEOS_DIR is invalid per the XDG spec: ignored.
	got, err = download.VideosDir(env("XDG_VIDEOS_DIR", "clips"))
	if err != nil || !filepath.IsAbs(got) {
		t.Errorf("relative XDG_VIDEOS_DIR: VideosDir = %q, %v; want an absolute fallback", got, err)
	}
}
