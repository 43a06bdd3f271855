package figures

import (
	"embed"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strconv"

	"github.com/chordsim/chordsim/config"
	"github.com/chordsim/chordsim/experiments"
	"github.com/chordsim/chordsim/internal/yamlconf"
	"github.com/chordsim/chordsim/metrics"
	"github.com/chordsim/chordsim/metrics/plot"
)

//go:embed builtin/*.yaml
var builtinFS embed.FS

// Scales of the built-in reproductions.
var Scales = []string{"quick", "paper"}

// Builtin is a built-in experiment: a reproduction of a paper figure.
type Builtin struct {
	Name        string
	Description string
	// quick lists the overrides (path, values) that shrink the paper-scale
	// config for --scale quick.
	quick [][2]string
	// figures writes the figure's plots and comparison tables into dir.
	figures func(dir string, o *experiments.Outcome, scale string) error
}

// Builtins lists the built-in experiments in the order `chordsim list`
// shows them.
var Builtins = []*Builtin{
	{
		Name:        "pathlen",
		Description: "S01 Fig. 10: mean, 1st and 99th percentile of the lookup path length vs N = 2^3..2^14 on ideal rings, and the PDF of path length at N = 2^12",
		quick:       [][2]string{{"n", "[8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096]"}, {"replicates", "3"}, {"workload.lookups", "20000"}},
		figures:     pathlenFigures,
	},
	{
		Name:        "load",
		Description: "S01 Fig. 8: mean, 1st and 99th percentile of keys per node for 10^5..10^6 keys on 10^4 nodes, and the PDF of keys per node at 5·10^5 keys",
		quick:       [][2]string{{"workload.keys", "[100000, 500000, 1000000]"}, {"replicates", "3"}},
		figures:     loadFigures,
	},
	{
		Name:        "vnodes",
		Description: "S01 Fig. 9: 1st and 99th percentile of keys per real node with 1, 2, 5, 10, 20 virtual nodes per real node (10^4 nodes, 10^6 keys)",
		quick:       [][2]string{{"replicates", "3"}},
		figures:     vnodesFigures,
	},
	{
		Name:        "failures",
		Description: "S01 Fig. 11: fraction of failed lookups after a fraction p = 0.01..0.2 of 10^4 nodes (10^6 keys) fail at once and the ring re-stabilizes; lost keys count as failures",
		quick:       [][2]string{{"n", "1000"}, {"workload.keys", "100000"}, {"workload.lookups", "5000"}, {"workload.start", "10m"}, {"replicates", "3"}},
		figures:     failuresFigures,
	},
	{
		Name:        "churn",
		Description: "S01 Fig. 12: fraction of failed lookups on 500 nodes while nodes join and fail at rate R = 0.01..0.1 per second, stabilization every 30 s on average updating all fingers, no retries",
		quick:       [][2]string{{"workload.lookups", "1800"}, {"replicates", "3"}},
		figures:     churnFigures,
	},
	{
		Name:        "failures-nostab",
		Description: "T03 §V: 1,000 nodes, r = 20, stabilization stopped, each node fails with probability p = 0..0.5, then 10^4 lookups: mean path length, timeouts per lookup, failed lookups",
		quick:       [][2]string{{"workload.lookups", "2000"}, {"replicates", "2"}},
		figures:     t03Figures("failure.fraction", "fraction of failed nodes p", "failures-nostab", "Simultaneous failures, stabilization stopped", "T03 Table II", tab2, nil, func(c *config.Config) float64 { return c.Failure.Fraction }),
	},
	{
		Name:        "churn-leave",
		Description: "T03 Table III: about 1,000 nodes, r = 20, joins and graceful leaves at rate R = 0.05, 0.10, ..., 0.40 per second, lookups at 1/s for an hour, each node handling its messages every 250-750 ms as T03's simulator does: mean path length, timeouts per lookup, failed lookups per 10^4 with an exact 95% Poisson interval",
		quick:       [][2]string{{"workload.lookups", "900"}, {"replicates", "2"}},
		figures:     t03Figures("churn.rate", "node joins and leaves per second, R", "churn-leave", "Joins and graceful leaves", "T03 Table III", tab3, &t03Standard{Path: 0.15, Timeouts: 0.20, FailedFactor: 2}, func(c *config.Config) float64 { return c.Churn.Rate }),
	},
	{
		Name:        "replication",
		Description: "the reference systems' replication experiments: 10 nodes, k = 1, 3, 5, linearizable (chain) and eventual consistency; write and read throughput and latency, stale reads in a mixed workload, and a porcupine linearizability check of every history",
		quick:       [][2]string{{"replicates", "3"}, {"kv.requests", "1000"}},
		figures:     replicationFigures,
	},
	{
		Name:        "stretch",
		Description: "T03 Table IV: median, 10th and 90th percentile of lookup stretch (latency ÷ direct RTT) on an ideal ring of 2^16 nodes with s = 1, 2, 4, 8, 16 proximity candidates per finger, iterative and recursive lookups, on a 3-d Euclidean space and a 5,000-router transit-stub graph; 10^4 lookups per point",
		quick:       [][2]string{{"n", "4096"}, {"workload.lookups", "2000"}},
		figures:     stretchFigures,
	},
	{
		Name:        "pvc",
		Description: "Li et al. (INFOCOM 2005) performance vs cost for Chord: about 500 nodes on the PlanetLab matrix, exponential sessions of mean 1 h (new identifier on rejoin), a lookup per node every 10 minutes on average; 24 settings of base, successor-list length, successor and finger stabilization periods, each at (bytes per node per second, median latency of successful lookups) and (bytes, failed fraction), with the lower convex hull",
		quick:       pvcQuick,
		figures:     pvcFigures,
	},
}

