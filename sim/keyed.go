package sim

import (
	"math"
	"math/bits"
)

// Keyed draws. A network in keyed mode (NetConfig.Keyed) does not take a
// message's delay and loss from the next draw of a random stream, whose
// order is the order in which messages happen to be sent, but from a hash
// of the run's seed and the message's sender, receiver, send time and
// direction. A message's delay then depends on nothing else that happens in
// the run: two runs that send the same message see the same delay whatever
// they did in between, which is what lets a static ring's lookups be
// computed without the event queue (chord's static-lookup engine) and give
// the same bytes as the event path. The two modes draw from the same
// distributions; only which value falls to which message differs.

// Mix64 is SplitMix64's finalizer: a bijection of 64-bit words whose
// output bits each depend on every input bit. Keyed draws, and the
// topologies' placements, hash with it so that they depend on no order of
// events and need no memory per endpoint.
func Mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// messageKey is the hash a keyed network draws a message's delay from.
func messageKey(salt uint64, from, to Endpoint, at Time, response bool) uint64 {
	h := Mix64(salt ^ (uint64(uint32(from))<<32 | uint64(uint32(to))))
	h = Mix64(h ^ uint64(at))
	if response {
		h = Mix64(h ^ 0x9e3779b97f4a7c15)
	}
	return h
}

// unitOpen maps a hash to a float in (0, 1), never 0 or 1.
func unitOpen(h uint64) float64 { return (float64(h>>11) + 0.5) * 0x1p-53 }

// SampleKeyed returns the delay that key selects: the same distribution as
// Sample, as a deterministic function of key (a hash; see NetConfig.Keyed).
// Delays are rounded down to whole nanoseconds.
func (l Latency) SampleKeyed(key uint64) Duration {
	switch l.Kind {
	case Constant:
		return l.A
	case Uniform:
		if l.B == l.A {
			return l.A
		}
		// The high word of key·(span+1) is uniform on [0, span] up to a
		// bias below span/2^64.
		hi, _ := bits.Mul64(key, uint64(l.B-l.A)+1)
		return l.A + Duration(hi)
	case Exponential:
		return clampDelay(-math.Log(unitOpen(key)) * float64(l.A))
	case LogNormal:
		// Box–Muller, with the second uniform from a rehash of key.
		z := math.Sqrt(-2*math.Log(unitOpen(key))) * math.Cos(2*math.Pi*unitOpen(Mix64(key+0x9e3779b97f4a7c15)))
		return clampDelay(float64(l.A) * math.Exp(l.Sigma*z))
	}
	panic("sim: unknown latency kind")
}

// Max returns the longest delay the distribution can draw, and false if it
// has no bound (exponential, lognormal with sigma > 0).
func (l Latency) Max() (Duration, bool) {
	switch l.Kind {
	case Constant:
		return l.A, true
	case Uniform:
		return l.B, true
	case LogNormal:
		if l.Sigma == 0 {
			return l.A, true
		}
	}
	return 0, false
}
