package churn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/chordsim/chordsim/sim"
)

// DistKind names a distribution of durations.
type DistKind uint8

// The distribution families. Each is written in configs and flags as
// "kind:params"; see ParseDist.
const (
	// Off is the zero Dist: no distribution, written "none" (or ""). A
	// generator reads it as "this part of the workload is switched off".
	Off DistKind = iota
	// Constant: every draw is A. "const:1h".
	Constant
	// Uniform: uniform on [A, B]. "uniform:30m,90m".
	Uniform
	// Exponential with mean A: memoryless sessions, the classic churn
	// model. "exp:1h".
	Exponential
	// Pareto with mean A and tail index Shape (> 1): a few very long
	// sessions and many short ones, as measured in deployed P2P systems.
	// "pareto:1h,1.5".
	Pareto
	// Weibull with mean A and shape Shape: Shape < 1 is heavy-tailed, 1 is
	// exponential, > 1 concentrates around the mean. "weibull:1h,0.7".
	Weibull
)

var distNames = [...]string{Off: "none", Constant: "const", Uniform: "uniform", Exponential: "exp", Pareto: "pareto", Weibull: "weibull"}

// distForms is appended to syntax errors so that the fix is in the message.
const distForms = "write exp:1h, pareto:1h,1.5, weibull:1h,0.7, const:1h, uniform:30m,90m or none"

// MinWeibullShape is the smallest Weibull shape accepted. Below it almost all
// of the mean comes from draws longer than a century, which the clock cannot
// hold (draws are capped at MaxSample), so the configured mean would silently
// not be the simulated one.
const MinWeibullShape = 0.1

// MaxSample caps every draw (about 146 years). A heavy-tailed draw beyond it
// would be meaningless in a run and could overflow the integer clock when
// added to the current time.
const MaxSample = sim.Duration(1 << 62)

// Dist is a distribution of durations (session times, down times). It is a
// plain comparable value: it parses from a config or flag string, prints back
// to the same string, and draws from a random stream the caller passes in, so
// it holds no state of its own.
//
// The first parameter of the exponential, Pareto and Weibull forms is the
// mean, so that "exp:1h", "pareto:1h,1.5" and "weibull:1h,0.7" all describe
// the same average churn and differ only in the shape of the tail.
type Dist struct {
	// Kind is the family; the zero value, Off, means no distribution.
	Kind DistKind
	// A is the first parameter: const: the value; uniform: the low bound;
	// exp, pareto, weibull: the mean.
	A sim.Duration
	// B is the high bound of a uniform; unused otherwise.
	B sim.Duration
	// Shape is the Pareto tail index α or the Weibull shape K; unused
	// otherwise.
	Shape float64
}

