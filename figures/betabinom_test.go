package figures

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"
)

// betaBinomial is the exact law of one real node's key count on an ideal
// ring (issue 18, item 4): a real node with v identifiers among N·v owns an
// arc whose length, as a fraction of the circle, is the sum of v of the N·v
// spacings of uniform points, that is Beta(v, (N−1)v); each of K uniform
// keys lands in it independently, so the count is
// Beta-binomial(K; v, (N−1)v). It is computed in log space, so that K up
// to 10^6 and N up to 10^4 stay exact to about 1e-9 relative.
type betaBinomial struct {
	n    int     // trials: keys
	a, b float64 // Beta shape parameters
}

// ringLoad returns the law of keys per real node for n real nodes with v
// identifiers each and the given number of keys.
func ringLoad(n, keys, v int) betaBinomial {
	return betaBinomial{n: keys, a: float64(v), b: float64((n - 1) * v)}
}

func lgamma(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
}

// logPMF is log P(X = k) = log C(n, k) + log B(k+a, n−k+b) − log B(a, b).
func (d betaBinomial) logPMF(k int) float64 {
	if k < 0 || k > d.n {
		return math.Inf(-1)
	}
	n, x := float64(d.n), float64(k)
	return lgamma(n+1) - lgamma(x+1) - lgamma(n-x+1) + mathext.Lbeta(x+d.a, n-x+d.b) - mathext.Lbeta(d.a, d.b)
}

func (d betaBinomial) pmf(k int) float64 { return math.Exp(d.logPMF(k)) }

// cdf returns F(0), F(1), ... up to the first k with F(k) ≥ upTo (or n).
func (d betaBinomial) cdf(upTo float64) []float64 {
	var f []float64
	s := 0.0
	for k := 0; k <= d.n; k++ {
		s += d.pmf(k)
		f = append(f, s)
		if s >= upTo {
			break
		}
	}
	return f
}

// quantile is the law's p-quantile in the nearest-rank sense metrics.IntHist
// uses: the smallest k with F(k) ≥ p.
func (d betaBinomial) quantile(p float64) int {
	f := d.cdf(p)
	return len(f) - 1
}

// sampleQuantile gives the mean and standard deviation of the nearest-rank
// p-quantile of `draws` independent draws from d, the statistic a single
// run reports (IntHist.Quantile over the N real nodes of one ring): with
// rank r = ⌈p·draws⌉, Q ≤ k exactly when at least r draws are ≤ k, so
// P(Q > k) = P(Binomial(draws, F(k)) ≤ r−1), E[Q] = Σ P(Q > k) and
// E[Q²] = Σ (2k+1) P(Q > k). The N counts of one ring are exchangeable
// rather than independent (they sum to K); for N in the thousands the
// difference is far below the tolerances used here.
func (d betaBinomial) sampleQuantile(p float64, draws int) (mean, sd float64) {
	r := math.Ceil(p*float64(draws) - 1e-9)
	f := d.cdf(1 - 1e-15)
	var m1, m2 float64
	for k, fk := range f {
		gt := distuv.Binomial{N: float64(draws), P: math.Min(fk, 1)}.CDF(r - 1)
		if fk >= 1 {
			gt = 0
		}
		m1 += gt
		m2 += float64(2*k+1) * gt
		if fk >= p && gt < 1e-15 {
			break
		}
	}
	return m1, math.Sqrt(math.Max(m2-m1*m1, 0))
}

// pmfByRecurrence computes the same law without log-gamma or log-beta: from
// P(0) = Π_{i<n} (b+i)/(a+b+i) and the ratio
// P(k+1)/P(k) = (n−k)(k+a) / ((k+1)(n−k−1+b)), in plain products.
func pmfByRecurrence(n int, a, b float64) []float64 {
	lp0 := 0.0
	for i := 0; i < n; i++ {
		lp0 += math.Log((b + float64(i)) / (a + b + float64(i)))
	}
	p := make([]float64, n+1)
	p[0] = math.Exp(lp0)
	for k := 0; k < n; k++ {
		kf, nf := float64(k), float64(n)
		p[k+1] = p[k] * (nf - kf) * (kf + a) / ((kf + 1) * (nf - kf - 1 + b))
	}
	return p
}

func relDiff(x, y float64) float64 {
	if x == y {
		return 0
	}
	return math.Abs(x-y) / math.Max(math.Abs(x), math.Abs(y))
}

