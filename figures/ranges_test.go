package figures

import (
	"math"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chordsim/chordsim/metrics/plot"
)

// quantity is what a figure's y axis shows: its range, and the source of
// the published values the figure must carry ("" if the reference gives
// none for it).
type quantity struct {
	lo, hi float64
	paper  string
}

var (
	fractionQ = func(paper string) quantity { return quantity{0, 1, paper} }
	countQ    = func(paper string) quantity { return quantity{0, math.Inf(1), paper} }
)

// figureQuantities lists every figure the built-ins draw, written down
// from the figures' meaning (not read from the code that draws them).
var figureQuantities = map[string]quantity{
	"pathlen_vs_n":             countQ("S01 Fig. 10"),
	"pathlen_pdf":              fractionQ("S01"),
	"load_vs_keys":             countQ("S01 Fig. 8"),
	"load_pdf":                 fractionQ("S01"),
	"vnodes":                   countQ("S01 Fig. 9"),
	"failures":                 fractionQ("S01 Fig. 11"),
	"churn":                    fractionQ("S01 Fig. 12"),
	"failures-nostab_pathlen":  countQ("T03 Table II"),
	"failures-nostab_timeouts": countQ("T03 Table II"),
	"failures-nostab_failed":   fractionQ("T03 Table II"),
	"churn-leave_pathlen":      countQ("T03 Table III"),
	"churn-leave_timeouts":     countQ("T03 Table III"),
	"churn-leave_failed":       fractionQ("T03 Table III"),
	"write_throughput":         countQ(""),
	"read_throughput":          countQ(""),
	"write_latency":            countQ(""),
	"read_latency":             countQ(""),
	"stale_reads":              fractionQ(""),
	"stretch_euclidean":        countQ("T03 Table IV"),
	"stretch_transit_stub":     countQ("T03 Table IV"),
	"pvc_latency":              countQ(""),
	"pvc_failures":             fractionQ(""),
}

// tiny shrinks each built-in's quick config further for the test, keeping
// the sweep points where the paper has values (N = 4096 for Fig. 10(b),
// 5·10^5 keys on 10^4 nodes for Fig. 8(b)).
var tiny = map[string][]string{
	"pathlen":         {"n=[8, 64, 4096]", "workload.lookups=3000"},
	"load":            {"workload.keys=[100000, 500000]"},
	"vnodes":          {"n=1000", "workload.keys=100000"},
	"failures":        {"n=300", "workload.keys=10000", "workload.lookups=600", "failure.fraction=[0.01, 0.2]"},
	"churn":           {"workload.lookups=200", "churn.rate=[0.01, 0.1]"},
	"failures-nostab": {"workload.lookups=300", "failure.fraction=[0, 0.5]"},
	"churn-leave":     {"workload.lookups=150", "churn.rate=[0.05, 0.4]"},
	"replication":     {"kv.requests=200"},
	"stretch":         {"n=1024", "workload.lookups=500", "chord.pns=[1, 16]"},
	"pvc":             {"workload.lookups=100", "chord.successors=[4]"},
}

// Every figure of every built-in draws no value outside its quantity's
// range (a confidence interval of a fraction below 0 was the bug) and
// carries the paper's values where the reference gives them; each is
// written as PNG, SVG and PDF.
func TestFiguresStayInRangeAndShowThePaper(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every built-in at a reduced size")
	}
	var mu sync.Mutex
	seen := map[string]any{}
	figureHook = func(name string, fig any) {
		mu.Lock()
		defer mu.Unlock()
		seen[name] = fig
	}
	defer func() { figureHook = nil }()
	dir := t.TempDir()
	for _, b := range Builtins {
		_, _, p := quickBuiltin(t, b.Name, append([]string{"replicates=2"}, tiny[b.Name]...)...)
		drawFigures(t, b, execute(t, p, 0), filepath.Join(dir, b.Name))
	}
	for name := range seen {
		for _, ext := range plot.Formats {
			if m, _ := filepath.Glob(filepath.Join(dir, "*", "plots", name+ext)); len(m) != 1 {
				t.Errorf("%s%s: %d files written, want 1", name, ext, len(m))
			}
		}
	}
	for name, q := range figureQuantities {
		fig, ok := seen[name]
		if !ok {
			t.Errorf("figure %s was not drawn", name)
			continue
		}
		var series []plot.Series
		switch f := fig.(type) {
		case *plot.Figure:
			series = f.Drawn()
		case *plot.BarFigure:
			for _, g := range f.Groups {
				series = append(series, plot.Series{Label: g.Label, X: g.X, Y: g.Y})
			}
			series = append(series, f.Overlay...)
		}
		paper := false
		for _, s := range series {
			for i := range s.Y {
				for _, v := range []float64{s.Y[i], at(s.YLow, i), at(s.YHigh, i)} {
					if v < q.lo || v > q.hi {
						t.Errorf("%s: series %q point %d draws %v, outside [%v, %v]", name, s.Label, i, v, q.lo, q.hi)
					}
				}
				if q.paper != "" && strings.HasPrefix(s.Label, q.paper) && !math.IsNaN(s.Y[i]) {
					paper = true
				}
			}
		}
		if q.paper != "" && !paper {
			t.Errorf("%s: no series of %s's values", name, q.paper)
		}
	}
	for name := range seen {
		if _, ok := figureQuantities[name]; !ok {
			t.Errorf("figure %s is drawn but not listed in figureQuantities; add its range", name)
		}
	}
}

func at(xs []float64, i int) float64 {
	if xs == nil {
		return math.NaN()
	}
	return xs[i]
}
