package invariant

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
)

// maxListed caps the nodes an AtMostOneRing violation lists: a network of
// self-rings can have one cycle per member, and a report line should stay a
// line. Violation.Count still gives the total.
const maxListed = 8

// Stats is the shape of the last snapshot checked, for the simulator's
// report: the invariants say whether something is wrong, these numbers say
// how far from ideal the network is.
type Stats struct {
	// Members is the number of members.
	Members int
	// RingMembers is the number of members on a bestSucc cycle.
	RingMembers int
	// Appendages is Members − RingMembers.
	Appendages int
	// Cycles is the number of bestSucc cycles (1 in a healthy network).
	Cycles int
	// Loopy is the number of cycles that wind round the identifier space
	// more than once.
	Loopy int
	// Dangling is the number of members without a live successor.
	Dangling int
	// Stranded is the number of members whose bestSucc path ends at a
	// dangling member instead of a cycle (the dangling members included).
	Stranded int
	// Mutual is the number of members m whose bestSucc s has s.Pred = m.
	// Mutual = Members means weakly stable (LBK02), which a loopy ring can
	// be: it is reported so that nobody mistakes it for health.
	Mutual int
	// Principals is the number of principals, or −1 when the last Check
	// did not select Principals (it is the only O(N log N) part).
	Principals int
}

// String is a one-line summary for reports.
func (st Stats) String() string {
	b := make([]byte, 0, 128)
	b = append(b, "members="...)
	b = strconv.AppendInt(b, int64(st.Members), 10)
	b = append(b, " ring="...)
	b = strconv.AppendInt(b, int64(st.RingMembers), 10)
	b = append(b, " appendages="...)
	b = strconv.AppendInt(b, int64(st.Appendages), 10)
	b = append(b, " cycles="...)
	b = strconv.AppendInt(b, int64(st.Cycles), 10)
	b = append(b, " loopy="...)
	b = strconv.AppendInt(b, int64(st.Loopy), 10)
	b = append(b, " dangling="...)
	b = strconv.AppendInt(b, int64(st.Dangling), 10)
	b = append(b, " stranded="...)
	b = strconv.AppendInt(b, int64(st.Stranded), 10)
	b = append(b, " mutual="...)
	b = strconv.AppendInt(b, int64(st.Mutual), 10)
	if st.Principals >= 0 {
		b = append(b, " principals="...)
		b = strconv.AppendInt(b, int64(st.Principals), 10)
	}
	return string(b)
}

// Colours of the cycle-finding pass. absent marks non-members so that the
// pass can skip them without looking at the snapshot again.
const (
	white   uint8 = iota // member not visited yet
	grey                 // on the path being walked
	hanging              // done, not on a cycle
	onRing               // done, on a cycle
	absent               // not a member
)

// cycle is one bestSucc cycle: head is the first node of it that the pass
// met (an index-based choice, so that it does not move when the IDs are
// rotated), windings the number of steps a → b with ID(b) ≤ ID(a).
type cycle struct {
	head     int32
	length   int32
	windings int32
}

// keyed is a member with its ID, for sorting by ID without a closure over
// the snapshot (which would allocate).
type keyed struct {
	id  uint64
	idx int32
}

// bound locates a node's ID among the members sorted by ID: low is the
// first position whose ID is ≥ it, up the first whose ID is > it (up = low
// + 1 exactly when a member has that ID). low < 0 means not computed yet.
type bound struct {
	low, up int32
}

// Checker checks snapshots. It keeps its scratch buffers between calls so
// that checking after every simulated event costs no allocation once the
// buffers have grown; the zero value is ready to use. A Checker is not safe
// for concurrent use (the simulator is single-threaded).
type Checker struct {
	s    *Snapshot
	mask uint64

	ids    []uint64 // masked ID of every node
	best   []int32  // bestSucc of every member, -1 for none and for non-members
	colour []uint8
	term   []int32 // end of a member's bestSucc path: a cycle number ≥ 0, or -2-sink
	stamp  []int32 // per-node marks, reset to -1 by every Check
	cycles []cycle

	// Principals: the members sorted by ID (kept from one check to the
	// next, since membership rarely changes between events), their IDs
	// alone for binary search, each node's bound, and the difference array
	// that becomes each member's skip count.
	sorted []keyed
	sortID []uint64
	bounds []bound
	cover  []int32

	// First offenders of the list properties and of LiveSuccessor, with
	// the number of offending members.
	firstDangling       int32
	unordered, dupLists int
	unorderedAt, dupAt  [3]int32 // [member, entry, next entry] / [member, entry, -]
	stats               Stats
}

