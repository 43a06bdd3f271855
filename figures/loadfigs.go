package figures

import (
	"fmt"
	"math"
	"path/filepath"
	"strconv"

	"github.com/chordsim/chordsim/experiments"
	"github.com/chordsim/chordsim/metrics"
	"github.com/chordsim/chordsim/metrics/plot"
)

// loadPoint holds one sweep point's load statistics: per-run percentiles
// averaged over the point's runs (as the paper averages its 20 runs), and
// the pooled distribution of keys per node.
type loadPoint struct {
	point         int
	keys, virtual int
	mean, p1, p99 float64
	pooled        metrics.IntHist
}

func loadPoints(o *experiments.Outcome) []loadPoint {
	var pts []loadPoint
	R := o.Plan.Base.Replicates
	for pi := range o.Plan.Points {
		c := &o.Plan.Points[pi].Config
		lp := loadPoint{point: pi, keys: c.PlacedKeys(), virtual: c.Chord.VirtualNodes}
		var means, p1s, p99s []float64
		for k := 0; k < R; k++ {
			r := o.Results[pi*R+k]
			if r == nil || r.Load.N() == 0 {
				continue
			}
			means = append(means, r.Load.Mean())
			p1s = append(p1s, float64(r.Load.Quantile(0.01)))
			p99s = append(p99s, float64(r.Load.Quantile(0.99)))
			lp.pooled.Merge(&r.Load)
		}
		if len(means) == 0 {
			continue
		}
		lp.mean, lp.p1, lp.p99 = avg(means), avg(p1s), avg(p99s)
		pts = append(pts, lp)
	}
	return pts
}

