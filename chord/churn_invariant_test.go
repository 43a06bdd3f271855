package chord

import (
	"flag"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/chordsim/chordsim/chord/invariant"
	"github.com/chordsim/chordsim/sim"
)

var (
	churnSeeds  = flag.Int("scenario.seeds", 200, "seeds per gate and successor-list length r in TestChurnKeepsInvariants")
	churnSeed   = flag.Int64("scenario.seed", -1, "run TestChurnKeepsInvariants for this seed only (-1: all of -scenario.seeds)")
	churnEvents = flag.Int("scenario.events", 300, "churn events per seed in TestChurnKeepsInvariants")
	churnTrace  = flag.Bool("scenario.trace", false, "log every churn event and the state after it (with -scenario.seed)")
)

// Correctness reference §4, scenario 10, adapted: the reference asks for
// Zave's corrected protocol ("correct mode") under random churn with the
// failure assumption enforced. This runs chordsim's variant zave (issue
// 17: stabilize adopts its successor's predecessor only after it answers,
// rectify on notify, lists cut where they stop running clockwise, the
// confirming failure detector) under that assumption; it differs from
// Zave's model in that a stabilize rebuilds the whole list from one
// answer and check_predecessor still runs:
//
//   - start: an ideal ring of r+1 members, m = 8, r ∈ {2, 3};
//   - a seeded random mix of joins (a quarter of them reuse the ID of a
//     failed node: a new incarnation, §4.15c), failures that pass the
//     failure gate, and single-node stabilize, check_predecessor and
//     fix_fingers steps, each run to completion before the next (the gate
//     judges a state with no message in flight, as Zave's atomic
//     operations do);
//   - invariants checked after every simulator event, not only after
//     every churn event;
//   - then quiescence (quiesceBySkew: fair rounds of check_predecessor
//     and stabilize in ID order) must make progress every round and reach
//     the exact ideal ring: from round 2 on, every round must lower skew
//     (the live members that the successor and predecessor pointers
//     skip; skew's comment derives why it must) until it is 0, and then
//     the lists must be ideal within r rounds, so the ring is ideal
//     within 1 + skew₁ + r rounds (skew₁: after round 1); one more round
//     must change nothing (§1.4: progress and fixed point), and lookups
//     must all be correct once fix_fingers has run.
//
// Zave's progress theorem promises a state change in every non-ideal
// state, not a number of rounds, and a wrong successor walks back one
// member per stabilize (it takes its successor's predecessor), so the
// rounds a seed needs are not bounded by the members: when a member's
// successor has wrapped most of the way round the ring, and another
// member's walk back waits for it, the walks add up. The test used to
// assert members + r + 2 rounds, an estimate that assumed one walk; with
// -scenario.seeds 3000 the members gate exceeded it once (r = 3, seed
// 2500, 31 rounds with 23 members: 143's successor had wrapped round to
// 57 and walked back in 12 steps, one a round; 224's, wrapped round to
// 144, could start its 11 steps back only then; then 170's 3 steps and
// the lists), while skew fell every round. The log gives the
// distribution of rounds − members per gate.
//
// Three gates (subtests):
//
//   - gate=members, the gate as scenario 10 states it (failureAllowed): no
//     member may be left without another live member in its list, and at
//     least r+1 members remain. Asserted: LiveSuccessor, CoreValid,
//     NoDuplicates. Observed and logged, not asserted: Principals and
//     OrderedSuccessorLists. This gate keeps r+1 members, not Zave's r+1
//     principals, and with 200 seeds the principals fall below r+1 in most
//     runs; after that, a member whose successor skips live nodes copies
//     its successor's list and gets an out-of-order list (ToN's "prepend
//     s to s's list", e.g. n = 1, s = 108, s's list [51 …]: [108 51]).
//     Measured on seeds 0–399: OrderedSuccessorLists breaks in 3 (r = 2)
//     and 111 (r = 3), and in every one of them the principals had fallen
//     below r+1 at an earlier event; that order is asserted.
//   - gate=zave: rule (b) is Z-corr's instead (principalsRule: a principal
//     may fail only if more than r+1 principals exist). Asserted: the
//     default set, OrderedSuccessorLists included. Principals is observed:
//     with identifier reuse it can dip for an instant without a failure
//     (a member drops a dead old incarnation from its list, and the
//     adjacent pair that replaces it now skips the live new incarnation
//     with the same ID, until the member's immediate re-stabilize adopts
//     it; Zave's model, where a node is its ID, has no such state).
//   - gate=zave-noreuse: the same without identifier reuse. Asserted: all
//     invariants, Principals included (Zave's whole inductive invariant).
//
// A failing seed prints the command that reruns it alone (add
// -scenario.trace to log every churn event and the state after it).
func TestChurnKeepsInvariants(t *testing.T) {
	core := invariant.SetOf(invariant.LiveSuccessor, invariant.NoDuplicates) | invariant.CoreValid
	principals := invariant.SetOf(invariant.Principals)
	osl := invariant.SetOf(invariant.OrderedSuccessorLists)
	gates := []struct {
		name               string
		zave, noReuse      bool
		asserted, observed invariant.Set
	}{
		{"members", false, false, core, osl | principals},
		{"zave", true, false, invariant.Default, principals},
		{"zave-noreuse", true, true, invariant.All, 0},
	}
	for _, g := range gates {
		for _, r := range []int{2, 3} {
			name := fmt.Sprintf("gate=%s/r=%d", g.name, r)
			t.Run(name, func(t *testing.T) {
				seeds := make([]uint64, 0, *churnSeeds)
				if *churnSeed >= 0 {
					seeds = append(seeds, uint64(*churnSeed))
				} else {
					for s := 0; s < *churnSeeds; s++ {
						seeds = append(seeds, uint64(s))
					}
				}
				var trace func(string, ...any)
				if *churnTrace {
					trace = t.Logf
				}
				var st churnStats
				broke := map[invariant.Invariant][]uint64{}
				failed := 0
				for _, seed := range seeds {
					first := map[invariant.Invariant]int{}
					step := 0
					o := churnOpts{r: r, events: *churnEvents, principalsGate: g.zave, noReuse: g.noReuse, which: g.asserted, observed: g.observed,
						observe: func(v invariant.Set, _ string) {
							step++
							for _, inv := range []invariant.Invariant{invariant.OrderedSuccessorLists, invariant.Principals} {
								if _, seen := first[inv]; !seen && v.Has(inv) {
									first[inv] = step
								}
							}
						}}
					err := runChurn(o, seed, &st, trace)
					if err == nil && g.observed.Has(invariant.OrderedSuccessorLists) {
						if at, ok := first[invariant.OrderedSuccessorLists]; ok {
							if p, ok := first[invariant.Principals]; !ok || p >= at {
								err = fmt.Errorf("OrderedSuccessorLists broke (event %d) while at least r+1 principals were left: not explained by the weak gate", at)
							}
						}
					}
					for inv := range first {
						broke[inv] = append(broke[inv], seed)
					}
					if err != nil {
						failed++
						t.Errorf("%s seed %d: %v\nrerun: go test ./chord -run 'TestChurnKeepsInvariants/%s$' -scenario.seed=%d -scenario.events=%d -v", name, seed, err, name, seed, *churnEvents)
						if failed == 5 {
							t.Fatalf("stopping after 5 failing seeds")
						}
					}
				}
				t.Logf("%s: %d seeds × %d events: %s", name, len(seeds), *churnEvents, st)
				for _, inv := range []invariant.Invariant{invariant.OrderedSuccessorLists, invariant.Principals} {
					if ss := broke[inv]; len(ss) > 0 {
						slices.Sort(ss)
						t.Logf("%s: observed, not asserted: %v broken in %d of %d seeds, first %v", name, inv, len(ss), len(seeds), ss[:min(len(ss), 10)])
					}
				}
			})
		}
	}
}