// The log-space pmf agrees with the product recurrence, sums to 1 and has
// the textbook mean nα/(α+β) and variance nαβ(α+β+n)/((α+β)²(α+β+1)).
func TestBetaBinomialPMF(t *testing.T) {
	for _, c := range []struct {
		n    int
		a, b float64
	}{
		{1, 1, 1}, {5, 2, 3}, {40, 0.5, 7.5}, {100, 1, 99}, {1000, 5, 495}, {2000, 1, 9999}, {20000, 20, 199980},
	} {
		d := betaBinomial{n: c.n, a: c.a, b: c.b}
		rec := pmfByRecurrence(c.n, c.a, c.b)
		var sum, mean, sq float64
		for k := 0; k <= c.n; k++ {
			p := d.pmf(k)
			// Compare where the mass is not negligible: in the far tail
			// both underflow differently.
			if rec[k] > 1e-250 {
				if e := relDiff(p, rec[k]); e > 1e-8 {
					t.Errorf("n=%d a=%g b=%g: pmf(%d) = %.15g, recurrence %.15g (rel. diff %.2g)", c.n, c.a, c.b, k, p, rec[k], e)
				}
			}
			sum += p
			mean += float64(k) * p
			sq += float64(k) * float64(k) * p
		}
		n, ab := float64(c.n), c.a+c.b
		wantMean := n * c.a / ab
		wantVar := n * c.a * c.b * (ab + n) / (ab * ab * (ab + 1))
		if math.Abs(sum-1) > 1e-9 {
			t.Errorf("n=%d a=%g b=%g: pmf sums to %.12g", c.n, c.a, c.b, sum)
		}
		if e := relDiff(mean, wantMean); e > 1e-9 {
			t.Errorf("n=%d a=%g b=%g: mean %.12g, want %.12g", c.n, c.a, c.b, mean, wantMean)
		}
		if e := relDiff(sq-mean*mean, wantVar); e > 1e-7 {
			t.Errorf("n=%d a=%g b=%g: variance %.12g, want %.12g", c.n, c.a, c.b, sq-mean*mean, wantVar)
		}
	}
}

// Known closed forms: Beta-binomial(n; 1, 1) is uniform on 0..n; with
// α = 1 and β = 1 the node count of a 2-node ring; and with a = 1, n = 1
// it is Bernoulli(1/(1+b)), one key landing on a Beta(1, b) arc.
func TestBetaBinomialClosedForms(t *testing.T) {
	for _, n := range []int{1, 7, 100, 1000} {
		d := betaBinomial{n: n, a: 1, b: 1}
		for _, k := range []int{0, n / 3, n} {
			if e := relDiff(d.pmf(k), 1/float64(n+1)); e > 1e-10 {
				t.Errorf("BB(%d;1,1) pmf(%d) = %g, want %g", n, k, d.pmf(k), 1/float64(n+1))
			}
		}
	}
	for _, b := range []float64{1, 9, 9999} {
		d := betaBinomial{n: 1, a: 1, b: b}
		if e := relDiff(d.pmf(1), 1/(1+b)); e > 1e-9 {
			t.Errorf("BB(1;1,%g) pmf(1) = %g, want %g", b, d.pmf(1), 1/(1+b))
		}
	}
	// The quantile is the smallest k with F(k) ≥ p: on BB(9; 1, 1) (uniform
	// on 0..9, F(k) = (k+1)/10) the 0.09-quantile is 0, the 0.11-quantile 1
	// and the 0.95-quantile 9.
	d := betaBinomial{n: 9, a: 1, b: 1}
	if q := d.quantile(0.09); q != 0 {
		t.Errorf("uniform 0..9: 0.09-quantile %d, want 0", q)
	}
	if q := d.quantile(0.11); q != 1 {
		t.Errorf("uniform 0..9: 0.11-quantile %d, want 1", q)
	}
	if q := d.quantile(0.95); q != 9 {
		t.Errorf("uniform 0..9: 0.95-quantile %d, want 9", q)
	}
}

// sampleQuantile against brute force: the exact distribution of the
// nearest-rank median of 3 draws from uniform 0..4 (BB(4;1,1)), by
// enumerating all 125 triples.
func TestSampleQuantileBruteForce(t *testing.T) {
	d := betaBinomial{n: 4, a: 1, b: 1}
	var m1, m2 float64
	for x := 0; x < 5; x++ {
		for y := 0; y < 5; y++ {
			for z := 0; z < 5; z++ {
				v := []int{x, y, z}
				// nearest rank ⌈0.5·3⌉ = 2: the middle value
				for i := range v {
					for j := i + 1; j < len(v); j++ {
						if v[j] < v[i] {
							v[i], v[j] = v[j], v[i]
						}
					}
				}
				m1 += float64(v[1]) / 125
				m2 += float64(v[1]*v[1]) / 125
			}
		}
	}
	mean, sd := d.sampleQuantile(0.5, 3)
	if math.Abs(mean-m1) > 1e-9 || math.Abs(sd-math.Sqrt(m2-m1*m1)) > 1e-9 {
		t.Fatalf("median of 3 uniform(0..4): mean %.12g sd %.12g, brute force %.12g %.12g", mean, sd, m1, math.Sqrt(m2-m1*m1))
	}
}

// ringLoad's parameters: keys are conserved, so a real node's expected
// count is exactly K/N whatever v is (a/(a+b) = v/(N·v)), and its variance
// is K(N−1)(Nv+K)/(N²(Nv+1)).
func TestRingLoadParameters(t *testing.T) {
	for _, c := range []struct{ n, keys, v int }{{10, 100, 1}, {10000, 100000, 1}, {10000, 1000000, 20}, {3, 7, 5}} {
		d := ringLoad(c.n, c.keys, c.v)
		n, k, v := float64(c.n), float64(c.keys), float64(c.v)
		mean := float64(d.n) * d.a / (d.a + d.b)
		ab := d.a + d.b
		variance := float64(d.n) * d.a * d.b * (ab + float64(d.n)) / (ab * ab * (ab + 1))
		wantVar := k * (n - 1) * (n*v + k) / (n * n * (n*v + 1))
		if relDiff(mean, k/n) > 1e-12 || relDiff(variance, wantVar) > 1e-12 {
			t.Errorf("N=%d K=%d v=%d: law mean %.15g variance %.15g, want %.15g and %.15g", c.n, c.keys, c.v, mean, variance, k/n, wantVar)
		}
	}
}
