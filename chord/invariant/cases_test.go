package invariant

import (
	"fmt"
	"slices"
	"testing"
)

// odd are the m = 4 IDs used by the small hand-built states: n_i has ID
// 2i+1, so n0 < n1 < … and no ID is 0 (rotation tests move them about).
var odd = seq(8, 1, 2)

// caseRow is one hand-built state with everything Check(All) must say.
type caseRow struct {
	name string
	s    *Snapshot
	// want is the set of invariants violated, checked with All.
	want Set
	// nodes are the expected Violation.Nodes for some invariants.
	nodes map[Invariant][]int32
	// counts are the expected Violation.Count for some invariants.
	counts map[Invariant]int
	// principals, ring and cycles are the expected Stats fields.
	principals, ring, cycles int
}

func caseRows() []caseRow {
	var rows []caseRow

	// Ideal rings: nothing in Default is violated, and every member is a
	// principal. Principals is violated only when there are fewer than r+1
	// members, which is the point of Zave's "stable base" of r+1 nodes.
	for _, r := range []int{2, 3} {
		for _, ids := range [][]uint64{{6}, {3, 11}, {1, 4, 7, 10, 13}, seq(16, 0, 1)} {
			n := len(ids)
			var want Set
			if n < r+1 {
				want = SetOf(Principals)
			}
			rows = append(rows, caseRow{
				name: fmt.Sprintf("ideal ring of %d, r=%d", n, r),
				s:    idealRing(4, r, ids...), want: want,
				principals: n, ring: n, cycles: 1,
			})
		}
	}

	// Ring n0 → n2 → n4 → n0 (n3 is dead) and appendage n1 → n2. n0's
	// list skips n1, but n1 is no ring member, so the ring is ordered; n0,
	// n2, n4 are principals: r+1 of them.
	app := build(4, 2, odd[:5]...)
	app.Nodes[0].Succ = L(2, 4)
	app.Nodes[2].Succ = L(4, 0)
	app.Nodes[4].Succ = L(0, 2)
	app.Nodes[1].Succ = L(2, 4)
	kill(app, 3)
	rows = append(rows, caseRow{name: "ring with a connected appendage", s: app,
		principals: 3, ring: 3, cycles: 1})

	// The same ring with appendage n1 → n3, and n3's only successor n5 is
	// dead: n3 dangles and n1's path ends there. The lists skip so much
	// (n1's pair (n1, n3) skips n2, n3's pair (n3, n5) skips n4, n0's
	// pairs skip n1 and n3) that only n0 is a principal.
	dang := build(4, 2, odd[:6]...)
	dang.Nodes[0].Succ = L(2, 4)
	dang.Nodes[2].Succ = L(4, 0)
	dang.Nodes[4].Succ = L(0, 2)
	dang.Nodes[1].Succ = L(3)
	dang.Nodes[3].Succ = L(5)
	kill(dang, 5)
	rows = append(rows, caseRow{name: "appendage ending at a dangling member", s: dang,
		want: SetOf(LiveSuccessor, ConnectedAppendages, Principals),
		nodes: map[Invariant][]int32{
			LiveSuccessor: {3}, ConnectedAppendages: {1, 3}, Principals: {0}},
		counts:     map[Invariant]int{LiveSuccessor: 1, ConnectedAppendages: 2, Principals: 3},
		principals: 1, ring: 3, cycles: 1})

	// C4's end state (Zave CounterAtMostOneRing, scenario 7): n1 and n3
	// failed, and Update made n0 and n2 adopt their stale succ2, which was
	// themselves. Two self-rings. The self entries that make them are
	// exactly what NoDuplicates forbids (two members, so no lone-member
	// exemption), hence NoDuplicates too; and each self pair skips the
	// other member, so there is no principal.
	c4 := build(4, 2, odd[:4]...)
	c4.Nodes[0].Succ, c4.Nodes[0].Pred = L(0), 3
	c4.Nodes[2].Succ, c4.Nodes[2].Pred = L(2), 1
	kill(c4, 1, 3)
	rows = append(rows, caseRow{name: "C4 two self-rings", s: c4,
		want: SetOf(AtMostOneRing, NoDuplicates, Principals),
		nodes: map[Invariant][]int32{
			AtMostOneRing: {0, 2}, NoDuplicates: {0, 0}, Principals: nil},
		counts:     map[Invariant]int{AtMostOneRing: 2, NoDuplicates: 2},
		principals: 0, ring: 2, cycles: 2})

	// Issue 17, symptom 7: a protocol-built ring at its first join. n0
	// created the ring and still lists itself alone; n1 joined with
	// successor n0 and has not stabilized. Valid: one ring ({n0}), n1 an
	// appendage that reaches it; n0's list [n0] is its ring of one, not a
	// duplicate. The same lists in a node that was not the creator (one
	// that fell back on itself after losing its successors: the split of
	// symptom 4) are a duplicate.
	first := build(4, 2, odd[:2]...)
	first.Nodes[0].Succ, first.Nodes[0].Pred, first.Nodes[0].Created = L(0), -1, true
	first.Nodes[1].Succ, first.Nodes[1].Pred = L(0), -1
	rows = append(rows, caseRow{name: "creator alone with its first joiner", s: first,
		want: SetOf(Principals), nodes: map[Invariant][]int32{Principals: {0}},
		principals: 1, ring: 1, cycles: 1})
	fell := build(4, 2, odd[:2]...)
	fell.Nodes[0].Succ, fell.Nodes[0].Pred = L(0), -1
	fell.Nodes[1].Succ, fell.Nodes[1].Pred = L(0), -1
	rows = append(rows, caseRow{name: "member fallen back on itself", s: fell,
		want: SetOf(NoDuplicates, Principals), nodes: map[Invariant][]int32{NoDuplicates: {0, 0}, Principals: {0}},
		counts: map[Invariant]int{NoDuplicates: 1}, principals: 1, ring: 1, cycles: 1})

	// Scenario 9 (LBK02): the loopy ring n0→n2→n4→n1→n3→n5→n0, r = 2
	// lists following that order and predecessors consistent with it. Each
	// list is ordered from its owner (it just goes far), so OrderedRing is
	// the only Default violation; the first climb from n0 is n0, n2, n4, and
	// the step n0 → n2 skips ring member n1. Every member is skipped by
	// some list, so there is no principal.
	loopy := build(4, 2, odd[:6]...)
	order := []int32{0, 2, 4, 1, 3, 5}
	for k, x := range order {
		loopy.Nodes[x].Succ = L(order[(k+1)%6], order[(k+2)%6])
		loopy.Nodes[x].Pred = order[(k+5)%6]
	}
	rows = append(rows, caseRow{name: "scenario 9 injected loopy ring", s: loopy,
		want:       SetOf(OrderedRing, Principals),
		nodes:      map[Invariant][]int32{OrderedRing: {0, 2, 1}},
		counts:     map[Invariant]int{OrderedRing: 2},
		principals: 0, ring: 6, cycles: 1})

	// C5's fixed point (scenario 8): n2 and n4 failed, ring n0→n3→n1→n0,
	// lists n0:[n3,n1], n1:[n0,n3], n3:[n1,n0], every succ.pred = self
	// (weakly stable). The ring winds twice, and every list is out of
	// clockwise order: n0 lists n3 before n1.
	c5 := build(4, 2, odd[:5]...)
	c5.Nodes[0].Succ, c5.Nodes[0].Pred = L(3, 1), 1
	c5.Nodes[1].Succ, c5.Nodes[1].Pred = L(0, 3), 3
	c5.Nodes[3].Succ, c5.Nodes[3].Pred = L(1, 0), 0
	kill(c5, 2, 4)
	rows = append(rows, caseRow{name: "C5 loopy fixed point, r=2", s: c5,
		want: SetOf(OrderedRing, OrderedSuccessorLists, Principals),
		nodes: map[Invariant][]int32{
			OrderedRing: {0, 3, 1}, OrderedSuccessorLists: {0, 3, 1}},
		counts:     map[Invariant]int{OrderedRing: 2, OrderedSuccessorLists: 3},
		principals: 0, ring: 3, cycles: 1})

	// The same ring with r = 1: one-entry lists are trivially ordered, so
	// only the winding remains (and the lack of principals).
	c5r1 := build(4, 1, odd[:5]...)
	c5r1.Nodes[0].Succ = L(3)
	c5r1.Nodes[1].Succ = L(0)
	c5r1.Nodes[3].Succ = L(1)
	kill(c5r1, 2, 4)
	rows = append(rows, caseRow{name: "C5 loopy ring, r=1", s: c5r1,
		want:       SetOf(OrderedRing, Principals),
		nodes:      map[Invariant][]int32{OrderedRing: {0, 3, 1}},
		principals: 0, ring: 3, cycles: 1})

	// Scenario 12(a): r−1 = 2 consecutive failures on an ideal 16-ring
	// with r = 3. n4's list [n5, n6, n7] still has n7, so the ring closes
	// over the 14 survivors: nothing is violated.
	rows = append(rows, caseRow{name: "scenario 12(a) two consecutive failures",
		s: kill(idealRing(4, 3, seq(16, 0, 1)...), 5, 6), principals: 14, ring: 14, cycles: 1})

	// Scenario 12(b): r = 3 consecutive failures. n4's whole list is dead,
	// so n4 dangles; every other member's path leads to n4, so there is no
	// cycle at all: AtLeastOneRing fails, and every member, n4 included, is
	// an appendage that reaches no ring (ConnectedAppendages, 13 stranded).
	// With no cycle, AtMostOneRing and OrderedRing hold vacuously, and
	// the lists are still ordered and duplicate-free. No list skips a
	// member (the skipped nodes are dead), so all 13 are principals: this
	// state breaks part (a) of Zave's invariant, not part (b).
	rows = append(rows, caseRow{name: "scenario 12(b) three consecutive failures",
		s:    kill(idealRing(4, 3, seq(16, 0, 1)...), 5, 6, 7),
		want: SetOf(LiveSuccessor, AtLeastOneRing, ConnectedAppendages),
		nodes: map[Invariant][]int32{
			LiveSuccessor: {4}, AtLeastOneRing: {4}, ConnectedAppendages: {0, 4}},
		counts:     map[Invariant]int{LiveSuccessor: 1, AtLeastOneRing: 13, ConnectedAppendages: 13},
		principals: 13, ring: 0, cycles: 0})

	// No member: nothing is violated, not even AtLeastOneRing or
	// Principals, because the invariants constrain members' states and
	// there are none (documented on Check).
	rows = append(rows, caseRow{name: "empty snapshot", s: &Snapshot{Bits: 4, R: 2}})
	allDead := idealRing(4, 2, odd[:3]...)
	kill(allDead, 0, 1, 2)
	rows = append(rows, caseRow{name: "every node dead", s: allDead})

	// A lone member with only dead successors.
	lone := build(4, 2, 3, 9)
	lone.Nodes[0].Succ = L(1)
	kill(lone, 1)
	rows = append(rows, caseRow{name: "lone member, dead successor", s: lone,
		want: SetOf(LiveSuccessor, AtLeastOneRing, ConnectedAppendages, Principals),
		nodes: map[Invariant][]int32{
			LiveSuccessor: {0}, AtLeastOneRing: {0}, ConnectedAppendages: {0}, Principals: {0}},
		principals: 1})

	// A lone member may list itself once (create()), not twice: [n0, n0]
	// is a duplicate and not strictly clockwise.
	lone2 := build(4, 2, 6)
	lone2.Nodes[0].Succ = L(0, 0)
	rows = append(rows, caseRow{name: "lone member listing itself twice", s: lone2,
		want:       SetOf(OrderedSuccessorLists, NoDuplicates, Principals),
		nodes:      map[Invariant][]int32{OrderedSuccessorLists: {0, 0, 0}, NoDuplicates: {0, 0}},
		principals: 1, ring: 1, cycles: 1})

	// Unordered list: n0 = [n2, n1] on an ideal 5-ring. n0's bestSucc is
	// n2, so n1 becomes an appendage of the ring n0→n2→n3→n4 (still ordered
	// and connected). The pair (n2, n1) wraps round and skips n3, n4, n0;
	// (n0, n2) skips n1: only n2 is a principal.
	unord := idealRing(4, 2, odd[:5]...)
	unord.Nodes[0].Succ = L(2, 1)
	rows = append(rows, caseRow{name: "unordered list", s: unord,
		want:       SetOf(OrderedSuccessorLists, Principals),
		nodes:      map[Invariant][]int32{OrderedSuccessorLists: {0, 2, 1}, Principals: {2}},
		counts:     map[Invariant]int{OrderedSuccessorLists: 1},
		principals: 1, ring: 4, cycles: 1})

	// Self at the end of a list, n0 = [n1, n0]: clockwise order holds (the
	// owner counts as a full turn), but it is a self entry; the pair
	// (n1, n0) skips n2, n3, n4.
	selfEnd := idealRing(4, 2, odd[:5]...)
	selfEnd.Nodes[0].Succ = L(1, 0)
	rows = append(rows, caseRow{name: "list ending with its owner", s: selfEnd,
		want:       SetOf(NoDuplicates, Principals),
		nodes:      map[Invariant][]int32{NoDuplicates: {0, 0}, Principals: {0, 1}},
		principals: 2, ring: 5, cycles: 1})

	// Self at the front, n0 = [n0, n1]: n0 becomes a self-ring and the
	// others (n4 lists n0 first) hang off it; a single, ordered cycle with
	// four connected appendages. The list is out of order (self is a full
	// turn away) and has a self entry; (n0, n0) skips everyone else.
	selfFront := idealRing(4, 2, odd[:5]...)
	selfFront.Nodes[0].Succ = L(0, 1)
	rows = append(rows, caseRow{name: "list starting with its owner", s: selfFront,
		want: SetOf(OrderedSuccessorLists, NoDuplicates, Principals),
		nodes: map[Invariant][]int32{
			OrderedSuccessorLists: {0, 0, 1}, NoDuplicates: {0, 0}, Principals: {0}},
		principals: 1, ring: 1, cycles: 1})

	// Duplicate entry, n0 = [n1, n1]: not strictly clockwise, a duplicate,
	// and the pair (n1, n1) skips everyone but n1.
	dup := idealRing(4, 2, odd[:5]...)
	dup.Nodes[0].Succ = L(1, 1)
	rows = append(rows, caseRow{name: "duplicate entry", s: dup,
		want: SetOf(OrderedSuccessorLists, NoDuplicates, Principals),
		nodes: map[Invariant][]int32{
			OrderedSuccessorLists: {0, 1, 1}, NoDuplicates: {0, 1}, Principals: {1}},
		principals: 1, ring: 5, cycles: 1})

	// N1's end state (§3, negative control, scenario 11): n0 and n2 failed,
	// n1 = [n4, n1], n3 = [n4, n3], n4 = [n1, n3]. The ring n1 ↔ n4 with
	// appendage n3 is CoreValid, but the lists hold their owners, and only
	// n4 is a principal (n1's pair (n1, n4) skips n3, n3's pair (n4, n3)
	// skips n1).
	n1 := build(4, 2, odd[:5]...)
	n1.Nodes[1].Succ, n1.Nodes[1].Pred = L(4, 1), 4
	n1.Nodes[3].Succ, n1.Nodes[3].Pred = L(4, 3), 1
	n1.Nodes[4].Succ, n1.Nodes[4].Pred = L(1, 3), 3
	kill(n1, 0, 2)
	rows = append(rows, caseRow{name: "N1 before n4 fails", s: n1,
		want:       SetOf(NoDuplicates, Principals),
		nodes:      map[Invariant][]int32{NoDuplicates: {1, 1}, Principals: {4}},
		counts:     map[Invariant]int{NoDuplicates: 2},
		principals: 1, ring: 2, cycles: 1})

	// Then n4 fails: n1 and n3 fall back on themselves, two self-rings.
	n1b := build(4, 2, odd[:5]...)
	n1b.Nodes = slices.Clone(n1.Nodes)
	kill(n1b, 4)
	rows = append(rows, caseRow{name: "N1 after n4 fails", s: n1b,
		want:       SetOf(AtMostOneRing, NoDuplicates, Principals),
		nodes:      map[Invariant][]int32{AtMostOneRing: {1, 3}, NoDuplicates: {1, 1}, Principals: nil},
		principals: 0, ring: 2, cycles: 2})

	return rows
}

