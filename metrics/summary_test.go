package metrics

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// TestStudentT pins the t quantiles Summarize relies on to published
// table values, so a change in gonum cannot silently shift every interval.
func TestStudentT(t *testing.T) {
	tests := []struct {
		df, want, tol float64
	}{
		{4, 2.7764451051977987, 1e-12},
		{1, 12.706204736174705, 1e-9},
		{9, 2.262157, 1e-6},
		{29, 2.045230, 1e-6},
	}
	for _, tc := range tests {
		got := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: tc.df}.Quantile(0.975)
		if math.Abs(got-tc.want) > tc.tol {
			t.Errorf("t(0.975, %v) = %v, want %v", tc.df, got, tc.want)
		}
	}
}

func TestSummarize(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	const t4 = 2.7764451051977987
	// {1..5}: mean 3, sample stddev √2.5, half width t4·√2.5/√5 = t4/√2.
	half5 := t4 / math.Sqrt2
	// {2, 4}: mean 3, stddev √2, half width t1·√2/√2 = t1.
	const t1 = 12.706204736174705
	tests := []struct {
		name string
		in   []float64
		want Summary
	}{
		{"none", nil, Summary{0, nan, nan, nan, nan}},
		{"one", []float64{7}, Summary{1, 7, nan, nan, nan}},
		{"two", []float64{2, 4}, Summary{2, 3, math.Sqrt2, 3 - t1, 3 + t1}},
		{"five", []float64{5, 1, 4, 2, 3}, Summary{5, 3, math.Sqrt(2.5), 3 - half5, 3 + half5}},
		{"five with NaNs", []float64{nan, 1, 2, nan, 3, 4, 5}, Summary{5, 3, math.Sqrt(2.5), 3 - half5, 3 + half5}},
		{"only NaN", []float64{nan, nan}, Summary{0, nan, nan, nan, nan}},
		{"one finite", []float64{nan, 7}, Summary{1, 7, nan, nan, nan}},
		{"constant", []float64{3, 3, 3}, Summary{3, 3, 0, 3, 3}},
		{"infinite", []float64{1, inf}, Summary{2, inf, nan, nan, nan}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Summarize(tc.in)
			if got.N != tc.want.N ||
				!sameFloat(got.Mean, tc.want.Mean, 1e-12) ||
				!sameFloat(got.Stddev, tc.want.Stddev, 1e-12) ||
				!sameFloat(got.CILow, tc.want.CILow, 1e-9) ||
				!sameFloat(got.CIHigh, tc.want.CIHigh, 1e-9) {
				t.Errorf("Summarize(%v) = %+v, want %+v", tc.in, got, tc.want)
			}
		})
	}
}

func TestSummarizeDoesNotModifyInput(t *testing.T) {
	in := []float64{math.NaN(), 2, 1}
	Summarize(in)
	if !math.IsNaN(in[0]) || in[1] != 2 || in[2] != 1 {
		t.Errorf("input modified: %v", in)
	}
}
