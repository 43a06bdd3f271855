package run

import (
	"context"
	"testing"

	"github.com/chordsim/chordsim/config"
)

// Proximity neighbour selection from the nodes' own measurements, end to
// end: rings grown by the protocol (no ideal bootstrap, so no node is told
// any round trip) on a Euclidean topology, where fix_fingers must pick
// each finger among its candidates by the round trips the node measured
// itself. With pns = 8 the median latency of successful lookups must fall
// below the pns = 1 ring's on every seed; the rings are otherwise the same
// (same seed, same identifiers, same schedule of joins).
func TestProtocolPNSLowersLatencyOnATopology(t *testing.T) {
	median := func(pns int, seed uint64) (float64, int) {
		t.Helper()
		src := []byte(`experiment: pns
n: 120
bootstrap: protocol
join_every: 500ms
settle: 120s
chord:
  successors: 8
  stabilize_every: 2s
  fix_fingers_every: 1s
  check_predecessor_every: 2s
  rpc_timeout: 2s
network:
  topology: euclidean
workload:
  lookups: 3000
  lookup_rate: 50
`)
		cfg, _, err := config.Parse(src, "pns.yaml")
		if err != nil {
			t.Fatal(err)
		}
		cfg.Chord.PNS = pns
		if err := cfg.Validate(); err != nil {
			t.Fatal(err)
		}
		res, err := Run(context.Background(), &cfg, seed, Inputs{})
		if err != nil {
			t.Fatal(err)
		}
		return res.OKLatency.Quantile(0.5), res.OKLatency.N()
	}
	for seed := uint64(1); seed <= 3; seed++ {
		plain, n1 := median(1, seed)
		pns, n8 := median(8, seed)
		t.Logf("seed %d: median latency of successful lookups %.1f ms (pns 1, %d lookups), %.1f ms (pns 8, %d)", seed, plain, n1, pns, n8)
		if n1 < 2500 || n8 < 2500 {
			t.Fatalf("seed %d: too few successful lookups (%d, %d) to compare", seed, n1, n8)
		}
		if pns >= plain {
			t.Errorf("seed %d: PNS from measured round trips did not lower the median latency: %.1f ms against %.1f ms without", seed, pns, plain)
		}
	}
}
