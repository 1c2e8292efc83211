package cli

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"

	"github.com/cli/browser"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/download"
	"github.com/soratui/soratui/jobs"
	"github.com/soratui/soratui/keys"
	"github.com/soratui/soratui/ui"
)

// runTUI opens the terminal interface: compose when a key is found, else
// the key screen (which also offers the demo).
func runTUI(ctx context.Context, a *app) error {
	if !a.env.StdinIsTerminal {
		return usageErrorf("the interface needs a terminal; in scripts use the commands ('soratui --help')")
	}
	if _, err := a.pollInterval(); err != nil {
		return err
	}
	backend, err := a.tuiBackend()
	if err != nil {
		return err
	}
	key, keyErr := a.resolveKey(ctx)
	eff, settingsErr := a.settings()
	cfg := ui.Config{
		Settings:    eff.Settings,
		SettingsErr: settingsErr,
		Version:     a.env.Version,
		Backend:     backend,
		Key:         key,
		KeyErr:      keyErr,
		SaveKey: func(ctx context.Context, key string) error {
			return a.keyring().Set(ctx, key) // the key screen adds the advice
		},
		OpenURL: openTarget,
		Now:     a.env.Now,
	}
	if !a.demo {
		cfg.Demo = func() (ui.Backend, keys.Key, error) {
			a.demo = true
			a.store = nil
			b, err := a.tuiBackend()
			return b, keys.Key{Value: keys.DemoKey, Source: keys.SourceDemo}, err
		}
	}
	return ui.Run(ctx, cfg)
}

// tuiBackend opens the history and says how to reach the API.
func (a *app) tuiBackend() (ui.Backend, error) {
	store, err := a.openStore()
	if err != nil {
		return ui.Backend{}, err
	}
	videos, err := download.VideosDir(a.env.getenv)
	if err != nil {
		videos = ""
	}
	return ui.Backend{
		Store: store,
		NewTracker: func(key string, onEvent func(jobs.Event)) (*jobs.Tracker, error) {
			return a.trackerWith(store, a.clientFor(key), onEvent)
		},
		CheckImage: func(ctx context.Context, url string) error { return apidot.CheckImage(ctx, nil, url) },
		HTTP:       http.DefaultClient,
		VideosDir:  videos,
		Demo:       a.demo,
	}, nil
}

// openTarget opens a local file or a URL in the system's player or
// browser, keeping the opener's own output off the interface.
func openTarget(target string) error {
	browser.Stdout, browser.Stderr = io.Discard, io.Discard
	if _, err := os.Stat(target); err == nil {
		abs, _ := filepath.Abs(target)
		return browser.OpenFile(abs)
	}
	return browser.OpenURL(target)
}
