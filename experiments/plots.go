package experiments

import (
	"fmt"
	"strings"
)

// PlotMetrics returns the metrics the config's plots section names, in
// order, without blanks.
func (p *Plan) PlotMetrics() []string {
	var out []string
	for _, m := range strings.Split(p.Base.Plots.Metrics, ",") {
		if m = strings.TrimSpace(m); m != "" {
			out = append(out, m)
		}
	}
	return out
}

// PlotX returns the index in Axes of the plots' x axis, or -1 when the
// sweep has no axis (then nothing is drawn).
func (p *Plan) PlotX() int {
	for i, a := range p.Axes {
		if a.Path == p.Base.Plots.X {
			return i
		}
	}
	if p.Base.Plots.X == "" && len(p.Axes) > 0 {
		return 0
	}
	return -1
}

// checkPlots checks the plots section against the metrics and the sweep,
// before anything runs.
func (p *Plan) checkPlots() error {
	for _, m := range p.PlotMetrics() {
		if !isMetric(m) {
			names := make([]string, len(metricsList))
			for i, mm := range metricsList {
				names[i] = mm.name
			}
			return fmt.Errorf("plots.metrics: %q is not a column of results.csv; use names from: %s", m, strings.Join(names, ", "))
		}
	}
	if x := p.Base.Plots.X; x != "" && p.PlotX() < 0 {
		var axes []string
		for _, a := range p.Axes {
			axes = append(axes, a.Path)
		}
		if len(axes) == 0 {
			return fmt.Errorf("plots.x: %q is not swept, and the config sweeps nothing; give it a list of values or leave plots.x empty", x)
		}
		return fmt.Errorf("plots.x: %q is not a sweep axis; choose one of %s (or leave it empty for the first)", x, strings.Join(axes, ", "))
	}
	return nil
}

func isMetric(name string) bool {
	for _, m := range metricsList {
		if m.name == name {
			return true
		}
	}
	return false
}

// Sweeps reports whether path is one of the plan's sweep axes.
func (p *Plan) Sweeps(path string) bool { return p.sweeps(path) }
