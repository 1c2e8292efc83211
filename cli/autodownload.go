package cli

import (
	"github.com/soratui/soratui/download"
	"github.com/soratui/soratui/history"
)

// autoSet is what the settings say of automatic downloads.
type autoSet struct {
	MaxDownload int64
	dest        func(history.Job) string // nil: the service's default path
}

// autoSettings reads download_dir and max_download; a bad config was
// already reported by the command, so it only yields the defaults here.
func (a *app) autoSettings() autoSet {
	eff, err := a.settings()
	if err != nil {
		return autoSet{}
	}
	dir := eff.DownloadDir
	return autoSet{
		MaxDownload: eff.MaxDownload,
		dest:        func(j history.Job) string { return download.FreePath(dir, j) },
	}
}

// autoDownload reports whether followed jobs are saved when they finish:
// --download, or auto_download = true while the command follows them.
func (a *app) autoDownload(flag, following bool) bool {
	if flag {
		return true
	}
	eff, err := a.settings()
	return err == nil && eff.AutoDownload && following
}
