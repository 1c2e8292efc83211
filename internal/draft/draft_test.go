package draft_test

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/soratui/soratui/internal/draft"
)

func TestPathFollowsXDGStateHome(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
		bad  bool
	}{
		{"state home", map[string]string{"XDG_STATE_HOME": "/s", "HOME": "/h"}, "/s/soratui/draft.json", false},
		{"relative state home is ignored", map[string]string{"XDG_STATE_HOME": "s", "HOME": "/h"}, "/h/.local/state/soratui/draft.json", false},
		{"home only", map[string]string{"HOME": "/h"}, "/h/.local/state/soratui/draft.json", false},
		{"nothing", map[string]string{}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := draft.Path(func(k string) string { return tt.env[k] })
			if (err != nil) != tt.bad || got != tt.want {
				t.Errorf("Path = %q, %v; want %q (error %v)", got, err, tt.want, tt.bad)
			}
		})
	}
}

func TestSaveAndLoadKeepTheLatestDraft(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "soratui", "draft.json")
	s := draft.New(path)
	if d, err := s.Load(); err != nil || !reflect.DeepEqual(d, draft.Draft{}) {
		t.Fatalf("no file: %+v %v", d, err)
	}
	want := draft.Draft{Prompt: "a fox 🦊 in snow", Model: "sora-2-pro", Duration: 8, Compare: []string{"standard", "pro-1080p"}}
	if err := s.Save(2, want); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(1, draft.Draft{Prompt: "older"}); err != nil {
		t.Fatal(err)
	}
	got, err := draft.New(path).Load()
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("loaded %+v %v, want %+v (an older save must not win)", got, err, want)
	}
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(); err == nil {
		t.Error("a damaged draft loads without error")
	}
}
