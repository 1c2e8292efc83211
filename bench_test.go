package main_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/history"

	"github.com/soratui/soratui/history/historytest"
)

// BenchmarkListProcess runs the built binary as a user does,
// `soratui list --limit 50`, on a history of 10 and of 100,000 jobs: the
// two should take about the same time (SPEC §5).
func BenchmarkListProcess(b *testing.B) {
	historytest.BySize(b, func(b *testing.B, path string) {
		for b.Loop() {
			cmd := exec.Command(binary, "--db", path, "list", "--limit", "50")
			cmd.Env = []string{"HOME=" + b.TempDir()}
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("%v\n%s", err, out)
			}
		}
	})
}

// BenchmarkIdleCPU runs the interface in a real terminal (tmux) with 20
// running jobs whose state does not change, and reports the CPU the
// soratui process uses over a window as a share of one core: spinners,
// the clock, noticing other processes and polling included.
func BenchmarkIdleCPU(b *testing.B) {
	b.Run("running=20", func(b *testing.B) {
		if runtime.GOOS != "linux" {
			b.Skip("reads /proc")
		}
		const window = 40 * time.Second
		e := newE2E(b, apidottest.Options{RunTime: time.Hour, NoProgress: true})
		for i := range 20 {
			if _, errs, code := e.run("submit", "--prompt", fmt.Sprintf("idle job %d", i)); code != 0 {
				b.Fatal(errs)
			}
		}
		env := []string{
			"HOME=" + e.dir, "PATH=" + os.Getenv("PATH"), "TERM=xterm-256color",
			"APIDOT_API_KEY=" + e2eKey, "APIDOT_BASE_URL=" + e.server.URL, "SORATUI_DB=" + e.db,
		}
		term := startTerminal(b, env, 120, 40)
		// With unfinished jobs the interface opens on the job list.
		term.waitScreen("20 jobs")
		pid := term.shellPID()
		store, err := history.Open(e.db, history.Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer store.Close()
		// Idle starts once every job's first read has recorded it running.
		waitAllRunning(b, store, 20)
		time.Sleep(2 * time.Second)
		stamp, _ := store.Stamp()
		before, t0 := processCPU(b, pid), time.Now()
		time.Sleep(window)
		used, wall := processCPU(b, pid)-before, time.Since(t0)
		after, _ := store.Stamp()
		term.keys("q")
		term.exitCode()
		b.ReportMetric(100*used.Seconds()/wall.Seconds(), "%cpu")
		b.ReportMetric(float64(e.server.StatusReads(""))/20, "reads/job")
		b.ReportMetric(float64(after.Seq-stamp.Seq), "writes")
	})
}

// waitAllRunning waits until the history holds n running jobs.
func waitAllRunning(b *testing.B, store *history.Store, n int) {
	b.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		js, err := store.List(history.Query{Statuses: []history.Status{history.StatusRunning}})
		if err == nil && len(js) == n {
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d jobs running after two minutes (%v)", len(js), n, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// shellPID is the pid of the script that runs soratui; soratui is its
// only child.
func (term *terminal) shellPID() int {
	term.t.Helper()
	b, err := os.ReadFile(filepath.Join(term.dir, "pid"))
	if err != nil {
		term.t.Fatal(err)
	}
	var pid int
	fmt.Sscan(string(b), &pid)
	children, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	if err != nil {
		term.t.Fatal(err)
	}
	var child int
	if _, err := fmt.Sscan(string(children), &child); err != nil {
		term.t.Fatalf("soratui is not running under pid %d: %v", pid, err)
	}
	return child
}

// processCPU is the user and system CPU time a process has used.
func processCPU(tb testing.TB, pid int) time.Duration {
	tb.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		tb.Fatal(err)
	}
	// Fields after the command name, which is in parentheses.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
	utime, _ := strconv.Atoi(f[11])
	stime, _ := strconv.Atoi(f[12])
	const hz = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / hz
}

// BenchmarkFullList measures, on the built binary, importing a history of
// 100,000 jobs (and 1,000,000 with SORATUI_BENCH_1M=1) into an empty file,
// then listing every job to a pipe (list --limit 0) and exporting it, and
// at 100,000 importing the same jobs shuffled into another empty file, and
// jobs of 5 KB prompts into a third: each command's time and peak memory
// (max RSS), and each import's time per MB of input.
func BenchmarkFullList(b *testing.B) {
	sizes := []int{100_000}
	if os.Getenv("SORATUI_BENCH_1M") != "" {
		sizes = append(sizes, 1_000_000)
	}
	for _, n := range sizes {
		dir := b.TempDir()
		lines := writeBenchLines(b, filepath.Join(dir, "jobs.jsonl"), n, false, nil)
		db := filepath.Join(dir, "history.db")
		type command struct {
			name, db string
			args     []string
		}
		commands := []command{
			{"import", db, []string{"import", lines}},
			{"list-all", db, []string{"list", "--limit", "0"}},
			{"export", db, []string{"export"}},
		}
		if n == 100_000 {
			shuffled := writeBenchLines(b, filepath.Join(dir, "shuffled.jsonl"), n, true, nil)
			long := writeBenchLines(b, filepath.Join(dir, "long.jsonl"), longPromptJobs, false, longPrompt)
			commands = append(commands,
				command{"import-shuffled", filepath.Join(dir, "shuffled.db"), []string{"import", shuffled}},
				command{"import-long", filepath.Join(dir, "long.db"), []string{"import", long}})
		}
		for _, c := range commands {
			b.Run(fmt.Sprintf("jobs=%d/%s", n, c.name), func(b *testing.B) {
				var peak int64
				for b.Loop() {
					cmd := exec.Command(binary, append([]string{"--db", c.db}, c.args...)...)
					cmd.Env = []string{"HOME=" + dir}
					cmd.Stdout = io.Discard
					var stderr bytes.Buffer
					cmd.Stderr = &stderr
					if err := cmd.Run(); err != nil {
						b.Fatalf("%v\n%s", err, stderr.String())
					}
					peak = max(peak, peakRSS(cmd.ProcessState))
				}
				b.ReportMetric(float64(peak)/1024, "peak-MiB")
				if c.args[0] == "import" {
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/fileMB(b, c.args[1]), "ns/MB")
				}
			})
		}
	}
}

// writeBenchLines writes n generated jobs, each changed by edit first
// (when not nil), as JSON Lines to path, oldest first or shuffled, and
// syncs them: a file to import was written well
// before, as an export is, its pages on disk rather than still being
// written back while the import's own writes wait behind them. It holds
// little memory: a command started meanwhile would count what this
// process holds in its peak (it runs in this process's memory until exec).
func writeBenchLines(b *testing.B, path string, n int, shuffled bool, edit func(int, *history.Job)) string {
	b.Helper()
	ordered := path
	if shuffled {
		ordered = path + ".ordered"
		defer os.Remove(ordered)
	}
	f, err := os.Create(ordered)
	if err != nil {
		b.Fatal(err)
	}
	historytest.WriteLinesWith(b, f, n, edit)
	if shuffled {
		err = shuffleLines(f, path, n)
	} else {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		b.Fatal(err)
	}
	return path
}

// shuffleLines writes the n lines of f, in an order drawn from a fixed
// seed, to a new file at path, and syncs it.
func shuffleLines(f *os.File, path string, n int) error {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	ends := make([]int64, 0, n+1)
	ends = append(ends, 0)
	r := bufio.NewReader(f)
	for end := int64(0); ; {
		line, err := r.ReadSlice('\n')
		end += int64(len(line))
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		ends = append(ends, end)
	}
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	defer out.Close()
	w := bufio.NewWriter(out)
	var line []byte
	for _, i := range rand.New(rand.NewPCG(1, 2)).Perm(len(ends) - 1) {
		line = slices.Grow(line[:0], int(ends[i+1]-ends[i]))[:ends[i+1]-ends[i]]
		if _, err := f.ReadAt(line, ends[i]); err != nil {
			return err
		}
		w.Write(line)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return out.Sync()
}

// longPromptJobs is how many jobs of long prompts BenchmarkFullList
// imports: about the bytes of 100,000 jobs of 1 KB.
const longPromptJobs = 20_000

// longPrompt repeats a generated job's prompt to about 5,000 characters,
// the most a request takes: records of ~5.5 KB, where generated ones are
// ~1 KB.
func longPrompt(_ int, j *history.Job) {
	prompt := j.Prompt
	for len(j.Prompt)+1+len(prompt) <= 5000 {
		j.Prompt += " " + prompt
	}
}

// fileMB is the size of the file at path in MB (10^6 bytes).
func fileMB(b *testing.B, path string) float64 {
	b.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	return float64(fi.Size()) / 1e6
}
