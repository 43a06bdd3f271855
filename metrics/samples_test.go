package metrics

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSamplesStats(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name               string
		in                 []float64
		mean, sd, min, max float64
	}{
		{"single", []float64{2.5}, 2.5, nan, 2.5, 2.5},
		{"one to four", []float64{4, 1, 3, 2}, 2.5, 1.2909944487358056, 1, 4},
		{"classic", []float64{9, 2, 4, 4, 4, 5, 5, 7}, 5, 2.138089935299395, 2, 9},
		{"negative", []float64{-1.5, 1.5}, 0, 2.1213203435596424, -1.5, 1.5},
		{"infinite", []float64{1, math.Inf(1)}, math.Inf(1), nan, 1, math.Inf(1)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var s Samples
			for _, x := range tc.in {
				s.Add(x)
			}
			if s.N() != len(tc.in) {
				t.Errorf("N = %d, want %d", s.N(), len(tc.in))
			}
			if !sameFloat(s.Mean(), tc.mean, 1e-15) {
				t.Errorf("Mean = %v, want %v", s.Mean(), tc.mean)
			}
			if !sameFloat(s.Stddev(), tc.sd, 1e-14) {
				t.Errorf("Stddev = %v, want %v", s.Stddev(), tc.sd)
			}
			if s.Min() != tc.min || s.Max() != tc.max {
				t.Errorf("Min, Max = %v, %v; want %v, %v", s.Min(), s.Max(), tc.min, tc.max)
			}
		})
	}
}

func TestSamplesEmpty(t *testing.T) {
	var s Samples
	if s.N() != 0 || !math.IsNaN(s.Mean()) || !math.IsNaN(s.Stddev()) {
		t.Errorf("empty: N %d Mean %v Stddev %v; want 0, NaN, NaN", s.N(), s.Mean(), s.Stddev())
	}
	if v := s.Values(); v == nil || len(v) != 0 {
		t.Errorf("empty: Values = %#v, want empty non-nil slice", v)
	}
	mustPanic(t, "Quantile", func() { s.Quantile(0.5) })
	mustPanic(t, "Max", func() { s.Max() })
	mustPanic(t, "Min", func() { s.Min() })
	mustPanic(t, "Add(NaN)", func() { s.Add(math.NaN()) })
	s.Add(1)
	mustPanic(t, "Quantile(1.5)", func() { s.Quantile(1.5) })
	mustPanic(t, "Quantile(NaN)", func() { s.Quantile(math.NaN()) })
}

func TestSamplesQuantile(t *testing.T) {
	var s Samples
	for i := 100; i >= 1; i-- { // reverse order forces a sort
		s.Add(float64(i) / 10)
	}
	tests := []struct{ p, want float64 }{
		{0, 0.1}, {0.01, 0.1}, {0.07, 0.7}, {0.0701, 0.8}, {0.5, 5}, {0.55, 5.5}, {0.99, 9.9}, {1, 10},
	}
	for _, tc := range tests {
		if got := s.Quantile(tc.p); got != tc.want {
			t.Errorf("Quantile(%v) = %v, want %v", tc.p, got, tc.want)
		}
	}
}

// TestSamplesBruteForce checks Quantile against an exact integer rank on
// an independently sorted copy, and that Add after a Quantile call (which
// sorts in place) is still taken into account.
func TestSamplesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 200 {
		n := 1 + rng.IntN(200)
		var s Samples
		vals := make([]float64, 0, n)
		for range n {
			x := math.Round(rng.ExpFloat64()*50) / 10 // ties are likely
			vals = append(vals, x)
			s.Add(x)
			if rng.IntN(10) == 0 {
				s.Quantile(0.5) // interleave sorting with adding
			}
		}
		sorted := slices.Clone(vals)
		slices.Sort(sorted)
		for k := 0; k <= 1000; k += 3 {
			rank := max((k*n+999)/1000, 1)
			if got := s.Quantile(float64(k) / 1000); got != sorted[rank-1] {
				t.Fatalf("trial %d (n=%d): Quantile(%v) = %v, want %v", trial, n, float64(k)/1000, got, sorted[rank-1])
			}
		}
		if !slices.Equal(s.Values(), sorted) {
			t.Fatalf("trial %d: Values not the sorted input", trial)
		}
	}
}

// TestSamplesOrderIndependent checks that statistics are bit-for-bit the
// same whatever the order of Add and Merge calls.
func TestSamplesOrderIndependent(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	vals := make([]float64, 1000)
	for i := range vals {
		vals[i] = rng.Float64() * 1e3
	}
	var a Samples
	for _, x := range vals {
		a.Add(x)
	}
	var b1, b2 Samples
	for i := len(vals) - 1; i >= 0; i-- {
		if i%2 == 0 {
			b1.Add(vals[i])
		} else {
			b2.Add(vals[i])
		}
	}
	b2.Merge(&b1)
	if math.Float64bits(a.Mean()) != math.Float64bits(b2.Mean()) ||
		math.Float64bits(a.Stddev()) != math.Float64bits(b2.Stddev()) {
		t.Errorf("order changed results: Mean %v vs %v, Stddev %v vs %v", a.Mean(), b2.Mean(), a.Stddev(), b2.Stddev())
	}
}

func TestSamplesMergeAndValues(t *testing.T) {
	var a, b Samples
	a.Add(3)
	a.Add(1)
	b.Add(2)
	a.Merge(&b)
	a.Merge(nil)
	a.Merge(&Samples{})
	if got, want := a.Values(), []float64{1, 2, 3}; !slices.Equal(got, want) {
		t.Errorf("after Merge: Values = %v, want %v", got, want)
	}
	a.Merge(&a)
	if got, want := a.Values(), []float64{1, 1, 2, 2, 3, 3}; !slices.Equal(got, want) {
		t.Errorf("after self Merge: Values = %v, want %v", got, want)
	}
	v := a.Values()
	v[0] = 100
	if a.Min() != 1 {
		t.Errorf("modifying Values() changed the Samples: Min = %v", a.Min())
	}
	var e Samples
	e.Merge(&b) // merge into empty keeps b's values
	if e.N() != 1 || e.Max() != 2 {
		t.Errorf("merge into empty: N %d Max %v, want 1, 2", e.N(), e.Max())
	}
}

func TestSamplesNegativeZero(t *testing.T) {
	var s Samples
	s.Add(math.Copysign(0, -1))
	if math.Signbit(s.Values()[0]) {
		t.Error("-0 stored with its sign; want +0")
	}
}
