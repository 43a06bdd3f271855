package experiments

import (
	"bytes"
	"context"
	"math"
	"testing"
)

// perNodeRing is a ring of 64 nodes that nothing changes; its lookups
// arrive at lookup_rate or lookup_rate_per_node.
const perNodeRing = `
experiment: per-node
seed: 3
replicates: 2
n: 64
ids: uniform
chord:
  stabilize_every: 0s
  fix_fingers_every: 0s
  check_predecessor_every: 0s
network:
  latency: uniform:5ms,95ms
workload:
  lookups: 4000
`

// A per-node rate λ on a ring of n members is a ring-wide Poisson process
// of rate λ·n (the superposition of the members' exponential gaps): on a
// ring nothing changes, lookup_rate_per_node 1/16 on 64 nodes gives the
// same bytes as lookup_rate 4, and the lookups take about lookups/(λ·n)
// simulated seconds.
func TestLookupRatePerNode(t *testing.T) {
	fixedR, fixedS := outputs(t, mustPlan(t, perNodeRing, "workload.lookup_rate=4"), 0)
	perR, perS := outputs(t, mustPlan(t, perNodeRing, "workload.lookup_rate=1000", "workload.lookup_rate_per_node=0.0625"), 0)
	if !bytes.Equal(fixedR, perR) || !bytes.Equal(fixedS, perS) {
		t.Fatalf("per-node rate 1/16 on 64 nodes differs from lookup_rate 4:\n%s\n%s", fixedR, perR)
	}
	p := mustPlan(t, perNodeRing, "workload.lookup_rate_per_node=0.0625")
	res, err := RunPoint(context.Background(), &p.Points[0], 0)
	if err != nil {
		t.Fatal(err)
	}
	// 4,000 exponential gaps of mean 1/4 s: 1,000 s, standard deviation
	// 1000/√4000 ≈ 15.8 s; allow 5 of them.
	if got := res.SimTime.Seconds(); math.Abs(got-1000) > 5*15.8 {
		t.Errorf("4,000 lookups at 1/16 per node on 64 nodes took %.1f simulated s, want about 1,000", got)
	}
}
