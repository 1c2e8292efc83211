package cli

import (
	"context"
	"io"
	"runtime"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/internal/draft"
	"github.com/soratui/soratui/jobs"
	"github.com/soratui/soratui/keys"
	"github.com/soratui/soratui/notify"
	"github.com/soratui/soratui/ui"
)

// runTUI opens the terminal interface: compose when a key is found, else
// the key screen (which also offers the demo).
func runTUI(ctx context.Context, a *app) error {
	if !a.env.StdinIsTerminal {
		return usageErrorf("the interface needs a terminal; in scripts use the commands ('soratui --help')")
	}
	if a.env.getenv("GOMAXPROCS") == "" {
		// The interface is one event loop waiting on timers and the
		// network: a second thread running Go code only adds hand-offs
		// between threads, a third of its idle CPU on a virtual machine.
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
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
		Terminal:    notify.Detect(a.env.getenv),
		Version:     a.env.Version,
		Backend:     backend,
		Key:         key,
		KeyErr:      keyErr,
		SaveKey: func(ctx context.Context, key string) error {
			return a.keyring().Set(ctx, key) // the key screen adds the advice
		},
		OpenURL: a.open,
		Now:     a.env.Now,
	}
	if path, err := draft.Path(a.env.getenv); err == nil {
		cfg.Drafts = draft.New(path)
	}
	if !a.global.demo {
		cfg.Demo = a.tuiDemo
	}
	return ui.Run(ctx, cfg)
}

// tuiDemo switches a running interface to the demo. The interface owns
// the terminal by then, so opening the demo's history says nothing on
// stderr (a search index it builds once), which would draw over it.
func (a *app) tuiDemo() (ui.Backend, keys.Key, error) {
	d := a.withDemo()
	d.env.Stderr, d.env.StderrIsTerminal = io.Discard, false
	b, err := d.tuiBackend()
	return b, keys.Key{Value: keys.DemoKey, Source: keys.SourceDemo}, err
}

// tuiBackend opens the history and says how to build the job service the
// interface works through.
func (a *app) tuiBackend() (ui.Backend, error) {
	store, err := a.openStore()
	if err != nil {
		return ui.Backend{}, err
	}
	var previews ui.Previewer // nil, not a nil *Extractor, turns them off
	if ex, err := a.frameExtractor(); err == nil {
		previews = ex
	}
	return ui.Backend{
		Store: store,
		NewService: func(key string) (*jobs.Service, error) {
			return a.serviceWith(store, a.clientFor(key), false)
		},
		CheckImage: func(ctx context.Context, url string) error { return apidot.CheckImage(ctx, nil, url) },
		Demo:       a.global.demo,
		Frames:     previews,
	}, nil
}
