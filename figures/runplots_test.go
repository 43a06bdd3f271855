package figures

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/chordsim/chordsim/metrics/plot"
)

// captureFigures makes every figure drawn from now to the test's end land
// in the returned map, by name (runs draw in parallel, hence the lock; the
// map is read once they are done).
func captureFigures(t *testing.T) map[string]*plot.Figure {
	var mu sync.Mutex
	seen := map[string]*plot.Figure{}
	figureHook = func(name string, fig any) {
		mu.Lock()
		defer mu.Unlock()
		seen[name] = fig.(*plot.Figure)
	}
	t.Cleanup(func() { figureHook = nil })
	return seen
}

// A run's plots: one figure per chosen metric against plots.x, one line
// per combination of the other axes, categories for an enumeration, error
// bars within the quantity's range, in the three formats.
func TestRunPlots(t *testing.T) {
	seen := captureFigures(t)
	p := mustPlan(t, `
experiment: plots
replicates: 2
n: [32, 64]
chord:
  lookup: [iterative, recursive]
network:
  loss: [0, 0.1]
workload:
  lookups: 200
plots:
  metrics: failed_fraction, mean_hops
  x: chord.lookup
`)
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "plots"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := RunPlots(dir, execute(t, p, 0)); err != nil {
		t.Fatal(err)
	}
	var names []string
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	if strings.Join(names, ",") != "failed_fraction,mean_hops" {
		t.Fatalf("figures %v, want failed_fraction and mean_hops", names)
	}
	for name, f := range seen {
		if strings.Join(f.XCategories, ",") != "iterative,recursive" {
			t.Errorf("%s: categories %v", name, f.XCategories)
		}
		// n × network.loss = 4 lines of 2 points each.
		if len(f.Series) != 4 {
			t.Errorf("%s: %d lines, want 4", name, len(f.Series))
		}
		hi := 1e300
		if name == "failed_fraction" {
			hi = 1
		}
		for _, s := range f.Drawn() {
			if len(s.X) != 2 || !strings.Contains(s.Label, "n = ") || !strings.Contains(s.Label, "network.loss = ") {
				t.Errorf("%s: line %q has %d points", name, s.Label, len(s.X))
			}
			for i := range s.Y {
				for _, v := range []float64{s.Y[i], s.YLow[i], s.YHigh[i]} {
					if v < 0 || v > hi {
						t.Errorf("%s: line %q draws %v", name, s.Label, v)
					}
				}
			}
		}
		for _, ext := range plot.Formats {
			if _, err := os.Stat(filepath.Join(dir, "plots", name+ext)); err != nil {
				t.Error(err)
			}
		}
	}
	// index.html: both figures inline, a row per point, CIs of the failed
	// fraction not below 0.
	b, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	if n := len(svgStart.FindAllString(page, -1)); n != 2 {
		t.Errorf("index.html inlines %d figures, want 2", n)
	}
	if n := strings.Count(page, "<tr><td>"); n != len(p.Points) {
		t.Errorf("index.html has %d point rows, want %d", n, len(p.Points))
	}
	if strings.Contains(page, "[-") || strings.Contains(page, "<script") {
		t.Error("index.html shows a negative interval bound or a script")
	}
}
