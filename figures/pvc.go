package figures

import (
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/chordsim/chordsim/experiments"
	"github.com/chordsim/chordsim/metrics"
	"github.com/chordsim/chordsim/metrics/plot"
)

// pvcQuick shrinks the pvc sweep for --scale quick: 48 nodes, two bases,
// ten minutes of warm-up and 150 lookups (about 30 simulated minutes).
var pvcQuick = [][2]string{{"n", "48"}, {"chord.base", "[2, 32]"}, {"workload.start", "10m"}, {"workload.lookups", "150"}}

// The metrics of Li et al.'s performance-vs-cost plane: the cost on x,
// the two performances on y.
const (
	pvcCost    = "bytes_per_node_per_s"
	pvcLatency = "p50_ok_latency_ms"
	pvcFailed  = "failed_fraction"
)

// pvcLowFailure is the failed fraction under which we call the failure
// rate low at the smallest budget (Li et al.'s Chord stays low there).
const pvcLowFailure = 0.05

// pvcPoint is one sweep point (one protocol setting) in the plane: the
// means over its runs.
type pvcPoint struct {
	point           int
	base            int
	cost, lat, fail float64
	assign          []string // the swept values, in the plan's axis order
}

// pvcPoints collects every sweep point that has runs.
func pvcPoints(o *experiments.Outcome) []pvcPoint {
	R := o.Plan.Base.Replicates
	mean := func(pi int, name string) (float64, bool) {
		mi := experiments.MetricIndex(name)
		var xs []float64
		for k := 0; k < R; k++ {
			if r := o.Results[pi*R+k]; r != nil {
				xs = append(xs, r.Values[mi])
			}
		}
		if len(xs) == 0 {
			return math.NaN(), false
		}
		return metrics.Summarize(xs).Mean, true
	}
	var pts []pvcPoint
	for pi := range o.Plan.Points {
		pt := &o.Plan.Points[pi]
		cost, ok := mean(pi, pvcCost)
		if !ok {
			continue
		}
		lat, _ := mean(pi, pvcLatency)
		fail, _ := mean(pi, pvcFailed)
		p := pvcPoint{point: pt.Index, base: pt.Config.Chord.Base, cost: cost, lat: lat, fail: fail}
		for _, a := range pt.Assign {
			p.assign = append(p.assign, a.Value)
		}
		pts = append(pts, p)
	}
	return pts
}

