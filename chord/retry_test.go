package chord

import (
	"fmt"
	"testing"

	"github.com/chordsim/chordsim/sim"
)

// With maintenance off, a third of the nodes failed and every table still
// naming them, iterative lookups with retries route around the dead
// (ToN §IV-E.3: after a timeout, "the next best predecessor among the nodes
// in the finger table and the successor list") and all return the key's
// current owner; without retries, lookups whose path meets a dead node fail
// by timeout, never with a wrong answer reported as right.
func TestLookupsRouteAroundFailures(t *testing.T) {
	for _, retries := range []int{0, 64} {
		for _, routing := range []Routing{FingersAndSuccessors, FingersOnly} {
			t.Run(fmt.Sprintf("retries=%d/routing=%d", retries, routing), func(t *testing.T) {
				cfg := staticConfig(64)
				cfg.Successors = 20
				cfg.LookupRetries = retries
				cfg.Routing = routing
				r, s, c := testRing(t, cfg, 1)
				if err := r.BootstrapIdeal(1000); err != nil {
					t.Fatal(err)
				}
				for h := Handle(0); h < 1000; h += 3 {
					if err := r.Fail(h); err != nil {
						t.Fatal(err)
					}
				}
				var keys []ID
				for i := 0; i < 60; i++ {
					keys = append(keys, ID(uint64(i)*0x9e3779b97f4a7c15))
				}
				res := lookupAll(t, r, s, c, keys)
				var byOutcome [NumOutcomes]int
				timeouts := 0
				for _, x := range res {
					byOutcome[x.Outcome]++
					timeouts += x.Timeouts
					if x.Outcome == Correct && x.Owner != r.Oracle().Successor(x.Key) {
						t.Fatalf("lookup of %d reported correct with owner %d, oracle %d", x.Key, x.Owner, r.Oracle().Successor(x.Key))
					}
					if x.Timeouts > retries+1 {
						t.Fatalf("lookup of %d survived %d timeouts with %d retries", x.Key, x.Timeouts, retries)
					}
				}
				if timeouts == 0 {
					t.Fatal("no lookup met a dead node: the test does not test failures")
				}
				if retries > 0 && byOutcome[Correct] != len(res) {
					t.Fatalf("with retries: outcomes %v of %d lookups, want all correct", byOutcome, len(res))
				}
				if retries == 0 && byOutcome[TimedOut] == 0 {
					t.Fatalf("without retries no lookup timed out: %v", byOutcome)
				}
			})
		}
	}
}

// T03 Thm IV.5: with successor lists of Ω(log N) entries, after every node
// fails with probability 1/2, find_successor still returns the closest live
// successor. With maintenance stopped and every table still naming the
// dead, lookups with retries must all return the current owner. This
// needs two things a first version lacked: enough fallbacks per step
// (with 4, one step in 16 had none left alive) and, when a step's
// fallbacks are all silent, asking that hop again with the silent nodes
// named (starting over from the origin repeated the same dead end until the
// hop limit: 7% of lookups failed).
func TestLookupsSurviveHalfTheRingFailing(t *testing.T) {
	for _, routing := range []Routing{FingersAndSuccessors, FingersOnly} {
		t.Run(fmt.Sprintf("routing=%d", routing), func(t *testing.T) {
			cfg := staticConfig(64)
			cfg.Successors = 20
			cfg.LookupRetries = 64
			cfg.Routing = routing
			r, s, c := testRing(t, cfg, 7)
			const n = 1000
			if err := r.BootstrapIdeal(n); err != nil {
				t.Fatal(err)
			}
			rng := sim.Stream(7, "test-failures")
			failed := 0
			for h := Handle(0); h < n; h++ {
				if rng.IntN(2) == 0 {
					if err := r.Fail(h); err != nil {
						t.Fatal(err)
					}
					failed++
				}
			}
			var keys []ID
			for i := 0; i < 100; i++ {
				keys = append(keys, ID(rng.Uint64()))
			}
			res := lookupAll(t, r, s, c, keys)
			var byOutcome [NumOutcomes]int
			timeouts, maxHops := 0, 0
			for _, x := range res {
				byOutcome[x.Outcome]++
				timeouts += x.Timeouts
				maxHops = max(maxHops, x.Hops)
			}
			t.Logf("%d of %d failed; %d lookups: outcomes %v, %.2f timeouts per lookup, at most %d hops", failed, n, len(res), byOutcome, float64(timeouts)/float64(len(res)), maxHops)
			if timeouts < len(res) {
				t.Fatalf("only %d timeouts in %d lookups: the test does not exercise failures", timeouts, len(res))
			}
			if byOutcome[Correct] != len(res) {
				t.Fatalf("outcomes %v of %d lookups, want all correct", byOutcome, len(res))
			}
		})
	}
}
