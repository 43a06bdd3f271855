package figures

import (
	"math"
	"sort"
)

// LowerHull returns the indices of the points (xs[i], ys[i]) on their lower
// convex hull, in increasing x: the points that no segment between two
// points (or single point) lies strictly below. Points exactly on a hull
// edge count as on the hull (they are as good as the edge), and so do
// copies of a hull point. Points with a NaN or infinite coordinate are left
// out. It is the performance-versus-cost frontier of Li et al. (INFOCOM
// 2005) when x is a cost and y a performance to minimize; its part up to
// the lowest y is where more cost buys better performance (see
// HullEfficient).
//
// It is Andrew's monotone chain (lower half), after keeping, at each x,
// only the points of the lowest y there: a higher one has that point
// directly below it.
func LowerHull(xs, ys []float64) []int {
	if len(xs) != len(ys) {
		panic("figures: LowerHull: xs and ys differ in length")
	}
	var idx []int
	for i := range xs {
		if finite(xs[i]) && finite(ys[i]) {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool {
		i, j := idx[a], idx[b]
		if xs[i] != xs[j] {
			return xs[i] < xs[j]
		}
		return ys[i] < ys[j]
	})
	// Keep the lowest y at each x, one of each set of copies (a copy would
	// hide the turn at its twin from the chain); the copies join the hull
	// with their twin at the end.
	low := make([]int, 0, len(idx))
	for k, i := range idx {
		if k > 0 && xs[i] == xs[idx[k-1]] {
			continue
		}
		low = append(low, i)
	}
	var chain []int
	for _, c := range low {
		// Pop the last point while it lies strictly above the segment
		// from the one before it to c (a clockwise turn).
		for len(chain) >= 2 {
			o, a := chain[len(chain)-2], chain[len(chain)-1]
			if cross(xs[a]-xs[o], ys[a]-ys[o], xs[c]-xs[o], ys[c]-ys[o]) >= 0 {
				break
			}
			chain = chain[:len(chain)-1]
		}
		chain = append(chain, c)
	}
	hull := make([]int, 0, len(chain))
	k := 0
	for _, i := range idx {
		for k < len(chain) && xs[chain[k]] < xs[i] {
			k++
		}
		if k < len(chain) && xs[i] == xs[chain[k]] && ys[i] == ys[chain[k]] {
			hull = append(hull, i)
		}
	}
	return hull
}

// cross is the z component of (ax, ay) × (bx, by): positive when b turns
// counter-clockwise from a.
func cross(ax, ay, bx, by float64) float64 { return ax*by - ay*bx }

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// HullEfficient is how many of a lower hull's points (LowerHull's order)
// are efficient: those up to the first of the lowest y. Beyond it the hull
// rises, so more cost buys nothing.
func HullEfficient(hull []int, ys []float64) int {
	best := 0
	for k, i := range hull {
		if ys[i] < ys[hull[best]] {
			best = k
		}
	}
	if len(hull) == 0 {
		return 0
	}
	return best + 1
}
