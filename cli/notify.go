package cli

import (
	"github.com/soratui/soratui/jobs"
	"github.com/soratui/soratui/notify"
)

// withNotify adds finish notifications and the taskbar's progress on
// stderr to a service listener, when stderr is a terminal and the
// settings allow (notify = true). Call done after the listener stopped:
// it hides the taskbar's progress.
func (a *app) withNotify(listen func(jobs.Event)) (both func(jobs.Event), done func()) {
	eff, err := a.settings()
	if err != nil || !eff.Notify || !a.env.StderrIsTerminal {
		return listen, func() {}
	}
	w := notify.NewWatcher(a.env.Stderr, notify.Detect(a.env.getenv))
	return func(e jobs.Event) {
		listen(e)
		if e.Kind == jobs.JobChanged && e.Err == nil {
			w.Job(e.Job)
		}
	}, w.Close
}
