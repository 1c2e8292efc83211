package cli_test

import (
	"context"
	"io"
	"testing"

	"github.com/soratui/soratui/cli"
	"github.com/soratui/soratui/history/historytest"
)

// BenchmarkListCommand runs `soratui list --limit 50` (in-process, without
// starting a process) on a history of 10 and of 100,000 jobs; the two
// should cost about the same (SPEC §5).
func BenchmarkListCommand(b *testing.B) {
	historytest.BySize(b, func(b *testing.B, path string) {
		for _, format := range []string{"table", "json"} {
			args := []string{"--db", path, "list", "--limit", "50"}
			if format == "json" {
				args = append(args, "--json")
			}
			b.Run(format, func(b *testing.B) {
				for b.Loop() {
					err := cli.Run(context.Background(), args, cli.Env{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }})
					if err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	})
}
