package testmain

import (
	"errors"
	"flag"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// probe is the link through which this test binary runs probeMain.
var probe string

// probeMain stands in for a program: it prints its arguments and exits 3.
func probeMain() int {
	os.Stdout.WriteString("probe " + strings.Join(os.Args[1:], " "))
	return 3
}

func TestMain(m *testing.M) {
	var remove func()
	probe, remove = Program("testmain-probe", probeMain)
	code := m.Run()
	remove()
	os.Exit(code)
}

func TestProgramRunsMainThroughTheLink(t *testing.T) {
	out, err := exec.Command(probe, "-test.run=x", "list").Output()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Fatalf("exit: %v, want main's code 3", err)
	}
	if string(out) != "probe -test.run=x list" {
		t.Errorf("output %q: the program did not get its arguments untouched", out)
	}
}

func TestParallelDefaultsUnlessGiven(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "8"},
		{[]string{"-test.parallel=3"}, "3"},
	} {
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		fs.Int("test.parallel", 2, "")
		if err := fs.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		defaultParallel(fs, 8)
		if got := fs.Lookup("test.parallel").Value.String(); got != tc.want {
			t.Errorf("args %q: -test.parallel = %s, want %s", tc.args, got, tc.want)
		}
	}
}

func TestTempDirIsThereUntilRemoved(t *testing.T) {
	dir, remove := TempDir("testmain-")
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		t.Fatalf("the folder is not there: %v", err)
	}
	remove()
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("after remove: %v, want no folder", err)
	}
}