func avg(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// within8 is the bar for the 99th percentile: within 8% of the paper.
func within8(ours float64, paper int) bool {
	return math.Abs(ours-float64(paper)) <= 0.08*float64(paper)
}

// loadFigures draws S01 Fig. 8(a) and 8(b) and writes paper_comparison.csv.
func loadFigures(dir string, o *experiments.Outcome, scale string) error {
	pts := loadPoints(o)
	if len(pts) == 0 {
		return nil
	}
	ours, paper, table := loadComparison(pts, "keys", func(p loadPoint) int { return p.keys }, fig8, 1e-4,
		"S01 Fig. 8(a)")
	if err := metrics.WriteFileAtomic(filepath.Join(dir, "paper_comparison.csv"), table.WriteCSV); err != nil {
		return err
	}
	fig := plot.Figure{Title: "Keys per node vs total keys (S01 Fig. 8a)\n" + setup(o, scale, "N = "+count(o.Plan.Base.N)+" nodes", "no virtual nodes"),
		XLabel: "total number of keys (×10⁴)", YLabel: "keys per node",
		Series: []plot.Series{ours, paper}, YBounds: plot.Count}
	if err := saveFigure(dir, "load_vs_keys", &fig); err != nil {
		return err
	}
	// Fig. 8(b): the PDF of keys per node at 5·10^5 keys (or the largest run).
	pick := pts[len(pts)-1]
	for _, p := range pts {
		if p.keys == fig8bAt {
			pick = p
		}
	}
	pdf := plot.BarSeries{Label: "chordsim, " + count(pick.keys) + " keys"}
	// Bins of 10 keys: the PDF of a count spread over hundreds of values is
	// unreadable one value per bar.
	h := &pick.pooled
	const bin = 10
	for lo := 0; lo < h.Len(); lo += bin {
		var c uint64
		for v := lo; v < lo+bin && v < h.Len(); v++ {
			c += h.Count(v)
		}
		pdf.X = append(pdf.X, float64(lo))
		pdf.Y = append(pdf.Y, float64(c)/float64(h.N()))
	}
	bars := plot.BarFigure{Title: fmt.Sprintf("PDF of keys per node, %s keys (S01 Fig. 8b)\n", count(pick.keys)) + setup(o, scale, "N = "+count(o.Plan.Base.N)+" nodes", "all runs pooled"),
		XLabel: "keys per node (bins of 10, bar at the bin's low end)", YLabel: "fraction of nodes", Groups: []plot.BarSeries{pdf}}
	if pick.keys == fig8bAt && o.Plan.Base.N == 10000 {
		// The reference gives Fig. 8(b)'s summary, not its bars.
		bars.Overlay = paperMarks(pdf.Y, "S01", []float64{fig8bMean, fig8bP99, fig8bMax}, []string{"mean", "99th pct", "max"})
	}
	return saveBars(dir, "load_pdf", &bars)
}

// vnodesFigures draws S01 Fig. 9 and writes paper_comparison.csv.
func vnodesFigures(dir string, o *experiments.Outcome, scale string) error {
	pts := loadPoints(o)
	if len(pts) == 0 {
		return nil
	}
	ours, paper, table := loadComparison(pts, "virtual_nodes", func(p loadPoint) int { return p.virtual }, fig9, 1,
		"S01 Fig. 9")
	if err := metrics.WriteFileAtomic(filepath.Join(dir, "paper_comparison.csv"), table.WriteCSV); err != nil {
		return err
	}
	fig := plot.Figure{Title: "Keys per real node with virtual nodes (S01 Fig. 9)\n" + setup(o, scale, "N = "+count(o.Plan.Base.N)+" real nodes", count(o.Plan.Base.PlacedKeys())+" keys"),
		XLabel: "virtual nodes per real node (log scale)", YLabel: "keys per real node", LogX2: true,
		Series: []plot.Series{ours, paper}, YBounds: plot.Count}
	return saveFigure(dir, "vnodes", &fig)
}

// loadComparison builds the "ours vs paper" series and table shared by
// Figs. 8 and 9. x gives a point's x value and xScale its unit on the plot
// (the paper's points are drawn a little to the right so both error bars
// show).
func loadComparison(pts []loadPoint, xName string, x func(loadPoint) int, paper []paperLoad, xScale float64, label string) (ours, pub plot.Series, table *metrics.Table) {
	ours = plot.Series{Label: "chordsim mean (1st–99th pct, averaged over runs)", Style: plot.LinePoints}
	pub = plot.Series{Label: label + " (1st–99th pct)", Style: plot.Points, XShift: 0.012}
	table = &metrics.Table{Columns: []string{xName, "keys_mean", "keys_p1", "paper_keys_p1", "p1_equal", "keys_p99", "paper_keys_p99", "p99_diff_fraction", "p99_within_8pct"}}
	for _, p := range pts {
		xv := float64(x(p)) * xScale
		ours.X = append(ours.X, xv)
		ours.Y = append(ours.Y, p.mean)
		ours.YLow = append(ours.YLow, p.p1)
		ours.YHigh = append(ours.YHigh, p.p99)
		row := []metrics.Cell{metrics.Int(int64(x(p))), metrics.Float(p.mean), metrics.Float(p.p1)}
		found := false
		for _, f := range paper {
			if f.x != x(p) {
				continue
			}
			found = true
			pub.X = append(pub.X, xv)
			pub.Y = append(pub.Y, f.mean)
			pub.YLow = append(pub.YLow, float64(f.p1))
			pub.YHigh = append(pub.YHigh, float64(f.p99))
			row = append(row, metrics.Int(int64(f.p1)), metrics.Str(strconv.FormatBool(math.Round(p.p1) == float64(f.p1))),
				metrics.Float(p.p99), metrics.Int(int64(f.p99)), metrics.Float((p.p99-float64(f.p99))/float64(f.p99)),
				metrics.Str(strconv.FormatBool(within8(p.p99, f.p99))))
		}
		if !found {
			nan := metrics.Float(math.NaN())
			row = append(row, nan, metrics.Str(""), metrics.Float(p.p99), nan, nan, metrics.Str(""))
		}
		table.Rows = append(table.Rows, row)
	}
	return ours, pub, table
}
