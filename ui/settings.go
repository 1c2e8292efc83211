package ui

import "github.com/soratui/soratui/apidot"

// applySettings opens compose with the configured defaults and, when the
// config file is bad, says so on start instead of failing.
func (m *Model) applySettings() {
	s := m.cfg.Settings
	if s.Model != "" {
		m.compose.model = s.Model
	}
	if s.Duration != 0 {
		m.compose.duration = s.Duration
	}
	if s.Aspect != "" {
		m.compose.aspect = s.Aspect
	}
	if s.Resolution != "" {
		m.compose.resolution = s.Resolution
	}
	if m.compose.model == apidot.ModelStandard && m.compose.aspect == "auto" {
		m.compose.aspect = "16:9"
	}
	if m.cfg.SettingsErr != nil {
		m.flash, m.flashBad, m.flashAt = "Config file ignored, defaults in use: "+m.cfg.SettingsErr.Error(), true, m.now()
	}
}
