package experiments

import (
	"strings"
	"testing"

	"github.com/chordsim/chordsim/config"
)

// The plots section is checked before anything runs, with errors naming
// the field, the value and the fix.
func TestPlotsSectionChecked(t *testing.T) {
	const base = "n: [50, 100]\nchord:\n  lookup: [iterative, recursive]\n"
	for _, tc := range []struct {
		name, yaml string
		wantErr    string
		x          int
		metrics    string
	}{
		{"defaults", base, "", 0, "mean_hops|failed_fraction|mean_latency_ms"},
		{"second axis", base + "plots:\n  x: chord.lookup\n  metrics: ' p99_hops ,, messages'\n", "", 1, "p99_hops|messages"},
		{"no plots", base + "plots:\n  metrics: ''\n", "", 0, ""},
		{"no sweep", "n: 50\n", "", -1, "mean_hops|failed_fraction|mean_latency_ms"},
		{"unknown metric", base + "plots:\n  metrics: mean_hops, mean_hop\n", `plots.metrics: "mean_hop" is not a column of results.csv`, 0, ""},
		{"x not swept", base + "plots:\n  x: chord.successors\n", `plots.x: "chord.successors" is not a sweep axis; choose one of n, chord.lookup`, 0, ""},
		{"x without sweep", "n: 50\nplots:\n  x: n\n", `plots.x: "n" is not swept`, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfgPlan, err := planFromYAML(tc.yaml)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := cfgPlan.PlotX(); got != tc.x {
				t.Errorf("PlotX() = %d, want %d", got, tc.x)
			}
			if got := strings.Join(cfgPlan.PlotMetrics(), "|"); got != tc.metrics {
				t.Errorf("PlotMetrics() = %q, want %q", got, tc.metrics)
			}
		})
	}
}

// What is drawn is no part of a run's identity: stored runs are reused
// when only the plots section changes.
func TestPlotsNotInRunKey(t *testing.T) {
	a, err := planFromYAML("n: [50, 100]\n")
	if err != nil {
		t.Fatal(err)
	}
	b, err := planFromYAML("n: [50, 100]\nplots:\n  metrics: p99_hops\n  x: n\n")
	if err != nil {
		t.Fatal(err)
	}
	for i := range a.Points {
		if RunKey(&a.Points[i], 1) != RunKey(&b.Points[i], 1) {
			t.Errorf("point %d: the plots section changed the run key", i)
		}
	}
}

// planFromYAML parses a config and makes its plan, returning the error.
func planFromYAML(yaml string) (*Plan, error) {
	cfg, axes, err := config.Parse([]byte(yaml), "test.yaml")
	if err != nil {
		return nil, err
	}
	return NewPlan(cfg, axes)
}