// churnStats sums what the seeds did, for the log.
type churnStats struct {
	runs, events, joins, reuses, abandoned, fails, refused, maxMembers, lookups int
	kinds                                                                       [5]int
	// Fair rounds to the ideal ring: the most a seed needed and its members
	// then; the most beyond the members count (can be negative); the least
	// margin left under the derived bound 1 + skew₁ + r (quiesceBySkew); and
	// how many seeds needed more than members + r + 2, the bound this test
	// used to assert (an estimate, not derived: it assumed one walk back
	// through the members at most).
	maxRounds, roundsMembers, maxSlack, minMargin, overOld int
	slack                                                  map[int]int // seeds by rounds − members
}

// record adds one seed's quiescence.
func (s *churnStats) record(rounds, members, skew1, r int) {
	if rounds > s.maxRounds {
		s.maxRounds, s.roundsMembers = rounds, members
	}
	if s.runs == 0 || rounds-members > s.maxSlack {
		s.maxSlack = rounds - members
	}
	if m := 1 + skew1 + r - rounds; s.runs == 0 || m < s.minMargin {
		s.minMargin = m
	}
	if rounds > members+r+2 {
		s.overOld++
	}
	if s.slack == nil {
		s.slack = map[int]int{}
	}
	s.slack[rounds-members]++
	s.runs++
}

