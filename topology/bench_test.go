package topology

import (
	"testing"

	"github.com/chordsim/chordsim/sim"
)

// BenchmarkOneWay is the cost of one message's base delay on each
// topology at its defaults, over endpoints of a 2^20-node ring.
func BenchmarkOneWay(b *testing.B) {
	for _, kind := range []string{"euclidean", "transit-stub", "planetlab490"} {
		c := Default()
		c.Kind = kind
		topo, err := c.Build(1, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(kind, func(b *testing.B) {
			var sum sim.Duration
			e := uint32(12345)
			for b.Loop() {
				e = e*1664525 + 1013904223
				sum += topo.OneWay(sim.Endpoint(e>>12), sim.Endpoint(e&(1<<20-1)))
			}
			if sum < 0 {
				b.Fatal(sum)
			}
		})
	}
}
