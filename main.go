// Command soratui makes short videos with Sora 2 through APIDot: a terminal
// UI, and the same features as commands for scripts.
package main

import (
	"os"

	"github.com/soratui/soratui/cli"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	os.Exit(cli.Main(version))
}
