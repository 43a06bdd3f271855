package figures

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/chordsim/chordsim/experiments"
	"github.com/chordsim/chordsim/metrics"
	"github.com/chordsim/chordsim/metrics/plot"
)

// RunPlots draws the figures a user's config asks for in its plots section
// (by default mean_hops, failed_fraction and mean_latency_ms): for each
// metric, its mean over the replicates with the 95% Student-t interval
// (clamped to the quantity's range) against the plots.x sweep axis, one
// line per combination of the other axes' values, written as
// dir/plots/METRIC.png, .svg and .pdf, and dir/index.html, a
// self-contained page with the plots, the plotted metrics per point, the
// provenance and the config. A config that sweeps nothing draws no plots:
// there is no axis to draw against. With timeseries.every > 0 it also
// draws the time series (seriesPlots).
func RunPlots(dir string, o *experiments.Outcome) error {
	if err := runPlots(dir, o); err != nil {
		return err
	}
	if err := seriesPlots(dir, o); err != nil {
		return err
	}
	return writeRunIndexHTML(dir, o)
}

func runPlots(dir string, o *experiments.Outcome) error {
	p := o.Plan
	xi := p.PlotX()
	if xi < 0 {
		return nil
	}
	xAxis := p.Axes[xi]
	// Numbers on a numeric axis, else categories in the config's order.
	numeric := true
	xval := map[string]float64{}
	for _, v := range xAxis.Values {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			numeric = false
		}
		xval[v] = f
	}
	var categories []string
	if !numeric {
		categories = xAxis.Values
		for i, v := range xAxis.Values {
			xval[v] = float64(i)
		}
	}
	logX := numeric && allPow2Values(xAxis.Values)
	R := p.Base.Replicates
	for _, name := range p.PlotMetrics() {
		mi := experiments.MetricIndex(name)
		bounds := plot.Count
		if strings.HasSuffix(name, "_fraction") {
			bounds = plot.Fraction
		}
		// One line per combination of the other axes' values, in the order
		// the sweep first meets them.
		lines := map[string]*[]xPoint{}
		var order []string
		for pi := range p.Points {
			pt := &p.Points[pi]
			var key []string
			x := 0.0
			for _, a := range pt.Assign {
				if a.Path == xAxis.Path {
					x = xval[a.Value]
					continue
				}
				key = append(key, a.Path+" = "+a.Value)
			}
			var xs []float64
			for k := 0; k < R; k++ {
				if r := o.Results[pi*R+k]; r != nil {
					xs = append(xs, r.Values[mi])
				}
			}
			if len(xs) == 0 {
				continue
			}
			label := strings.Join(key, ", ")
			if lines[label] == nil {
				lines[label] = &[]xPoint{}
				order = append(order, label)
			}
			*lines[label] = append(*lines[label], xPoint{x: x, s: map[string]metrics.Summary{name: metrics.Summarize(xs)}})
		}
		if len(order) == 0 {
			continue
		}
		ci := ciCount
		if bounds == plot.Fraction {
			ci = ciFraction
		}
		facts := []string{fmt.Sprintf("experiment %s", p.Base.Experiment)}
		if !p.Sweeps("n") {
			facts = append(facts, "N = "+count(p.Base.N))
		}
		xLabel := xAxis.Path
		if logX && len(xAxis.Values) > 2 {
			xLabel += " (log scale)"
		}
		fig := plot.Figure{
			Title:  name + " vs " + xAxis.Path + "\n" + setup(o, "", append(facts, ci)...),
			XLabel: xLabel, YLabel: name, YBounds: bounds, XCategories: categories,
			LogX2: logX && len(xAxis.Values) > 2,
		}
		for i, label := range order {
			pts := *lines[label]
			sort.SliceStable(pts, func(a, b int) bool { return pts[a].x < pts[b].x })
			if label == "" {
				label = "chordsim"
			}
			s := ciSeries(label, pts, name, plot.LinePoints, bounds)
			if len(order) > 1 {
				// Spread the lines' points a little so their bars do not
				// hide each other.
				s.XShift = 0.008 * (float64(i) - float64(len(order)-1)/2)
			}
			fig.Series = append(fig.Series, s)
		}
		if err := saveFigure(dir, name, &fig); err != nil {
			return err
		}
	}
	return nil
}

// allPow2Values reports whether every value is a power of two (then the
// axis is logarithmic, as for a sweep of n).
func allPow2Values(vs []string) bool {
	for _, v := range vs {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f <= 0 {
			return false
		}
		if _, e := math.Frexp(f); f != math.Ldexp(1, e-1) {
			return false
		}
	}
	return true
}
