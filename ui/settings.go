package ui

import "github.com/soratui/soratui/apidot"

// applySettings opens compose with the configured defaults.
func (c *composeScreen) applySettings() {
	s := c.sh.cfg.Settings
	if s.Model != "" {
		c.model = s.Model
	}
	if s.Duration != 0 {
		c.duration = s.Duration
	}
	if s.Aspect != "" {
		c.aspect = s.Aspect
	}
	if s.Resolution != "" {
		c.resolution = s.Resolution
	}
	if c.model == apidot.ModelStandard && c.aspect == "auto" {
		c.aspect = "16:9"
	}
}
