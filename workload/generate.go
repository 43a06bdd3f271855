package workload

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// KeyDist is how generated requests pick keys. Real key-value workloads are
// skewed, and skew is what makes load imbalance and hot-key effects show.
type KeyDist uint8

// The key distributions.
const (
	Uniform KeyDist = iota
	Zipf
)

var distNames = [...]string{Uniform: "uniform", Zipf: "zipf"}

// ParseKeyDist reads a distribution as written in a config, ignoring case.
func ParseKeyDist(s string) (KeyDist, error) {
	for d, name := range distNames {
		if strings.EqualFold(strings.TrimSpace(s), name) {
			return KeyDist(d), nil
		}
	}
	return 0, fmt.Errorf("unknown key distribution %q; valid: %s", s, strings.Join(distNames[:], ", "))
}

// String returns the name ParseKeyDist accepts, so a distribution
// round-trips through configs and output.
func (d KeyDist) String() string {
	if int(d) < len(distNames) {
		return distNames[d]
	}
	return fmt.Sprintf("KeyDist(%d)", d)
}

// maxKeys bounds Spec.Keys: every key name (and for Zipf its cumulative
// probability) is precomputed, so a typo such as 1e9 must not exhaust memory.
const maxKeys = 1 << 24

// Spec describes a generated workload. Its zero value, apart from Keys, is
// an insert-only uniform workload.
type Spec struct {
	Keys           int     // key population: keys are named "key0" … "key{Keys-1}"; 1 ≤ Keys ≤ 2^24
	Dist           KeyDist // how keys are picked
	ZipfExponent   float64 // s ≥ 0 for Zipf: key i has probability ∝ 1/(i+1)^s; 0 is uniform
	ReadFraction   float64 // probability a request is a Query, in [0, 1]
	DeleteFraction float64 // probability a request is a Delete, in [0, 1]; the rest are Inserts
}

// Validate lists every problem with s, one error per field, so a config
// with several mistakes is fixed in one round.
func (s Spec) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	switch {
	case s.Keys < 1:
		bad("keys = %d: the key population must hold at least 1 key; set keys ≥ 1", s.Keys)
	case s.Keys > maxKeys:
		bad("keys = %d: more than %d keys (every key name is precomputed); use fewer keys", s.Keys, maxKeys)
	}
	if s.Dist > Zipf {
		bad("dist = %v: unknown key distribution; use uniform or zipf", s.Dist)
	}
	if !(s.ZipfExponent >= 0) || math.IsInf(s.ZipfExponent, 1) {
		bad("zipf_exponent = %v: must be a finite number ≥ 0; use 0 for uniform or about 1 for typical skew", s.ZipfExponent)
	}
	readOK := s.ReadFraction >= 0 && s.ReadFraction <= 1
	if !readOK {
		bad("read_fraction = %v: must be a probability; set it between 0 and 1", s.ReadFraction)
	}
	deleteOK := s.DeleteFraction >= 0 && s.DeleteFraction <= 1
	if !deleteOK {
		bad("delete_fraction = %v: must be a probability; set it between 0 and 1", s.DeleteFraction)
	}
	// A little slack, so that fractions such as 0.7 and 0.3 that are meant
	// to sum to 1 are not refused for a rounding error.
	if readOK && deleteOK && s.ReadFraction+s.DeleteFraction > 1+1e-9 {
		bad("read_fraction + delete_fraction = %v + %v: the sum exceeds 1; lower one of them (inserts get the rest)", s.ReadFraction, s.DeleteFraction)
	}
	return errors.Join(errs...)
}

// Generator draws requests for a Spec. It holds no randomness of its own:
// the caller passes its *rand.Rand to Next, so one seeded stream drives a
// whole run.
type Generator struct {
	spec   Spec
	names  []string  // key names, precomputed so Next does not allocate them
	cdf    []float64 // cumulative key probabilities; nil when keys are uniform
	writes uint64    // inserts drawn so far
	buf    []byte    // scratch for the value string
}

// NewGenerator checks s and precomputes the key names and, for a skewed
// Zipf distribution, the key probabilities.
func NewGenerator(s Spec) (*Generator, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	g := &Generator{spec: s, names: make([]string, s.Keys)}
	for i := range g.names {
		g.names[i] = "key" + strconv.Itoa(i)
	}
	// With s = 0, Zipf is uniform; drawing it as uniform gives the very
	// same sequence as Dist = Uniform.
	if s.Dist == Zipf && s.ZipfExponent > 0 {
		g.cdf = make([]float64, s.Keys)
		sum := 0.0
		for i := range g.cdf {
			sum += math.Pow(float64(i+1), -s.ZipfExponent)
			g.cdf[i] = sum
		}
		for i := range g.cdf {
			g.cdf[i] /= sum
		}
		g.cdf[len(g.cdf)-1] = 1 // no rounding gap above the last key
	}
	return g, nil
}

// Next draws the next request from rng: first its kind, then its key. Insert
// values are unique, "v1", "v2", … in draw order, so that freshness and
// linearizability checks can tell every write apart. Next allocates only an
// insert's value string.
func (g *Generator) Next(rng *rand.Rand) Request {
	kind := Insert
	switch u := rng.Float64(); {
	case u < g.spec.ReadFraction:
		kind = Query
	case u < g.spec.ReadFraction+g.spec.DeleteFraction:
		kind = Delete
	}
	req := Request{Kind: kind, Key: g.names[g.key(rng)]}
	if kind == Insert {
		g.writes++
		g.buf = strconv.AppendUint(append(g.buf[:0], 'v'), g.writes, 10)
		req.Value = string(g.buf)
	}
	return req
}

// key draws a key index.
func (g *Generator) key(rng *rand.Rand) int {
	if g.cdf == nil {
		return rng.IntN(len(g.names))
	}
	// The first key whose cumulative probability exceeds u; u < 1 = cdf[last].
	u := rng.Float64()
	lo, hi := 0, len(g.cdf)-1
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if g.cdf[mid] > u {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// KeyName returns the name of key i (0 ≤ i < Keys), the same string Next
// uses, so a checker can name keys without formatting them again.
func (g *Generator) KeyName(i int) string { return g.names[i] }
