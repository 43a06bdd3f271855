package metrics

import (
	"encoding/json"
	"math"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Summary describes a set of replicate results, for example the mean hop
// count of each of 10 independently seeded runs.
//
// It marshals to JSON as
//
//	{"n": 5, "mean": 1.2, "stddev": 0.3, "ci95_low": 0.8, "ci95_high": 1.6}
//
// with undefined (NaN) fields written as null; see [JSONFloat].
type Summary struct {
	// N is the number of values summarised (NaN inputs excluded).
	N int
	// Mean is the arithmetic mean; NaN if N = 0.
	Mean float64
	// Stddev is the sample standard deviation (denominator N-1); NaN if N < 2.
	Stddev float64
	// CILow and CIHigh bound the two-sided 95% confidence interval of the
	// mean, Mean ± t(0.975, N-1)·Stddev/√N; NaN if N < 2.
	CILow, CIHigh float64
}

// Summarize returns the mean, sample standard deviation and two-sided 95%
// Student-t confidence interval of the mean of xs.
//
// NaN values in xs are skipped and not counted in N: a replicate that
// produced no measurement (say, a mean over zero successful lookups) should
// not poison the others. ±Inf values are kept and propagate through the
// arithmetic as usual (the mean becomes ±Inf, the spread NaN).
//
// With N = 0 all float fields are NaN; with N = 1 only Mean is defined.
func Summarize(xs []float64) Summary {
	if slicesContainNaN(xs) {
		finite := make([]float64, 0, len(xs))
		for _, x := range xs {
			if !math.IsNaN(x) {
				finite = append(finite, x)
			}
		}
		xs = finite
	}
	nan := math.NaN()
	s := Summary{N: len(xs), Mean: nan, Stddev: nan, CILow: nan, CIHigh: nan}
	switch len(xs) {
	case 0:
		return s
	case 1:
		s.Mean = xs[0]
		return s
	}
	s.Mean, s.Stddev = stat.MeanStdDev(xs, nil)
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(len(xs) - 1)}.Quantile(0.975)
	half := t * s.Stddev / math.Sqrt(float64(len(xs)))
	s.CILow, s.CIHigh = s.Mean-half, s.Mean+half
	return s
}

func slicesContainNaN(xs []float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) {
			return true
		}
	}
	return false
}

// summaryJSON fixes the JSON field names and order of Summary.
type summaryJSON struct {
	N      int       `json:"n"`
	Mean   JSONFloat `json:"mean"`
	Stddev JSONFloat `json:"stddev"`
	CILow  JSONFloat `json:"ci95_low"`
	CIHigh JSONFloat `json:"ci95_high"`
}

// MarshalJSON writes s as {"n":..,"mean":..,"stddev":..,"ci95_low":..,
// "ci95_high":..}, floats formatted as by [JSONFloat] (NaN as null).
func (s Summary) MarshalJSON() ([]byte, error) {
	return json.Marshal(summaryJSON{
		N:      s.N,
		Mean:   JSONFloat(s.Mean),
		Stddev: JSONFloat(s.Stddev),
		CILow:  JSONFloat(s.CILow),
		CIHigh: JSONFloat(s.CIHigh),
	})
}

// UnmarshalJSON reads the form written by MarshalJSON, null as NaN, so that
// results files can be read back.
func (s *Summary) UnmarshalJSON(b []byte) error {
	nan := JSONFloat(math.NaN())
	aux := summaryJSON{Mean: nan, Stddev: nan, CILow: nan, CIHigh: nan}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*s = Summary{
		N:      aux.N,
		Mean:   float64(aux.Mean),
		Stddev: float64(aux.Stddev),
		CILow:  float64(aux.CILow),
		CIHigh: float64(aux.CIHigh),
	}
	return nil
}
