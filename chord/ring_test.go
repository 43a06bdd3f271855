package chord

import (
	"fmt"
	"testing"

	"github.com/chordsim/chordsim/sim"
)

type collector struct{ res []LookupResult }

func (c *collector) LookupDone(r *LookupResult) { c.res = append(c.res, *r) }

// observer is what the tests' collectors implement.
type observer interface{ LookupDone(*LookupResult) }

// testLayer is the LayerID of the observer newObserved attaches: the
// first layer, so the tests' lookups name it without carrying it around.
const testLayer LayerID = 1

// userTag tags a test's lookup for the observer newObserved attached.
func userTag(op uint64) Tag { return Tag{Layer: testLayer, Op: op} }

// newObserved is New with obs (unless nil) attached as the ring's first
// layer.
func newObserved(s *sim.Scheduler, o Options, obs observer) (*Ring, error) {
	r, err := New(s, o)
	if err != nil {
		return nil, err
	}
	if obs == nil {
		return r, nil
	}
	if l := r.Attach(Hooks{LookupDone: obs.LookupDone}); l != testLayer {
		panic(fmt.Sprintf("the observer is layer %d, not %d", l, testLayer))
	}
	return r, nil
}

// testRing builds a ring with constant 10 ms latency and no maintenance
// unless cfg says otherwise.
func testRing(t testing.TB, cfg Config, seed uint64) (*Ring, *sim.Scheduler, *collector) {
	t.Helper()
	s := sim.NewScheduler()
	c := &collector{}
	r, err := newObserved(s, Options{Config: cfg, Net: sim.NetConfig{Latency: sim.Latency{Kind: sim.Constant, A: 10 * sim.Millisecond}}, Seed: seed}, c)
	if err != nil {
		t.Fatal(err)
	}
	return r, s, c
}

func staticConfig(m int) Config {
	c := DefaultConfig()
	c.Bits = m
	c.StabilizeEvery, c.FixFingersEvery, c.CheckPredecessorEvery = 0, 0, 0
	return c
}

func TestIdealBootstrapMatchesOracle(t *testing.T) {
	for _, tc := range []struct{ m, n, r int }{{1, 1, 1}, {1, 2, 3}, {3, 8, 2}, {6, 5, 8}, {6, 64, 4}, {16, 300, 16}, {64, 1, 4}, {64, 1000, 16}} {
		cfg := staticConfig(tc.m)
		cfg.Successors = tc.r
		r, _, _ := testRing(t, cfg, uint64(tc.n))
		if err := r.BootstrapIdeal(tc.n); err != nil {
			t.Fatalf("m=%d n=%d: %v", tc.m, tc.n, err)
		}
		if d := r.Divergence(); !d.Zero() {
			t.Fatalf("m=%d n=%d r=%d: ideal bootstrap diverges from the oracle: %+v", tc.m, tc.n, tc.r, d)
		}
		if r.Oracle().Len() != tc.n {
			t.Fatalf("m=%d: oracle holds %d members, want %d", tc.m, r.Oracle().Len(), tc.n)
		}
	}
	r, _, _ := testRing(t, staticConfig(3), 1)
	if err := r.BootstrapIdeal(9); err == nil {
		t.Fatal("9 nodes fitted in a 3-bit space")
	}
}

// lookupAll looks up keys from every member and returns the results in
// order (tag = index).
func lookupAll(t testing.TB, r *Ring, s *sim.Scheduler, c *collector, keys []ID) []LookupResult {
	t.Helper()
	c.res = c.res[:0]
	tag := uint64(0)
	o := r.Oracle()
	for i := 0; i < o.Len(); i++ {
		_, h := o.At(i)
		for _, k := range keys {
			r.Lookup(h, k, userTag(tag))
			tag++
		}
	}
	for r.InFlight() > 0 && s.Step() {
	}
	if len(c.res) != int(tag) {
		t.Fatalf("%d lookups finished of %d", len(c.res), tag)
	}
	out := make([]LookupResult, tag)
	for _, res := range c.res {
		out[res.Tag.Op] = res
	}
	return out
}

