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

// skew is the potential that bounds fair quiescence once no member is
// failing any more: over every member n, the live members that n's
// successor pointer skips (strictly between n and its successor,
// clockwise) plus those its predecessor pointer skips; a pointer that is
// unset or names a dead node counts n − 1 (more than any live pointer can
// skip). It is 0 exactly when every successor and predecessor is ideal.
//
// Why it bounds the rounds: with no failure, no join and no message
// lost (quiescence in the hand-driven tests), a stabilize moves n's
// successor only to a live node strictly between n and the successor
// (the successor's predecessor, asked first under variant zave),
// and a notify or rectify moves a predecessor only to a live node
// strictly between the predecessor and n. Dead entries leave the
// pointers in round 1 (check_predecessor clears a dead predecessor;
// stabilize drops a dead successor, after which its successor is live
// and stays live). So from round 2 on no pointer's skip ever grows,
// and each change lowers it by at least 1. A round in which no pointer
// changes, in a ring that is not yet ideal, is either weakly stable
// (every successor names its member as predecessor: a loopy ring,
// correctness reference §1.5, or several rings, and neither ever
// becomes ideal) or not possible: an appendage a whose successor s
// has another predecessor p either adopts p (p between a and s) or,
// p not being between them, a lies between p and s and s takes a as
// its predecessor. So skew falls by at least 1 every round until it
// is 0, and then only the lists are left, which a fair round in ID
// order corrects by one entry (a member copies its successor's list;
// the member just before 0 copies last): r rounds more at most.
func skew(r *Ring) int {
	ms := members(r)
	n := len(ms)
	pos := make(map[Handle]int, n)
	for i, h := range ms {
		pos[h] = i
	}
	skip := func(from, to int) int { return ((to-from-1)%n + n) % n }
	sum := 0
	for i, h := range ms {
		succ, pred := None, r.Predecessor(h)
		if l := r.Successors(h); len(l) > 0 {
			succ = l[0]
		}
		if j, ok := pos[succ]; ok && r.State(succ) == Member && succ != h {
			sum += skip(i, j)
		} else {
			sum += n - 1
		}
		if j, ok := pos[pred]; ok && r.State(pred) == Member && pred != h {
			sum += skip(j, i)
		} else {
			sum += n - 1
		}
	}
	return sum
}

// quiesceBySkew is quiesce with the bound that skew's comment derives:
// after the first fair round, every round that leaves the ring not ideal
// must lower skew while it is above 0, and once it is 0 the ring must be
// ideal within r rounds more; so the ring is ideal within 1 + skew₁ + r
// rounds, skew₁ being the skew after round 1. It returns the rounds the
// ring needed and skew₁.
func quiesceBySkew(r *Ring, s *sim.Scheduler, R int, after func(what string) error) (rounds, skew1 int, err error) {
	prev, zeroAt := -1, -1
	for !structurallyIdeal(r) {
		if rounds >= 1 {
			k := skew(r)
			if rounds == 1 {
				skew1 = k
			}
			switch {
			case k == 0 && zeroAt < 0:
				zeroAt = rounds
			case k > 0 && prev >= 0 && k >= prev:
				return rounds, skew1, fmt.Errorf("round %d left skew at %d (was %d): no progress, a livelock, a loopy ring or two rings; state %s", rounds, k, prev, ringState(r))
			}
			if zeroAt >= 0 && rounds-zeroAt >= R {
				return rounds, skew1, fmt.Errorf("successors and predecessors ideal after round %d, lists still not ideal after round %d (r = %d): %+v; state %s", zeroAt, rounds, R, r.Divergence(), ringState(r))
			}
			prev = k
		}
		if err := fairRound(r, s, after); err != nil {
			return rounds, skew1, err
		}
		rounds++
	}
	before := ringState(r)
	if err := fairRound(r, s, after); err != nil {
		return rounds, skew1, err
	}
	if after := ringState(r); after != before || !structurallyIdeal(r) {
		return rounds, skew1, fmt.Errorf("ideal after %d rounds, but one more round changed it:\n%s\n%s", rounds, before, after)
	}
	return rounds, skew1, nil
}
