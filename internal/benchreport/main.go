// Command benchreport runs soratui's benchmarks and prints the figures of
// SPEC §5 as one table: figure | target | measured | result. `make bench`
// runs it from the module root:
//
//	go run ./internal/benchreport [-v] [-strict] [-only REGEXP] [-million]
//
// -v echoes the go test output on stderr, -strict exits 1 when a figure
// misses its target, -only keeps the rows whose figure matches, -million
// adds histories of 1,000,000 jobs (their rows say "not measured"
// without it).
//
// # Adding a row
//
// A row is one entry of the table in figures below, for example
//
//	{Figure: "frame render, 1,000 jobs", Pkg: "./ui", Run: "^BenchmarkRenderFrame$",
//		Name: "BenchmarkRenderFrame/jobs=1000", Metric: "ns/op", Scale: 1e-6, Unit: "ms", Max: 2},
//
// Pkg, Run and Benchtime say what runs:
// `go test -run '^$' -bench Run -benchtime Benchtime Pkg` (default
// benchtime 1s); rows with the same three share one run. Name is the
// benchmark's full name as printed, without the -GOMAXPROCS suffix (with
// the slashes of sub-benchmarks). Metric is a unit as the benchmark prints
// it: ns/op, B/op, or a unit given to b.ReportMetric. Over, when set,
// names a second benchmark (same run) whose same metric divides this one,
// making a ratio. Scale converts the value into Unit. Max is the target
// (value ≤ Max, or < Max with Strict); a row with no Max is shown for
// comparison only (a baseline), marked "info". A row whose package or benchmark does not exist
// yet prints "not measured", so rows may name benchmarks still to be
// written.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

// row is one figure of the report.
type row struct {
	Figure    string
	Pkg       string
	Run       string
	Benchtime string
	Name      string
	Over      string
	Metric    string
	Scale     float64
	Unit      string
	Max       float64
	Strict    bool
	// MaxMetric, when set, makes the target another metric of the same
	// benchmark (named by MaxName), scaled alike: "no more than that".
	MaxMetric string
	MaxName   string
	// Count, when over 1, repeats the run (go test -count) and takes each
	// figure's median, for short benchmarks whose single runs scatter.
	Count int
}

// figures are the rows of SPEC §5, in the order they print.
func figures() []row {
	rows := []row{
		// The history at 100,000 jobs (history/bench_test.go).
		{Figure: "soratui list --limit 50: 100,000 vs 10 jobs", Pkg: ".", Run: "^BenchmarkListProcess$",
			Name: "BenchmarkListProcess/jobs=100000", Over: "BenchmarkListProcess/jobs=10", Metric: "ns/op", Unit: "×", Max: 1.5},
		{Figure: "soratui list --limit 50, 100,000 jobs", Pkg: ".", Run: "^BenchmarkListProcess$",
			Name: "BenchmarkListProcess/jobs=100000", Metric: "ns/op", Scale: 1e-6, Unit: "ms"},
		{Figure: "list command in-process (no process start): 100,000 vs 10", Pkg: "./cli", Run: "^BenchmarkListCommand$",
			Name: "BenchmarkListCommand/jobs=100000/table", Over: "BenchmarkListCommand/jobs=10/table", Metric: "ns/op", Unit: "×"},
		{Figure: "history.List of 50 (library): 100,000 vs 10 jobs", Pkg: "./history", Run: "^BenchmarkList50$/^jobs=(10|100000)$/^all$",
			Name: "BenchmarkList50/jobs=100000/all", Over: "BenchmarkList50/jobs=10/all", Metric: "ns/op", Unit: "×"},
		{Figure: "import 100,000 jobs", Pkg: "./history", Run: "^BenchmarkImport100k$", Benchtime: "1x",
			Name: "BenchmarkImport100k", Metric: "ns/op", Scale: 1e-9, Unit: "s", Max: 60, Strict: true},

		// The terminal interface (ui/): names its benchmarks are to have.
		{Figure: "TUI start-up: 100,000 vs 10 jobs", Pkg: "./ui", Run: "^BenchmarkStartup$",
			Name: "BenchmarkStartup/jobs=100000", Over: "BenchmarkStartup/jobs=10", Metric: "ns/op", Unit: "×", Max: 1.5, Count: 3},
		{Figure: "frame render, 1,000 jobs", Pkg: "./ui", Run: "^BenchmarkRenderFrame$",
			Name: "BenchmarkRenderFrame/jobs=1000", Metric: "ns/op", Scale: 1e-6, Unit: "ms", Max: 2},
		{Figure: "idle CPU, 20 running jobs", Pkg: ".", Run: "^BenchmarkIdleCPU$", Benchtime: "1x",
			Name: "BenchmarkIdleCPU/running=20", Metric: "%cpu", Unit: "% of a core", Max: 1, Strict: true},

		// Frame previews (frames/bench_test.go): the sample clip to 80 columns.
		{Figure: "preview, first view (ffmpeg)", Pkg: "./frames", Run: "^BenchmarkPreview$", Benchtime: "10x",
			Name: "BenchmarkPreview/view=first", Metric: "ns/op", Scale: 1e-6, Unit: "ms"},
		{Figure: "preview, cached view", Pkg: "./frames", Run: "^BenchmarkPreview$", Benchtime: "10x",
			Name: "BenchmarkPreview/view=cached", Metric: "ns/op", Scale: 1e-6, Unit: "ms", Max: 100},
	}
	rows = append(rows, scaleFigures()...)
	return append(rows, pollFigures()...)
}

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		var fail errFailed
		if errors.As(err, &fail) {
			os.Exit(1)
		}
		os.Exit(2)
	}
}