func (s churnStats) String() string {
	ks := slices.Sorted(maps.Keys(s.slack))
	var dist []string
	for _, k := range ks {
		dist = append(dist, fmt.Sprintf("%+d:%d", k, s.slack[k]))
	}
	return fmt.Sprintf("%d events (stabilize %d, check_pred %d, fix_fingers %d), %d joins (%d reusing a dead node's ID, %d abandoned after %v), %d failures (%d more refused by the gate), at most %d members, ideal within at most %d fair round(s) (with %d members; rounds − members at most %d; seeds by rounds − members [%s]; least margin under 1 + skew₁ + r: %d; %d seed(s) beyond members + r + 2), %d lookups correct after quiescence",
		s.events, s.kinds[2], s.kinds[3], s.kinds[4], s.joins, s.reuses, s.abandoned, churnJoinWindow, s.fails, s.refused, s.maxMembers, s.maxRounds, s.roundsMembers, s.maxSlack, strings.Join(dist, " "), s.minMargin, s.overOld, s.lookups)
}

const (
	churnBits       = 8
	churnMaxMembers = 24
	// churnJoinWindow is how long a join may take. A joiner's lookup
	// routes around dead nodes as any lookup does (lookup_retries; see
	// 15c_rejoin_before_repair.txt), and a joiner whose lookup fails
	// anyway, or whose successor stays silent, retries through a random
	// member after rpc_timeout; if every route to its ID, or the node
	// just after it, is dead, it cannot join until stabilization repairs
	// the ring, which cannot happen while the join step runs alone. Such
	// a joiner is stopped (Fail while Joining: it never became a member,
	// so no invariant sees it) and counted as abandoned.
	churnJoinWindow = 5 * sim.Second
)

// churnOpts are the knobs of one churn run.
type churnOpts struct {
	r, events int
	// principalsGate replaces rule (b) of the gate by Z-corr's: a principal
	// may fail only if more than r+1 principals exist.
	principalsGate bool
	noReuse        bool          // joins never reuse a failed node's ID
	which          invariant.Set // checked after every simulator event
	// observe, if not nil, hears the invariants of observed (a set disjoint
	// from which) that are violated after each simulator event.
	observed invariant.Set
	observe  func(violated invariant.Set, what string)
}

