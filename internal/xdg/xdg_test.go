package xdg_test

import (
	"testing"

	"github.com/soratui/soratui/internal/xdg"
)

func TestFile(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"absolute XDG folder", map[string]string{"XDG_DATA_HOME": "/x", "HOME": "/h"}, "/x/soratui/f.db"},
		{"relative XDG folder is ignored", map[string]string{"XDG_DATA_HOME": "rel", "HOME": "/h"}, "/h/.local/share/soratui/f.db"},
		{"no XDG folder", map[string]string{"HOME": "/h"}, "/h/.local/share/soratui/f.db"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := xdg.File(func(k string) string { return tt.env[k] }, "XDG_DATA_HOME", ".local/share", "f.db")
			if err != nil || got != tt.want {
				t.Errorf("File = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}
