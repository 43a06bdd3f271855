package metrics

import (
	"math"
	"testing"
)

// TestPoissonCI95 checks the bounds against the definition of the exact
// interval: at the upper bound the probability of at most k events is
// 2.5%, at the lower bound that of at least k events is 2.5%, summed term
// by term (not through the chi-squared quantiles the code uses); and
// against published table values for k = 0 (3.689) and k = 10 (4.795,
// 18.39).
func TestPoissonCI95(t *testing.T) {
	cdf := func(k int64, mu float64) float64 { // P(X ≤ k), X ~ Poisson(mu)
		term, sum := math.Exp(-mu), 0.0
		for i := int64(0); i <= k; i++ {
			sum += term
			term *= mu / float64(i+1)
		}
		return sum
	}
	for _, k := range []int64{0, 1, 2, 5, 10, 27, 72, 300} {
		lo, hi := PoissonCI95(k)
		if got := cdf(k, hi); math.Abs(got-0.025) > 1e-9 {
			t.Errorf("k=%d: P(X ≤ k | μ=%v) = %v, want 0.025", k, hi, got)
		}
		if k == 0 {
			if lo != 0 {
				t.Errorf("k=0: lower bound %v, want 0", lo)
			}
			continue
		}
		if got := 1 - cdf(k-1, lo); math.Abs(got-0.025) > 1e-9 {
			t.Errorf("k=%d: P(X ≥ k | μ=%v) = %v, want 0.025", k, lo, got)
		}
	}
	for _, c := range []struct {
		k      int64
		lo, hi float64
	}{{0, 0, 3.689}, {10, 4.795, 18.39}} {
		lo, hi := PoissonCI95(c.k)
		if math.Abs(lo-c.lo) > 0.001 || math.Abs(hi-c.hi)/c.hi > 0.001 {
			t.Errorf("k=%d: [%v, %v], want [%v, %v]", c.k, lo, hi, c.lo, c.hi)
		}
	}
}
