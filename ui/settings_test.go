package ui

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/config"
	"github.com/soratui/soratui/keys"
)

func TestComposeOpensWithTheSettingsAndABadFileIsSaid(t *testing.T) {
	t.Parallel()
	bad := &config.Error{Path: "/c/config.toml", Line: 3, Key: "colour", Msg: "unknown key"}
	tests := []struct {
		name       string
		settings   config.Settings
		err        error
		model, res string
		duration   int
		flash      string
	}{
		{"defaults", config.Settings{}, nil, apidot.ModelStandard, apidot.DefaultResolution, 4, ""},
		{"configured", config.Settings{Model: apidot.ModelPro, Duration: 12, Resolution: "1080p"}, nil, apidot.ModelPro, "1080p", 12, ""},
		{"bad file", config.Defaults("").Settings, bad, apidot.ModelStandard, apidot.DefaultResolution, 4, "config.toml:3: colour: unknown key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := New(context.Background(), Config{Key: keys.Key{Value: "sk-test"}, Settings: tt.settings, SettingsErr: tt.err})
			c := composeOf(m)
			if c.model != tt.model || c.resolution != tt.res || c.duration != tt.duration {
				t.Errorf("compose = %s %s %d, want %s %s %d", c.model, c.resolution, c.duration, tt.model, tt.res, tt.duration)
			}
			if tt.flash == "" && m.flash != "" || !strings.Contains(m.flash, tt.flash) || (tt.err != nil) != m.flashBad {
				t.Errorf("flash = %q (bad %v), want %q", m.flash, m.flashBad, tt.flash)
			}
			if errors.Is(tt.err, config.ErrInvalid) && !strings.Contains(m.View().Content, "colour") {
				t.Error("the view does not show the config error")
			}
		})
	}
}
