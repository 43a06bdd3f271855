package invariant

import (
	"testing"
)

// BenchmarkCheck is the simulator's per-event cost on a large healthy ring:
// 10^4 members, r = 16, random 64-bit IDs, a reused Checker. The churn
// cases change the membership before every check (one member fails or
// comes back), so that Principals cannot reuse the
// previous sort: that is the worst case, the others the usual one.
func BenchmarkCheck(b *testing.B) {
	for _, bc := range []struct {
		name  string
		which Set
		churn bool
	}{{"Default", Default, false}, {"All", All, false}, {"Default/churn", Default, true}, {"All/churn", All, true}} {
		b.Run(bc.name, func(b *testing.B) {
			s := benchRing(10_000, 16, 1)
			var c Checker
			if vs := c.Check(s, bc.which); vs != nil {
				b.Fatalf("benchmark ring is not healthy:\n%s", lines(vs))
			}
			b.ReportAllocs()
			k := 0
			for b.Loop() {
				if bc.churn {
					// Fail node k, then bring it back and move on.
					s.Nodes[k].Member = !s.Nodes[k].Member
					if s.Nodes[k].Member {
						k = (k + 997) % len(s.Nodes)
					}
				}
				if vs := c.Check(s, bc.which); vs != nil {
					b.Fatalf("benchmark ring is not healthy:\n%s", lines(vs))
				}
			}
		})
	}
}

// TestCheckerDoesNotAllocate: once its buffers have grown, a Checker costs
// no allocation on a healthy network, so checking after every event does
// not load the garbage collector. Both the ideal ring and one with dead
// nodes and appendages are tried.
func TestCheckerDoesNotAllocate(t *testing.T) {
	ideal := benchRing(1000, 8, 2)
	worn := benchRing(1000, 8, 3)
	for i := 0; i < 1000; i += 10 { // single failures: still healthy for r = 8
		worn.Nodes[i].Member = false
	}
	for _, s := range []*Snapshot{ideal, worn} {
		var c Checker
		for _, which := range []Set{Default, All} {
			if vs := c.Check(s, which); vs != nil {
				t.Fatalf("test ring is not healthy:\n%s", lines(vs))
			}
			if n := testing.AllocsPerRun(20, func() { c.Check(s, which) }); n != 0 {
				t.Errorf("%v: %v allocations per check", which, n)
			}
			// Membership changes (Principals re-sorts) cost nothing either.
			k := 5
			churn := func() {
				s.Nodes[k].Member = !s.Nodes[k].Member
				if s.Nodes[k].Member {
					k = (k + 7) % len(s.Nodes)
				}
				if vs := c.Check(s, which); vs != nil {
					t.Fatalf("churned ring is not healthy:\n%s", lines(vs))
				}
			}
			if n := testing.AllocsPerRun(40, churn); n != 0 {
				t.Errorf("%v with churn: %v allocations per check", which, n)
			}
		}
	}
}