// runChurn runs one seed. The ring's own streams and the test's choices
// both derive from seed. trace, if not nil, hears every churn event and
// the state after it.
func runChurn(o churnOpts, seed uint64, st *churnStats, trace func(string, ...any)) error {
	R, events := o.r, o.events
	cfg := staticConfig(churnBits)
	cfg.Successors = R
	cfg.Variant = Zave
	s := sim.NewScheduler()
	c := &collector{}
	r, err := newObserved(s, Options{Config: cfg, Net: sim.NetConfig{Latency: sim.Latency{Kind: sim.Constant, A: 10 * sim.Millisecond}}, Seed: seed}, c)
	if err != nil {
		return err
	}
	r.EnableLog(64)
	rng := sim.Stream(seed, "churn-test")
	var (
		chk     invariant.Checker
		snap    invariant.Snapshot
		history []string // the churn events so far, for the report
	)
	fail := func(format string, args ...any) error {
		var b strings.Builder
		fmt.Fprintf(&b, format, args...)
		fmt.Fprintf(&b, "\nstate (id:[successors]/pred, † dead): %s", idState(r))
		from := max(0, len(history)-25)
		fmt.Fprintf(&b, "\nlast churn events (of %d):\n  %s", len(history), strings.Join(history[from:], "\n  "))
		b.WriteString("\nlast protocol events:")
		for _, e := range r.RecentEvents() {
			b.WriteString("\n  " + r.Format(e))
		}
		return fmt.Errorf("%s", b.String())
	}
	check := func(what string) error {
		vs := checkAfter(r, &chk, &snap, o.which|o.observed)
		if o.observe != nil {
			o.observe(invariant.Violated(vs)&o.observed, what)
		}
		var bad []invariant.Violation
		for _, v := range vs {
			if o.which.Has(v.Invariant) {
				bad = append(bad, v)
			}
		}
		if len(bad) > 0 {
			return fail("after %s: %v", what, bad)
		}
		return nil
	}
	// used reports whether any node ever had id: without identifier reuse,
	// a fresh node must not take a failed node's ID either (lists may
	// still name the failed one, and the invariants, like Zave's model,
	// identify a node with its ID).
	used := func(id ID) bool {
		for d := Handle(0); d < Handle(r.Nodes()); d++ {
			if r.ID(d) == id {
				return true
			}
		}
		return false
	}
	free := func() ID {
		for {
			if id := ID(rng.IntN(1 << churnBits)); !r.taken(id) && !(o.noReuse && used(id)) {
				return id
			}
		}
	}
	// The ideal start: r+1 members with random distinct IDs. (free asks
	// r.taken, which knows members only, so each node is created at once.)
	for range R + 1 {
		h, err := r.AddNodeWithID(free(), "")
		if err != nil {
			return err
		}
		if err := handBuildIdeal(r, []Handle{h}); err != nil {
			return err
		}
	}
	if err := handBuildIdeal(r, nil); err != nil { // the state of the whole ring
		return err
	}
	if err := check("the ideal start"); err != nil {
		return err
	}
	for k := 0; k < events; k++ {
		ms := members(r)
		st.maxMembers = max(st.maxMembers, len(ms))
		h := ms[rng.IntN(len(ms))]
		var what string
		switch x := rng.IntN(100); {
		case x < 15: // join
			if len(ms) >= churnMaxMembers {
				continue
			}
			var j Handle
			var dead []Handle
			for d := Handle(0); d < Handle(r.Nodes()); d++ {
				if r.State(d) == Failed && !r.taken(r.ID(d)) {
					dead = append(dead, d)
				}
			}
			if len(dead) > 0 && rng.IntN(4) == 0 && !o.noReuse {
				if j, err = r.AddNodeLike(dead[rng.IntN(len(dead))]); err != nil {
					return err
				}
				st.reuses++
			} else if j, err = r.AddNodeWithID(free(), ""); err != nil {
				return err
			}
			what = fmt.Sprintf("join %d (handle %d) via %d", r.ID(j), j, r.ID(h))
			history = append(history, what)
			if err := r.JoinVia(j, h); err != nil {
				return err
			}
			if err := drainJoin(r, s, j, func() error { return check(what) }); err != nil {
				return err
			}
			if r.State(j) == Member {
				st.joins++
			} else {
				st.abandoned++
				history[len(history)-1] += " (abandoned)"
			}
		case x < 25: // failure, if the gate allows it
			r.Snapshot(&snap)
			ok, why := failureAllowed(&snap, int32(h), R)
			if ok && o.principalsGate {
				ok, why = principalsRule(&chk, &snap, int32(h), R)
			}
			if !ok {
				st.refused++
				if err := gateRefusalIsNeeded(&snap, int32(h), R, why); err != nil {
					return fail("gate: %v", err)
				}
				continue
			}
			what = fmt.Sprintf("fail %d", r.ID(h))
			history = append(history, what)
			if err := r.Fail(h); err != nil {
				return err
			}
			st.fails++
		case x < 70:
			what = fmt.Sprintf("stabilize %d", r.ID(h))
			history = append(history, what)
			r.stabilize(h)
			st.kinds[2]++
		case x < 85:
			what = fmt.Sprintf("check_predecessor %d", r.ID(h))
			history = append(history, what)
			r.checkPredecessor(h)
			st.kinds[3]++
		default:
			what = fmt.Sprintf("fix_fingers %d", r.ID(h))
			history = append(history, what)
			r.fixFingers(h)
			st.kinds[4]++
		}
		st.events++
		if err := drainChecked(s, func() error { return check(what) }); err != nil {
			return err
		}
		if trace != nil {
			trace("t=%v %s → %s", s.Now(), history[len(history)-1], idState(r))
		}
	}
	history = append(history, "quiescence")
	n := r.Oracle().Len()
	rounds, skew1, err := quiesceBySkew(r, s, R, check)
	if err != nil {
		return fail("%v", err)
	}
	st.record(rounds, n, skew1, R)
	if n < R+1 {
		return fail("the gate let the ring shrink to %d members, r = %d", n, R)
	}
	// Once fingers are fixed (m rounds of fix_fingers, one lookup each),
	// lookups of random keys from every member must be correct.
	for range churnBits {
		for _, h := range members(r) {
			r.fixFingers(h)
			if err := drain(s); err != nil {
				return err
			}
		}
	}
	var keys []ID
	for range 8 {
		keys = append(keys, ID(rng.IntN(1<<churnBits)))
	}
	c.res = c.res[:0]
	for _, h := range members(r) {
		for _, k := range keys {
			r.Lookup(h, k, userTag(0))
		}
	}
	if err := drain(s); err != nil {
		return err
	}
	for _, x := range c.res {
		if x.Outcome != Correct {
			return fail("after quiescence, lookup of %d from %d: %v owner %d, oracle %d", x.Key, r.ID(x.Origin), x.Outcome, x.Owner, r.Oracle().Successor(x.Key))
		}
	}
	st.lookups += len(c.res)
	return nil
}

