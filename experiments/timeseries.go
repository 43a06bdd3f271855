package experiments

import (
	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/metrics"
)

// SeriesOn reports whether the plan's runs take a time series
// (timeseries.every > 0), so that the folder gets timeseries.csv.
func (p *Plan) SeriesOn() bool { return p.Base.TimeSeries.Every > 0 }

// SeriesColumns is timeseries.csv's header: the run's identity as in
// results.csv, then the sample's columns.
func (p *Plan) SeriesColumns() []string {
	cols := []string{"point", "replicate", "seed"}
	for _, a := range p.Axes {
		cols = append(cols, a.Path)
	}
	if !p.sweeps("n") {
		cols = append(cols, "n")
	}
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
	return cols
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
			t.Rows = append(t.Rows, row)
		}
	}
	return t
}