func TestHandBuiltStates(t *testing.T) {
	var c Checker // shared on purpose: reuse must not leak state between rows
	for _, row := range caseRows() {
		t.Run(row.name, func(t *testing.T) {
			if err := row.s.Validate(); err != nil {
				t.Fatalf("bad test state: %v", err)
			}
			vs := c.Check(row.s, All)
			if got := Violated(vs); got != row.want {
				t.Errorf("violated %v, want %v\n%s", got, row.want, lines(vs))
			}
			st := c.Stats()
			if st.Principals != row.principals || st.RingMembers != row.ring || st.Cycles != row.cycles {
				t.Errorf("stats %v, want principals=%d ring=%d cycles=%d", st, row.principals, row.ring, row.cycles)
			}
			if st.Appendages != st.Members-st.RingMembers {
				t.Errorf("stats %v: appendages ≠ members − ring", st)
			}
			if (len(vs) == 0) != (row.want == 0) {
				t.Errorf("Check returned %d violations for want %v", len(vs), row.want)
			}
			for _, v := range vs {
				if want, ok := row.nodes[v.Invariant]; ok && !slices.Equal(v.Nodes, want) {
					t.Errorf("%v: nodes %v, want %v", v.Invariant, v.Nodes, want)
				}
				if want, ok := row.counts[v.Invariant]; ok && v.Count != want {
					t.Errorf("%v: count %d, want %d", v.Invariant, v.Count, want)
				}
				for k, n := range v.Nodes {
					if v.IDs[k] != row.s.Nodes[n].ID {
						t.Errorf("%v: IDs[%d] = %d, node %d has ID %d", v.Invariant, k, v.IDs[k], n, row.s.Nodes[n].ID)
					}
				}
			}
			// Default is All without Principals, and selection filters
			// exactly: each invariant alone reports itself iff violated.
			if got := Violated(c.Check(row.s, Default)); got != row.want&Default {
				t.Errorf("Default: violated %v, want %v", got, row.want&Default)
			}
			if c.Stats().Principals != -1 {
				t.Errorf("Default check computed principals: %v", c.Stats())
			}
			for i := Invariant(0); i < numInvariants; i++ {
				if got := Violated(c.Check(row.s, SetOf(i))); got != row.want&SetOf(i) {
					t.Errorf("only %v: violated %v", i, got)
				}
			}
			if got := c.Principals(row.s); got != row.principals {
				t.Errorf("Principals() = %d, want %d", got, row.principals)
			}
		})
	}
}

