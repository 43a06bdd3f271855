package metrics

import (
	"math"
	"slices"
)

// Samples collects float64 observations, such as lookup latencies in
// milliseconds, for which a histogram of integers does not fit.
//
// All statistics are computed over the values in ascending order, so they
// depend only on the multiset of values, not on the order of Add and Merge
// calls: summing in a different order would change the last bits of the
// mean and therefore the bytes written out.
//
// The zero value is empty and ready to use.
type Samples struct {
	xs     []float64
	sorted bool // xs is in ascending order
}

// Add records the observation x. It panics if x is NaN, because NaN has no
// place in an ordering and indicates a bug in the caller; ±Inf is accepted.
// Negative zero is stored as zero so that it cannot reach the output as "-0".
func (s *Samples) Add(x float64) {
	if math.IsNaN(x) {
		panic("metrics: Samples.Add of NaN")
	}
	if x == 0 {
		x = 0 // turns -0 into +0
	}
	// Appending in order keeps the slice sorted for free, which is the
	// common case for monotone inputs and avoids re-sorting.
	if s.sorted && len(s.xs) > 0 && x < s.xs[len(s.xs)-1] {
		s.sorted = false
	}
	if len(s.xs) == 0 {
		s.sorted = true
	}
	s.xs = append(s.xs, x)
}

// Grow makes room for n more observations without reallocating (a caller
// that knows how many will come saves the copies of a growing slice).
func (s *Samples) Grow(n int) { s.xs = slices.Grow(s.xs, n) }

// N returns the number of observations.
func (s *Samples) N() int { return len(s.xs) }

// sort sorts the values in place once; later calls are free until the next
// Add or Merge that breaks the order.
func (s *Samples) sort() {
	if !s.sorted {
		sortFloats(s.xs)
		s.sorted = true
	}
}

// Mean returns the arithmetic mean, or NaN if there are no observations.
func (s *Samples) Mean() float64 {
	if len(s.xs) == 0 {
		return math.NaN()
	}
	s.sort()
	var sum float64
	for _, x := range s.xs {
		sum += x
	}
	return sum / float64(len(s.xs))
}

// Stddev returns the sample standard deviation (denominator N-1), or NaN if
// N < 2, where it is undefined.
func (s *Samples) Stddev() float64 {
	if len(s.xs) < 2 {
		return math.NaN()
	}
	mean := s.Mean()
	var ss float64
	for _, x := range s.xs {
		d := x - mean
		ss += d * d
	}
	return math.Sqrt(ss / float64(len(s.xs)-1))
}

// Quantile returns the nearest-rank p-quantile of the observations, with the
// same definition as [IntHist.Quantile]: the value at 1-based position
// ceil(p·N) in ascending order, position 1 for p = 0. It panics if there are
// no observations or p is outside [0, 1].
func (s *Samples) Quantile(p float64) float64 {
	if len(s.xs) == 0 {
		panic("metrics: Samples.Quantile of empty Samples")
	}
	rank := nearestRank(p, uint64(len(s.xs)))
	s.sort()
	return s.xs[rank-1]
}

// Max returns the largest observation. It panics if there are none.
func (s *Samples) Max() float64 {
	if len(s.xs) == 0 {
		panic("metrics: Samples.Max of empty Samples")
	}
	s.sort()
	return s.xs[len(s.xs)-1]
}

// Min returns the smallest observation. It panics if there are none.
func (s *Samples) Min() float64 {
	if len(s.xs) == 0 {
		panic("metrics: Samples.Min of empty Samples")
	}
	s.sort()
	return s.xs[0]
}

// Merge adds every observation of o to s. Merging nil is a no-op; merging s
// into itself duplicates every observation.
func (s *Samples) Merge(o *Samples) {
	if o == nil || len(o.xs) == 0 {
		return
	}
	wasEmpty := len(s.xs) == 0
	s.xs = append(s.xs, o.xs...)
	// Only a merge into an empty Samples can inherit o's order.
	s.sorted = wasEmpty && o.sorted
}

// Values returns a new slice holding the observations in ascending order
// (an empty, non-nil slice if there are none). Modifying it does not affect s.
func (s *Samples) Values() []float64 {
	s.sort()
	out := make([]float64, len(s.xs))
	copy(out, s.xs)
	return out
}