// ParseDist reads a distribution:
//
//	exp:MEAN              exponential, e.g. exp:1h
//	pareto:MEAN,ALPHA     Pareto, ALPHA > 1 so the mean is finite, e.g. pareto:1h,1.5
//	weibull:MEAN,K        Weibull, K ≥ 0.1, e.g. weibull:1h,0.7
//	const:D               always D (> 0), e.g. const:30m
//	uniform:A,B           uniform on [A,B], 0 ≤ A ≤ B, B > 0, e.g. uniform:30m,90m
//	none, or ""           the zero Dist: off
//
// Durations are Go durations (sim.ParseDuration). Errors are one line that
// names the input, the problem and a valid way to write it.
func ParseDist(s string) (Dist, error) {
	text := strings.TrimSpace(s)
	if text == "" || text == "none" {
		return Dist{}, nil
	}
	// in names the input in messages; it is quoted only if it has characters
	// that would make the message ambiguous or break its line.
	in := text
	if q := strconv.Quote(text); q[1:len(q)-1] != text {
		in = q
	}
	kind, args, ok := sim.ParseSpec(text)
	if !ok {
		return Dist{}, fmt.Errorf("%s: not a distribution; %s", in, distForms)
	}
	var d Dist
	var names []string // parameter names, for arity errors
	var example string
	switch kind {
	case "exp", "exponential":
		d.Kind, names, example = Exponential, []string{"MEAN"}, "exp:1h"
	case "pareto":
		d.Kind, names, example = Pareto, []string{"MEAN", "ALPHA"}, "pareto:1h,1.5"
	case "weibull":
		d.Kind, names, example = Weibull, []string{"MEAN", "K"}, "weibull:1h,0.7"
	case "const", "constant":
		d.Kind, names, example = Constant, []string{"D"}, "const:1h"
	case "uniform":
		d.Kind, names, example = Uniform, []string{"A", "B"}, "uniform:30m,90m"
	case "none":
		return Dist{}, fmt.Errorf("%s: none takes no parameters; write none alone to turn it off", in)
	default:
		return Dist{}, fmt.Errorf("%s: unknown distribution %q; valid kinds are exp, pareto, weibull, const, uniform and none", in, kind)
	}
	if len(args) != len(names) {
		return Dist{}, fmt.Errorf("%s: %s takes %d parameter(s) (%s), got %d; write e.g. %s",
			in, kind, len(names), strings.Join(names, ","), len(args), example)
	}
	dur := func(i int, what string) (sim.Duration, error) {
		v, err := sim.ParseDuration(args[i])
		if err != nil {
			return 0, fmt.Errorf("%s: %s: %v", in, what, err)
		}
		return v, nil
	}
	var err error
	switch d.Kind {
	case Exponential, Pareto, Weibull:
		if d.A, err = dur(0, "mean"); err != nil {
			return Dist{}, err
		}
		if len(args) == 2 {
			d.Shape, err = strconv.ParseFloat(args[1], 64)
			if err != nil || math.IsNaN(d.Shape) || math.IsInf(d.Shape, 0) {
				return Dist{}, fmt.Errorf("%s: shape %q is not a finite number; write e.g. %s", in, args[1], example)
			}
		}
	case Constant:
		if d.A, err = dur(0, "duration"); err != nil {
			return Dist{}, err
		}
	case Uniform:
		if d.A, err = dur(0, "low bound"); err != nil {
			return Dist{}, err
		}
		if d.B, err = dur(1, "high bound"); err != nil {
			return Dist{}, err
		}
	}
	if err := d.check(in); err != nil {
		return Dist{}, err
	}
	return d, nil
}

// Validate reports whether d's parameters describe a distribution that
// Sample can draw from. ParseDist only returns valid Dists; Validate is for
// Dists built in code.
func (d Dist) Validate() error {
	if d.Kind > Weibull {
		return fmt.Errorf("distribution kind %d is unknown; %s", d.Kind, distForms)
	}
	return d.check(d.String())
}

// check validates the parameters; in names the distribution in messages.
func (d Dist) check(in string) error {
	if d.Kind != Off && (d.A > MaxSample || d.B > MaxSample) {
		return fmt.Errorf("%s: %v is longer than the longest draw, %v; use a shorter duration", in, max(d.A, d.B), MaxSample)
	}
	switch d.Kind {
	case Exponential, Pareto, Weibull:
		if d.A <= 0 {
			return fmt.Errorf("%s: mean %v must be > 0; use e.g. %s:1h, or none to turn it off", in, d.A, distNames[d.Kind])
		}
		if d.Kind != Exponential && (math.IsNaN(d.Shape) || math.IsInf(d.Shape, 0)) {
			return fmt.Errorf("%s: shape %v is not a finite number", in, d.Shape)
		}
		if d.Kind == Pareto && !(d.Shape > 1) {
			return fmt.Errorf("%s: shape %s must be greater than 1 so that the mean is finite; use e.g. pareto:1h,1.5", in, fmtFloat(d.Shape))
		}
		if d.Kind == Weibull && !(d.Shape >= MinWeibullShape) {
			return fmt.Errorf("%s: shape %s must be at least %v (below 1 is heavy-tailed, 1 is exponential); use e.g. weibull:1h,0.7", in, fmtFloat(d.Shape), MinWeibullShape)
		}
	case Constant:
		if d.A <= 0 {
			return fmt.Errorf("%s: duration %v must be > 0; use e.g. const:1h, or none to turn it off", in, d.A)
		}
	case Uniform:
		if d.A < 0 {
			return fmt.Errorf("%s: low bound %v is negative; bounds must be ≥ 0, e.g. uniform:30m,90m", in, d.A)
		}
		if d.B < d.A {
			return fmt.Errorf("%s: the range is empty (low %v > high %v); write the smaller bound first", in, d.A, d.B)
		}
		if d.B <= 0 {
			return fmt.Errorf("%s: high bound %v must be > 0; use e.g. uniform:30m,90m", in, d.B)
		}
	}
	return nil
}

