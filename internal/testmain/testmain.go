// Package testmain holds what a test package's TestMain shares.
package testmain

import (
	"flag"
	"os"
	"path/filepath"
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

// Program lets the test binary stand in for the program name, so the
// end-to-end tests run the program without building it again. Started
// through a link called name, the binary runs main and exits with its code
// instead of running the tests; otherwise Program returns the path of such
// a link, in a new temporary folder, and the function that removes it (a
// link it cannot make ends the process: no test could run). Call it first
// in TestMain, before any flag is parsed: the program's arguments are not
// the tests'.
func Program(name string, main func() int) (path string, remove func()) {
	if filepath.Base(os.Args[0]) == name {
		os.Exit(main())
	}
	path, remove, err := link(name)
	if err != nil {
		os.Stderr.WriteString("testmain: linking " + name + " to the test binary: " + err.Error() + "\n")
		os.Exit(1)
	}
	return path, remove
}

// link makes a link called name to the running binary in a new temporary
// folder.
func link(name string) (path string, remove func(), err error) {
	exe, err := os.Executable()
	if err != nil {
		return "", nil, err
	}
	dir, err := os.MkdirTemp("", name+"-test-")
	if err != nil {
		return "", nil, err
	}
	remove = func() { os.RemoveAll(dir) }
	path = filepath.Join(dir, name)
	if err := os.Symlink(exe, path); err != nil {
		remove()
		return "", nil, err
	}
	return path, remove, nil
}
