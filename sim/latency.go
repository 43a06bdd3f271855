package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
)

// LatencyKind names a one-way message delay distribution.
type LatencyKind uint8

// The latency models. Each is written in configs as "kind:params".
const (
	// Constant: every message takes exactly A. "const:50ms".
	Constant LatencyKind = iota
	// Uniform: uniform on [A, B]. "uniform:10ms,90ms".
	Uniform
	// Exponential: exponential with mean A, as in the Chord ToN simulator
	// (mean 50 ms). "exp:50ms".
	Exponential
	// LogNormal: exp(N(ln A, Sigma²)), i.e. median A and shape Sigma; heavy
	// tailed like measured Internet delays. "lognormal:50ms,0.5".
	LogNormal
)

var latencyNames = [...]string{Constant: "const", Uniform: "uniform", Exponential: "exp", LogNormal: "lognormal"}

// Latency is a one-way delay distribution. It is a value: it parses from a
// config or flag string and draws from a random stream the caller passes in.
type Latency struct {
	Kind  LatencyKind
	A, B  Duration // const: A; uniform: [A,B]; exp: mean A; lognormal: median A
	Sigma float64  // lognormal shape
}

// ParseLatency reads "const:D", "uniform:D1,D2", "exp:D" or "lognormal:D,SIGMA"
// where D is a duration such as 50ms. It rejects impossible parameters
// (negative delays, an empty uniform range, a non-positive mean or median, a
// negative sigma) with a message that says how to write a valid one.
func ParseLatency(s string) (Latency, error) {
	const forms = "write const:50ms, uniform:10ms,90ms, exp:50ms or lognormal:50ms,0.5"
	kind, args, ok := ParseSpec(s)
	if !ok {
		return Latency{}, fmt.Errorf("%q is not a latency model; %s", s, forms)
	}
	dur := func(i int) (Duration, error) {
		d, err := ParseDuration(args[i])
		if err != nil {
			return 0, fmt.Errorf("latency %q: %v", s, err)
		}
		if d < 0 {
			return 0, fmt.Errorf("latency %q: delay %s is negative; delays must be ≥ 0", s, d)
		}
		return d, nil
	}
	want := func(n int) error {
		if len(args) != n {
			return fmt.Errorf("latency %q: %s takes %d parameter(s), got %d; %s", s, kind, n, len(args), forms)
		}
		return nil
	}
	var l Latency
	var err error
	switch kind {
	case "const", "constant":
		l.Kind = Constant
		if err = want(1); err == nil {
			l.A, err = dur(0)
		}
	case "uniform":
		l.Kind = Uniform
		if err = want(2); err == nil {
			if l.A, err = dur(0); err == nil {
				if l.B, err = dur(1); err == nil && l.B < l.A {
					err = fmt.Errorf("latency %q: uniform range is empty (min %s > max %s); write the smaller bound first", s, l.A, l.B)
				}
			}
		}
	case "exp", "exponential":
		l.Kind = Exponential
		if err = want(1); err == nil {
			if l.A, err = dur(0); err == nil && l.A <= 0 {
				err = fmt.Errorf("latency %q: the mean of an exponential must be > 0 (use const:0s for no delay)", s)
			}
		}
	case "lognormal":
		l.Kind = LogNormal
		if err = want(2); err == nil {
			if l.A, err = dur(0); err == nil {
				if l.A <= 0 {
					err = fmt.Errorf("latency %q: the median of a lognormal must be > 0", s)
				} else if l.Sigma, err = strconv.ParseFloat(args[1], 64); err != nil || math.IsNaN(l.Sigma) || math.IsInf(l.Sigma, 0) || l.Sigma < 0 {
					err = fmt.Errorf("latency %q: sigma %q must be a finite number ≥ 0", s, args[1])
				}
			}
		}
	default:
		err = fmt.Errorf("unknown latency model %q; %s", kind, forms)
	}
	if err == nil && (l.A > MaxLatencyParam || l.B > MaxLatencyParam) {
		err = fmt.Errorf("latency %q: a delay parameter above %s is more than any network's; use at most 1h", s, MaxLatencyParam)
	}
	if err == nil && l.Sigma > MaxSigma {
		err = fmt.Errorf("latency %q: sigma %v is wider than any measured delay distribution; use at most %v", s, l.Sigma, MaxSigma)
	}
	if err != nil {
		return Latency{}, err
	}
	return l, nil
}

// MaxDelay caps one drawn delay: the tail of a heavy distribution could
// otherwise give a delay beyond the clock's range (which a conversion from
// float64 turns into a negative number). ParseLatency keeps every
// distribution's bulk far below it, so the cap changes no ordinary draw.
const MaxDelay = 24 * Hour

// MaxLatencyParam and MaxSigma bound a latency's parameters: no network
// delays a message by more than an hour, and a lognormal of shape 3 already
// puts its 99.9th percentile ten thousand times above its median.
const (
	MaxLatencyParam = Hour
	MaxSigma        = 3.0
)

func clampDelay(f float64) Duration {
	if !(f < float64(MaxDelay)) {
		return MaxDelay
	}
	return Duration(f)
}

// Sample draws one delay. Delays are rounded down to whole nanoseconds.
func (l Latency) Sample(r *rand.Rand) Duration {
	switch l.Kind {
	case Constant:
		return l.A
	case Uniform:
		if l.B == l.A {
			return l.A
		}
		return l.A + Duration(r.Int64N(int64(l.B-l.A)+1))
	case Exponential:
		return clampDelay(r.ExpFloat64() * float64(l.A))
	case LogNormal:
		return clampDelay(float64(l.A) * math.Exp(l.Sigma*r.NormFloat64()))
	}
	panic("sim: unknown latency kind")
}

// Mean returns the distribution's mean delay.
func (l Latency) Mean() Duration {
	switch l.Kind {
	case Uniform:
		return (l.A + l.B) / 2
	case LogNormal:
		return Duration(float64(l.A) * math.Exp(l.Sigma*l.Sigma/2))
	}
	return l.A
}

// String renders l in the form ParseLatency reads.
func (l Latency) String() string {
	name := latencyNames[l.Kind]
	switch l.Kind {
	case Uniform:
		return name + ":" + l.A.String() + "," + l.B.String()
	case LogNormal:
		return name + ":" + l.A.String() + "," + strconv.FormatFloat(l.Sigma, 'g', -1, 64)
	}
	return name + ":" + l.A.String()
}

// UnmarshalText parses a latency model for configs and flags.
func (l *Latency) UnmarshalText(b []byte) error {
	v, err := ParseLatency(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// MarshalText renders l so that UnmarshalText reads it back.
func (l Latency) MarshalText() ([]byte, error) { return []byte(l.String()), nil }