// Check is a convenience for one-off checks; it allocates a Checker.
func Check(s *Snapshot, which Set) []Violation {
	var c Checker
	return c.Check(s, which)
}

// Stats returns the shape of the snapshot last given to Check or
// Principals.
func (c *Checker) Stats() Stats { return c.stats }

// Principals returns the number of principals of s (whatever the set of
// invariants), for tests and reports that want the number rather than the
// verdict. It also refreshes Stats.
func (c *Checker) Principals(s *Snapshot) int {
	c.run(s, SetOf(Principals))
	return c.stats.Principals
}

// Check returns every invariant in which that s violates, each at most
// once, in Invariant order, with the first offending nodes (lowest index
// first, so that the report is deterministic); nil when all hold. Only
// members are checked; non-members matter only as list entries. A snapshot
// with no member violates nothing: the invariants constrain members' state
// and there is none (callers that need a non-empty network look at
// Stats().Members).
//
// Check costs O(N·r), plus O(N·log N) when Principals is selected and the
// membership changed since the previous check, and allocates only for the
// violations it returns (healthy states cost no allocation). It panics if
// s.Bits is outside 1..64 or an index is out of range; Snapshot.Validate
// reports such errors instead.
func (c *Checker) Check(s *Snapshot, which Set) []Violation {
	c.run(s, which)
	st := &c.stats
	if st.Members == 0 {
		return nil
	}
	var out []Violation
	if which.Has(LiveSuccessor) && st.Dangling > 0 {
		out = c.add(out, LiveSuccessor, st.Dangling, c.firstDangling)
	}
	if which.Has(AtLeastOneRing) && st.Cycles == 0 {
		// Without a cycle every path ends at a dangling member; name the
		// one the first member's path ends at.
		out = c.add(out, AtLeastOneRing, st.Members, c.sink(c.firstMember()))
	}
	if which.Has(AtMostOneRing) && st.Cycles > 1 {
		v := Violation{Invariant: AtMostOneRing, Count: st.Cycles}
		for k := 0; k < len(c.cycles) && k < maxListed; k++ {
			v.Nodes = append(v.Nodes, c.cycles[k].head)
		}
		out = append(out, c.withIDs(v))
	}
	if which.Has(OrderedRing) && st.Loopy > 0 {
		for _, cy := range c.cycles {
			if cy.windings > 1 {
				a, b, m := c.skipWitness(cy.head)
				out = c.add(out, OrderedRing, int(cy.windings), a, b, m)
				break
			}
		}
	}
	if which.Has(ConnectedAppendages) && st.Stranded > 0 {
		a := c.firstStranded()
		if d := c.sink(a); d != a {
			out = c.add(out, ConnectedAppendages, st.Stranded, a, d)
		} else {
			out = c.add(out, ConnectedAppendages, st.Stranded, a)
		}
	}
	if which.Has(OrderedSuccessorLists) && c.unordered > 0 {
		out = c.add(out, OrderedSuccessorLists, c.unordered, c.unorderedAt[:]...)
	}
	if which.Has(NoDuplicates) && c.dupLists > 0 {
		out = c.add(out, NoDuplicates, c.dupLists, c.dupAt[:2]...)
	}
	if which.Has(Principals) && st.Principals < s.R+1 {
		v := Violation{Invariant: Principals, Count: s.R + 1}
		for i := range c.ids {
			if c.colour[i] != absent && c.cover[c.bounds[i].low] == 0 {
				v.Nodes = append(v.Nodes, int32(i))
			}
		}
		out = append(out, c.withIDs(v))
	}
	return out
}

