package metrics

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestIntHistStats(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name     string
		in       []int
		n, sum   uint64
		mean, sd float64
		min, max int
		length   int
	}{
		{"single", []int{5}, 1, 5, 5, nan, 5, 5, 6},
		{"one to four", []int{4, 1, 3, 2}, 4, 10, 2.5, 1.2909944487358056, 1, 4, 5},
		// mean 1.75, squared deviations 3·1.75² + 5.25² = 36.75, /3 = 12.25.
		{"zeros and seven", []int{0, 7, 0, 0}, 4, 7, 1.75, 3.5, 0, 7, 8},
		// population variance 4, sample variance 32/7.
		{"classic", []int{2, 4, 4, 4, 5, 5, 7, 9}, 8, 40, 5, 2.138089935299395, 2, 9, 10},
		{"all zero", []int{0, 0, 0}, 3, 0, 0, 0, 0, 0, 1},
		{"large value", []int{1000}, 1, 1000, 1000, nan, 1000, 1000, 1001},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var h IntHist
			for _, v := range tc.in {
				h.Add(v)
			}
			if h.N() != tc.n || h.Sum() != tc.sum {
				t.Errorf("N, Sum = %d, %d; want %d, %d", h.N(), h.Sum(), tc.n, tc.sum)
			}
			if !sameFloat(h.Mean(), tc.mean, 1e-15) {
				t.Errorf("Mean = %v, want %v", h.Mean(), tc.mean)
			}
			if !sameFloat(h.Stddev(), tc.sd, 1e-14) {
				t.Errorf("Stddev = %v, want %v", h.Stddev(), tc.sd)
			}
			if h.Min() != tc.min || h.Max() != tc.max || h.Len() != tc.length {
				t.Errorf("Min, Max, Len = %d, %d, %d; want %d, %d, %d",
					h.Min(), h.Max(), h.Len(), tc.min, tc.max, tc.length)
			}
			for v := -1; v <= tc.max+1; v++ {
				var want uint64
				for _, x := range tc.in {
					if x == v {
						want++
					}
				}
				if got := h.Count(v); got != want {
					t.Errorf("Count(%d) = %d, want %d", v, got, want)
				}
			}
		})
	}
}

func TestIntHistEmpty(t *testing.T) {
	var h IntHist
	if h.N() != 0 || h.Sum() != 0 || h.Len() != 0 || h.Count(0) != 0 {
		t.Errorf("empty: N %d Sum %d Len %d Count(0) %d, want all 0", h.N(), h.Sum(), h.Len(), h.Count(0))
	}
	if !math.IsNaN(h.Mean()) || !math.IsNaN(h.Stddev()) {
		t.Errorf("empty: Mean %v Stddev %v, want NaN", h.Mean(), h.Stddev())
	}
	if pdf := h.PDF(); len(pdf) != 0 {
		t.Errorf("empty: PDF = %v, want empty", pdf)
	}
	h.AddN(3, 0) // a zero count must leave the histogram empty
	if h.N() != 0 || h.Len() != 0 {
		t.Errorf("after AddN(3, 0): N %d Len %d, want 0, 0", h.N(), h.Len())
	}
	mustPanic(t, "Quantile", func() { h.Quantile(0.5) })
	mustPanic(t, "Min", func() { h.Min() })
	mustPanic(t, "Max", func() { h.Max() })
}

func TestIntHistPanics(t *testing.T) {
	var h IntHist
	h.Add(1)
	mustPanic(t, "Add(-1)", func() { h.Add(-1) })
	mustPanic(t, "AddN(-1)", func() { h.AddN(-1, 2) })
	for _, p := range []float64{-0.01, 1.01, math.NaN(), math.Inf(1)} {
		mustPanic(t, "Quantile", func() { h.Quantile(p) })
	}
}

func TestIntHistQuantile(t *testing.T) {
	seq := func(lo, hi int) []int {
		var s []int
		for v := lo; v <= hi; v++ {
			s = append(s, v)
		}
		return s
	}
	// 3 once, 4 five times, 5 three times, 6 once: cumulative 1, 6, 9, 10.
	hops := []int{4, 3, 5, 4, 6, 4, 5, 4, 5, 4}
	tests := []struct {
		name string
		in   []int
		p    float64
		want int
	}{
		{"1..100 p0", seq(1, 100), 0, 1},
		{"1..100 p1%", seq(1, 100), 0.01, 1},
		{"1..100 p50%", seq(1, 100), 0.5, 50},
		{"1..100 p99%", seq(1, 100), 0.99, 99},
		{"1..100 p99.5%", seq(1, 100), 0.995, 100},
		{"1..100 p100%", seq(1, 100), 1, 100},
		// 0.07·100 is 7.000000000000001 in float64: a naive ceil gives 8.
		{"1..100 p7% float trap", seq(1, 100), 0.07, 7},
		// 0.55·100 is 55.00000000000001 in float64.
		{"1..100 p55% float trap", seq(1, 100), 0.55, 55},
		{"1..100 p7.01%", seq(1, 100), 0.0701, 8},
		{"1..10 p1%", seq(1, 10), 0.01, 1},
		{"1..10 p50%", seq(1, 10), 0.5, 5},
		{"1..10 p55%", seq(1, 10), 0.55, 6},
		{"1..10 p99%", seq(1, 10), 0.99, 10},
		{"hops p0", hops, 0, 3},
		{"hops p10%", hops, 0.1, 3},
		{"hops p11%", hops, 0.11, 4},
		{"hops p60%", hops, 0.6, 4},
		{"hops p61%", hops, 0.61, 5},
		{"hops p90%", hops, 0.9, 5},
		{"hops p91%", hops, 0.91, 6},
		{"single p0", []int{9}, 0, 9},
		{"single p1", []int{9}, 1, 9},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var h IntHist
			for _, v := range tc.in {
				h.Add(v)
			}
			if got := h.Quantile(tc.p); got != tc.want {
				t.Errorf("Quantile(%v) = %d, want %d", tc.p, got, tc.want)
			}
		})
	}
}

