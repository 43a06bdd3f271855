package figures

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// onLowerHullOracle is the definition: p is on the lower hull unless some
// segment between two points a and b (a may be b; both may be any point
// but p) with a.x ≤ p.x ≤ b.x passes strictly below p. Coordinates are
// small integers, so the comparison is exact.
func onLowerHullOracle(xs, ys []float64, p int) bool {
	for a := range xs {
		for b := range xs {
			if a == p || b == p || xs[a] > xs[p] || xs[b] < xs[p] {
				continue
			}
			var y float64
			if xs[a] == xs[b] {
				y = math.Min(ys[a], ys[b])
			} else {
				// The segment's height at p.x, compared without division:
				// below iff (ya·(xb−xp) + yb·(xp−xa)) < yp·(xb−xa).
				lhs := ys[a]*(xs[b]-xs[p]) + ys[b]*(xs[p]-xs[a])
				if lhs < ys[p]*(xs[b]-xs[a]) {
					return false
				}
				continue
			}
			if y < ys[p] {
				return false
			}
		}
	}
	return true
}

// LowerHull agrees with the definition on random small integer point sets,
// with repeated x, repeated points and collinear runs.
func TestLowerHullMatchesOracle(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 2005))
	for trial := 0; trial < 3000; trial++ {
		n := 1 + rng.IntN(12)
		span := 1 + rng.IntN(6) // small grids force ties and collinearity
		xs, ys := make([]float64, n), make([]float64, n)
		for i := range xs {
			xs[i], ys[i] = float64(rng.IntN(span)), float64(rng.IntN(span))
		}
		got := LowerHull(xs, ys)
		var want []int
		for p := range xs {
			if onLowerHullOracle(xs, ys, p) {
				want = append(want, p)
			}
		}
		gotSorted := slices.Clone(got)
		slices.Sort(gotSorted)
		if !slices.Equal(gotSorted, want) {
			t.Fatalf("trial %d: points %v %v: hull %v, want (by the definition) %v", trial, xs, ys, got, want)
		}
		for k := 1; k < len(got); k++ {
			if xs[got[k]] < xs[got[k-1]] {
				t.Fatalf("trial %d: hull %v not in increasing x", trial, got)
			}
		}
	}
}

// NaN coordinates (a point with no successful lookup) stay off the hull,
// and the efficient part ends at the first lowest point.
func TestLowerHullSkipsNaNAndEfficientPart(t *testing.T) {
	xs := []float64{1, 2, 3, 4, 5, math.NaN()}
	ys := []float64{9, 4, 2, 2, 6, 0}
	hull := LowerHull(xs, ys)
	if want := []int{0, 1, 2, 3, 4}; !slices.Equal(hull, want) {
		t.Fatalf("hull %v, want %v", hull, want)
	}
	if got := HullEfficient(hull, ys); got != 3 {
		t.Errorf("efficient part %d points, want 3 (up to x = 3, the first y = 2)", got)
	}
}
