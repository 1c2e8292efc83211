package main

import (
	"bytes"
	"strings"
	"testing"
)

const sample = `goos: linux
BenchmarkList50/jobs=10/all-2         	    6282	    200000 ns/op	   24168 B/op	     259 allocs/op
BenchmarkList50/jobs=100000/all-2     	    1534	    260000 ns/op	  106664 B/op	    1233 allocs/op
BenchmarkNoticeDelay-2   	       1	34625219019 ns/op	      119.1 adaptive-ms-median-delay	         4.400 adaptive-reads/job
PASS
`

func TestParseAndReport(t *testing.T) {
	res := &runResult{metrics: map[string]map[string]float64{}}
	parse(strings.NewReader(sample), 2, res.metrics)
	if got := res.metrics["BenchmarkNoticeDelay"]["adaptive-reads/job"]; got != 4.4 {
		t.Fatalf("reads/job = %v; metrics %v", got, res.metrics)
	}
	ratio := row{Name: "BenchmarkList50/jobs=100000/all", Over: "BenchmarkList50/jobs=10/all", Metric: "ns/op", Max: 1.5}
	if v, why := ratio.value(res); why != "" || v != 1.3 {
		t.Errorf("ratio = %v %q", v, why)
	}
	missing := row{Name: "BenchmarkRenderFrame/jobs=1000", Metric: "ns/op", Max: 2}
	if _, why := missing.value(res); why != "not measured" {
		t.Errorf("missing benchmark: %q", why)
	}
	rs := []row{
		{Figure: "ratio", Pkg: "p", Run: "r", Name: ratio.Name, Over: ratio.Over, Metric: "ns/op", Unit: "×", Max: 1.2},
		{Figure: "delay", Pkg: "p", Run: "r", Name: "BenchmarkNoticeDelay", Metric: "adaptive-ms-median-delay", Unit: "ms", Max: 1000},
		{Figure: "render", Pkg: "p", Run: "r", Name: missing.Name, Metric: "ns/op", Unit: "ms", Max: 2},
		{Figure: "base", Pkg: "p", Run: "r", Name: "BenchmarkNoticeDelay", Metric: "adaptive-reads/job", Unit: "reads"},
	}
	var out bytes.Buffer
	err := report(&out, rs, map[runKey]*runResult{rs[0].key(): res}, true)
	if _, ok := err.(errFailed); !ok {
		t.Errorf("strict report with a miss: %v", err)
	}
	for _, want := range []string{"ratio  ", "1.30 ×", "FAIL", "119 ms", "pass", "not measured", "info"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

func TestTargetFromAnotherMetric(t *testing.T) {
	res := &runResult{metrics: map[string]map[string]float64{}}
	parse(strings.NewReader("BenchmarkPollingScenarios/a-2 1 5 ns/op 120 adaptive-median-ms 2400 fixed5s-median-ms 9 adaptive-reads/job 8 fixed5s-reads/job\n"), 2, res.metrics)
	rs := []row{
		{Figure: "delay", Pkg: "p", Run: "r", Name: "BenchmarkPollingScenarios/a", Metric: "adaptive-median-ms", Unit: "ms", MaxMetric: "fixed5s-median-ms", MaxName: "fixed 5 s"},
		{Figure: "reads", Pkg: "p", Run: "r", Name: "BenchmarkPollingScenarios/a", Metric: "adaptive-reads/job", Unit: "reads", MaxMetric: "fixed5s-reads/job", MaxName: "fixed 5 s"},
	}
	var out bytes.Buffer
	if err := report(&out, rs, map[runKey]*runResult{rs[0].key(): res}, true); err == nil {
		t.Errorf("9 reads against fixed's 8 passed:\n%s", out.String())
	}
	for _, want := range []string{"≤ fixed 5 s", "120 ms", "pass", "9.00 reads", "FAIL"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

// A benchmark printed several times (-count) counts by its median.
func TestRepeatedRunsGiveTheMedian(t *testing.T) {
	res := &runResult{metrics: map[string]map[string]float64{}}
	parse(strings.NewReader("BenchmarkStartup/jobs=10-2 100 900 ns/op\nBenchmarkStartup/jobs=10-2 100 5000 ns/op\nBenchmarkStartup/jobs=10-2 100 1000 ns/op\n"), 2, res.metrics)
	if got := res.metrics["BenchmarkStartup/jobs=10"]["ns/op"]; got != 1000 {
		t.Errorf("median of 900, 5000, 1000 = %v, want 1000", got)
	}
	if k := (row{Pkg: "p", Run: "r", Count: 3}).key(); k.count != 3 || (row{}).key().count != 1 {
		t.Errorf("run keys count %d and %d, want 3 and 1", k.count, (row{}).key().count)
	}
}
