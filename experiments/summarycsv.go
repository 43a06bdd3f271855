package experiments

import (
	"strconv"

	"github.com/chordsim/chordsim/metrics"
)

// SummaryTable is summary.csv: summary.json flattened for pandas, R and
// gnuplot, one row per sweep point with at least one finished run. Its
// columns are `point`, one per swept field (the value as the config gives
// it: numbers as numbers), `n`, `runs`, then for every metric of
// results.csv, in that order, NAME_mean, NAME_ci_low, NAME_ci_high (the 95%
// Student-t interval of the mean over the point's runs, empty with one run)
// and NAME_n (the runs that gave a value); the kv_ metrics only where they
// apply ([Plan.Applies]). Unlike the plots, the intervals
// are not clamped to the quantity's range.
func (o *Outcome) SummaryTable() *metrics.Table {
	p := o.Plan
	cols := p.idColumns("point")
	cols = append(cols, "runs")
	for i, m := range metricsList {
		if p.Applies(i) {
			cols = append(cols, m.name+"_mean", m.name+"_ci_low", m.name+"_ci_high", m.name+"_n")
		}
	}
	t := &metrics.Table{Columns: cols}
	R := p.Base.Replicates
	for pi := range p.Points {
		pt := &p.Points[pi]
		var runs []*RunResult
		for k := 0; k < R; k++ {
			if r := o.Results[pi*R+k]; r != nil {
				runs = append(runs, r)
			}
		}
		if len(runs) == 0 {
			continue
		}
		row := []metrics.Cell{metrics.Int(int64(pt.Index))}
		for _, a := range pt.Assign {
			row = append(row, typedCell(a.Value))
		}
		if !p.sweeps("n") {
			row = append(row, metrics.Int(int64(pt.Config.N)))
		}
		row = append(row, metrics.Int(int64(len(runs))))
		for mi := range metricsList {
			if !p.Applies(mi) {
				continue
			}
			xs := make([]float64, len(runs))
			for i, r := range runs {
				xs[i] = r.Values[mi]
			}
			s := metrics.Summarize(xs)
			row = append(row, metrics.Float(s.Mean), metrics.Float(s.CILow), metrics.Float(s.CIHigh), metrics.Int(int64(s.N)))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// typedCell is a swept value as a cell: an integer or a float when it reads
// as one, else the text (an enumeration, a duration such as 10s).
func typedCell(v string) metrics.Cell {
	if i, err := strconv.ParseInt(v, 10, 64); err == nil {
		return metrics.Int(i)
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		return metrics.Float(f)
	}
	return metrics.Str(v)
}
