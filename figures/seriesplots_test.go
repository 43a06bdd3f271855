package figures

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chordsim/chordsim/experiments"
	"github.com/chordsim/chordsim/metrics/plot"
)

// runPlotsOf runs config cfg and draws its plots into a fresh folder,
// which it returns with the run's outcome.
func runPlotsOf(t *testing.T, cfg string) (string, *experiments.Outcome) {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "plots"), 0o755); err != nil {
		t.Fatal(err)
	}
	o := execute(t, mustPlan(t, cfg), 0)
	if err := RunPlots(dir, o); err != nil {
		t.Fatal(err)
	}
	return dir, o
}

// With timeseries.every set, a run's folder gets the failed-lookups and
// live-members figures over simulated time, drawing the runs' samples
// (one replicate: the mean is the sample), the partial last interval left
// out of the failed figure only; with it off, neither figure is drawn.
func TestSeriesPlots(t *testing.T) {
	seen := captureFigures(t)
	cfg := `
experiment: series
n: 40
workload: {lookups: 300, lookup_rate: 2}
churn: {join_rate: 0.05, fail_rate: 0.05}
timeseries: {every: 30s}
`
	dir, o := runPlotsOf(t, cfg)
	samples := o.Results[0].Series
	if len(samples) < 3 || samples[len(samples)-1].At%(30e9) == 0 {
		t.Fatalf("want several samples and a partial last interval, got %d samples", len(samples))
	}
	live, failed := seen["timeseries_live"], seen["timeseries_failed"]
	if live == nil || failed == nil || len(live.Series) != 1 || len(failed.Series) != 1 {
		t.Fatalf("figures %v, want timeseries_live and timeseries_failed with one line each", seen)
	}
	l, f := live.Series[0], failed.Series[0]
	if len(l.X) != len(samples) || len(f.X) != len(samples)-1 {
		t.Fatalf("%d live and %d failed points for %d samples", len(l.X), len(f.X), len(samples))
	}
	for i, s := range samples {
		if l.X[i] != s.At.Seconds() || l.Y[i] != float64(s.Live) {
			t.Errorf("live point %d: (%v, %v), sample (%v, %d)", i, l.X[i], l.Y[i], s.At.Seconds(), s.Live)
		}
		if i < len(f.X) && (f.X[i] != s.At.Seconds() || f.Y[i] != float64(s.Failed())) {
			t.Errorf("failed point %d: (%v, %v), sample (%v, %d)", i, f.X[i], f.Y[i], s.At.Seconds(), s.Failed())
		}
	}
	for _, name := range []string{"timeseries_live", "timeseries_failed"} {
		for _, ext := range plot.Formats {
			if _, err := os.Stat(filepath.Join(dir, "plots", name+ext)); err != nil {
				t.Error(err)
			}
		}
	}

	clear(seen)
	if err := RunPlots(t.TempDir(), execute(t, mustPlan(t, strings.Replace(cfg, "every: 30s", "every: 0s", 1)), 0)); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 0 {
		t.Errorf("timeseries.every 0s drew %d figures", len(seen))
	}
}

// With pointers.every set as well, the pointer-state figures are drawn:
// each point is the mean of the interval's pointer samples.
func TestSeriesPlotsPointers(t *testing.T) {
	seen := captureFigures(t)
	cfg := `
experiment: series
n: 40
workload: {lookups: 300, lookup_rate: 2}
churn: {join_rate: 0.05, fail_rate: 0.05}
timeseries: {every: 30s}
pointers: {every: 5s}
`
	_, o := runPlotsOf(t, cfg)
	samples := o.Results[0].Series
	// The interval's sums over its pointer samples, read field by field.
	for _, c := range []struct {
		name string
		sum  func(i int) (float64, int)
	}{
		{"timeseries_wrong_successor", func(i int) (float64, int) { p := samples[i].Pointers; return p.WrongSuccessor, p.Samples }},
		{"timeseries_dead_successor", func(i int) (float64, int) { p := samples[i].Pointers; return p.DeadSuccessor, p.Samples }},
		{"timeseries_dead_fingers", func(i int) (float64, int) { p := samples[i].Pointers; return p.DeadFinger, p.Samples }},
		{"timeseries_finger_age", func(i int) (float64, int) { p := samples[i].Pointers; return p.FingerAge, p.AgeSamples }},
	} {
		f := seen[c.name]
		if f == nil || len(f.Series) != 1 {
			t.Fatalf("%s: figure %v, want one line", c.name, f)
		}
		l := f.Series[0]
		var xs, ys []float64
		for i := range samples {
			if sum, n := c.sum(i); n > 0 {
				xs, ys = append(xs, samples[i].At.Seconds()), append(ys, sum/float64(n))
			}
		}
		if len(xs) < 3 || !slices.Equal(l.X, xs) || !slices.Equal(l.Y, ys) {
			t.Errorf("%s: points (%v, %v), samples' means (%v, %v)", c.name, l.X, l.Y, xs, ys)
		}
	}
}