func (c *Checker) add(out []Violation, inv Invariant, count int, nodes ...int32) []Violation {
	return append(out, c.withIDs(Violation{Invariant: inv, Count: count, Nodes: slices.Clone(nodes)}))
}

func (c *Checker) withIDs(v Violation) Violation {
	v.IDs = make([]uint64, len(v.Nodes))
	for k, n := range v.Nodes {
		v.IDs[k] = c.ids[n]
	}
	return v
}

func resize[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	return b[:n]
}

// run computes everything the selected invariants and Stats need: one pass
// over the nodes, the members sorted by ID if Principals is selected, one
// pass over the members' lists, and the cycle search.
func (c *Checker) run(s *Snapshot, which Set) {
	if s.Bits < 1 || s.Bits > 64 {
		panic(fmt.Sprintf("invariant: Snapshot.Bits = %d is outside 1..64", s.Bits))
	}
	c.load(s)
	princ := which.Has(Principals)
	if princ {
		c.sortMembers()
	}
	c.scan(which.Has(OrderedSuccessorLists), which.Has(NoDuplicates), princ)
	c.shape()
	c.stats.Principals = -1
	if princ {
		c.stats.Principals = c.countPrincipals()
	}
}

// load reads what every later pass needs about every node: its masked ID
// and whether it is a member (kept as a colour, one byte, so that list
// entries can be tested without touching the snapshot's large Node
// structs).
func (c *Checker) load(s *Snapshot) {
	c.s = s
	c.mask = ^uint64(0) >> (64 - uint(s.Bits))
	n := len(s.Nodes)
	c.ids = resize(c.ids, n)
	c.best = resize(c.best, n)
	c.colour = resize(c.colour, n)
	c.term = resize(c.term, n)
	c.stamp = resize(c.stamp, n)
	c.stats = Stats{}
	c.firstDangling = -1
	c.unordered, c.dupLists = 0, 0
	for i := range s.Nodes {
		nd := &s.Nodes[i]
		c.ids[i] = nd.ID & c.mask
		c.stamp[i] = -1
		c.best[i] = -1
		c.colour[i] = absent
		if nd.Member {
			c.colour[i] = white
			c.stats.Members++
		}
	}
}

// scan walks each member's list once per property: bestSucc always, then
// the selected list properties and the arcs skipped for Principals. The
// list is in cache after the first walk.
func (c *Checker) scan(order, dups, princ bool) {
	s := c.s
	lone := c.stats.Members == 1
	for i := range s.Nodes {
		if c.colour[i] == absent {
			continue
		}
		owner := int32(i)
		succ := s.Nodes[i].Succ
		b := int32(-1)
		for _, e := range succ {
			if c.colour[e] != absent {
				b = e
				break
			}
		}
		c.best[i] = b
		if b < 0 {
			c.stats.Dangling++
			if c.firstDangling < 0 {
				c.firstDangling = owner
			}
		} else if s.Nodes[b].Pred == owner {
			c.stats.Mutual++
		}
		if order {
			c.checkOrder(owner, succ)
		}
		if dups {
			c.checkDups(owner, succ, lone || (s.Nodes[i].Created && len(succ) == 1))
		}
		if princ {
			c.skipArcs(owner, succ)
		}
	}
}

// checkOrder tests that the list is strictly clockwise from its owner. An
// entry's key is its clockwise distance from the owner minus one, in
// unmasked uint64: an entry with the owner's ID then sorts last (a full
// turn), which is Zave's between(m, e_j, e_k) for j < k, and strictly
// increasing keys are exactly her OrderedSuccessorLists.
func (c *Checker) checkOrder(owner int32, succ []int32) {
	base := c.ids[owner]
	var prev uint64
	for j, e := range succ {
		k := (c.ids[e]-base)&c.mask - 1
		if j > 0 && k <= prev {
			if c.unordered == 0 {
				c.unorderedAt = [3]int32{owner, succ[j-1], e}
			}
			c.unordered++
			return
		}
		prev = k
	}
}

