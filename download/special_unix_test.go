//go:build unix

package download_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/soratui/soratui/assets"
	"github.com/soratui/soratui/download"
	"github.com/soratui/soratui/history"
)

// specialTargets makes a FIFO, a socket, a folder and names a device, each refused as a
// download target.
func specialTargets(t *testing.T) map[string]string {
	t.Helper()
	dir := t.TempDir()
	out := map[string]string{"folder": dir, "device": os.DevNull}
	fifo := filepath.Join(dir, "fifo.mp4")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatalf("mkfifo: %v", err)
	}
	out["fifo"] = fifo
	sock := filepath.Join(dir, "s.mp4")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatalf("listen on a unix socket: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	out["socket"] = sock
	return out
}

func TestSpecialTargetsAreRefusedEvenWithOverwrite(t *testing.T) {
	t.Parallel()
	var gets atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gets.Add(1)
		w.Header().Set("Content-Type", "video/mp4")
		w.Write(assets.SampleClip)
	}))
	defer srv.Close()
	j := history.Job{ID: "j1", Status: history.StatusFinished, VideoURLs: []string{srv.URL + "/v.mp4"}}
	for name, path := range specialTargets(t) {
		t.Run(name, func(t *testing.T) {
			for _, overwrite := range []bool{false, true} {
				if err := download.Check(j, path, overwrite); !errors.Is(err, download.ErrNotRegular) {
					t.Fatalf("Check(overwrite=%v) = %v, want ErrNotRegular", overwrite, err)
				}
				d := download.Downloader{Client: srv.Client(), Overwrite: overwrite}
				_, err := d.Fetch(context.Background(), srv.URL+"/v.mp4", path)
				var te *download.TargetError
				if !errors.As(err, &te) || !strings.Contains(err.Error(), "not a regular file") {
					t.Fatalf("Fetch(overwrite=%v) = %v, want a TargetError", overwrite, err)
				}
			}
			if gets.Load() != 0 {
				t.Fatalf("%d requests made for a refused target", gets.Load())
			}
		})
	}
}
