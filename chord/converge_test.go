package chord

import (
	"math"
	"testing"

	"github.com/chordsim/chordsim/sim"
)

// growByJoins creates a ring of one on r and schedules n−1 more nodes to
// join it, one every period P; it returns the time of the last join.
func growByJoins(t *testing.T, r *Ring, n int, P sim.Duration) sim.Time {
	t.Helper()
	first, _ := r.AddNode()
	if err := r.Create(first); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < n; i++ {
		h, _ := r.AddNode()
		r.ScheduleJoin(sim.Time(i)*sim.Time(P), h)
	}
	return sim.Time(n-1) * sim.Time(P)
}

// A ring grown through the protocol, one join per stabilization period on
// average, must reach exactly the ideal ring's successors, predecessors,
// successor lists and fingers within a bounded number of periods after the
// last join.
//
// The bound, in periods P (each periodic task fires every P·(1±J)):
//   - 3 rounds for successors and predecessors: the last joiner j stabilizes
//     (its successor s learns j as predecessor), then j's true predecessor p
//     stabilizes (p adopts j and notifies it); one more round absorbs a join
//     that landed in the same gap as an earlier one still settling;
//   - r rounds for successor lists: each stabilize copies the successor's
//     list, so a correct entry travels one node back per round;
//   - ⌈log2 N⌉ + 3 rounds for fingers: fix_fingers (FixOne) makes one remote
//     lookup per call, and w.h.p. only about log2 N fingers differ from the
//     successor (ToN Thm IV.2); the others are set locally on the way.
//
// Rounds are sequential in the worst case, and each lasts at most (1+J)·P.
// Measured on this seed: 14 periods, against a bound of 36.
func TestProtocolGrowthConvergesToIdeal(t *testing.T) {
	const n = 1000
	cfg := DefaultConfig()
	cfg.Successors = 8
	cfg.FixFingers = FixOne
	P := sim.Second
	cfg.StabilizeEvery, cfg.FixFingersEvery, cfg.CheckPredecessorEvery = P, P, P
	r, s, _ := testRing(t, cfg, 1)
	last := growByJoins(t, r, n, P)
	rounds := 3 + cfg.Successors + int(math.Ceil(math.Log2(n))) + 3
	bound := int(math.Ceil((1 + cfg.Jitter) * float64(rounds)))
	s.RunUntil(last)
	for k := 0; ; k++ {
		s.RunUntil(last + sim.Time(k)*sim.Time(P))
		d := r.Divergence()
		if d.Zero() {
			if r.Oracle().Len() != n {
				t.Fatalf("converged with %d members, want %d", r.Oracle().Len(), n)
			}
			t.Logf("ideal %d periods after the last join (bound %d)", k, bound)
			return
		}
		if k >= bound {
			t.Fatalf("not ideal %d periods after the last join (bound %d): %+v", k, bound, d)
		}
	}
}

// Correctness reference §4, scenario 1: the 1 → 2 bootstrap works only if
// (a, a) is the whole ring but a.
func TestBootstrapOneToTwo(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Bits = 4
	cfg.StabilizeEvery = sim.Second
	cfg.FixFingersEvery, cfg.CheckPredecessorEvery = 0, 0
	r, s, c := testRing(t, cfg, 2)
	a, _ := r.AddNode()
	b, _ := r.AddNode()
	if err := r.Create(a); err != nil {
		t.Fatal(err)
	}
	if err := r.JoinVia(b, a); err != nil {
		t.Fatal(err)
	}
	s.RunUntil(sim.Time(5 * sim.Second))
	if r.Successors(a)[0] != b || r.Successors(b)[0] != a || r.Predecessor(a) != b || r.Predecessor(b) != a {
		t.Fatalf("not a 2-ring: succ(a)=%v succ(b)=%v pred(a)=%d pred(b)=%d", r.Successors(a), r.Successors(b), r.Predecessor(a), r.Predecessor(b))
	}
	var keys []ID
	for k := ID(0); k < 16; k++ {
		keys = append(keys, k)
	}
	for _, x := range lookupAll(t, r, s, c, keys) {
		if x.Outcome != Correct {
			t.Fatalf("lookup of %d from %d: %v", x.Key, x.Origin, x.Outcome)
		}
	}
}
