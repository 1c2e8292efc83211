// Package xdg finds soratui's files under the XDG base folders, so every
// package that keeps a file resolves its folder by the same rules.
package xdg

import (
	"os"
	"path/filepath"
)

// File returns $xdgVar/soratui/name when xdgVar holds an absolute path, else
// home/homeRel/soratui/name, home being $HOME or else the user's home
// folder. The XDG spec says relative values are invalid and must be
// ignored. getenv is usually os.Getenv; the error is os.UserHomeDir's.
func File(getenv func(string) string, xdgVar, homeRel, name string) (string, error) {
	if d := getenv(xdgVar); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "soratui", name), nil
	}
	home := getenv("HOME")
	if home == "" {
		h, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		home = h
	}
	return filepath.Join(home, homeRel, "soratui", name), nil
}
