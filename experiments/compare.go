package experiments

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/chordsim/chordsim/metrics"
)

// Verdicts of a [Comparison].
const (
	Same    = "same"   // the 95% intervals overlap (or, without intervals, the means are equal)
	Higher  = "higher" // B's interval lies wholly above A's
	Lower   = "lower"  // B's interval lies wholly below A's
	OnlyA   = "only in A"
	OnlyB   = "only in B"
	NoValue = "no value" // neither folder has a value (NaN means)
)

// Comparison is one metric at one sweep point of two output folders.
type Comparison struct {
	// Point names the sweep point by its swept values ("n=64,
	// chord.lookup=recursive"), or "all" for a config that sweeps nothing.
	Point  string
	Metric string
	A, B   metrics.Summary
	// Verdict is Same, Higher, Lower, OnlyA, OnlyB or NoValue.
	Verdict string
}

// Moved reports whether the metric moved from A to B (higher or lower).
func (c Comparison) Moved() bool { return c.Verdict == Higher || c.Verdict == Lower }

// verdict compares two summaries by their 95% intervals; with fewer than
// two runs on a side there is no interval, and that side's mean stands for
// it (a deterministic simulator gives the same mean for the same config and
// seed, so any difference is a change).
func verdict(a, b metrics.Summary) string {
	switch {
	case math.IsNaN(a.Mean) && math.IsNaN(b.Mean):
		return NoValue
	case math.IsNaN(a.Mean):
		return OnlyB
	case math.IsNaN(b.Mean):
		return OnlyA
	}
	alo, ahi := interval(a)
	blo, bhi := interval(b)
	switch {
	case blo > ahi:
		return Higher
	case bhi < alo:
		return Lower
	}
	return Same
}

func interval(s metrics.Summary) (float64, float64) {
	if math.IsNaN(s.CILow) || math.IsNaN(s.CIHigh) {
		return s.Mean, s.Mean
	}
	return s.CILow, s.CIHigh
}

// pointName names a point by its swept values, sorted by path.
func pointName(p PointSummary) string {
	keys := make([]string, 0, len(p.Params))
	for k := range p.Params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + p.Params[k]
	}
	if len(parts) == 0 {
		return "all"
	}
	return strings.Join(parts, ", ")
}

// ReadSummary reads DIR/summary.json.
func ReadSummary(dir string) (*Summary, error) {
	b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		return nil, fmt.Errorf("%s is not a chordsim output folder (no summary.json): %v", dir, err)
	}
	var s Summary
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s/summary.json cannot be read: %v", dir, err)
	}
	return &s, nil
}

// Compare compares every metric at every sweep point of two summaries,
// matching points by their swept values; points are in A's order, then
// those only in B, and metrics in results.csv's order (then any others
// sorted by name). Only the named metrics are compared if names is not
// empty; a name neither summary has is an error.
func Compare(a, b *Summary, names []string) ([]Comparison, error) {
	bByName := map[string]PointSummary{}
	for _, p := range b.Points {
		bByName[pointName(p)] = p
	}
	metricNames := names
	if len(metricNames) == 0 {
		metricNames = allMetricNames(a, b)
	} else {
		known := map[string]bool{}
		for _, n := range allMetricNames(a, b) {
			known[n] = true
		}
		for _, n := range names {
			if !known[n] {
				return nil, fmt.Errorf("--metric %q is in neither folder's summary.json; use a column name of results.csv, such as mean_hops", n)
			}
		}
	}
	nan := metrics.Summary{Mean: math.NaN(), CILow: math.NaN(), CIHigh: math.NaN(), Stddev: math.NaN()}
	get := func(p *PointSummary, m string) metrics.Summary {
		if p == nil {
			return nan
		}
		if s, ok := p.Metrics[m]; ok {
			return s
		}
		return nan
	}
	var out []Comparison
	add := func(name string, pa, pb *PointSummary) {
		for _, m := range metricNames {
			sa, sb := get(pa, m), get(pb, m)
			out = append(out, Comparison{Point: name, Metric: m, A: sa, B: sb, Verdict: verdict(sa, sb)})
		}
	}
	inA := map[string]bool{}
	for i := range a.Points {
		name := pointName(a.Points[i])
		inA[name] = true
		var pb *PointSummary
		if p, ok := bByName[name]; ok {
			pb = &p
		}
		add(name, &a.Points[i], pb)
	}
	for i := range b.Points {
		if name := pointName(b.Points[i]); !inA[name] {
			add(name, nil, &b.Points[i])
		}
	}
	return out, nil
}

// allMetricNames lists the metrics of both summaries: results.csv's order
// first, then any others (from another version) by name.
func allMetricNames(sums ...*Summary) []string {
	have := map[string]bool{}
	for _, s := range sums {
		for _, p := range s.Points {
			for m := range p.Metrics {
				have[m] = true
			}
		}
	}
	var out []string
	for _, m := range metricsList {
		if have[m.name] {
			out = append(out, m.name)
			delete(have, m.name)
		}
	}
	var rest []string
	for m := range have {
		rest = append(rest, m)
	}
	sort.Strings(rest)
	return append(out, rest...)
}

// AText and BText are A's and B's mean with its 95% interval, to 4
// significant digits: "4.25 [4.1, 4.4]", "4.25 (1 run)", or "-" for no
// value.
func (c Comparison) AText() string { return withCI(c.A) }

// BText is AText for B.
func (c Comparison) BText() string { return withCI(c.B) }

func withCI(s metrics.Summary) string {
	if math.IsNaN(s.Mean) {
		return "-"
	}
	if math.IsNaN(s.CILow) {
		return fmt.Sprintf("%.4g (%d run)", s.Mean, s.N)
	}
	return fmt.Sprintf("%.4g [%.4g, %.4g]", s.Mean, s.CILow, s.CIHigh)
}