// checkDups looks for the owner or a repeated entry in the list. A lone
// member may list itself: that is the one-node ring of ToN's create(); so
// may a Created member whose list is itself alone, among others that have
// joined it but not yet been heard of (issue 17, symptom 7: a
// protocol-built ring stopped at its first join).
// Entries are stamped with the owner's index, O(r) per list; stamps were
// reset by load, so a stamp equal to the owner is from this list.
func (c *Checker) checkDups(owner int32, succ []int32, lone bool) {
	for _, e := range succ {
		if (e == owner && !lone) || c.stamp[e] == owner {
			if c.dupLists == 0 {
				c.dupAt = [3]int32{owner, e, -1}
			}
			c.dupLists++
			return
		}
		c.stamp[e] = owner
	}
}

// shape finds the cycles of the bestSucc graph and, for every member, where
// its path ends. bestSucc is a (partial) function, so each member has one
// path: walk it until a dead end, a node already classified, or a node of
// the current walk (a new cycle), then walk it again to record the result.
// Every member is walked at most twice: O(N).
func (c *Checker) shape() {
	c.cycles = c.cycles[:0]
	for i := range c.best {
		if c.colour[i] != white {
			continue
		}
		x, last := int32(i), int32(-1)
		for x >= 0 && c.colour[x] == white {
			c.colour[x] = grey
			last, x = x, c.best[x]
		}
		var t int32
		switch {
		case x < 0:
			t = -2 - last // last is a member without a live successor
		case c.colour[x] == grey:
			t = c.closeCycle(x)
		default:
			t = c.term[x]
		}
		for y := int32(i); y >= 0 && c.colour[y] == grey; y = c.best[y] {
			c.colour[y] = hanging
			c.term[y] = t
		}
	}
	st := &c.stats
	st.Cycles = len(c.cycles)
	for _, cy := range c.cycles {
		st.RingMembers += int(cy.length)
		if cy.windings > 1 {
			st.Loopy++
		}
	}
	st.Appendages = st.Members - st.RingMembers
	for i := range c.term {
		if c.colour[i] == hanging && c.term[i] < 0 {
			st.Stranded++
		}
	}
}

// closeCycle records the cycle through x and returns its number. It counts
// the steps that do not increase the ID: each crosses 0 once, so their
// number is how many times the cycle winds round the identifier space, with
// no 2^m arithmetic (m may be 64). A self-loop counts one, as it should.
func (c *Checker) closeCycle(x int32) int32 {
	k := int32(len(c.cycles))
	cy := cycle{head: x}
	for y := x; ; {
		z := c.best[y]
		c.colour[y] = onRing
		c.term[y] = k
		cy.length++
		if c.ids[z] <= c.ids[y] {
			cy.windings++
		}
		if y = z; y == x {
			break
		}
	}
	c.cycles = append(c.cycles, cy)
	return k
}

// sink is the dangling member at the end of a stranded member's path.
func (c *Checker) sink(i int32) int32 { return -2 - c.term[i] }

func (c *Checker) firstMember() int32 {
	for i, col := range c.colour {
		if col != absent {
			return int32(i)
		}
	}
	return -1
}

func (c *Checker) firstStranded() int32 {
	for i, col := range c.colour {
		if col == hanging && c.term[i] < 0 {
			return int32(i)
		}
	}
	return -1
}

// skipWitness explains why the cycle through x0 winds more than once: it
// returns a step a → b of the cycle and a cycle member m strictly between
// them. Distances are measured clockwise from x0, so that the answer does
// not depend on where 0 is (rotating the IDs gives the same witness).
//
// From x0 the cycle first climbs in distance, x0, x1, …, e, then steps back
// past x0 to e's successor. If that climb held every cycle member, the
// cycle would be the members in clockwise order, winding once; so some m is
// missing from it. Either m is beyond e, and the step out of e skips it, or
// it falls between two consecutive climbers.
func (c *Checker) skipWitness(x0 int32) (a, b, m int32) {
	base := c.ids[x0]
	d := func(y int32) uint64 { return (c.ids[y] - base) & c.mask }
	mark := int32(len(c.ids)) // never a list owner, see checkDups
	c.stamp[x0] = mark
	e := x0
	for z := c.best[e]; d(z) > d(e); z = c.best[e] {
		c.stamp[z] = mark
		e = z
	}
	m = -1
	for y := c.best[x0]; y != x0; y = c.best[y] {
		if c.stamp[y] != mark {
			m = y
			break
		}
	}
	if m < 0 {
		panic("invariant: internal error: loopy cycle without a skipped member")
	}
	if d(m) > d(e) {
		return e, c.best[e], m
	}
	a = x0
	for d(c.best[a]) < d(m) {
		a = c.best[a]
	}
	return a, c.best[a], m
}

