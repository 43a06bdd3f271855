package chord

import (
	"fmt"
	"testing"

	"github.com/chordsim/chordsim/sim"
)

// Correctness reference §4, scenario 15 (b): "Kill an intermediate hop
// mid-lookup, recursive and iterative. ToN: 'If a node fails during the
// find_successor procedure, the lookup proceeds, after a timeout, by trying
// the next best predecessor among the nodes in the finger table and the
// successor list.' Expect termination within a hop/time bound, a live node
// as result, and the correct owner after quiescence."
//
// On an ideal ring of 64 (m = 16, r = 4, maintenance off), a lookup whose
// path has at least three hops starts, and the second hop fails while the
// message to it is in flight (the initiator's request in iterative mode,
// the first hop's forward in recursive mode).
//
//   - Iterative: the initiator's request times out (rpc_timeout), it
//     forgets the hop and tries the next best node the first hop named:
//     the lookup must return the current owner, with one timeout.
//   - Recursive: each forward is a request that the next hop
//     acknowledges (issue 17, symptom 2); the first hop's forward to the
//     dead second hop goes unacknowledged, and the first hop forwards to
//     its next best node instead: the lookup must return the current
//     owner, with one timeout. (Before, a forward was a one-way message,
//     the first hop never learned that the second was dead, and the
//     initiator waited lookup_timeout and gave up: the pitfall the
//     correctness reference §5.2 lists, tsujio/webrtc-chord#9.)
//
// After quiescence (stabilize, check_predecessor and fix_fingers rounds of
// every member), the same lookup must return the owner in both modes.
func TestLookupSurvivesHopKilledMidLookup(t *testing.T) {
	for _, mode := range []LookupMode{Iterative, Recursive} {
		name := map[LookupMode]string{Iterative: "iterative", Recursive: "recursive"}[mode]
		t.Run(name, func(t *testing.T) {
			cfg := staticConfig(16)
			cfg.Successors = 4
			cfg.Lookup = mode
			r, s, c := testRing(t, cfg, 5)
			const n = 64
			if err := r.BootstrapIdeal(n); err != nil {
				t.Fatal(err)
			}
			origin, key, path := longPath(r, 3)
			if path == nil {
				t.Fatal("no lookup with three hops on this ring")
			}
			victim := path[1]
			kind := MsgFindSuccessor // the initiator's second request goes to path[1]
			if mode == Recursive {
				kind = MsgLookupForward // path[0]'s forward to path[1] is the second
			}
			c.res = c.res[:0]
			start := s.Now()
			r.Lookup(origin, key, userTag(0))
			for r.MessagesSent()[kind] < 2 {
				if !s.Step() {
					t.Fatal("the lookup ended before reaching its second hop")
				}
			}
			if err := r.Fail(victim); err != nil {
				t.Fatal(err)
			}
			for r.InFlight() > 0 && s.Step() {
			}
			if len(c.res) != 1 {
				t.Fatalf("%d results", len(c.res))
			}
			x := c.res[0]
			owner := r.Oracle().Successor(key)
			if owner == victim {
				t.Fatal("the victim owns the key: not an intermediate hop")
			}
			// The bound: every try either answers within MaxHops round
			// trips or times out, and LookupRetries+1 timeouts end it.
			timeout := cfg.RPCTimeout
			bound := sim.Duration(cfg.LookupRetries+1)*timeout + sim.Duration(2*cfg.MaxHops+2)*10*sim.Millisecond
			got := "none"
			if x.Owner != None {
				got = fmt.Sprint(r.ID(x.Owner))
			}
			t.Logf("path %s, key %d, victim %d: %v, owner %s (oracle %d), %d hops, %d timeouts, %v (bound %v)",
				fmtPath(r, origin, path), key, r.ID(victim), x.Outcome, got, r.ID(owner), x.Hops, x.Timeouts, x.Latency, bound)
			if x.Latency > bound || x.Hops > cfg.MaxHops {
				t.Fatalf("took %v and %d hops, bound %v and %d", x.Latency, x.Hops, bound, cfg.MaxHops)
			}
			if x.Outcome != Correct || x.Owner != owner || x.Timeouts != 1 {
				t.Fatalf("%v, owner %d, %d timeouts; want the owner %d after one timeout", x.Outcome, x.Owner, x.Timeouts, owner)
			}
			if s.Now().Sub(start) < cfg.RPCTimeout {
				t.Fatal("the lookup ended before any timeout: the victim was not on its path")
			}

			// Quiescence: fair rounds of check_predecessor and stabilize
			// until ideal (the victim's r predecessors need up to r rounds:
			// a correct list entry travels back one node per stabilize),
			// then m rounds of fix_fingers (one remote lookup per call).
			if _, err := quiesce(r, s, cfg.Successors+2, func(string) error { return nil }); err != nil {
				t.Fatal(err)
			}
			for range cfg.Bits {
				for _, h := range members(r) {
					r.fixFingers(h)
					if err := drain(s); err != nil {
						t.Fatal(err)
					}
				}
			}
			if d := r.Divergence(); !d.Zero() {
				t.Fatalf("not ideal after quiescence: %+v", d)
			}
			c.res = c.res[:0]
			r.Lookup(origin, key, userTag(0))
			for r.InFlight() > 0 && s.Step() {
			}
			if y := c.res[0]; y.Outcome != Correct || y.Owner != owner || y.Timeouts != 0 {
				t.Fatalf("after quiescence: %v owner %d with %d timeouts, want %d", y.Outcome, y.Owner, y.Timeouts, owner)
			}
		})
	}
}

// longPath finds, scanning members and keys in a fixed order, a lookup
// whose path (the hops decide chooses, the initiator excluded, the
// answering node included) has at least k nodes, and returns its origin,
// key and path.
func longPath(r *Ring, k int) (Handle, ID, []Handle) {
	o := r.Oracle()
	for i := 0; i < o.Len(); i++ {
		_, origin := o.At(i)
		for j := uint64(1); j < 64; j++ {
			key := ID(j * 0x9e37 & uint64(r.Space().Max()))
			var path []Handle
			x := origin
			for len(path) <= o.Len() {
				done, next := r.decide(x, key)
				if done {
					break
				}
				path = append(path, next)
				x = next
			}
			if len(path) >= k {
				return origin, key, path
			}
		}
	}
	return None, 0, nil
}

func fmtPath(r *Ring, origin Handle, path []Handle) string {
	s := fmt.Sprint(r.ID(origin))
	for _, h := range path {
		s += fmt.Sprintf(" → %d", r.ID(h))
	}
	return s
}