// edgeKeys are every member's ID, its neighbours, and the ends of the space
// (correctness reference §4, scenario 15a), plus random keys.
func edgeKeys(r *Ring, random int) []ID {
	s := r.Space()
	keys := []ID{0, s.Max()}
	o := r.Oracle()
	for i := 0; i < o.Len(); i++ {
		id, _ := o.At(i)
		keys = append(keys, id, s.Add(id, 1), s.Add(id, ^uint64(0)))
	}
	rng := sim.Stream(7, "keys")
	for i := 0; i < random; i++ {
		keys = append(keys, s.FromUint64(rng.Uint64()))
	}
	return keys
}

// On an ideal ring every lookup returns the oracle's owner, iterative and
// recursive lookups agree on owners and hop counts, and hops never exceed N.
func TestIdealRingLookupsAreCorrect(t *testing.T) {
	for _, m := range []int{6, 16, 64} {
		for _, n := range []int{1, 2, 3, 17, 64} {
			if n > 1<<uint(m) {
				continue
			}
			for _, routing := range []Routing{FingersOnly, FingersAndSuccessors} {
				name := fmt.Sprintf("m=%d/n=%d/routing=%d", m, n, routing)
				var byMode [2][]LookupResult
				for mode, lm := range []LookupMode{Iterative, Recursive} {
					cfg := staticConfig(m)
					cfg.Successors = 4
					cfg.Lookup, cfg.Routing = lm, routing
					r, s, c := testRing(t, cfg, 11)
					if err := r.BootstrapIdeal(n); err != nil {
						t.Fatal(err)
					}
					res := lookupAll(t, r, s, c, edgeKeys(r, 40))
					for _, x := range res {
						if x.Outcome != Correct || x.Owner != r.Oracle().Successor(x.Key) {
							t.Fatalf("%s mode %d: lookup of %d from %d gave %v owner %d, oracle %d", name, lm, x.Key, x.Origin, x.Outcome, x.Owner, r.Oracle().Successor(x.Key))
						}
						if x.Hops > n {
							t.Fatalf("%s: %d hops on a ring of %d", name, x.Hops, n)
						}
					}
					byMode[mode] = res
				}
				for i := range byMode[0] {
					a, b := byMode[0][i], byMode[1][i]
					if a.Owner != b.Owner || a.Hops != b.Hops {
						t.Fatalf("%s: lookup %d: iterative (owner %d, %d hops) ≠ recursive (owner %d, %d hops)", name, i, a.Owner, a.Hops, b.Owner, b.Hops)
					}
					// Lookups with retries on also check that the owner is
					// alive (a request and its answer) unless the initiator
					// owns the key itself. Recursive ones (issue 17) send
					// each forward as a request that the next hop
					// acknowledges, and the last hop replies to the
					// initiator unless it is the initiator.
					wantIter, wantRec := 2*a.Hops, 2*a.Hops
					if a.Owner != a.Origin {
						wantIter += 2
						wantRec += 2
					}
					if a.Hops > 0 {
						wantRec++
					}
					if a.Messages != wantIter || b.Messages != wantRec {
						t.Fatalf("%s: lookup %d with %d hops sent %d (iterative) and %d (recursive) messages, want %d and %d", name, i, a.Hops, a.Messages, b.Messages, wantIter, wantRec)
					}
				}
			}
		}
	}
}

