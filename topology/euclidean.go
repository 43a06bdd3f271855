package topology

import (
	"fmt"
	"math"

	"github.com/chordsim/chordsim/sim"
)

// Euclidean places every endpoint at its own point drawn uniformly in the
// cube [0, Scale)^Dims, where distance is delay: a message from a to b
// takes |a − b| plus a's and b's access delays (each endpoint's drawn once
// from Access, the last mile between the host and the core). Delays are
// symmetric.
type Euclidean struct {
	dims   int
	scale  float64 // the cube's side, in nanoseconds of delay
	step   float64 // scale / 2^coordBits: one step of a coordinate
	salt   uint64  // the points' hash salt
	access sim.Latency
	aSalt  uint64 // the access delays' hash salt
	noAcc  bool   // access is const:0s: skip it
}

// NewEuclidean returns the Euclidean topology of the given dimensions,
// side (as a delay) and access delay distribution, its points and access
// delays a function of seed. Parameters must have been validated.
func NewEuclidean(dims int, scale sim.Duration, access sim.Latency, seed uint64) *Euclidean {
	if dims < 1 || dims > MaxDimensions || scale < 0 {
		panic(fmt.Sprintf("topology: euclidean with %d dimensions and scale %v", dims, scale))
	}
	return &Euclidean{
		dims: dims, scale: float64(scale), step: float64(scale) / (1 << coordBits), access: access,
		salt: sim.Seed(seed, "topology", "points"), aSalt: sim.Seed(seed, "topology", "access"),
		noAcc: access == (sim.Latency{}),
	}
}

// MaxDimensions bounds a Euclidean space's dimensions: proximity studies
// use 2 to 5, and each dimension costs two hashes per message.
const MaxDimensions = 16 // 16 × 3 hash groups fit the 4 bits beside the endpoint

// coordBits is the resolution of a coordinate: one 64-bit hash gives
// three coordinates of 21 bits, so a 3-dimensional point costs one hash
// (a message two), and a coordinate is still finer than 50 ns on a cube
// of 100 ms.
const coordBits = 21

// Point returns coordinate i of endpoint e, in nanoseconds of delay: the
// middle of one of 2^21 equal steps of the side, drawn uniformly.
func (t *Euclidean) Point(e sim.Endpoint, i int) float64 {
	h := sim.Mix64(t.salt ^ (uint64(uint32(e))<<4 | uint64(i/3)))
	return t.coord(h, i%3)
}

// coord is coordinate k (0 to 2) of hash h, in nanoseconds of delay.
func (t *Euclidean) coord(h uint64, k int) float64 {
	c := h >> (coordBits * k) & (1<<coordBits - 1)
	return (float64(c) + 0.5) * t.step
}

// Access returns endpoint e's access delay.
func (t *Euclidean) Access(e sim.Endpoint) sim.Duration {
	if t.noAcc {
		return 0
	}
	return t.access.SampleKeyed(sim.Mix64(t.aSalt ^ uint64(uint32(e))))
}

// OneWay implements sim.Topology: the distance between the two points plus
// both access delays, rounded down to a nanosecond.
func (t *Euclidean) OneWay(a, b sim.Endpoint) sim.Duration {
	var sum float64
	ka, kb := uint64(uint32(a))<<4, uint64(uint32(b))<<4
	if t.dims == 3 {
		// The common case (T03's space) unrolled: one hash an end.
		ha, hb := sim.Mix64(t.salt^ka), sim.Mix64(t.salt^kb)
		const mask = 1<<coordBits - 1
		// Differences of whole steps: the halves cancel.
		x := float64(int64(ha&mask)-int64(hb&mask)) * t.step
		y := float64(int64(ha>>coordBits&mask)-int64(hb>>coordBits&mask)) * t.step
		z := float64(int64(ha>>(2*coordBits)&mask)-int64(hb>>(2*coordBits)&mask)) * t.step
		sum = float64(float64(x*x)+float64(y*y)) + float64(z*z)
		return sim.Duration(math.Sqrt(sum)) + t.Access(a) + t.Access(b)
	}
	for g := 0; g*3 < t.dims; g++ {
		ha, hb := sim.Mix64(t.salt^(ka|uint64(g))), sim.Mix64(t.salt^(kb|uint64(g)))
		for k := 0; k < 3 && g*3+k < t.dims; k++ {
			d := t.coord(ha, k) - t.coord(hb, k)
			// The conversion stops the compiler from fusing the
			// multiply into the add on platforms that have FMA: the
			// same bits on every machine.
			sum += float64(d * d)
		}
	}
	return sim.Duration(math.Sqrt(sum)) + t.Access(a) + t.Access(b)
}

// MaxOneWay implements sim.Topology: the cube's diagonal plus twice the
// longest access delay.
func (t *Euclidean) MaxOneWay() (sim.Duration, bool) {
	acc, ok := t.access.Max()
	if !ok {
		return 0, false
	}
	return sim.Duration(math.Sqrt(float64(t.dims))*t.scale) + 1 + 2*acc, true
}

// Symmetric implements sim.Topology.
func (t *Euclidean) Symmetric() bool { return true }

// Bytes implements sim.Topology: the points are hashes, so nothing.
func (t *Euclidean) Bytes() int64 { return 0 }

func (t *Euclidean) String() string {
	s := fmt.Sprintf("euclidean: %d dimensions, side %v", t.dims, sim.Duration(t.scale))
	if !t.noAcc {
		s += ", access " + t.access.String()
	}
	return s
}