// TestIntHistQuantileBruteForce compares Quantile with nearest rank on a
// sorted slice, the rank being computed exactly in integers:
// ceil(k/1000 · n) = (k·n + 999) / 1000.
func TestIntHistQuantileBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 300 {
		n := 1 + rng.IntN(400)
		maxV := 1 + rng.IntN(40)
		var h IntHist
		vals := make([]int, n)
		for i := range vals {
			// Squaring a uniform skews values towards 0, like hop counts
			// in small rings, and leaves gaps in the histogram.
			u := rng.Float64()
			vals[i] = int(u * u * float64(maxV))
			h.Add(vals[i])
		}
		slices.Sort(vals)
		for k := 0; k <= 1000; k++ {
			rank := (k*n + 999) / 1000
			if rank == 0 {
				rank = 1
			}
			want := vals[rank-1]
			p := float64(k) / 1000
			if got := h.Quantile(p); got != want {
				t.Fatalf("trial %d (n=%d): Quantile(%v) = %d, want %d", trial, n, p, got, want)
			}
		}
		var sum int
		for _, v := range vals {
			sum += v
		}
		if h.Sum() != uint64(sum) || h.Min() != vals[0] || h.Max() != vals[n-1] {
			t.Fatalf("trial %d: Sum, Min, Max = %d, %d, %d; want %d, %d, %d",
				trial, h.Sum(), h.Min(), h.Max(), sum, vals[0], vals[n-1])
		}
		if want := float64(sum) / float64(n); h.Mean() != want {
			t.Fatalf("trial %d: Mean = %v, want %v", trial, h.Mean(), want)
		}
	}
}

func TestIntHistAddNMatchesAdd(t *testing.T) {
	var a, b IntHist
	a.AddN(3, 4)
	a.AddN(0, 2)
	a.AddN(10, 1)
	for _, v := range []int{3, 3, 3, 3, 0, 0, 10} {
		b.Add(v)
	}
	if !slices.Equal(a.PDF(), b.PDF()) || a.N() != b.N() || a.Sum() != b.Sum() || a.Max() != b.Max() {
		t.Errorf("AddN histogram %v (N %d) differs from Add histogram %v (N %d)", a.PDF(), a.N(), b.PDF(), b.N())
	}
}

func TestIntHistMerge(t *testing.T) {
	build := func(vs ...int) *IntHist {
		h := new(IntHist)
		for _, v := range vs {
			h.Add(v)
		}
		return h
	}
	tests := []struct {
		name   string
		a, b   *IntHist
		counts []uint64 // expected counts of values 0..max after a.Merge(b)
	}{
		{"disjoint", build(1, 2), build(2, 5), []uint64{0, 1, 2, 0, 0, 1}},
		{"into empty", build(), build(0, 3), []uint64{1, 0, 0, 1}},
		{"empty other", build(4), build(), []uint64{0, 0, 0, 0, 1}},
		{"nil other", build(4), nil, []uint64{0, 0, 0, 0, 1}},
		{"smaller other", build(9), build(0), []uint64{1, 0, 0, 0, 0, 0, 0, 0, 0, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.a.Merge(tc.b)
			assertCounts(t, tc.a, tc.counts)
		})
	}
	t.Run("self", func(t *testing.T) {
		h := build(1, 2, 2)
		h.Merge(h)
		assertCounts(t, h, []uint64{0, 2, 4})
	})
}

func assertCounts(t *testing.T, h *IntHist, counts []uint64) {
	t.Helper()
	var n uint64
	for _, c := range counts {
		n += c
	}
	if h.N() != n || h.Len() != len(counts) {
		t.Errorf("N, Len = %d, %d; want %d, %d", h.N(), h.Len(), n, len(counts))
	}
	for v, c := range counts {
		if h.Count(v) != c {
			t.Errorf("Count(%d) = %d, want %d", v, h.Count(v), c)
		}
	}
}

func TestIntHistPDF(t *testing.T) {
	var h IntHist
	for _, v := range []int{0, 7, 0, 0} {
		h.Add(v)
	}
	want := []float64{0.75, 0, 0, 0, 0, 0, 0, 0.25}
	if got := h.PDF(); !slices.Equal(got, want) {
		t.Errorf("PDF = %v, want %v", got, want)
	}
}

func TestIntHistAddNoAllocs(t *testing.T) {
	var h IntHist
	h.Add(63) // reach steady state: the slice covers every value used below
	v := 0
	allocs := testing.AllocsPerRun(1000, func() {
		h.Add(v & 63)
		v++
	})
	if allocs != 0 {
		t.Errorf("Add allocates %v times per call in steady state, want 0", allocs)
	}
}

func BenchmarkIntHistAdd(b *testing.B) {
	var h IntHist
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		h.Add(i & 31)
		i++
	}
}
