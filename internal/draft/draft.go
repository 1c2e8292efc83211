// Package draft keeps the job being written in compose across runs: one
// small JSON file under the state folder, replaced atomically on every
// save, so a quit or a crash loses no prompt.
package draft

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// Draft is the compose form: the prompt and every choice.
type Draft struct {
	Prompt     string   `json:"prompt"`
	Model      string   `json:"model,omitempty"`
	Duration   int      `json:"duration,omitempty"`
	Aspect     string   `json:"aspect,omitempty"`
	Resolution string   `json:"resolution,omitempty"`
	Image      string   `json:"image,omitempty"`
	Compare    []string `json:"compare,omitempty"`
}

// Path is where the draft lives: $XDG_STATE_HOME/soratui/draft.json, else
// ~/.local/state/soratui/draft.json.
func Path(getenv func(string) string) (string, error) {
	if d := getenv("XDG_STATE_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "soratui", "draft.json"), nil
	}
	home := getenv("HOME")
	if home == "" {
		return "", errors.New("no home folder for the draft; set XDG_STATE_HOME")
	}
	return filepath.Join(home, ".local", "state", "soratui", "draft.json"), nil
}

// Store reads and writes one draft file. Saves are serialized, and a save
// numbered lower than one already written is skipped, so saves that race
// cannot put an older draft back.
type Store struct {
	path string

	mu   sync.Mutex
	last uint64
}

// New returns the store of the draft file at path.
func New(path string) *Store { return &Store{path: path} }

// Load reads the draft; no file is an empty draft.
func (s *Store) Load() (Draft, error) {
	var d Draft
	b, err := os.ReadFile(s.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return d, nil
	case err != nil:
		return d, fmt.Errorf("reading the draft: %w", err)
	}
	if err := json.Unmarshal(b, &d); err != nil {
		return Draft{}, fmt.Errorf("reading the draft %s: %w", s.path, err)
	}
	return d, nil
}

// Save writes d as save number n, unless a later save was written.
func (s *Store) Save(n uint64, d Draft) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n < s.last {
		return nil
	}
	s.last = n
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return fmt.Errorf("saving the draft: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(s.path), ".draft-*")
	if err != nil {
		return fmt.Errorf("saving the draft: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("saving the draft: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("saving the draft: %w", err)
	}
	if err := os.Rename(tmp.Name(), s.path); err != nil {
		return fmt.Errorf("saving the draft: %w", err)
	}
	return nil
}
