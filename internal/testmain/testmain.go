// Package testmain holds what a test package's TestMain shares.
package testmain

import (
	"flag"
	"os"
	"strconv"
)

// Parallel makes n the default of -test.parallel, for packages whose tests
// wait on processes, terminals and servers far more than they compute, so
// more of them at once than there are cores finish sooner. An explicit
// -parallel wins. Call it from TestMain before m.Run.
func Parallel(n int) {
	if !flag.Parsed() {
		flag.Parse()
	}
	defaultParallel(flag.CommandLine, n)
}

// defaultParallel sets -test.parallel in fs to n unless it was given.
func defaultParallel(fs *flag.FlagSet, n int) {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given && fs.Lookup("test.parallel") != nil {
		if err := fs.Set("test.parallel", strconv.Itoa(n)); err != nil {
			os.Stderr.WriteString("testmain: " + err.Error() + "\n")
		}
	}
}