// IsZero reports whether d is the zero Dist ("none"), which means off.
func (d Dist) IsZero() bool { return d.Kind == Off }

// Sample draws one duration by inverse-CDF transformation of rng's uniform
// or exponential variates, so a draw costs one or two variates and no
// allocation. Draws are truncated to whole nanoseconds and then clamped to
// [1ns, MaxSample]: at least 1 ns so that an up/down cycle always moves the
// clock forward (a zero session would let a node fail in the instant it
// joined, and a zero cycle would loop forever at one instant), at most
// MaxSample so that heavy tails cannot overflow the clock. Both clamps move
// the mean by a negligible amount for any realistic parameters.
//
// Sample panics on the zero Dist: "off" has nothing to draw, and a generator
// that draws from it is a bug.
func (d Dist) Sample(rng *rand.Rand) sim.Duration {
	var x float64 // nanoseconds
	switch d.Kind {
	case Constant:
		return clampSample(d.A)
	case Uniform:
		if d.B == d.A {
			return clampSample(d.A)
		}
		return clampSample(d.A + sim.Duration(rng.Int64N(int64(d.B-d.A)+1)))
	case Exponential:
		x = float64(d.A) * rng.ExpFloat64()
	case Pareto:
		// F⁻¹(u) = x_m (1-u)^(-1/α), and -ln(1-u) is an Exp(1) variate E,
		// so a draw is x_m·e^(E/α) with x_m = mean·(α-1)/α.
		xm := float64(d.A) * (d.Shape - 1) / d.Shape
		x = xm * math.Exp(rng.ExpFloat64()/d.Shape)
	case Weibull:
		// F⁻¹(u) = λ(-ln(1-u))^(1/K) = λ·E^(1/K) with λ = mean/Γ(1+1/K).
		// Computed in logarithms: Γ(1+1/K) overflows a float64 for small K
		// long before the product does.
		lg, _ := math.Lgamma(1 + 1/d.Shape)
		x = math.Exp(math.Log(float64(d.A)) - lg + math.Log(rng.ExpFloat64())/d.Shape)
	default:
		panic("churn: Sample of distribution " + d.String())
	}
	if !(x < float64(MaxSample)) { // also catches NaN
		return MaxSample
	}
	return clampSample(sim.Duration(x))
}

func clampSample(d sim.Duration) sim.Duration {
	if d < 1 {
		return 1
	}
	if d > MaxSample {
		return MaxSample
	}
	return d
}

// MeanDuration returns the distribution's mean (0 for the zero Dist). For
// exp, pareto and weibull it is the first parameter by construction.
func (d Dist) MeanDuration() sim.Duration {
	switch d.Kind {
	case Off:
		return 0
	case Uniform:
		return d.A + (d.B-d.A)/2
	}
	return d.A
}

// String renders d in the form ParseDist reads back to an equal Dist.
func (d Dist) String() string {
	if d.Kind > Weibull {
		return "unknown(" + strconv.Itoa(int(d.Kind)) + ")"
	}
	name := distNames[d.Kind]
	switch d.Kind {
	case Off:
		return name
	case Uniform:
		return name + ":" + d.A.String() + "," + d.B.String()
	case Pareto, Weibull:
		return name + ":" + d.A.String() + "," + fmtFloat(d.Shape)
	}
	return name + ":" + d.A.String()
}

func fmtFloat(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// UnmarshalText parses a distribution, so that a YAML config can hold one.
func (d *Dist) UnmarshalText(b []byte) error { return d.Set(string(b)) }

// MarshalText renders d so that UnmarshalText reads it back.
func (d Dist) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Set parses s into d; with String and Type it makes *Dist a command-line
// flag value (pflag.Value) without this package importing a flag library.
// On error d is unchanged.
func (d *Dist) Set(s string) error {
	v, err := ParseDist(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Type names the flag's value type in help text.
func (d *Dist) Type() string { return "dist" }
