package cli_test

import (
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/soratui/soratui/cli"
	"github.com/soratui/soratui/history/historytest"
)

// BenchmarkListCommand runs `soratui list --limit 50` (in-process, without
// starting a process) on a history of 10 and of 100,000 jobs; the two
// should cost about the same (SPEC §5).
func BenchmarkListCommand(b *testing.B) {
	for _, n := range []int{10, 100_000} {
		path := historytest.File(b, n)
		for _, format := range []string{"table", "json"} {
			args := []string{"--db", path, "list", "--limit", "50"}
			if format == "json" {
				args = append(args, "--json")
			}
			b.Run(fmt.Sprintf("jobs=%d/%s", n, format), func(b *testing.B) {
				for b.Loop() {
					err := cli.Run(context.Background(), args, cli.Env{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }})
					if err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
