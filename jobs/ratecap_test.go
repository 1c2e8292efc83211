package jobs

import (
	"testing"
	"time"
)

func TestRateCapGrowsUntilLimitedThenHalves(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		start float64
		steps func(c *RateCap)
		want  func(r float64) bool
		what  string
	}{
		{"starts at the default", 0, func(*RateCap) {}, func(r float64) bool { return r == StartRate }, "StartRate"},
		{"grows while answered", 4, func(c *RateCap) {
			for i := range 40 {
				c.Answered(t0.Add(time.Duration(i) * 100 * time.Millisecond))
			}
		}, func(r float64) bool { return r > 9.5 && r < 10.2 }, "about √(4² + 2·40)"},
		{"halves on a 429", 8, func(c *RateCap) { c.Limited(t0) }, func(r float64) bool { return r == 4 }, "4"},
		{"never below the minimum", 1, func(c *RateCap) {
			for range 10 {
				c.Limited(t0)
			}
		}, func(r float64) bool { return r == MinRate }, "MinRate"},
		{"never above the maximum", MaxRate - 0.01, func(c *RateCap) {
			for range 10 {
				c.Answered(t0)
			}
		}, func(r float64) bool { return r == MaxRate }, "MaxRate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewRateCap(tt.start)
			tt.steps(c)
			if r := c.Rate(); !tt.want(r) {
				t.Errorf("rate %.2f, want %s", r, tt.what)
			}
		})
	}
}

func TestRateCapSpacesReadsAtItsRate(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	c := NewRateCap(2) // burst of 2, then one read every 500 ms
	var got []time.Duration
	for range 4 {
		got = append(got, c.Delay(t0))
	}
	want := []time.Duration{0, 0, 500 * time.Millisecond, time.Second}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("delays %v, want %v", got, want)
		}
	}
}
