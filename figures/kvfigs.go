package figures

import (
	"fmt"
	"math"
	"path/filepath"
	"strconv"

	"github.com/chordsim/chordsim/config"
	"github.com/chordsim/chordsim/experiments"
	"github.com/chordsim/chordsim/metrics"
	"github.com/chordsim/chordsim/metrics/plot"
)

// summarizeWhere is summarizeBy restricted to the points keep accepts.
func summarizeWhere(o *experiments.Outcome, keep func(*config.Config) bool, x func(*config.Config) float64, names ...string) []xPoint {
	sub := &experiments.Outcome{Plan: &experiments.Plan{Base: o.Plan.Base, Axes: o.Plan.Axes}}
	R := o.Plan.Base.Replicates
	for pi := range o.Plan.Points {
		if keep(&o.Plan.Points[pi].Config) {
			sub.Plan.Points = append(sub.Plan.Points, o.Plan.Points[pi])
			sub.Results = append(sub.Results, o.Results[pi*R:pi*R+R]...)
		}
	}
	return summarizeBy(sub, x, names...)
}

// replicationFigures draws the reference systems' replication experiments
// (ToyChord's report): write and read throughput and latency against the
// replication factor k in both consistency modes, the fraction of fresh
// reads in the mixed workload, and a table of the report's claims with
// what we measured.
func replicationFigures(dir string, o *experiments.Outcome, scale string) error {
	k := func(c *config.Config) float64 { return float64(c.KV.Replicas) }
	where := func(mode string, read float64) func(*config.Config) bool {
		return func(c *config.Config) bool { return c.KV.Consistency.String() == mode && c.KV.ReadFraction == read }
	}
	modes := []string{"linearizable", "eventual"}
	styles := []plot.SeriesStyle{plot.LinePoints, plot.Dashed}
	type panel struct {
		file, title, ylabel, metric string
		read                        float64
		bounds                      *plot.Bounds
		ci                          string
	}
	panels := []panel{
		{"write_throughput", "Write throughput (inserts only)", "inserts answered per simulated second", "kv_write_throughput", 0, plot.Count, ciCount},
		{"read_throughput", "Read throughput (queries of stored keys)", "queries answered per simulated second", "kv_read_throughput", 1, plot.Count, ciCount},
		{"write_latency", "Write latency (inserts only)", "mean latency, ms", "kv_write_latency_ms", 0, plot.Count, ciCount},
		{"read_latency", "Read latency (queries of stored keys)", "mean latency, ms", "kv_read_latency_ms", 1, plot.Count, ciCount},
		{"stale_reads", "Stale reads in the mixed workload", "fraction of reads missing the latest write", "kv_stale_fraction", 0.5, plot.Fraction, ciFraction},
	}
	any := false
	for _, p := range panels {
		fig := plot.Figure{Title: p.title + "\n" + setup(o, scale, fmt.Sprintf("%d nodes", o.Plan.Base.N), fmt.Sprintf("%d clients", o.Plan.Base.KV.Clients), p.ci),
			XLabel: "replication factor k", YLabel: p.ylabel, YBounds: p.bounds}
		for i, mode := range modes {
			pts := summarizeWhere(o, where(mode, p.read), k, p.metric)
			if len(pts) > 0 {
				fig.Series = append(fig.Series, ciSeries(mode, pts, p.metric, styles[i], p.bounds))
				any = true
			}
		}
		if len(fig.Series) == 0 {
			continue
		}
		if err := saveFigure(dir, p.file, &fig); err != nil {
			return err
		}
	}
	if !any {
		return nil
	}
	return metrics.WriteFileAtomic(filepath.Join(dir, "paper_comparison.csv"), replicationClaims(o, k, where).WriteCSV)
}

// replicationClaims checks the report's qualitative findings, one row per
// replication factor: linearizable reads are all fresh and the histories
// pass the linearizability check; eventual consistency shows stale reads
// (and the check finds violations) once there are replicas to be stale;
// eventual writes are faster than chain writes for k > 1.
func replicationClaims(o *experiments.Outcome, k func(*config.Config) float64, where func(string, float64) func(*config.Config) bool) *metrics.Table {
	t := &metrics.Table{Columns: []string{"k", "claim", "measured", "agrees"}}
	get := func(mode string, read float64, metric string) []xPoint {
		return summarizeWhere(o, where(mode, read), k, metric)
	}
	at := func(pts []xPoint, x float64, metric string) (metrics.Summary, bool) {
		for _, p := range pts {
			if p.x == x {
				return p.s[metric], true
			}
		}
		return metrics.Summary{}, false
	}
	row := func(x float64, claim, measured string, ok bool) {
		t.Rows = append(t.Rows, []metrics.Cell{metrics.Float(x), metrics.Str(claim), metrics.Str(measured), metrics.Str(strconv.FormatBool(ok))})
	}
	linStale := get("linearizable", 0.5, "kv_stale_fraction")
	linCheck := get("linearizable", 0.5, "kv_linearizable")
	evStale := get("eventual", 0.5, "kv_stale_fraction")
	evCheck := get("eventual", 0.5, "kv_linearizable")
	linW := get("linearizable", 0, "kv_write_throughput")
	evW := get("eventual", 0, "kv_write_throughput")
	for _, p := range linStale {
		x := p.x
		s := p.s["kv_stale_fraction"]
		row(x, "linearizable: every read returns the latest written value", fmt.Sprintf("stale fraction %.4g over %d runs", s.Mean, s.N), s.N > 0 && s.Mean == 0)
		if c, ok := at(linCheck, x, "kv_linearizable"); ok && c.N > 0 {
			row(x, "linearizable: the history passes the linearizability check", fmt.Sprintf("%.0f of %d runs linearizable", c.Mean*float64(c.N), c.N), c.Mean == 1)
		}
		if e, ok := at(evStale, x, "kv_stale_fraction"); ok && x > 1 {
			row(x, "eventual: some reads return stale values", fmt.Sprintf("stale fraction %.4g over %d runs", e.Mean, e.N), e.Mean > 0)
		}
		if c, ok := at(evCheck, x, "kv_linearizable"); ok && x > 1 && !math.IsNaN(c.Mean) {
			row(x, "eventual: the linearizability check finds violations", fmt.Sprintf("%.0f of %d runs not linearizable", (1-c.Mean)*float64(c.N), c.N), c.Mean < 1)
		}
		lw, ok1 := at(linW, x, "kv_write_throughput")
		ew, ok2 := at(evW, x, "kv_write_throughput")
		if ok1 && ok2 && x > 1 {
			row(x, "eventual writes are faster than chain writes", fmt.Sprintf("%.3g vs %.3g writes/s", ew.Mean, lw.Mean), ew.Mean > lw.Mean)
		}
	}
	return t
}
