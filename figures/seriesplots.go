package figures

import (
	"fmt"
	"slices"
	"strings"

	"github.com/chordsim/chordsim/experiments"
	"github.com/chordsim/chordsim/metrics/plot"
)

// seriesPlots draws a run folder's time series (timeseries.every > 0)
// against simulated time: failed lookups per interval
// (plots/timeseries_failed) and live members (plots/timeseries_live), and
// with pointers.every > 0 the pointer-state statistics per interval
// (plots/timeseries_wrong_successor, _dead_successor, _dead_fingers,
// _finger_age), one
// line per sweep point, each the mean over the point's replicates of the
// samples taken at that time. A run's last interval ends with the run, so
// it is partial: the failed-lookups figure leaves it out, the live-members
// figure keeps it (at its own time).
func seriesPlots(dir string, o *experiments.Outcome) error {
	p := o.Plan
	if !p.SeriesOn() {
		return nil
	}
	R := p.Base.Replicates
	every := p.Base.TimeSeries.Every
	type seriesFig struct {
		name, title, ylabel string
		// value is what the figure draws of sample si of run r, false to
		// leave the sample out.
		value  func(r *experiments.RunResult, si int) (float64, bool)
		bounds *plot.Bounds
	}
	figs := []seriesFig{
		{"timeseries_failed", fmt.Sprintf("Failed lookups per %gs", every.Seconds()), "failed lookups in the interval",
			// Whole intervals only: a count over a partial one is not
			// comparable.
			func(r *experiments.RunResult, si int) (float64, bool) {
				s := &r.Series[si]
				return float64(s.Failed()), s.At%every == 0
			}, plot.Count},
		{"timeseries_live", "Live members", "members", func(r *experiments.RunResult, si int) (float64, bool) {
			return float64(r.Series[si].Live), true
		}, plot.Count},
	}
	if p.Base.Pointers.Every > 0 {
		// The pointer-state statistics: the mean of the interval's
		// samples, where it has any.
		mean := func(name string) func(r *experiments.RunResult, si int) (float64, bool) {
			return func(r *experiments.RunResult, si int) (float64, bool) {
				return experiments.SeriesPointerMean(&r.Series[si], name)
			}
		}
		figs = append(figs,
			seriesFig{"timeseries_wrong_successor", "Members whose first successor is wrong", "fraction of live members",
				mean("wrong_successor_fraction"), plot.Fraction},
			seriesFig{"timeseries_dead_successor", "Members whose first successor is dead", "fraction of live members",
				mean("dead_successor_fraction"), plot.Fraction},
			seriesFig{"timeseries_dead_fingers", "Dead fingers (levels 1 … m−1)", "fraction of finger entries",
				mean("dead_finger_fraction"), plot.Fraction},
			seriesFig{"timeseries_finger_age", "Mean finger age since its last refresh", "seconds",
				mean("mean_finger_age_s"), plot.Count})
	}
	for _, f := range figs {
		fig := plot.Figure{
			Title:  f.title + " over simulated time\n" + setup(o, "", "experiment "+p.Base.Experiment),
			XLabel: "simulated time after the measurement start (s)", YLabel: f.ylabel, YBounds: f.bounds,
		}
		for pi := range p.Points {
			// Keyed by the sample's time in seconds (exact: the same
			// nanoseconds give the same float).
			sum := map[float64]float64{}
			cnt := map[float64]int{}
			for k := 0; k < R; k++ {
				r := o.Results[pi*R+k]
				if r == nil {
					continue
				}
				for si := range r.Series {
					v, ok := f.value(r, si)
					if !ok {
						continue
					}
					at := r.Series[si].At.Seconds()
					sum[at] += v
					cnt[at]++
				}
			}
			if len(cnt) == 0 {
				continue
			}
			var times []float64
			for t := range cnt {
				times = append(times, t)
			}
			slices.Sort(times)
			s := plot.Series{Label: pointLabel(&p.Points[pi]), Style: plot.LinePoints, NoTicks: true}
			for _, t := range times {
				s.X = append(s.X, t)
				s.Y = append(s.Y, sum[t]/float64(cnt[t]))
			}
			fig.Series = append(fig.Series, s)
		}
		if len(fig.Series) == 0 {
			continue
		}
		if err := saveFigure(dir, f.name, &fig); err != nil {
			return err
		}
	}
	return nil
}

// pointLabel names a sweep point by its swept values ("chordsim" when
// nothing is swept).
func pointLabel(pt *experiments.PlanPoint) string {
	var parts []string
	for _, a := range pt.Assign {
		parts = append(parts, fmt.Sprintf("%s = %s", a.Path, a.Value))
	}
	if len(parts) == 0 {
		return "chordsim"
	}
	return strings.Join(parts, ", ")
}