// pvcFigures draws Li et al.'s two performance-vs-cost planes for Chord
// (median latency of successful lookups, and the failed fraction, against
// bytes per node per second), each point a protocol setting, with the
// lower convex hull; it writes hull.csv (the settings on each hull) and
// paper_comparison.csv (the hulls and Li et al.'s qualitative claims for
// Chord, checked).
func pvcFigures(dir string, o *experiments.Outcome, scale string) error {
	pts := pvcPoints(o)
	if len(pts) == 0 {
		return nil
	}
	var axes []string
	for _, a := range o.Plan.Axes {
		axes = append(axes, a.Path)
	}
	cost, lat, fail := make([]float64, len(pts)), make([]float64, len(pts)), make([]float64, len(pts))
	for i, p := range pts {
		cost[i], lat[i], fail[i] = p.cost, p.lat, p.fail
	}
	latHull, failHull := LowerHull(cost, lat), LowerHull(cost, fail)

	hullCols := append(append([]string{"hull", "vertex", "efficient", "point"}, axes...), pvcCost, pvcLatency, pvcFailed)
	hull := &metrics.Table{Columns: hullCols}
	row := func(p pvcPoint) []metrics.Cell {
		cells := []metrics.Cell{metrics.Int(int64(p.point))}
		for _, v := range p.assign {
			cells = append(cells, metrics.Str(v))
		}
		return append(cells, metrics.Float(p.cost), metrics.Float(p.lat), metrics.Float(p.fail))
	}
	cmpCols := append(append([]string{"row", "point"}, axes...), pvcCost, pvcLatency, pvcFailed, "li_et_al", "agrees")
	cmp := &metrics.Table{Columns: cmpCols}
	for _, h := range []struct {
		name string
		idx  []int
		ys   []float64
	}{{"latency", latHull, lat}, {"failures", failHull, fail}} {
		eff := HullEfficient(h.idx, h.ys)
		for k, i := range h.idx {
			hull.Rows = append(hull.Rows, append([]metrics.Cell{metrics.Str(h.name), metrics.Int(int64(k + 1)), metrics.Str(strconv.FormatBool(k < eff))}, row(pts[i])...))
			cmp.Rows = append(cmp.Rows, append(append([]metrics.Cell{metrics.Str(fmt.Sprintf("%s hull %d", h.name, k+1))}, row(pts[i])...), metrics.Str(""), metrics.Str("")))
		}
	}
	// Li et al.'s claims for Chord, each decided by one point.
	if len(latHull) > 0 {
		best := latHull[HullEfficient(latHull, lat)-1]
		cmp.Rows = append(cmp.Rows, append(append([]metrics.Cell{metrics.Str("lowest median latency on the hull")}, row(pts[best])...),
			metrics.Str("larger bases help when bandwidth allows: the lowest-latency setting has base > 2"), metrics.Str(strconv.FormatBool(pts[best].base > 2))))
	}
	if len(failHull) > 0 {
		cheap := failHull[0]
		cmp.Rows = append(cmp.Rows, append(append([]metrics.Cell{metrics.Str("cheapest setting")}, row(pts[cheap])...),
			metrics.Str(fmt.Sprintf("the failure rate stays low at small budgets: failed fraction ≤ %v at the cheapest setting", pvcLowFailure)),
			metrics.Str(strconv.FormatBool(pts[cheap].fail <= pvcLowFailure))))
	}
	if err := metrics.WriteFileAtomic(filepath.Join(dir, "hull.csv"), hull.WriteCSV); err != nil {
		return err
	}
	if err := metrics.WriteFileAtomic(filepath.Join(dir, "paper_comparison.csv"), cmp.WriteCSV); err != nil {
		return err
	}

	b := &o.Plan.Base
	facts := []string{fmt.Sprintf("N = %d", b.N), "PlanetLab matrix", "sessions " + b.Churn.Session.String(), fmt.Sprintf("%d lookups per run", b.Workload.Lookups)}
	draw := func(name, title, ylabel string, ys []float64, idx []int, bounds *plot.Bounds) error {
		// One series per base, so that the base of each point shows.
		var bases []int
		for _, p := range pts {
			if !containsInt(bases, p.base) {
				bases = append(bases, p.base)
			}
		}
		sort.Ints(bases)
		var series []plot.Series
		for _, base := range bases {
			s := plot.Series{Label: fmt.Sprintf("base %d", base), Style: plot.Points, NoTicks: true}
			for i, p := range pts {
				if p.base == base {
					s.X, s.Y = append(s.X, p.cost), append(s.Y, ys[i])
				}
			}
			series = append(series, s)
		}
		h := plot.Series{Label: "lower convex hull", Style: plot.Line, NoTicks: true}
		for _, i := range idx {
			h.X, h.Y = append(h.X, cost[i]), append(h.Y, ys[i])
		}
		series = append(series, h)
		fig := plot.Figure{
			Title:  title + " (Li et al. 2005, Chord)\n" + setup(o, scale, facts...),
			XLabel: "bytes per node per second (log scale)", YLabel: ylabel,
			LogX2: true, Series: series, YBounds: bounds,
		}
		return saveFigure(dir, name, &fig)
	}
	if err := draw("pvc_latency", "Median latency of successful lookups vs bandwidth", "median latency of successful lookups (ms)", lat, latHull, plot.Count); err != nil {
		return err
	}
	return draw("pvc_failures", "Failed lookups vs bandwidth", "fraction of failed lookups", fail, failHull, plot.Fraction)
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
