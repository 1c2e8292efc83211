// Package testmain holds what a test package's TestMain shares.
package testmain

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"testing"
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

// Main is the whole TestMain of such a package: it runs the tests with n
// as the default of -test.parallel and exits with their code.
func Main(m *testing.M, n int) {
	Parallel(n)
	os.Exit(m.Run())
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
// a link, in a new temporary folder, and the function that removes it.
// Call it first in TestMain, before any flag is parsed: the program's
// arguments are not the tests'.
func Program(name string, main func() int) (path string, remove func()) {
	if filepath.Base(os.Args[0]) == name {
		os.Exit(main())
	}
	exe, err := os.Executable()
	if err != nil {
		fail("finding the test binary: " + err.Error())
	}
	dir, remove := TempDir(name + "-test-")
	path = filepath.Join(dir, name)
	if err := os.Symlink(exe, path); err != nil {
		remove()
		fail("linking " + name + " to the test binary: " + err.Error())
	}
	return path, remove
}

// TempDir makes a temporary folder for what a package's tests share (made
// once, read by many) and returns it with the function that removes it;
// TestMain calls that after m.Run. A folder it cannot make ends the
// process: no test could run.
func TempDir(prefix string) (dir string, remove func()) {
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		fail(err.Error())
	}
	return dir, func() { os.RemoveAll(dir) }
}

// fail ends a TestMain that cannot set up what every test needs.
func fail(msg string) {
	os.Stderr.WriteString("testmain: " + msg + "\n")
	os.Exit(1)
}