type errFailed int

func (e errFailed) Error() string { return fmt.Sprintf("%d figures missed their target", int(e)) }

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("benchreport", flag.ContinueOnError)
	fs.SetOutput(stderr)
	verbose := fs.Bool("v", false, "echo the go test output on stderr")
	strict := fs.Bool("strict", false, "exit 1 when a figure misses its target")
	only := fs.String("only", "", "report only the figures matching this regexp")
	million := fs.Bool("million", false, "also measure histories of 1,000,000 jobs (builds them: many minutes)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	rows := figures()
	selected := rows
	if *only != "" {
		re, err := regexp.Compile(*only)
		if err != nil {
			return err
		}
		selected = nil
		for _, r := range rows {
			if re.MatchString(r.Figure) {
				selected = append(selected, r)
			}
		}
	}
	if *million {
		if err := os.Setenv("SORATUI_BENCH_1M", "1"); err != nil {
			return err
		}
	}
	goTool := os.Getenv("GO")
	if goTool == "" {
		goTool = "go"
	}
	procs := runtime.GOMAXPROCS(0)
	var echo io.Writer = io.Discard
	if *verbose {
		echo = stderr
	}
	runs := map[runKey]*runResult{}
	var order []runKey
	for _, r := range selected {
		k := r.key()
		if _, ok := runs[k]; !ok {
			runs[k] = nil
			order = append(order, k)
		}
	}
	for _, k := range order {
		fmt.Fprintf(stderr, "running %s in %s…\n", k.run, k.pkg)
		runs[k] = runBench(goTool, k, procs, echo)
	}
	return report(stdout, selected, runs, *strict)
}

type runKey struct {
	pkg, run, benchtime string
	count               int
}

func (r row) key() runKey {
	bt := r.Benchtime
	if bt == "" {
		bt = "1s"
	}
	return runKey{r.Pkg, r.Run, bt, max(1, r.Count)}
}

// runResult holds metrics by benchmark name, then unit.
type runResult struct {
	metrics map[string]map[string]float64
	missing bool  // the package does not exist (yet)
	err     error // go test failed
}

func runBench(goTool string, k runKey, procs int, echo io.Writer) *runResult {
	res := &runResult{metrics: map[string]map[string]float64{}}
	if st, err := os.Stat(filepath.FromSlash(k.pkg)); err != nil || !st.IsDir() {
		res.missing = true
		return res
	}
	cmd := exec.Command(goTool, "test", "-run", "^$", "-bench", k.run, "-benchtime", k.benchtime,
		"-count", strconv.Itoa(k.count), "-cpu", strconv.Itoa(procs), "-timeout", "15m", k.pkg)
	var out bytes.Buffer
	cmd.Stdout = io.MultiWriter(&out, echo)
	cmd.Stderr = io.MultiWriter(&out, echo)
	err := cmd.Run()
	parse(&out, procs, res.metrics)
	if err != nil {
		res.err = fmt.Errorf("go test %s: %v\n%s", k.pkg, err, tail(out.String(), 12))
	}
	return res
}

