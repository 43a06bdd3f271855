package experiments

import (
	"math"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/metrics"
	"github.com/chordsim/chordsim/run"
)

// SeriesOn reports whether the plan's runs take a time series
// (timeseries.every > 0), so that the folder gets timeseries.csv.
func (p *Plan) SeriesOn() bool { return p.Base.TimeSeries.Every > 0 }

// SeriesColumns is timeseries.csv's header: the run's identity as in
// results.csv, then the sample's columns.
func (p *Plan) SeriesColumns() []string {
	cols := p.idColumns("point", "replicate", "seed")
	cols = append(cols, "time_s", "live", "joins", "fails", "leaves",
		"lookups_started", "lookups_done", "lookups_failed",
		"failed_wrong_owner", "failed_timeout", "failed_hop_limit", "failed_lost_key", "abandoned", "messages")
	for k := 0; k < chord.NumMsgKinds; k++ {
		cols = append(cols, "messages_"+chord.MsgKind(k).String())
	}
	cols = append(cols, "bytes")
	for k := 0; k < chord.NumMsgKinds; k++ {
		cols = append(cols, "bytes_"+chord.MsgKind(k).String())
	}
	if p.Base.Pointers.Every > 0 {
		cols = append(cols, seriesPointerColumns...)
	}
	return cols
}

// seriesPointerColumns are timeseries.csv's pointer-state columns
// (pointers.every > 0): the number of pointer samples taken in the
// interval and the means over them, as results.csv's columns of the same
// names over the whole window.
var seriesPointerColumns = []string{"pointer_samples", "wrong_successor_fraction", "dead_successor_fraction",
	"dead_successors2_fraction", "dead_finger_fraction", "mean_finger_age_s"}

// seriesPointerCells are the interval's pointer-state cells: the means of
// its samples, empty when it has none.
func seriesPointerCells(s *run.Sample) []metrics.Cell {
	cells := []metrics.Cell{metrics.Int(int64(s.Pointers.Samples))}
	for _, name := range seriesPointerColumns[1:] {
		v, ok := SeriesPointerMean(s, name)
		if !ok {
			v = math.NaN()
		}
		cells = append(cells, metrics.Float(v))
	}
	return cells
}

// SeriesPointerMean is the mean over a time series interval's pointer
// samples of the statistic of timeseries.csv's column name (one of
// wrong_successor_fraction, dead_successor_fraction,
// dead_successors2_fraction, dead_finger_fraction, mean_finger_age_s), and
// false when the interval has no sample. It panics on another name.
func SeriesPointerMean(s *run.Sample, name string) (float64, bool) {
	p := &s.Pointers
	sum, n := 0.0, p.Samples
	switch name {
	case "wrong_successor_fraction":
		sum = p.WrongSuccessor
	case "dead_successor_fraction":
		sum = p.DeadSuccessor
	case "dead_successors2_fraction":
		sum = p.DeadSuccessors2
	case "dead_finger_fraction":
		sum = p.DeadFinger
	case "mean_finger_age_s":
		sum, n = p.FingerAge, p.AgeSamples
	default:
		panic("experiments: no pointer statistic " + name)
	}
	if n == 0 {
		return 0, false
	}
	return sum / float64(n), true
}

// SeriesTable builds timeseries.csv: one row per (point, replicate,
// sample), in that order, for the finished runs.
func (o *Outcome) SeriesTable() *metrics.Table {
	p := o.Plan
	t := &metrics.Table{Columns: p.SeriesColumns()}
	for i, res := range o.Results {
		if res == nil {
			continue
		}
		id := p.rowID(i, res)
		for si := range res.Series {
			s := &res.Series[si]
			row := append([]metrics.Cell(nil), id...)
			row = append(row, metrics.Float(s.At.Seconds()), metrics.Int(int64(s.Live)),
				metrics.Int(int64(s.Joins)), metrics.Int(int64(s.Fails)), metrics.Int(int64(s.Leaves)),
				metrics.Int(int64(s.Started)), metrics.Int(int64(s.Done)), metrics.Int(int64(s.Failed())),
				metrics.Int(int64(s.Outcomes[chord.WrongOwner])), metrics.Int(int64(s.Outcomes[chord.TimedOut])),
				metrics.Int(int64(s.Outcomes[chord.HopLimit])), metrics.Int(int64(s.LostKey)),
				metrics.Int(int64(s.Outcomes[chord.Abandoned])), metrics.Int(int64(total(s.Sent[:]))))
			for _, m := range s.Sent {
				row = append(row, metrics.Int(int64(m)))
			}
			row = append(row, metrics.Int(int64(total(s.Bytes[:]))))
			for _, b := range s.Bytes {
				row = append(row, metrics.Int(int64(b)))
			}
			if p.Base.Pointers.Every > 0 {
				row = append(row, seriesPointerCells(s)...)
			}
			t.Rows = append(t.Rows, row)
		}
	}
	return t
}