// FindBuiltin returns the built-in experiment called name.
func FindBuiltin(name string) (*Builtin, error) {
	for _, b := range Builtins {
		if b.Name == name {
			return b, nil
		}
	}
	names := ""
	for i, b := range Builtins {
		if i > 0 {
			names += ", "
		}
		names += b.Name
	}
	return nil, fmt.Errorf("no built-in experiment %q; choose one of %s (see 'chordsim list')", name, names)
}

// Load returns the experiment's config at the given scale.
func (b *Builtin) Load(scale string) (config.Config, []yamlconf.Axis, error) {
	src, err := builtinFS.ReadFile("builtin/" + b.Name + ".yaml")
	if err != nil {
		panic("figures: missing embedded config for " + b.Name)
	}
	cfg, axes, err := config.Parse(src, b.Name+".yaml")
	if err != nil {
		panic("figures: embedded config " + b.Name + " is invalid: " + err.Error())
	}
	switch scale {
	case "paper":
	case "quick":
		for _, o := range b.quick {
			path, values, err := yamlconf.ParseSet(o[0] + "=" + o[1])
			if err == nil {
				axes, err = config.Set(&cfg, axes, path, values)
			}
			if err != nil {
				panic("figures: quick override of " + b.Name + ": " + err.Error())
			}
		}
	default:
		return config.Config{}, nil, fmt.Errorf("--scale %q is not one of quick, paper", scale)
	}
	return cfg, axes, nil
}

// Figures writes the experiment's plots (into dir/plots) and comparison
// tables (into dir).
// Each figure is written as PNG, SVG and PDF; its title gives the setup and
// the scale (quick or paper) the sweep ran at.
func (b *Builtin) Figures(dir string, o *experiments.Outcome) error {
	return b.figures(dir, o, b.ScaleOf(o.Plan))
}