// Lookups that must not depend on fingers: with every finger above the
// successor erased, lookups still reach the right owner by walking
// successors (correctness reference §4, 15a, "fingers = successor only").
func TestLookupsWithoutFingers(t *testing.T) {
	for _, routing := range []Routing{FingersOnly, FingersAndSuccessors} {
		cfg := staticConfig(16)
		cfg.Routing = routing
		r, s, c := testRing(t, cfg, 3)
		if err := r.BootstrapIdeal(40); err != nil {
			t.Fatal(err)
		}
		for h := Handle(0); h < Handle(r.Nodes()); h++ {
			f := r.fingerTable(h)
			for i := 1; i < len(f); i++ {
				f[i] = noFinger
			}
		}
		for _, x := range lookupAll(t, r, s, c, edgeKeys(r, 10)) {
			if x.Outcome != Correct {
				t.Fatalf("routing %d: successor-only lookup of %d from %d: %v", routing, x.Key, x.Origin, x.Outcome)
			}
		}
	}
}

// Latency of an iterative lookup with constant one-way delay d is 2·d per
// hop, plus 2·d for the check that the owner is alive when retries are on.
func TestLookupLatency(t *testing.T) {
	for _, retries := range []int{0, 3} {
		cfg := staticConfig(64)
		cfg.LookupRetries = retries
		r, s, c := testRing(t, cfg, 5)
		if err := r.BootstrapIdeal(100); err != nil {
			t.Fatal(err)
		}
		for _, x := range lookupAll(t, r, s, c, edgeKeys(r, 5)) {
			rtts := x.Hops
			if retries > 0 && x.Owner != x.Origin {
				rtts++
			}
			if want := sim.Duration(rtts) * 20 * sim.Millisecond; x.Latency != want {
				t.Fatalf("retries %d: %d hops took %v, want %v", retries, x.Hops, x.Latency, want)
			}
		}
	}
}

// With virtual nodes the ideal ring is still exact, and every real node runs
// exactly VirtualNodes members.
func TestVirtualNodes(t *testing.T) {
	cfg := staticConfig(32)
	cfg.VirtualNodes = 3
	r, s, c := testRing(t, cfg, 4)
	if err := r.BootstrapIdeal(50); err != nil {
		t.Fatal(err)
	}
	if r.Oracle().Len() != 150 {
		t.Fatalf("%d members, want 150", r.Oracle().Len())
	}
	if d := r.Divergence(); !d.Zero() {
		t.Fatalf("diverges: %+v", d)
	}
	perHost := map[int]int{}
	for h := Handle(0); h < Handle(r.Nodes()); h++ {
		perHost[r.Host(h)]++
	}
	for host := 0; host < 50; host++ {
		if perHost[host] != 3 {
			t.Fatalf("real node %d runs %d members, want 3", host, perHost[host])
		}
	}
	for _, x := range lookupAll(t, r, s, c, edgeKeys(r, 5)) {
		if x.Outcome != Correct {
			t.Fatalf("lookup of %d: %v", x.Key, x.Outcome)
		}
	}
}

// The ideal bootstrap splits its rows among goroutines on large rings; the
// ring must not depend on the split. Every row of rings built in 1, 2, 3
// and 7 parts must be identical (and ideal).
func TestIdealBootstrapSplitIsInvisible(t *testing.T) {
	defer func() { idealParts = 0 }()
	for _, tc := range []struct{ m, n, r int }{{64, 1000, 16}, {16, 5000, 4}, {8, 200, 3}, {64, 2, 4}} {
		var want string
		for _, parts := range []int{1, 2, 3, 7} {
			idealParts = parts
			cfg := staticConfig(tc.m)
			cfg.Successors = tc.r
			r, _, _ := testRing(t, cfg, 9)
			if err := r.BootstrapIdeal(tc.n); err != nil {
				t.Fatal(err)
			}
			if d := r.Divergence(); !d.Zero() {
				t.Fatalf("m=%d n=%d in %d parts: not ideal: %+v", tc.m, tc.n, parts, d)
			}
			got := fmt.Sprint(r.succ, r.fingers, r.pred)
			if parts == 1 {
				want = got
			} else if got != want {
				t.Fatalf("m=%d n=%d: the ring built in %d parts differs from the one built in 1", tc.m, tc.n, parts)
			}
		}
	}
}
