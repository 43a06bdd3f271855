package figures

import (
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/chordsim/chordsim/config"
	"github.com/chordsim/chordsim/experiments"
	"github.com/chordsim/chordsim/metrics"
	"github.com/chordsim/chordsim/metrics/plot"
)

// xPoint is one sweep point's summary of some metrics over its runs.
type xPoint struct {
	x float64
	s map[string]metrics.Summary
}

// summarizeBy summarizes the named metrics per sweep point, over the
// point's finished runs, with the points ordered by x.
func summarizeBy(o *experiments.Outcome, x func(*config.Config) float64, names ...string) []xPoint {
	R := o.Plan.Base.Replicates
	var pts []xPoint
	for pi := range o.Plan.Points {
		p := xPoint{x: x(&o.Plan.Points[pi].Config), s: map[string]metrics.Summary{}}
		any := false
		for _, name := range names {
			mi := experiments.MetricIndex(name)
			var xs []float64
			for k := 0; k < R; k++ {
				if r := o.Results[pi*R+k]; r != nil {
					xs = append(xs, r.Values[mi])
					any = true
				}
			}
			p.s[name] = metrics.Summarize(xs)
		}
		if any {
			pts = append(pts, p)
		}
	}
	sort.SliceStable(pts, func(i, j int) bool { return pts[i].x < pts[j].x })
	return pts
}

// ciSeries is a series of means with their 95% confidence intervals as
// error bars (the interval collapses to the mean with a single run).
func ciSeries(label string, pts []xPoint, name string, style plot.SeriesStyle) plot.Series {
	s := plot.Series{Label: label, Style: style}
	for _, p := range pts {
		m := p.s[name]
		lo, hi := m.CILow, m.CIHigh
		if math.IsNaN(lo) {
			lo, hi = m.Mean, m.Mean
		}
		s.X = append(s.X, p.x)
		s.Y = append(s.Y, m.Mean)
		s.YLow = append(s.YLow, lo)
		s.YHigh = append(s.YHigh, hi)
	}
	return s
}

// failedComparison compares our failed fraction with a published one,
// point by point: within the paper's 95% confidence interval, or within
// 20% of the paper's value (the two standards; the table says which
// holds).
func failedComparison(pts []xPoint, metric, xName string, paper []paperFailed) (*metrics.Table, plot.Series) {
	pub := plot.Series{Label: "paper (95% CI)", Style: plot.Points}
	t := &metrics.Table{Columns: []string{xName, "runs", "failed_fraction", "ci_low", "ci_high", "paper_failed_fraction", "paper_ci_low", "paper_ci_high",
		"in_paper_ci", "diff_fraction", "failed_within_ci_or_20pct"}}
	for _, p := range pts {
		m := p.s[metric]
		row := []metrics.Cell{metrics.Float(p.x), metrics.Int(int64(m.N)), metrics.Float(m.Mean), metrics.Float(m.CILow), metrics.Float(m.CIHigh)}
		found := false
		for _, f := range paper {
			if math.Abs(f.x-p.x) > 1e-9 {
				continue
			}
			found = true
			pub.X = append(pub.X, p.x*1.03)
			pub.Y = append(pub.Y, f.mean)
			pub.YLow = append(pub.YLow, f.lo)
			pub.YHigh = append(pub.YHigh, f.high)
			inCI := m.Mean >= f.lo && m.Mean <= f.high
			diff := (m.Mean - f.mean) / f.mean
			row = append(row, metrics.Float(f.mean), metrics.Float(f.lo), metrics.Float(f.high),
				metrics.Str(strconv.FormatBool(inCI)), metrics.Float(diff), metrics.Str(strconv.FormatBool(inCI || math.Abs(diff) <= 0.2)))
		}
		if !found {
			nan := metrics.Float(math.NaN())
			row = append(row, nan, nan, nan, metrics.Str(""), nan, metrics.Str(""))
		}
		t.Rows = append(t.Rows, row)
	}
	return t, pub
}

// failuresFigures draws S01 Fig. 11: failed lookups vs the fraction of
// nodes failed at once.
func failuresFigures(dir string, o *experiments.Outcome) error {
	pts := summarizeBy(o, func(c *config.Config) float64 { return c.Failure.Fraction }, "failed_fraction", "failed_routing_fraction")
	if len(pts) == 0 {
		return nil
	}
	table, pub := failedComparison(pts, "failed_fraction", "failure.fraction", fig11)
	if err := metrics.WriteFileAtomic(filepath.Join(dir, "paper_comparison.csv"), table.WriteCSV); err != nil {
		return err
	}
	diag := plot.Series{Label: "y = p", Style: plot.Dashed}
	for _, p := range pts {
		diag.X = append(diag.X, p.x)
		diag.Y = append(diag.Y, p.x)
	}
	fig := plot.Figure{Title: fmt.Sprintf("Failed lookups after simultaneous failures, N = %d (S01 Fig. 11)", o.Plan.Base.N),
		XLabel: "fraction of failed nodes p", YLabel: "fraction of failed lookups (95% CI)",
		Series: []plot.Series{ciSeries("chordsim (lost keys count)", pts, "failed_fraction", plot.LinePoints), pub,
			ciSeries("chordsim, routing failures only", pts, "failed_routing_fraction", plot.LinePoints), diag}}
	return fig.SavePNG(filepath.Join(dir, "plots", "failures.png"))
}