// idState is every member's list and predecessor by ID, for traces.
func idState(r *Ring) string {
	var b strings.Builder
	id := func(h Handle) string {
		if h == None {
			return "-"
		}
		if r.State(h) != Member {
			return fmt.Sprintf("%d†", r.ID(h))
		}
		return fmt.Sprint(r.ID(h))
	}
	for _, h := range members(r) {
		var l []string
		for _, x := range r.Successors(h) {
			l = append(l, id(x))
		}
		fmt.Fprintf(&b, "%d:[%s]/%s ", r.ID(h), strings.Join(l, " "), id(r.Predecessor(h)))
	}
	return b.String()
}

// drainChecked is drain with check called after every simulator event.
func drainChecked(s *sim.Scheduler, check func() error) error {
	end := s.Now().Add(drainLimit)
	for s.Pending() > 0 {
		if s.Now() > end {
			return fmt.Errorf("still %d events queued %v after the action: a livelock?", s.Pending(), drainLimit)
		}
		s.Step()
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

// drainJoin runs a join for at most churnJoinWindow, checking after every
// event; a joiner that is not a member by then is stopped (see
// churnJoinWindow), and the rest of its work is drained.
func drainJoin(r *Ring, s *sim.Scheduler, j Handle, check func() error) error {
	end := s.Now().Add(churnJoinWindow)
	for s.Pending() > 0 && r.State(j) != Member && s.Now() <= end {
		s.Step()
		if err := check(); err != nil {
			return err
		}
	}
	if r.State(j) != Member {
		// Between attempts the joiner is idle with a retry queued; step
		// until it is joining again, then stop it for good.
		for r.State(j) != Joining {
			if !s.Step() {
				return fmt.Errorf("joiner %d is %s with nothing queued", r.ID(j), r.State(j))
			}
			if err := check(); err != nil {
				return err
			}
			if r.State(j) == Member {
				return drainChecked(s, check)
			}
		}
		if err := r.Fail(j); err != nil {
			return err
		}
	}
	return drainChecked(s, check)
}

// failureAllowed is the failure gate of scenario 10, Zave's failure rule
// (Z-corr, reference §3) in the form the scenario asks for: member f may
// fail only if
//
//	(a) every other member whose successor list contains f still has
//	    another live member in its list, never counting the member itself
//	    (a node is not its own live successor: reference §3, "a defensive
//	    gate should not count a node as its own live successor (see N1)"),
//	(b) the ring keeps at least r+1 members.
//
// (b) stands in for Z-corr's "more than r+1 principals if f is a
// principal". It reads ground truth (the snapshot), as a churn generator
// may: the gate is a constraint on the environment, not a protocol action.
// why explains a refusal.
func failureAllowed(s *invariant.Snapshot, f int32, r int) (ok bool, why string) {
	return gate(s, f, r, false)
}

// gate is failureAllowed, or with countSelf the naive rule that counts a
// member as its own live successor (the negative control of scenario 11).
func gate(s *invariant.Snapshot, f int32, r int, countSelf bool) (bool, string) {
	if !s.Nodes[f].Member {
		return false, fmt.Sprintf("node %d is not a member", f)
	}
	members := 0
	for i := range s.Nodes {
		if s.Nodes[i].Member {
			members++
		}
	}
	if members-1 < r+1 {
		return false, fmt.Sprintf("rule (b): %d members would be left, fewer than r+1 = %d", members-1, r+1)
	}
	for i := range s.Nodes {
		m := &s.Nodes[i]
		if !m.Member || int32(i) == f || !slices.Contains(m.Succ, f) {
			continue
		}
		live := false
		for _, x := range m.Succ {
			if x != f && (x != int32(i) || countSelf) && s.Nodes[x].Member {
				live = true
				break
			}
		}
		if !live {
			return false, fmt.Sprintf("rule (a): member %d lists %d and no other live member", i, f)
		}
	}
	return true, ""
}

// principalsRule is Z-corr's rule (b): f may fail only if it is not a
// principal or more than r+1 principals exist.
func principalsRule(chk *invariant.Checker, s *invariant.Snapshot, f int32, r int) (bool, string) {
	if n := chk.Principals(s); n <= r+1 && invariant.IsPrincipal(s, f) {
		return false, fmt.Sprintf("Z-corr rule (b): %d is one of only %d principals", f, n)
	}
	return true, ""
}

// gateRefusalIsNeeded checks a refusal under rule (a) against the
// checker: failing f would indeed leave a member without a live successor
// (in chordsim, whose lists never hold their owner, rule (a) refuses
// exactly the failures that break LiveSuccessor).
func gateRefusalIsNeeded(s *invariant.Snapshot, f int32, r int, why string) error {
	if !strings.HasPrefix(why, "rule (a)") {
		return nil
	}
	after := cloneSnapshot(s)
	after.Nodes[f].Member = false
	if !invariant.Violated(invariant.Check(after, invariant.SetOf(invariant.LiveSuccessor))).Has(invariant.LiveSuccessor) {
		return fmt.Errorf("refused to fail %d (%s), but failing it keeps LiveSuccessor", f, why)
	}
	return nil
}

func cloneSnapshot(s *invariant.Snapshot) *invariant.Snapshot {
	c := &invariant.Snapshot{Bits: s.Bits, R: s.R, Nodes: slices.Clone(s.Nodes)}
	for i := range c.Nodes {
		c.Nodes[i].Succ = slices.Clone(c.Nodes[i].Succ)
	}
	return c
}

// Correctness reference §4, scenario 11: "a unit test that the failure
// gate does not count a node as its own live successor". The state is the
// shape N1 ends in (§3: "n1 = [n4, n1] and n3 = [n4, n3]. Each list is
// legal only because it contains its owner, and when n4 fails they become
// two self-rings"), padded with two more members so that rule (b) does not
// decide. chordsim's lists never hold their owner, so its protocol cannot
// reach this state; the test is of the gate, on a hand-built snapshot.
//
// The N1 trace itself (19 events) is not replayed: it needs Zave's
// corrected operations (StabilizeFromSuccessor, StabilizeFromPredecessor,
// Rectify) with the principals rule switched off, and chordsim implements
// ToN's stabilize, notify and check_predecessor instead.
func TestFailureGateDoesNotCountSelf(t *testing.T) {
	const n1, n3, n4, n5, n6 = 0, 1, 2, 3, 4
	s := &invariant.Snapshot{Bits: 4, R: 2, Nodes: []invariant.Node{
		n1: {ID: 2, Member: true, Pred: n6, Succ: []int32{n4, n1}},
		n3: {ID: 6, Member: true, Pred: -1, Succ: []int32{n4, n3}},
		n4: {ID: 8, Member: true, Pred: n1, Succ: []int32{n5, n6}},
		n5: {ID: 10, Member: true, Pred: n4, Succ: []int32{n6, n1}},
		n6: {ID: 12, Member: true, Pred: n5, Succ: []int32{n1, n3}},
	}}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	// Before: one ordered ring n1 → n4 → n5 → n6 → n1 with n3 hanging off
	// n4; only NoDuplicates objects (the self entries).
	if got := invariant.Violated(invariant.Check(s, invariant.Default)); got != invariant.SetOf(invariant.NoDuplicates) {
		t.Fatalf("before: violations %v, want NoDuplicates only", got)
	}
	ok, why := failureAllowed(s, n4, 2)
	if ok {
		t.Fatal("the gate lets n4 fail although n1 and n3 have no other live successor than themselves")
	}
	if !strings.Contains(why, "rule (a)") {
		t.Fatalf("refused for %q, want rule (a)", why)
	}
	if naive, _ := gate(s, n4, 2, true); !naive {
		t.Fatal("the naive gate (counting a node as its own successor) refuses too: the control does not control anything")
	}
	// What the refusal prevents: the naive gate's failure splits the ring
	// into self-rings (AtMostOneRing), and LiveSuccessor does not see it.
	after := cloneSnapshot(s)
	after.Nodes[n4].Member = false
	got := invariant.Violated(invariant.Check(after, invariant.Default))
	if !got.Has(invariant.AtMostOneRing) || got.Has(invariant.LiveSuccessor) {
		t.Fatalf("after failing n4: violations %v, want AtMostOneRing and no LiveSuccessor", got)
	}
	// Without the self entries the same failure is allowed and harmless.
	s.Nodes[n1].Succ = []int32{n4, n5}
	s.Nodes[n3].Succ = []int32{n4, n5}
	if ok, why := failureAllowed(s, n4, 2); !ok {
		t.Fatalf("refused with lists [n4 n5]: %s", why)
	}
	after = cloneSnapshot(s)
	after.Nodes[n4].Member = false
	if vs := invariant.Check(after, invariant.Default); len(vs) > 0 {
		t.Fatalf("after an allowed failure: %v", vs)
	}
	// A member whose list names f and then only dead nodes: refused, and
	// failing it would break LiveSuccessor.
	s.Nodes[n5].Member = false
	if ok, _ := failureAllowed(s, n4, 2); ok {
		t.Fatal("n1 = [n4, dead n5]: the gate lets n4 fail")
	}
	if err := gateRefusalIsNeeded(s, n4, 2, "rule (a)"); err != nil {
		t.Fatal(err)
	}
	// Rule (b): at r+1 members nobody may fail.
	ring := &invariant.Snapshot{Bits: 4, R: 2, Nodes: []invariant.Node{
		{ID: 0, Member: true, Pred: 2, Succ: []int32{1, 2}},
		{ID: 5, Member: true, Pred: 0, Succ: []int32{2, 0}},
		{ID: 10, Member: true, Pred: 1, Succ: []int32{0, 1}},
	}}
	for f := int32(0); f < 3; f++ {
		if ok, why := failureAllowed(ring, f, 2); ok || !strings.Contains(why, "rule (b)") {
			t.Fatalf("ring of r+1 = 3: failing %d allowed=%v (%s), want refused by rule (b)", f, ok, why)
		}
	}
}
