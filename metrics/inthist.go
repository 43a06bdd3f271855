package metrics

import "math"

// IntHist is a histogram of non-negative integers such as hop counts or
// timeouts per lookup. It stores one counter per value from 0 to the largest
// value seen, which is compact for the small ranges these quantities have.
//
// The zero value is an empty histogram ready to use. An IntHist must not be
// copied after first use if the copy and the original are both modified,
// because they would share the counter slice.
type IntHist struct {
	counts []uint64 // counts[v] is the number of observations equal to v
	n      uint64   // total number of observations
	max    int      // largest v with counts[v] > 0; meaningful only if n > 0
}

// Add records one observation of v. It panics if v is negative, since a
// negative hop count can only come from a bug in the caller.
//
// Add does not allocate in steady state: the counter slice grows by doubling,
// so its cost is amortised over many calls.
func (h *IntHist) Add(v int) {
	if v < 0 {
		panic("metrics: IntHist.Add of negative value")
	}
	if v >= len(h.counts) {
		h.grow(v)
	}
	h.counts[v]++
	h.n++
	if v > h.max {
		h.max = v
	}
}

// AddN records count observations of v. It panics if v is negative. Adding a
// count of zero leaves the histogram unchanged.
func (h *IntHist) AddN(v int, count uint64) {
	if v < 0 {
		panic("metrics: IntHist.AddN of negative value")
	}
	if count == 0 {
		return
	}
	if v >= len(h.counts) {
		h.grow(v)
	}
	h.counts[v] += count
	h.n += count
	if v > h.max {
		h.max = v
	}
}

// grow makes room for value v, at least doubling the slice so that a
// sequence of Adds with increasing values costs amortised O(1).
func (h *IntHist) grow(v int) {
	n := max(2*len(h.counts), v+1, 16)
	c := make([]uint64, n)
	copy(c, h.counts)
	h.counts = c
}

// Merge adds every observation of o to h. Merging a nil or empty histogram
// is a no-op; merging h into itself doubles every count.
func (h *IntHist) Merge(o *IntHist) {
	if o == nil || o.n == 0 {
		return
	}
	if o.max >= len(h.counts) {
		h.grow(o.max)
	}
	// o.max and o.n are read before the loop so that h.Merge(h) is well defined.
	omax, on := o.max, o.n
	for v := 0; v <= omax; v++ {
		h.counts[v] += o.counts[v]
	}
	if h.n == 0 || omax > h.max {
		h.max = omax
	}
	h.n += on
}

// N returns the number of observations.
func (h *IntHist) N() uint64 { return h.n }

// Sum returns the sum of all observations. It wraps around on overflow,
// which needs more than 2^64 hops in total.
func (h *IntHist) Sum() uint64 {
	var s uint64
	for v := 0; v < h.Len(); v++ {
		s += uint64(v) * h.counts[v]
	}
	return s
}

// Mean returns the arithmetic mean, or NaN if the histogram is empty.
func (h *IntHist) Mean() float64 {
	if h.n == 0 {
		return math.NaN()
	}
	// Sum is exact in integers, so the only rounding is in this division.
	return float64(h.Sum()) / float64(h.n)
}

// Stddev returns the sample standard deviation (denominator N-1). It returns
// NaN if N < 2, where the sample standard deviation is undefined; returning
// 0 instead would wrongly suggest a measured absence of spread.
func (h *IntHist) Stddev() float64 {
	if h.n < 2 {
		return math.NaN()
	}
	mean := h.Mean()
	var ss float64
	for v := 0; v < h.Len(); v++ {
		if c := h.counts[v]; c > 0 {
			d := float64(v) - mean
			ss += float64(c) * d * d
		}
	}
	return math.Sqrt(ss / float64(h.n-1))
}

// Quantile returns the nearest-rank p-quantile: the smallest value v such
// that the number of observations ≤ v is at least ceil(p·N). For p = 0 the
// rank is taken as 1, so Quantile(0) is the minimum and Quantile(1) the
// maximum. The result is always an observed value (no interpolation).
//
// For example, with the 100 observations 1, 2, ..., 100, Quantile(0.01) is 1
// and Quantile(0.99) is 99; with the 10 observations 1, ..., 10,
// Quantile(0.01) is 1 (rank ceil(0.1) = 1) and Quantile(0.99) is 10.
//
// The rank is computed so that binary floating-point error in p cannot move
// it: 0.07·100 evaluates to 7.000000000000001 in float64, but the rank used
// is 7, as for the exact decimal 0.07 (p·N within a relative 1e-9 of an
// integer is taken to be that integer).
//
// Quantile panics if the histogram is empty or p is outside [0, 1].
func (h *IntHist) Quantile(p float64) int {
	if h.n == 0 {
		panic("metrics: IntHist.Quantile of empty histogram")
	}
	rank := nearestRank(p, h.n)
	var cum uint64
	for v := 0; v <= h.max; v++ {
		cum += h.counts[v]
		if cum >= rank {
			return v
		}
	}
	panic("metrics: internal error: IntHist counts do not add up to N")
}

// Max returns the largest observation. It panics if the histogram is empty.
func (h *IntHist) Max() int {
	if h.n == 0 {
		panic("metrics: IntHist.Max of empty histogram")
	}
	return h.max
}

// Min returns the smallest observation. It panics if the histogram is empty.
func (h *IntHist) Min() int {
	if h.n == 0 {
		panic("metrics: IntHist.Min of empty histogram")
	}
	for v := 0; v <= h.max; v++ {
		if h.counts[v] > 0 {
			return v
		}
	}
	panic("metrics: internal error: IntHist has N > 0 but no counts")
}

// Count returns the number of observations equal to v (0 for negative v).
func (h *IntHist) Count(v int) uint64 {
	if v < 0 || v >= h.Len() {
		return 0
	}
	return h.counts[v]
}

// Len returns Max()+1, the number of values 0..Max covered by the
// histogram, or 0 if it is empty. It is the length of [IntHist.PDF].
func (h *IntHist) Len() int {
	if h.n == 0 {
		return 0
	}
	return h.max + 1
}

// PDF returns the fraction of observations equal to each value 0..Max, in a
// new slice of length Len(). The fractions sum to 1 up to rounding. PDF of
// an empty histogram is an empty slice.
func (h *IntHist) PDF() []float64 {
	pdf := make([]float64, h.Len())
	for v := range pdf {
		pdf[v] = float64(h.counts[v]) / float64(h.n)
	}
	return pdf
}

// rankTolerance is the relative distance from an integer within which p·N
// is taken to be that integer. Representation error of a decimal p in
// float64 and the rounding of the product are both below 2^-52 relative, so
// 1e-9 absorbs them with a wide margin while being far smaller than any
// difference between percentiles anyone means to ask for.
const rankTolerance = 1e-9

// nearestRank returns the 1-based nearest rank ceil(p·n), clamped to [1, n].
// It panics if p is outside [0, 1] (including NaN).
func nearestRank(p float64, n uint64) uint64 {
	if !(p >= 0 && p <= 1) {
		panic("metrics: quantile p outside [0, 1]")
	}
	r := p * float64(n)
	k := math.Round(r)
	var rank float64
	if math.Abs(r-k) <= rankTolerance*math.Max(1, k) {
		rank = k
	} else {
		rank = math.Ceil(r)
	}
	if rank < 1 {
		return 1
	}
	if rank > float64(n) {
		return n
	}
	return uint64(rank)
}