// churnFigures draws S01 Fig. 12: failed lookups vs the rate of joins and
// failures.
func churnFigures(dir string, o *experiments.Outcome) error {
	pts := summarizeBy(o, func(c *config.Config) float64 { return c.Churn.Rate }, "failed_fraction")
	if len(pts) == 0 {
		return nil
	}
	table, pub := failedComparison(pts, "failed_fraction", "churn.rate", fig12)
	if err := metrics.WriteFileAtomic(filepath.Join(dir, "paper_comparison.csv"), table.WriteCSV); err != nil {
		return err
	}
	fig := plot.Figure{Title: fmt.Sprintf("Failed lookups under churn, N = %d, stabilization every 30 s (S01 Fig. 12)", o.Plan.Base.N),
		XLabel: "node joins and failures per second, R", YLabel: "fraction of failed lookups (95% CI)",
		Series: []plot.Series{ciSeries("chordsim", pts, "failed_fraction", plot.LinePoints), pub}}
	return fig.SavePNG(filepath.Join(dir, "plots", "churn.png"))
}

// t03Figures draws the two T03 §V experiments, which the reference gives
// without numbers: mean path length, timeouts per lookup and failed lookups
// against the swept x (failed fraction or churn rate).
func t03Figures(xName, xLabel, file string, x func(*config.Config) float64) func(dir string, o *experiments.Outcome) error {
	return func(dir string, o *experiments.Outcome) error {
		names := []string{"mean_hops", "p1_hops", "p99_hops", "mean_timeouts", "p99_timeouts", "failed_fraction"}
		pts := summarizeBy(o, x, names...)
		if len(pts) == 0 {
			return nil
		}
		N := float64(o.Plan.Base.N)
		r := float64(o.Plan.Base.Chord.Successors)
		// T03's model of the mean path on a stable ring with successor-list
		// shortcuts: ½·log2 N − ½·log2 r + 1 (the reference, §3).
		model := 0.5*math.Log2(N) - 0.5*math.Log2(r) + 1
		t := &metrics.Table{Columns: []string{xName, "runs", "mean_hops", "p1_hops", "p99_hops", "t03_model_mean_hops", "mean_timeouts", "p99_timeouts", "failed_per_10000"}}
		for _, p := range pts {
			t.Rows = append(t.Rows, []metrics.Cell{metrics.Float(p.x), metrics.Int(int64(p.s["mean_hops"].N)),
				metrics.Float(p.s["mean_hops"].Mean), metrics.Float(p.s["p1_hops"].Mean), metrics.Float(p.s["p99_hops"].Mean), metrics.Float(model),
				metrics.Float(p.s["mean_timeouts"].Mean), metrics.Float(p.s["p99_timeouts"].Mean), metrics.Float(1e4 * p.s["failed_fraction"].Mean)})
		}
		if err := metrics.WriteFileAtomic(filepath.Join(dir, "paper_comparison.csv"), t.WriteCSV); err != nil {
			return err
		}
		modelLine := plot.Series{Label: "T03 model ½log2 N − ½log2 r + 1", Style: plot.Dashed}
		for _, p := range pts {
			modelLine.X = append(modelLine.X, p.x)
			modelLine.Y = append(modelLine.Y, model)
		}
		figs := []plot.Figure{
			{Title: "Mean path length (" + file + ")", XLabel: xLabel, YLabel: "hops (95% CI)",
				Series: []plot.Series{ciSeries("chordsim mean path length", pts, "mean_hops", plot.LinePoints), modelLine}},
			{Title: "Timeouts per lookup (" + file + ")", XLabel: xLabel, YLabel: "timeouts per lookup (95% CI)",
				Series: []plot.Series{ciSeries("chordsim mean timeouts", pts, "mean_timeouts", plot.LinePoints)}},
			{Title: "Failed lookups (" + file + ")", XLabel: xLabel, YLabel: "fraction failed (95% CI)",
				Series: []plot.Series{ciSeries("chordsim failed fraction", pts, "failed_fraction", plot.LinePoints)}},
		}
		for i, f := range figs {
			name := []string{"pathlen", "timeouts", "failed"}[i]
			if err := f.SavePNG(filepath.Join(dir, "plots", file+"_"+name+".png")); err != nil {
				return err
			}
		}
		return nil
	}
}
