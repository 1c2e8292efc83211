package main

import "strings"

// scaleFigures are the figures of history size: search, and the commands
// that read or write every job, with their peak memory
// (history/bench_test.go, bench_test.go). The 1,000,000-job rows need
// -million.
func scaleFigures() []row {
	search := func(n string) string { return "BenchmarkSearch/jobs=" + n }
	full := func(n, cmd string) string { return "BenchmarkFullList/jobs=" + n + "/" + cmd }
	const s, f = "^BenchmarkSearch$", "^BenchmarkFullList$"
	return []row{
		{Figure: "search a rare word (in process): 100,000 vs 10 jobs", Pkg: "./history", Run: s, Benchtime: "2000x",
			Name: search("100000"), Over: search("10"), Metric: "ns/op", Unit: "×", Max: 2},
		{Figure: "search a rare word (in process), 10 jobs", Pkg: "./history", Run: s, Benchtime: "2000x",
			Name: search("10"), Metric: "ns/op", Scale: 1e-6, Unit: "ms"},
		{Figure: "search a rare word (in process), 100,000 jobs", Pkg: "./history", Run: s, Benchtime: "2000x",
			Name: search("100000"), Metric: "ns/op", Scale: 1e-6, Unit: "ms"},
		{Figure: "search a rare word (in process), 1,000,000 jobs", Pkg: "./history", Run: s, Benchtime: "2000x",
			Name: search("1000000"), Metric: "ns/op", Scale: 1e-6, Unit: "ms", Max: 100},
		{Figure: "soratui import, 100,000 jobs: time", Pkg: ".", Run: f, Benchtime: "1x",
			Name: full("100000", "import"), Metric: "ns/op", Scale: 1e-9, Unit: "s"},
		{Figure: "soratui import, 100,000 jobs: peak memory", Pkg: ".", Run: f, Benchtime: "1x",
			Name: full("100000", "import"), Metric: "peak-MiB", Unit: "MiB", Max: 150},
		{Figure: "soratui import, 100,000 jobs shuffled: time", Pkg: ".", Run: f, Benchtime: "1x",
			Name: full("100000", "import-shuffled"), Metric: "ns/op", Scale: 1e-9, Unit: "s"},
		{Figure: "soratui import, 100,000 jobs shuffled: peak memory", Pkg: ".", Run: f, Benchtime: "1x",
			Name: full("100000", "import-shuffled"), Metric: "peak-MiB", Unit: "MiB", Max: 150},
		{Figure: "soratui import, 20,000 jobs of 5 KB prompts: time", Pkg: ".", Run: f, Benchtime: "1x",
			Name: full("100000", "import-long"), Metric: "ns/op", Scale: 1e-9, Unit: "s"},
		{Figure: "soratui import, 20,000 jobs of 5 KB prompts: peak memory", Pkg: ".", Run: f, Benchtime: "1x",
			Name: full("100000", "import-long"), Metric: "peak-MiB", Unit: "MiB", Max: 150},
		{Figure: "soratui import, time per MB: 5 KB prompts vs 1 KB", Pkg: ".", Run: f, Benchtime: "1x",
			Name: full("100000", "import-long"), Over: full("100000", "import"), Metric: "ns/MB", Unit: "×", Max: 1},
		{Figure: "soratui list --limit 0, 100,000 jobs: time", Pkg: ".", Run: f, Benchtime: "1x",
			Name: full("100000", "list-all"), Metric: "ns/op", Scale: 1e-9, Unit: "s"},
		{Figure: "soratui list --limit 0, 100,000 jobs: peak memory", Pkg: ".", Run: f, Benchtime: "1x",
			Name: full("100000", "list-all"), Metric: "peak-MiB", Unit: "MiB", Max: 150},
		{Figure: "soratui export, 100,000 jobs: time", Pkg: ".", Run: f, Benchtime: "1x",
			Name: full("100000", "export"), Metric: "ns/op", Scale: 1e-9, Unit: "s"},
		{Figure: "soratui export, 100,000 jobs: peak memory", Pkg: ".", Run: f, Benchtime: "1x",
			Name: full("100000", "export"), Metric: "peak-MiB", Unit: "MiB", Max: 150},
		{Figure: "soratui import, 1,000,000 jobs: time", Pkg: ".", Run: f, Benchtime: "1x",
			Name: full("1000000", "import"), Metric: "ns/op", Scale: 1e-9, Unit: "s", Max: 25, Strict: true},
		{Figure: "soratui import, 1,000,000 jobs: peak memory", Pkg: ".", Run: f, Benchtime: "1x",
			Name: full("1000000", "import"), Metric: "peak-MiB", Unit: "MiB", Max: 150},
		{Figure: "soratui list --limit 0 vs export, 1,000,000 jobs: time", Pkg: ".", Run: f, Benchtime: "1x",
			Name: full("1000000", "list-all"), Over: full("1000000", "export"), Metric: "ns/op", Unit: "×", Max: 1},
		{Figure: "soratui list --limit 0, 1,000,000 jobs: peak memory", Pkg: ".", Run: f, Benchtime: "1x",
			Name: full("1000000", "list-all"), Metric: "peak-MiB", Unit: "MiB"},
	}
}

// pollScenarios are the scenarios of jobs/scenarios_test.go, by name.
var pollScenarios = []string{
	"20-90s/progress=true/history=false", "20-90s/progress=true/history=true",
	"20-90s/progress=false/history=false", "20-90s/progress=false/history=true",
	"2-6min/progress=true/history=false", "2-6min/progress=true/history=true",
	"2-6min/progress=false/history=false", "2-6min/progress=false/history=true",
	"20-ending-at-once/progress=false/history=true",
}

// pollFigures compare, per scenario, adaptive polling with fixed 5-second
// polling on a virtual clock: median and 90th percentile notice delay,
// and reads per job; adaptive's median and reads may not exceed fixed's.
func pollFigures() []row {
	var rows []row
	for _, sc := range pollScenarios {
		name := "BenchmarkPollingScenarios/" + sc
		label := "polling " + strings.ReplaceAll(sc, "/", ", ") + ": "
		base := row{Pkg: "./jobs", Run: "^BenchmarkPollingScenarios$", Benchtime: "1x", Name: name}
		add := func(what, metric, unit, maxMetric string) {
			r := base
			r.Figure, r.Metric, r.Unit = label+what, metric, unit
			if maxMetric != "" {
				r.MaxMetric, r.MaxName = maxMetric, "fixed 5 s"
			}
			rows = append(rows, r)
		}
		add("median delay, adaptive", "adaptive-median-ms", "ms", "fixed5s-median-ms")
		add("median delay, fixed 5 s", "fixed5s-median-ms", "ms", "")
		add("p90 delay, adaptive", "adaptive-p90-ms", "ms", "")
		add("p90 delay, fixed 5 s", "fixed5s-p90-ms", "ms", "")
		add("reads per job, adaptive", "adaptive-reads/job", "reads", "fixed5s-reads/job")
		add("reads per job, fixed 5 s", "fixed5s-reads/job", "reads", "")
	}
	return rows
}
