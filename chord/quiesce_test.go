package chord

import (
	"fmt"
	"strings"

	"github.com/chordsim/chordsim/chord/invariant"
	"github.com/chordsim/chordsim/sim"
)

// Helpers shared by the scenario tests that drive the protocol by hand
// (scenarios 3 and 10 of the correctness reference, §4).

// handBuildIdeal creates the idle nodes hs as members and gives every
// member the state of the ideal ring: predecessors, successor lists and
// fingers (what BootstrapIdeal does, for nodes whose IDs the test chose).
func handBuildIdeal(r *Ring, hs []Handle) error { return r.BuildIdeal(hs) }

// drainLimit bounds the virtual time one hand-driven action may take. With
// maintenance off only messages, their timeouts (rpc_timeout 500 ms) and
// join retries are queued; the longest chain, a stabilize that times out
// on every one of r dead successors and a join whose lookup uses all its
// retries, takes a few seconds.
const drainLimit = 60 * sim.Second

// drain runs the simulation until no event is left: one hand-driven action
// (a stabilize, a join, a failure) and everything it causes, atomically.
func drain(s *sim.Scheduler) error {
	end := s.Now().Add(drainLimit)
	for s.Pending() > 0 {
		if s.Now() > end {
			return fmt.Errorf("still %d events queued %v after the action: a livelock?", s.Pending(), drainLimit)
		}
		s.Step()
	}
	return nil
}

// members returns the live members in ID order (a copy).
func members(r *Ring) []Handle {
	o := r.Oracle()
	hs := make([]Handle, o.Len())
	for i := range hs {
		_, hs[i] = o.At(i)
	}
	return hs
}

// structurallyIdeal reports whether every member's successor list and
// predecessor are those of the ideal ring (fingers are an optimization,
// not part of correctness: reference §3, rings#388).
func structurallyIdeal(r *Ring) bool {
	d := r.Divergence()
	return d.Successor == 0 && d.Predecessor == 0 && d.SuccessorList == 0
}

// ringState is every member's list and predecessor, to detect a fixed point.
func ringState(r *Ring) string {
	var b strings.Builder
	for _, h := range members(r) {
		fmt.Fprintf(&b, "%d:%v/%d ", h, r.Successors(h), r.Predecessor(h))
	}
	return b.String()
}

// checkAfter checks the invariants of the ring's current state.
func checkAfter(r *Ring, chk *invariant.Checker, snap *invariant.Snapshot, which invariant.Set) []invariant.Violation {
	r.Snapshot(snap)
	return chk.Check(snap, which)
}

// fairRound is one round of fair quiescence: every member, in ID order,
// runs check_predecessor and then stabilize (the reference's round-robin
// schedule, §4.8: "each member in ID order: Update, Flush, S, Reconcile";
// chordsim's stabilize is Update, S and Reconcile). after is called after
// every action and may stop the round with an error.
func fairRound(r *Ring, s *sim.Scheduler, after func(what string) error) error {
	for _, h := range members(r) {
		for _, act := range []string{"check-pred", "stabilize"} {
			if r.State(h) != Member {
				break
			}
			if act == "stabilize" {
				r.stabilize(h)
			} else {
				r.checkPredecessor(h)
			}
			if err := drain(s); err != nil {
				return err
			}
			if err := after(fmt.Sprintf("quiescence %s %d", act, r.ID(h))); err != nil {
				return err
			}
		}
	}
	return nil
}

// quiesce runs fair rounds until the ring is structurally ideal, at most
// maxRounds, then one more round, which must change nothing (the fixed
// point of §1.4: "once Ideal the state is a fixed point"). It returns the
// rounds the ring needed.
func quiesce(r *Ring, s *sim.Scheduler, maxRounds int, after func(what string) error) (int, error) {
	rounds := 0
	for !structurallyIdeal(r) {
		if rounds == maxRounds {
			return rounds, fmt.Errorf("not ideal after %d fair rounds: %+v; state %s", maxRounds, r.Divergence(), ringState(r))
		}
		if err := fairRound(r, s, after); err != nil {
			return rounds, err
		}
		rounds++
	}
	before := ringState(r)
	if err := fairRound(r, s, after); err != nil {
		return rounds, err
	}
	if after := ringState(r); after != before || !structurallyIdeal(r) {
		return rounds, fmt.Errorf("ideal after %d rounds, but one more round changed it:\n%s\n%s", rounds, before, after)
	}
	return rounds, nil
}