// parse reads benchmark lines: name-procs, iterations, then value-unit
// pairs; a benchmark printed several times (-count) gets each metric's
// median.
func parse(r io.Reader, procs int, into map[string]map[string]float64) {
	samples := map[string]map[string][]float64{}
	suffix := "-" + strconv.Itoa(procs)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue
		}
		name := f[0]
		if procs > 1 {
			name = strings.TrimSuffix(name, suffix)
		}
		m := samples[name]
		if m == nil {
			m = map[string][]float64{}
			samples[name] = m
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				break
			}
			m[f[i+1]] = append(m[f[i+1]], v)
		}
	}
	for name, ms := range samples {
		into[name] = map[string]float64{}
		for unit, vs := range ms {
			into[name][unit] = median(vs)
		}
	}
}

// median is the middle of vs (the mean of the two middle ones for an even
// count).
func median(vs []float64) float64 {
	s := slices.Clone(vs)
	slices.Sort(s)
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "    " + strings.Join(lines, "\n    ")
}

// value is the row's figure, or why there is none.
func (r row) value(res *runResult) (float64, string) {
	if res == nil || res.missing {
		return 0, "not measured"
	}
	get := func(name string) (float64, bool) {
		v, ok := res.metrics[name][r.Metric]
		return v, ok
	}
	v, ok := get(r.Name)
	if !ok {
		return 0, "not measured"
	}
	if r.Over != "" {
		d, ok := get(r.Over)
		if !ok || d == 0 {
			return 0, "not measured"
		}
		v /= d
	}
	if r.Scale != 0 {
		v *= r.Scale
	}
	return v, ""
}

func (r row) target() string {
	if r.MaxMetric != "" {
		return "≤ " + r.MaxName
	}
	if r.Max == 0 {
		return "—"
	}
	op := "≤"
	if r.Strict {
		op = "<"
	}
	return fmt.Sprintf("%s %s %s", op, strconv.FormatFloat(r.Max, 'f', -1, 64), r.Unit)
}

func (r row) meets(v float64) bool {
	if r.Strict {
		return v < r.Max
	}
	return v <= r.Max
}

func num(v float64) string {
	switch a := math.Abs(v); {
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	default:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
}

func report(w io.Writer, rs []row, runs map[runKey]*runResult, strict bool) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "figure\ttarget\tmeasured\tresult")
	fmt.Fprintln(tw, "------\t------\t--------\t------")
	failed := 0
	for _, r := range rs {
		v, why := r.value(runs[r.key()])
		measured, result := why, "—"
		if why == "" {
			measured = num(v) + " " + r.Unit
			if r.MaxMetric != "" {
				r.Max, _ = row{Name: r.Name, Metric: r.MaxMetric, Scale: r.Scale}.value(runs[r.key()])
				r.Strict = false
			}
			switch {
			case r.Max == 0 && r.MaxMetric == "":
				result = "info"
			case r.meets(v):
				result = "pass"
			default:
				result = "FAIL"
				failed++
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Figure, r.target(), measured, result)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var notes []string
	seen := map[runKey]bool{}
	for _, r := range rs {
		k := r.key()
		if res := runs[k]; res != nil && res.err != nil && !seen[k] {
			seen[k] = true
			notes = append(notes, res.err.Error())
		}
	}
	if len(notes) > 0 {
		fmt.Fprintln(w, "\nSome benchmarks did not run cleanly:")
		for _, n := range notes {
			fmt.Fprintln(w, n)
		}
	}
	if failed > 0 {
		fmt.Fprintf(w, "\n%d of %d figures missed their target.\n", failed, len(rs))
		if strict {
			return errFailed(failed)
		}
	}
	return nil
}
