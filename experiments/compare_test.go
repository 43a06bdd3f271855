package experiments

import (
	"math"
	"strings"
	"testing"

	"github.com/chordsim/chordsim/metrics"
)

func TestCompareVerdicts(t *testing.T) {
	nan := math.NaN()
	s := func(mean, lo, hi float64) metrics.Summary {
		return metrics.Summary{N: 3, Mean: mean, CILow: lo, CIHigh: hi}
	}
	one := func(mean float64) metrics.Summary { return metrics.Summary{N: 1, Mean: mean, CILow: nan, CIHigh: nan} }
	for _, tc := range []struct {
		name string
		a, b metrics.Summary
		want string
	}{
		{"overlap", s(1, 0.5, 1.5), s(1.4, 1.2, 1.6), Same},
		{"touching", s(1, 0.5, 1.5), s(2, 1.5, 2.5), Same},
		{"above", s(1, 0.5, 1.5), s(2, 1.6, 2.4), Higher},
		{"below", s(1, 0.5, 1.5), s(0.2, 0.1, 0.4), Lower},
		{"one run, equal", one(4.25), one(4.25), Same},
		{"one run, higher", one(4.25), one(4.26), Higher},
		{"one run inside an interval", s(1, 0.5, 1.5), one(1.2), Same},
		{"A has no value", one(nan), one(1), OnlyB},
		{"B has no value", one(1), one(nan), OnlyA},
		{"neither", one(nan), one(nan), NoValue},
	} {
		if got := verdict(tc.a, tc.b); got != tc.want {
			t.Errorf("%s: verdict %q, want %q", tc.name, got, tc.want)
		}
	}
}

// Points are matched by their swept values, whatever their order; points
// of one side only are reported as such; unknown metric names are refused.
func TestCompareMatchesPoints(t *testing.T) {
	pt := func(params map[string]string, mean float64) PointSummary {
		return PointSummary{Params: params, Metrics: map[string]metrics.Summary{"mean_hops": {N: 1, Mean: mean, CILow: math.NaN(), CIHigh: math.NaN()}}}
	}
	a := &Summary{Points: []PointSummary{pt(map[string]string{"n": "8", "chord.lookup": "iterative"}, 2), pt(map[string]string{"n": "16", "chord.lookup": "iterative"}, 3)}}
	b := &Summary{Points: []PointSummary{pt(map[string]string{"chord.lookup": "iterative", "n": "16"}, 3.5), pt(map[string]string{"n": "32", "chord.lookup": "iterative"}, 4)}}
	got, err := Compare(a, b, nil)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, c := range got {
		lines = append(lines, c.Point+": "+c.Verdict)
	}
	want := "chord.lookup=iterative, n=8: only in A|chord.lookup=iterative, n=16: higher|chord.lookup=iterative, n=32: only in B"
	if strings.Join(lines, "|") != want {
		t.Errorf("got %q\nwant %q", strings.Join(lines, "|"), want)
	}
	if got[1].AText() != "3 (1 run)" || got[1].BText() != "3.5 (1 run)" || got[0].BText() != "-" {
		t.Errorf("texts %q %q %q", got[1].AText(), got[1].BText(), got[0].BText())
	}
	if s := withCI(metrics.Summary{N: 3, Mean: 0.0123456, CILow: -0.001, CIHigh: 0.0257}); s != "0.01235 [-0.001, 0.0257]" {
		t.Errorf("withCI = %q", s)
	}
	if _, err := Compare(a, b, []string{"mean_hop"}); err == nil || !strings.Contains(err.Error(), `"mean_hop"`) {
		t.Errorf("unknown metric: error %v", err)
	}
}