// pathlenFigures draws S01 Fig. 10 (a) and (b) and writes
// paper_comparison.csv: ours against the published numbers per N.
func pathlenFigures(dir string, o *experiments.Outcome, scale string) error {
	type row struct {
		n                      int
		mean, p1, p99          float64
		s01Mean, s01P1, s01P99 float64 // the same lookups in S01's own counting
		lookups                uint64
		point                  int
	}
	var rows []row
	for pi := range o.Plan.Points {
		h := o.PooledHops(pi)
		if h.N() == 0 {
			continue
		}
		s := o.PooledS01Path(pi)
		rows = append(rows, row{n: o.Plan.Points[pi].Config.N, mean: h.Mean(), p1: float64(h.Quantile(0.01)), p99: float64(h.Quantile(0.99)),
			s01Mean: s.Mean(), s01P1: float64(s.Quantile(0.01)), s01P99: float64(s.Quantile(0.99)), lookups: h.N(), point: pi})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].n < rows[j].n })
	if len(rows) == 0 {
		return nil
	}
	ours := plot.Series{Label: "chordsim mean (1st–99th pct)", Style: plot.LinePoints}
	// S01's simulator counted differently (chord.Oracle.S01Path): the
	// same lookups in its counting, drawn a little to the left.
	s01 := plot.Series{Label: "chordsim in S01's counting, mean (1st–99th pct)", Style: plot.LinePoints, XShift: -0.012}
	paper := plot.Series{Label: "S01 Fig. 10(a) mean (1st–99th pct)", Style: plot.Points, XShift: 0.012}
	half := plot.Series{Label: "½·log₂ N", Style: plot.Dashed}
	table := &metrics.Table{Columns: []string{"n", "lookups", "mean_hops", "paper_mean_hops", "mean_diff", "mean_within_0.1", "p1_hops", "paper_p1_hops", "p99_hops", "paper_p99_hops", "percentiles_equal",
		"mean_s01_path", "s01_mean_diff", "s01_mean_within_0.05", "p1_s01_path", "p99_s01_path", "s01_percentiles_equal"}}
	for _, r := range rows {
		ours.X = append(ours.X, float64(r.n))
		ours.Y = append(ours.Y, r.mean)
		ours.YLow = append(ours.YLow, r.p1)
		ours.YHigh = append(ours.YHigh, r.p99)
		s01.X = append(s01.X, float64(r.n))
		s01.Y = append(s01.Y, r.s01Mean)
		s01.YLow = append(s01.YLow, r.s01P1)
		s01.YHigh = append(s01.YHigh, r.s01P99)
		half.X = append(half.X, float64(r.n))
		half.Y = append(half.Y, 0.5*math.Log2(float64(r.n)))
		cells := []metrics.Cell{metrics.Int(int64(r.n)), metrics.Int(int64(r.lookups)), metrics.Float(r.mean)}
		found := false
		for _, f := range fig10 {
			if f.N != r.n {
				continue
			}
			found = true
			// Drawn a little to the right (XShift) so both error bars show.
			paper.X = append(paper.X, float64(r.n))
			paper.Y = append(paper.Y, f.Mean)
			paper.YLow = append(paper.YLow, float64(f.P1))
			paper.YHigh = append(paper.YHigh, float64(f.P99))
			diff := r.mean - f.Mean
			cells = append(cells, metrics.Float(f.Mean), metrics.Float(diff), metrics.Str(strconv.FormatBool(math.Abs(diff) <= 0.1)),
				metrics.Float(r.p1), metrics.Int(int64(f.P1)), metrics.Float(r.p99), metrics.Int(int64(f.P99)),
				metrics.Str(strconv.FormatBool(int(r.p1) == f.P1 && int(r.p99) == f.P99)))
			sd := r.s01Mean - f.Mean
			cells = append(cells, metrics.Float(r.s01Mean), metrics.Float(sd), metrics.Str(strconv.FormatBool(math.Abs(sd) <= 0.05)),
				metrics.Float(r.s01P1), metrics.Float(r.s01P99), metrics.Str(strconv.FormatBool(int(r.s01P1) == f.P1 && int(r.s01P99) == f.P99)))
		}
		if !found {
			nan := metrics.Float(math.NaN())
			cells = append(cells, nan, nan, metrics.Str(""), metrics.Float(r.p1), nan, metrics.Float(r.p99), nan, metrics.Str(""),
				metrics.Float(r.s01Mean), nan, metrics.Str(""), metrics.Float(r.s01P1), metrics.Float(r.s01P99), metrics.Str(""))
		}
		table.Rows = append(table.Rows, cells)
	}
	if err := metrics.WriteFileAtomic(filepath.Join(dir, "paper_comparison.csv"), table.WriteCSV); err != nil {
		return err
	}
	base := o.Plan.Base
	fig := plot.Figure{
		Title:  "Lookup path length vs number of nodes (S01 Fig. 10a)\n" + setup(o, scale, fmt.Sprintf("ideal rings, %s lookups per run", count(base.Workload.Lookups))),
		XLabel: "number of nodes N (log scale)", YLabel: "path length (hops)",
		LogX2: true, Series: []plot.Series{ours, s01, paper, half}, YBounds: plot.Count,
	}
	if err := saveFigure(dir, "pathlen_vs_n", &fig); err != nil {
		return err
	}
	// Fig. 10(b): the PDF at N = 4096, or at the largest N run.
	pick := rows[len(rows)-1]
	for _, r := range rows {
		if r.n == fig10bAt {
			pick = r
		}
	}
	h := o.PooledHops(pick.point)
	pdf := plot.BarSeries{Label: "chordsim, N = " + count(pick.n)}
	for v, f := range h.PDF() {
		pdf.X = append(pdf.X, float64(v))
		pdf.Y = append(pdf.Y, f)
	}
	bars := plot.BarFigure{
		Title:  fmt.Sprintf("PDF of the path length, N = %s (S01 Fig. 10b)\n", count(pick.n)) + setup(o, scale, fmt.Sprintf("%s lookups pooled", count(int(h.N())))),
		XLabel: "path length (hops)", YLabel: "fraction of lookups",
		Groups: []plot.BarSeries{pdf},
	}
	if pick.n == fig10bAt {
		// The reference gives Fig. 10(b)'s summary, not its bars: mark the
		// paper's mean and percentiles at this N.
		for _, f := range fig10 {
			if f.N == fig10bAt {
				bars.Overlay = paperMarks(pdf.Y, "S01", []float64{f.Mean, float64(f.P1), float64(f.P99)}, []string{"mean", "1st pct", "99th pct"})
			}
		}
	}
	return saveBars(dir, "pathlen_pdf", &bars)
}

// paperMarks draws the paper's summary of a distribution (its mean and
// percentiles at xs) over our bars as vertical dashed lines, up to the top
// of the tallest bar.
func paperMarks(heights []float64, source string, xs []float64, names []string) []plot.Series {
	top := 0.0
	if len(heights) > 0 {
		top = slices.Max(heights)
	}
	var out []plot.Series
	for i, x := range xs {
		out = append(out, plot.Series{Label: fmt.Sprintf("%s %s = %s", source, names[i], metrics.Float(x)), X: []float64{x, x}, Y: []float64{0, top}, Style: plot.Dashed})
	}
	return out
}