func lines(vs []Violation) string {
	var s string
	for _, v := range vs {
		s += "\t" + v.String() + "\n"
	}
	return s
}

// TestViolationText pins the report lines, which the simulator prints.
func TestViolationText(t *testing.T) {
	rows := caseRows()
	get := func(name string, inv Invariant) Violation {
		t.Helper()
		for _, r := range rows {
			if r.name == name {
				for _, v := range Check(r.s, All) {
					if v.Invariant == inv {
						return v
					}
				}
			}
		}
		t.Fatalf("%s: no %v violation", name, inv)
		return Violation{}
	}
	name := func(i int32) string { return fmt.Sprintf("n%d", i) }
	tests := []struct {
		v         Violation
		str, form string
	}{
		{get("scenario 9 injected loopy ring", OrderedRing),
			"OrderedRing: a cycle winds round the identifier space 2 times: #0 (id 1) → #2 (id 5) skips ring member #1 (id 3)",
			"OrderedRing: a cycle winds round the identifier space 2 times: n0 (id 1) → n2 (id 5) skips ring member n1 (id 3)"},
		{get("C4 two self-rings", AtMostOneRing),
			"AtMostOneRing: 2 cycles, through #0 (id 1), #2 (id 5)",
			"AtMostOneRing: 2 cycles, through n0 (id 1), n2 (id 5)"},
		{get("C4 two self-rings", NoDuplicates),
			"NoDuplicates: the list of #0 (id 1) holds its owner; 2 such list(s)",
			"NoDuplicates: the list of n0 (id 1) holds its owner; 2 such list(s)"},
		{get("C4 two self-rings", Principals),
			"Principals: 0 principal(s), fewer than r+1 = 3",
			"Principals: 0 principal(s), fewer than r+1 = 3"},
		{get("appendage ending at a dangling member", ConnectedAppendages),
			"ConnectedAppendages: #1 (id 3) reaches no cycle: its bestSucc path ends at #3 (id 7), which has no live successor; 2 such member(s)",
			"ConnectedAppendages: n1 (id 3) reaches no cycle: its bestSucc path ends at n3 (id 7), which has no live successor; 2 such member(s)"},
		{get("lone member, dead successor", ConnectedAppendages),
			"ConnectedAppendages: #0 (id 3) reaches no cycle: it has no live successor; 1 such member(s)",
			"ConnectedAppendages: n0 (id 3) reaches no cycle: it has no live successor; 1 such member(s)"},
		{get("scenario 12(b) three consecutive failures", LiveSuccessor),
			"LiveSuccessor: #4 (id 4) has no member in its successor list; 1 such member(s)",
			"LiveSuccessor: n4 (id 4) has no member in its successor list; 1 such member(s)"},
		{get("scenario 12(b) three consecutive failures", AtLeastOneRing),
			"AtLeastOneRing: none of the 13 member(s) reaches itself by bestSucc; paths end at members without a live successor, such as #4 (id 4)",
			"AtLeastOneRing: none of the 13 member(s) reaches itself by bestSucc; paths end at members without a live successor, such as n4 (id 4)"},
		{get("unordered list", OrderedSuccessorLists),
			"OrderedSuccessorLists: in the list of #0 (id 1), #2 (id 5) is not clockwise before #1 (id 3); 1 such list(s)",
			"OrderedSuccessorLists: in the list of n0 (id 1), n2 (id 5) is not clockwise before n1 (id 3); 1 such list(s)"},
		{get("duplicate entry", NoDuplicates),
			"NoDuplicates: the list of #0 (id 1) holds #1 (id 3) twice; 1 such list(s)",
			"NoDuplicates: the list of n0 (id 1) holds n1 (id 3) twice; 1 such list(s)"},
		{get("unordered list", Principals),
			"Principals: 1 principal(s), fewer than r+1 = 3: #2 (id 5)",
			"Principals: 1 principal(s), fewer than r+1 = 3: n2 (id 5)"},
	}
	for _, tt := range tests {
		if got := tt.v.String(); got != tt.str {
			t.Errorf("String:\n got %s\nwant %s", got, tt.str)
		}
		if got := tt.v.Format(name); got != tt.form {
			t.Errorf("Format:\n got %s\nwant %s", got, tt.form)
		}
	}
}

