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
// (plots/timeseries_failed) and live members (plots/timeseries_live), one
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
	figs := []struct {
		name, title, ylabel string
		failed              bool // failed lookups in whole intervals (a count over a partial one is not comparable), else live members
	}{
		{"timeseries_failed", fmt.Sprintf("Failed lookups per %gs", every.Seconds()), "failed lookups in the interval", true},
		{"timeseries_live", "Live members", "members", false},
	}
	for _, f := range figs {
		fig := plot.Figure{
			Title:  f.title + " over simulated time\n" + setup(o, "", "experiment "+p.Base.Experiment),
			XLabel: "simulated time after the measurement start (s)", YLabel: f.ylabel, YBounds: plot.Count,
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
					s := &r.Series[si]
					v := float64(s.Live)
					if f.failed {
						if s.At%every != 0 {
							continue
						}
						v = float64(s.Failed())
					}
					sum[s.At.Seconds()] += v
					cnt[s.At.Seconds()]++
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
