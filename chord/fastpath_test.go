package chord

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/chordsim/chordsim/sim"
)

// The ring's shortcuts (routing comparisons settled by a finger's
// identifier prefix, the oracle's owner check on a freshly bootstrapped
// ring, and Touch) must not change a single result: every run here is
// made twice, once with Ring.reference set (every comparison reads the
// identifier, every answer is checked by searching the oracle, Touch
// loads nothing), and the two traces (every lookup result, message counts, the final divergence)
// must be identical. The runs cover m = 64, 40 and 16 (prefix of 32 bits
// out of 64 or 40, and m ≤ 32 where the prefix is the identifier), both
// routings, lookups with and without retries, and a ring with maintenance
// running through failures, leaves and joins (which also ends the oracle's
// shortcut). Keys include every node's identifier and its neighbours, so
// that a key often shares a finger's prefix block.
func TestFastPathsMatchReference(t *testing.T) {
	for _, m := range []int{64, 40, 16} {
		for _, routing := range []Routing{FingersAndSuccessors, FingersOnly} {
			for _, retries := range []int{0, 3} {
				name := fmt.Sprintf("m=%d/routing=%d/retries=%d", m, routing, retries)
				t.Run(name, func(t *testing.T) {
					fast, fastStats := fastPathTrace(t, m, routing, retries, false)
					ref, _ := fastPathTrace(t, m, routing, retries, true)
					if fast != ref {
						fl, rl := strings.Split(fast, "\n"), strings.Split(ref, "\n")
						for i := range min(len(fl), len(rl)) {
							if fl[i] != rl[i] {
								t.Fatalf("fast and reference paths differ at line %d:\nfast: %s\nref:  %s", i, fl[i], rl[i])
							}
						}
						t.Fatalf("fast and reference traces differ in length: %d and %d lines", len(fl), len(rl))
					}
					// The comparison means something only if the runs
					// route far, fail some lookups and change membership.
					if fastStats.lookups < 10000 || fastStats.maxHops < 4 || fastStats.notCorrect == 0 || fastStats.joined == 0 {
						t.Fatalf("the trace exercises too little: %+v", fastStats)
					}
				})
			}
		}
	}
}

type fastPathStats struct{ lookups, maxHops, notCorrect, joined int }

// fastPathTrace runs the scenario of TestFastPathsMatchReference and
// returns its trace.
func fastPathTrace(t *testing.T, m int, routing Routing, retries int, reference bool) (string, fastPathStats) {
	return fastPathTraceBase(t, m, 2, routing, retries, reference)
}

// fastPathTraceBase is fastPathTrace with finger base b.
func fastPathTraceBase(t *testing.T, m, base int, routing Routing, retries int, reference bool) (string, fastPathStats) {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Bits = m
	cfg.Base = base
	cfg.Routing = routing
	cfg.LookupRetries = retries
	cfg.StabilizeEvery, cfg.FixFingersEvery, cfg.CheckPredecessorEvery = 2*sim.Second, 2*sim.Second, 2*sim.Second
	s := sim.NewScheduler()
	c := &collector{}
	r, err := newObserved(s, Options{Config: cfg, Seed: 5, UniformIDs: true, reference: reference,
		Net: sim.NetConfig{Latency: sim.Latency{Kind: sim.Exponential, A: 50 * sim.Millisecond}}}, c)
	if err != nil {
		t.Fatal(err)
	}
	const n = 500
	if err := r.BootstrapIdeal(n); err != nil {
		t.Fatal(err)
	}
	var st fastPathStats
	var b strings.Builder
	flush := func(phase string) {
		fmt.Fprintf(&b, "%s\n", phase)
		for _, x := range c.res {
			fmt.Fprintf(&b, "%+v\n", x)
			st.lookups++
			st.maxHops = max(st.maxHops, x.Hops)
			if x.Outcome != Correct {
				st.notCorrect++
			}
		}
		c.res = c.res[:0]
	}
	rng := sim.Stream(11, "fastpath")
	keys := edgeKeys(r, 200)
	lookups := func(count int) {
		o := r.Oracle()
		for i := 0; i < count; i++ {
			_, h := o.At(rng.IntN(o.Len()))
			r.Lookup(h, keys[rng.IntN(len(keys))], userTag(uint64(i)))
		}
	}
	// Phase 1: the bootstrapped ring, untouched.
	lookups(4000)
	s.RunUntil(s.Now().Add(5 * sim.Second))
	flush("ideal")
	// Phase 2: a tenth fails, a few leave, new nodes join, with lookups
	// throughout.
	for h := Handle(0); h < n; h += 10 {
		if err := r.Fail(h); err != nil {
			t.Fatal(err)
		}
	}
	for h := Handle(5); h < n; h += 50 {
		if err := r.Leave(h); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 40; i++ {
		h, err := r.AddNode()
		if err != nil {
			t.Fatal(err)
		}
		r.ScheduleJoin(s.Now().Add(sim.Duration(i)*100*sim.Millisecond), h)
	}
	for round := 0; round < 20; round++ {
		lookups(400)
		s.RunUntil(s.Now().Add(sim.Second))
	}
	s.RunUntil(s.Now().Add(10 * sim.Second))
	flush("churn")
	for h := Handle(n); h < Handle(r.Nodes()); h++ {
		if r.State(h) == Member {
			st.joined++
		}
	}
	fmt.Fprintf(&b, "messages %v\ndivergence %+v\n", r.MessagesSent(), r.Divergence())
	return b.String(), st
}

// fingerDist's bounds hold the true distance from a node to a finger for
// every identifier size, including fingers in the node's own prefix block
// and ones a few identifiers away from a block's edge; for m ≤ 32 they are
// the distance itself.
func TestFingerDistBoundsTheDistance(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for m := 1; m <= 64; m++ {
		r := &Ring{space: MustSpace(m), hiShift: uint(max(m-32, 0))}
		mask := uint64(1)<<m - 1
		if m == 64 {
			mask = ^uint64(0)
		}
		for range 2000 {
			nid := ID(rng.Uint64() & mask)
			var id ID
			switch rng.IntN(3) {
			case 0:
				id = ID(rng.Uint64() & mask)
			case 1: // near nid, often in its block
				id = ID((uint64(nid) + rng.Uint64N(1<<10) - 1<<9) & mask)
			default: // near a block edge
				id = ID((uint64(rng.Uint64()&mask)>>r.hiShift<<r.hiShift + rng.Uint64N(4) - 2) & mask)
			}
			e := fingerEntry{h: 0, hi: uint32(uint64(id) >> r.hiShift)}
			lo, hi := r.fingerDist(nid, e)
			d := r.space.Dist(nid, id)
			if d < lo || d > hi {
				t.Fatalf("m=%d nid=%#x finger=%#x: distance %d outside [%d, %d]", m, nid, id, d, lo, hi)
			}
			if m <= 32 && lo != hi {
				t.Fatalf("m=%d: bounds [%d, %d] are not exact", m, lo, hi)
			}
			if uint32(uint64(nid)>>r.hiShift) != e.hi && hi-lo != 1<<r.hiShift-1 {
				t.Fatalf("m=%d: bounds [%d, %d] wider than a block outside nid's", m, lo, hi)
			}
		}
	}
}