// TestAtMostOneRingCapsNodes: a network of N self-rings lists the first 8
// cycles and counts all of them, so a report line stays a line.
func TestAtMostOneRingCapsNodes(t *testing.T) {
	s := build(8, 2, seq(20, 3, 7)...)
	for i := range s.Nodes {
		s.Nodes[i].Succ = L(int32(i))
	}
	vs := Check(s, SetOf(AtMostOneRing))
	if len(vs) != 1 || vs[0].Count != 20 || !slices.Equal(vs[0].Nodes, []int32{0, 1, 2, 3, 4, 5, 6, 7}) {
		t.Fatalf("got %v", vs)
	}
	if got := vs[0].String(); got[len(got)-3:] != "…" {
		t.Errorf("String does not mark the cut: %s", got)
	}
}

func TestSetAndNames(t *testing.T) {
	if Default.Has(Principals) || !All.Has(Principals) || Default|SetOf(Principals) != All {
		t.Errorf("Default = %v, All = %v", Default, All)
	}
	if CoreValid != SetOf(AtLeastOneRing, AtMostOneRing, OrderedRing, ConnectedAppendages) {
		t.Errorf("CoreValid = %v", CoreValid)
	}
	if got := SetOf(NoDuplicates, LiveSuccessor).String(); got != "LiveSuccessor,NoDuplicates" {
		t.Errorf("String = %q", got)
	}
	if Set(0).String() != "none" || Invariant(99).String() != "Invariant(99)" {
		t.Errorf("degenerate names: %q %q", Set(0).String(), Invariant(99).String())
	}
	for s := Set(0); s <= All; s++ {
		got, err := ParseSet(s.String())
		if err != nil || got != s {
			t.Fatalf("ParseSet(%q) = %v, %v; want %v", s.String(), got, err, s)
		}
	}
	tests := []struct {
		in   string
		want Set
	}{
		{"default, principals", All},
		{"corevalid,LIVESUCCESSOR", CoreValid | SetOf(LiveSuccessor)},
		{"none", 0},
		{"all", All},
	}
	for _, tt := range tests {
		if got, err := ParseSet(tt.in); err != nil || got != tt.want {
			t.Errorf("ParseSet(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	if _, err := ParseSet("LiveSuccessor,Loopy"); err == nil {
		t.Error("ParseSet accepted an unknown name")
	}
	if Violated(nil) != 0 {
		t.Error("Violated(nil) ≠ ∅")
	}
}

func TestValidate(t *testing.T) {
	ok := func() *Snapshot { return idealRing(4, 2, odd[:4]...) }
	tests := []struct {
		name   string
		mutate func(s *Snapshot)
	}{
		{"bits 0", func(s *Snapshot) { s.Bits = 0 }},
		{"bits 65", func(s *Snapshot) { s.Bits = 65 }},
		{"r 0", func(s *Snapshot) { s.R = 0 }},
		{"id too wide", func(s *Snapshot) { s.Nodes[1].ID = 16 }},
		{"pred out of range", func(s *Snapshot) { s.Nodes[1].Pred = 4 }},
		{"succ out of range", func(s *Snapshot) { s.Nodes[1].Succ[1] = -1 }},
		{"list too long", func(s *Snapshot) { s.Nodes[1].Succ = L(2, 3, 0) }},
		{"members share an ID", func(s *Snapshot) { s.Nodes[3].ID = s.Nodes[0].ID }},
	}
	if err := ok().Validate(); err != nil {
		t.Fatalf("valid snapshot rejected: %v", err)
	}
	// A dead node may share a member's ID (a rejoin is a new node).
	rejoin := ok()
	rejoin.Nodes = append(rejoin.Nodes, Node{ID: rejoin.Nodes[2].ID, Pred: -1})
	if err := rejoin.Validate(); err != nil {
		t.Errorf("dead node sharing an ID rejected: %v", err)
	}
	for _, tt := range tests {
		s := ok()
		tt.mutate(s)
		if err := s.Validate(); err == nil {
			t.Errorf("%s: accepted", tt.name)
		}
	}
}

// TestCheckPanicsOnBadBits: without a valid m there is no ring to check,
// and guessing one would give wrong verdicts silently.
func TestCheckPanicsOnBadBits(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic for Bits = 0")
		}
	}()
	Check(&Snapshot{Bits: 0, R: 1}, All)
}

// TestRejoinedIDIsDead: a dead node that shares its ID with a member (the
// old incarnation) is a dead entry, not the member: a list pointing only
// at it has no live successor.
func TestRejoinedIDIsDead(t *testing.T) {
	s := idealRing(4, 1, odd[:3]...)
	s.Nodes = append(s.Nodes, Node{ID: s.Nodes[1].ID, Pred: -1}) // n3: old n1
	s.Nodes[0].Succ = L(3)
	vs := Check(s, Default)
	if got := Violated(vs); got != SetOf(LiveSuccessor, AtLeastOneRing, ConnectedAppendages) {
		t.Fatalf("violated %v\n%s", got, lines(vs))
	}
	if vs[0].Nodes[0] != 0 {
		t.Errorf("dangling member %d, want n0", vs[0].Nodes[0])
	}
}
