package metrics

import "gonum.org/v1/gonum/stat/distuv"

// PoissonCI95 is the exact (Garwood) two-sided 95% confidence interval of
// the mean of a Poisson count k: [χ²(0.025; 2k)/2, χ²(0.975; 2k+2)/2], the
// lower bound 0 when k = 0. It suits a rare-event count, such as failed
// lookups out of many, where a Student-t interval over a few replicates
// reaches below 0.
func PoissonCI95(k int64) (lo, hi float64) {
	if k < 0 {
		panic("metrics: negative Poisson count")
	}
	if k > 0 {
		lo = distuv.ChiSquared{K: float64(2 * k)}.Quantile(0.025) / 2
	}
	hi = distuv.ChiSquared{K: float64(2*k + 2)}.Quantile(0.975) / 2
	return lo, hi
}
