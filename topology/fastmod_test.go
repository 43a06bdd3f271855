package topology

import (
	"math"
	"testing"

	"github.com/chordsim/chordsim/sim"
)

// Host's remainder without division against the % operator, for host
// counts that are and are not powers of two, at both ends of the endpoint
// range.
func TestHostRemainder(t *testing.T) {
	for _, n := range []int{1, 2, 3, 7, 490, 1024, 4950, MaxHosts} {
		h := &Hosted{perm: make([]int32, n), n: uint64(n), mod: ^uint64(0)/uint64(n) + 1}
		for i := range h.perm {
			h.perm[i] = int32(i)
		}
		for _, e := range []uint32{0, 1, uint32(n - 1), uint32(n), uint32(n + 1), 123456789, math.MaxInt32, math.MaxUint32 - 1, math.MaxUint32} {
			if got, want := h.Host(sim.Endpoint(e)), int(e%uint32(n)); got != want {
				t.Fatalf("%d hosts, endpoint %d: host %d, want %d", n, e, got, want)
			}
		}
		for e := uint32(0); e < 100_000; e += 7 {
			if got, want := h.Host(sim.Endpoint(e)), int(e%uint32(n)); got != want {
				t.Fatalf("%d hosts, endpoint %d: host %d, want %d", n, e, got, want)
			}
		}
	}
}
