package lockedio_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/soratui/soratui/internal/lockedio"
)

func TestWritesFromManyGoroutinesStayWhole(t *testing.T) {
	const writers, lines = 8, 50
	tests := []struct {
		name string
		out  func() (write func(string), read func() string)
	}{
		{"buffer", func() (func(string), func() string) {
			var b lockedio.Buffer
			return func(s string) { b.Write([]byte(s)) }, b.String
		}},
		{"writer", func() (func(string), func() string) {
			var sb strings.Builder
			w := lockedio.NewWriter(&sb)
			return func(s string) { w.Write([]byte(s)) }, sb.String
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			write, read := tt.out()
			var wg sync.WaitGroup
			for range writers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range lines {
						write("one whole line\n")
					}
				}()
			}
			wg.Wait()
			got := strings.Split(strings.TrimSuffix(read(), "\n"), "\n")
			if len(got) != writers*lines {
				t.Fatalf("got %d lines, want %d", len(got), writers*lines)
			}
			for _, l := range got {
				if l != "one whole line" {
					t.Fatalf("torn line %q", l)
				}
			}
		})
	}
}
