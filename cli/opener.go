package cli

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"

	"github.com/soratui/soratui/internal/inert"
)

// openTarget opens a local file or an http(s) URL in the system's player
// or browser. The opener's own output is discarded (exec's nil streams), so
// nothing it prints lands on the interface; anything else is refused.
func openTarget(target string) error {
	if info, err := os.Stat(target); err == nil && !info.IsDir() {
		abs, err := filepath.Abs(target)
		if err != nil {
			return err
		}
		return openWith("file://" + abs)
	}
	if err := inert.CheckURL(target); err != nil {
		return fmt.Errorf("not opened: %w", err)
	}
	return openWith(target)
}

// openWith hands target to the platform's opener, as github.com/cli/browser
// does, without its process-wide output streams.
func openWith(target string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", target)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", target)
	default:
		cmd = nil
		for _, p := range []string{"xdg-open", "x-www-browser", "www-browser", "wslview"} {
			if path, err := exec.LookPath(p); err == nil {
				cmd = exec.Command(path, target)
				break
			}
		}
		if cmd == nil {
			return errors.New("no opener found: install xdg-utils (xdg-open)")
		}
	}
	return cmd.Run()
}