// sortMembers sorts the members by ID, unless the order kept from the
// previous check is still exactly that: between two simulated events the
// membership rarely changes, and the O(N) test is cheaper than the sort.
// It then sets the bounds of the members and clears the others'.
func (c *Checker) sortMembers() {
	if !c.sortedStillValid() {
		c.sorted = c.sorted[:0]
		for i, col := range c.colour {
			if col != absent {
				c.sorted = append(c.sorted, keyed{c.ids[i], int32(i)})
			}
		}
		slices.SortFunc(c.sorted, func(a, b keyed) int { return cmp.Compare(a.id, b.id) })
	}
	mm := len(c.sorted)
	c.sortID = resize(c.sortID, mm)
	c.bounds = resize(c.bounds, len(c.ids))
	c.cover = resize(c.cover, mm+1)
	clear(c.cover)
	for i := range c.bounds {
		c.bounds[i] = bound{-1, -1}
	}
	for p, kv := range c.sorted {
		c.sortID[p] = kv.id
		c.bounds[kv.idx] = bound{int32(p), int32(p) + 1}
	}
}

// sortedStillValid reports whether c.sorted is this snapshot's members in
// increasing ID order: as many entries as members, each a member with its
// current ID, strictly increasing (hence no member twice, so all of them).
func (c *Checker) sortedStillValid() bool {
	if len(c.sorted) != c.stats.Members {
		return false
	}
	prev := uint64(0)
	for p, kv := range c.sorted {
		if int(kv.idx) >= len(c.ids) || c.colour[kv.idx] == absent || c.ids[kv.idx] != kv.id || (p > 0 && kv.id <= prev) {
			return false
		}
		prev = kv.id
	}
	return true
}

// skipArcs marks the members that the owner's ESL skips. Each adjacent
// pair (a, b) skips the members strictly inside the clockwise arc (a, b),
// which among the members sorted by ID is a run of positions, wrapping
// round the end when ID(b) ≤ ID(a) (everything but a when they are equal,
// as Zave's between has it). The runs go into a difference array.
func (c *Checker) skipArcs(owner int32, succ []int32) {
	last := int32(len(c.sortID))
	aID, aUp := c.ids[owner], c.bounds[owner].up
	for _, e := range succ {
		be := c.bound(e)
		bID := c.ids[e]
		if aID < bID {
			if aUp < be.low {
				c.cover[aUp]++
				c.cover[be.low]--
			}
		} else {
			c.cover[aUp]++
			c.cover[last]--
			c.cover[0]++
			c.cover[be.low]--
		}
		aID, aUp = bID, be.up
	}
}

// bound returns node y's bound, computing it by binary search the first
// time a non-member is met; members' bounds come from sortMembers. Each
// node is searched at most once per check: O(N·log N) at worst.
func (c *Checker) bound(y int32) bound {
	if bd := c.bounds[y]; bd.low >= 0 {
		return bd
	}
	id := c.ids[y]
	lo, hi := 0, len(c.sortID)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if c.sortID[mid] < id {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	bd := bound{int32(lo), int32(lo)}
	if lo < len(c.sortID) && c.sortID[lo] == id {
		bd.up++
	}
	c.bounds[y] = bd
	return bd
}

// countPrincipals turns the difference array into each member's skip
// count (by sorted position) and counts the members never skipped.
func (c *Checker) countPrincipals() int {
	count, run := 0, int32(0)
	for p := range c.sortID {
		run += c.cover[p]
		c.cover[p] = run
		if run == 0 {
			count++
		}
	}
	return count
}
