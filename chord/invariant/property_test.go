package invariant

import (
	"math/bits"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// naiveBetween is x ∈ (a, b) by case analysis on plain integers, written
// independently of the checker's distance trick: inside when a < b, across
// 0 when a > b, everything but a when a = b (Zave's between).
func naiveBetween(a, x, b uint64) bool {
	switch {
	case a < b:
		return a < x && x < b
	case a > b:
		return x > a || x < b
	default:
		return x != a
	}
}

// brute is everything the checker computes, by the definitions in the
// reference and nothing cleverer: bestSucc paths followed step by step for
// up to N steps, pairwise list comparisons, and the principal test over
// every member and every ESL pair (O(N²·r)).
type brute struct {
	s        *Snapshot
	n        int
	ids      []uint64
	member   []bool
	best     []int32
	ring     []bool
	violated Set
	stats    Stats
	// principals by index; firstUnordered and firstDup are the first
	// members whose lists break the list properties (-1 for none).
	principals               []int32
	firstUnordered, firstDup int32
}

func newBrute(s *Snapshot) *brute {
	b := &brute{s: s, n: len(s.Nodes), firstUnordered: -1, firstDup: -1}
	for _, nd := range s.Nodes {
		id := nd.ID
		if s.Bits < 64 {
			id %= uint64(1) << uint(s.Bits)
		}
		b.ids = append(b.ids, id)
		b.member = append(b.member, nd.Member)
	}
	for i, nd := range s.Nodes {
		bs := int32(-1)
		if b.member[i] {
			for _, e := range nd.Succ {
				if b.member[e] {
					bs = e
					break
				}
			}
		}
		b.best = append(b.best, bs)
	}
	b.ring = make([]bool, b.n)
	st := &b.stats
	members := 0
	for i := range b.n {
		if !b.member[i] {
			continue
		}
		members++
		b.ring[i] = b.reach(int32(i), int32(i))
		if b.best[i] < 0 {
			st.Dangling++
		} else if s.Nodes[b.best[i]].Pred == int32(i) {
			st.Mutual++
		}
	}
	st.Members = members
	if members == 0 {
		st.Principals = 0
		return b
	}
	var v Set
	for i := range b.n {
		if !b.member[i] {
			continue
		}
		if b.ring[i] {
			st.RingMembers++
			// Count each cycle once, at its lowest index.
			low := true
			for j := range b.n {
				if j < i && b.ring[j] && b.reach(int32(i), int32(j)) {
					low = false
				}
			}
			if low {
				st.Cycles++
				if b.winding(int32(i)) > 1 {
					st.Loopy++
				}
			}
		} else {
			reaches := false
			for j := range b.n {
				if b.ring[j] && b.reach(int32(i), int32(j)) {
					reaches = true
				}
			}
			if !reaches {
				st.Stranded++
			}
		}
	}
	st.Appendages = members - st.RingMembers
	if st.Dangling > 0 {
		v |= SetOf(LiveSuccessor)
	}
	if st.RingMembers == 0 {
		v |= SetOf(AtLeastOneRing)
	}
	for a := range b.n {
		for c := range b.n {
			if b.ring[a] && b.ring[c] && !b.reach(int32(a), int32(c)) {
				v |= SetOf(AtMostOneRing)
			}
		}
	}
	// OrderedRing, Zave's form, within each cycle: for a step a → bs of a
	// cycle (a ≠ bs), no member c of the same cycle lies strictly between.
	for a := range b.n {
		bs := b.best[a]
		if !b.ring[a] || int(bs) == a {
			continue
		}
		for c := range b.n {
			if c != a && c != int(bs) && b.ring[c] && b.reach(int32(a), int32(c)) &&
				naiveBetween(b.ids[a], b.ids[c], b.ids[bs]) {
				v |= SetOf(OrderedRing)
			}
		}
	}
	if st.Stranded > 0 {
		v |= SetOf(ConnectedAppendages)
	}
	for m := range b.n {
		if !b.member[m] {
			continue
		}
		succ := s.Nodes[m].Succ
		for j := range succ {
			for k := j + 1; k < len(succ); k++ {
				if !naiveBetween(b.ids[m], b.ids[succ[j]], b.ids[succ[k]]) && b.firstUnordered < 0 {
					b.firstUnordered = int32(m)
				}
				if succ[j] == succ[k] && b.firstDup < 0 {
					b.firstDup = int32(m)
				}
			}
			if int(succ[j]) == m && members > 1 && !(b.s.Nodes[m].Created && len(succ) == 1) && b.firstDup < 0 {
				b.firstDup = int32(m)
			}
		}
	}
	if b.firstUnordered >= 0 {
		v |= SetOf(OrderedSuccessorLists)
	}
	if b.firstDup >= 0 {
		v |= SetOf(NoDuplicates)
	}
	for p := range b.n {
		if !b.member[p] {
			continue
		}
		skipped := false
		for m := range b.n {
			if !b.member[m] {
				continue
			}
			esl := append([]int32{int32(m)}, s.Nodes[m].Succ...)
			for k := 0; k+1 < len(esl); k++ {
				if naiveBetween(b.ids[esl[k]], b.ids[p], b.ids[esl[k+1]]) {
					skipped = true
				}
			}
		}
		if !skipped {
			b.principals = append(b.principals, int32(p))
		}
	}
	st.Principals = len(b.principals)
	if st.Principals < s.R+1 {
		v |= SetOf(Principals)
	}
	b.violated = v
	return b
}

// reach reports whether j is reached from i in 1..N bestSucc steps.
func (b *brute) reach(i, j int32) bool {
	x := i
	for range b.n {
		x = b.best[x]
		if x < 0 {
			return false
		}
		if x == j {
			return true
		}
	}
	return false
}

// winding is the total clockwise distance round the cycle through i,
// divided by 2^m: a 128-bit sum at m = 64, a plain one below. A self-loop
// is a full turn.
func (b *brute) winding(i int32) int {
	var hi, lo uint64
	x := i
	for {
		y := b.best[x]
		var d uint64
		if b.s.Bits == 64 {
			d = b.ids[y] - b.ids[x]
			if d == 0 {
				hi++
			}
		} else {
			size := uint64(1) << uint(b.s.Bits)
			d = (b.ids[y] + size - b.ids[x]) % size
			if d == 0 {
				d = size
			}
		}
		var carry uint64
		lo, carry = bits.Add64(lo, d, 0)
		hi += carry
		if x = y; x == i {
			break
		}
	}
	if b.s.Bits == 64 {
		return int(hi)
	}
	return int(lo >> uint(b.s.Bits))
}

// randomSnapshot draws a small state. Four shapes, so that every invariant
// is both kept and broken often: free random lists; an ideal ring over all
// nodes (dead ones included) with failures and a few corrupted entries;
// random permutation cycles (loopy and split rings); and a ring with
// rejoined IDs (dead nodes sharing members' IDs). Member IDs are distinct,
// and node indices are unrelated to ID order.
func randomSnapshot(rng *rand.Rand, bits int) *Snapshot {
	mask := ^uint64(0) >> (64 - uint(bits))
	r := 1 + rng.IntN(4)
	n := rng.IntN(13)
	if bits > 4 && rng.IntN(4) == 0 {
		n = 13 + rng.IntN(28)
	}
	s := &Snapshot{Bits: bits, R: r, Nodes: make([]Node, n)}
	taken := map[uint64]bool{}
	drawID := func() uint64 {
		for {
			var id uint64
			if bits == 64 && rng.IntN(3) == 0 {
				// Near the wrap-around point, where distance bugs live.
				id = uint64(rng.IntN(8)) - 4
			} else {
				id = rng.Uint64() & mask
			}
			if !taken[id] {
				taken[id] = true
				return id
			}
		}
	}
	for i := range s.Nodes {
		s.Nodes[i] = Node{ID: drawID(), Member: true, Pred: int32(rng.IntN(n+1)) - 1}
	}
	randomList := func() []int32 {
		l := make([]int32, rng.IntN(r+1))
		for k := range l {
			l[k] = int32(rng.IntN(n))
		}
		return l
	}
	// byID[k] is the node at ring position k.
	byID := make([]int32, n)
	for i := range byID {
		byID[i] = int32(i)
	}
	slices.SortFunc(byID, func(a, b int32) int {
		if s.Nodes[a].ID < s.Nodes[b].ID {
			return -1
		}
		return 1
	})
	killSome := func(p int) {
		for i := range s.Nodes {
			if rng.IntN(100) < p {
				s.Nodes[i].Member = false
			}
		}
	}
	switch mode := rng.IntN(4); mode {
	case 0:
		killSome(30)
		for i := range s.Nodes {
			s.Nodes[i].Succ = randomList()
		}
	case 1, 3:
		for k, x := range byID {
			for j := 1; j <= r && j < n; j++ {
				s.Nodes[x].Succ = append(s.Nodes[x].Succ, byID[(k+j)%n])
			}
		}
		killSome(25)
		for range rng.IntN(3) {
			if n == 0 {
				break
			}
			x := rng.IntN(n)
			l := s.Nodes[x].Succ
			switch {
			case len(l) > 0 && rng.IntN(2) == 0:
				l[rng.IntN(len(l))] = int32(rng.IntN(n))
			case len(l) > 1:
				a, b := rng.IntN(len(l)), rng.IntN(len(l))
				l[a], l[b] = l[b], l[a]
			default:
				s.Nodes[x].Succ = randomList()
			}
		}
		if mode == 3 {
			// Old incarnations: dead nodes with members' IDs, some of
			// them put in lists.
			for range rng.IntN(4) {
				if n == 0 {
					break
				}
				src := rng.IntN(n)
				s.Nodes = append(s.Nodes, Node{ID: s.Nodes[src].ID, Pred: -1, Succ: randomList()})
				x := rng.IntN(n)
				if l := s.Nodes[x].Succ; len(l) > 0 {
					l[rng.IntN(len(l))] = int32(len(s.Nodes) - 1)
				}
			}
		}
	case 2:
		perm := rng.Perm(n)
		cuts := 1 + rng.IntN(2)
		for start := 0; start < n; {
			end := min(n, start+1+rng.IntN(n/cuts+1))
			cyc := perm[start:end]
			for k, x := range cyc {
				for j := 1; j <= r && j < len(cyc); j++ {
					s.Nodes[x].Succ = append(s.Nodes[x].Succ, int32(cyc[(k+j)%len(cyc)]))
				}
				if len(cyc) == 1 {
					s.Nodes[x].Succ = L(int32(x))
				}
				if rng.IntN(3) == 0 {
					s.Nodes[x].Pred = int32(cyc[(k+len(cyc)-1)%len(cyc)])
				}
			}
			start = end
		}
		killSome(10)
	}
	return s
}

var bitsChoices = []int{4, 8, 64}

const seeds = 3000

// TestAgainstBruteForce compares every verdict, every Stats field and the
// witnesses in every violation with the brute-force definitions, on random
// snapshots with m ∈ {4, 8, 64}. One Checker serves every seed, so stale
// scratch state would show.
func TestAgainstBruteForce(t *testing.T) {
	var c Checker
	seen := map[Invariant]int{}
	healthy := 0 // snapshots violating nothing in Default
	for seed := uint64(0); seed < seeds; seed++ {
		rng := rand.New(rand.NewPCG(seed, 0))
		s := randomSnapshot(rng, bitsChoices[seed%3])
		if err := s.Validate(); err != nil {
			t.Fatalf("seed %d: generator made an invalid snapshot: %v", seed, err)
		}
		b := newBrute(s)
		vs := c.Check(s, All)
		st := c.Stats()
		if got := Violated(vs); got != b.violated {
			t.Fatalf("seed %d: violated %v, brute force %v\n%s%+v", seed, got, b.violated, lines(vs), *s)
		}
		if st != b.stats {
			t.Fatalf("seed %d: stats %+v, brute force %+v\n%+v", seed, st, b.stats, *s)
		}
		if Violated(vs)&Default == 0 {
			healthy++
		}
		for _, v := range vs {
			seen[v.Invariant]++
			if err := b.witness(v); err != "" {
				t.Fatalf("seed %d: %v: %s\n%+v", seed, v, err, *s)
			}
		}
		if !reflect.DeepEqual(vs, Check(s, All)) {
			t.Fatalf("seed %d: reused Checker differs from a fresh one", seed)
		}
	}
	// The generator must exercise every invariant, or the comparison
	// proves little.
	for i := Invariant(0); i < numInvariants; i++ {
		if seen[i] < seeds/50 {
			t.Errorf("%v violated in only %d of %d snapshots", i, seen[i], seeds)
		}
	}
	if healthy < seeds/10 {
		t.Errorf("only %d of %d snapshots are healthy: false positives would go unseen", healthy, seeds)
	}
	t.Logf("violations per invariant over %d snapshots: %v; %d healthy", seeds, seen, healthy)
}

// witness checks that a violation's nodes and count show what it claims.
func (b *brute) witness(v Violation) string {
	nodes := v.Nodes
	isMember := func(x int32) bool { return b.member[x] }
	firstMember := int32(slices.Index(b.member, true))
	switch v.Invariant {
	case LiveSuccessor:
		first := int32(-1)
		for i := range b.n {
			if b.member[i] && b.best[i] < 0 {
				first = int32(i)
				break
			}
		}
		if len(nodes) != 1 || nodes[0] != first || v.Count != b.stats.Dangling {
			return "not the first dangling member / count"
		}
	case AtLeastOneRing:
		d := nodes[0]
		if len(nodes) != 1 || !isMember(d) || b.best[d] >= 0 || (d != firstMember && !b.reach(firstMember, d)) || v.Count != b.stats.Members {
			return "not the dangling end of the first member's path"
		}
	case AtMostOneRing:
		if v.Count != b.stats.Cycles || len(nodes) != min(v.Count, maxListed) {
			return "wrong count"
		}
		for k, x := range nodes {
			if !b.ring[x] {
				return "a listed node is no ring member"
			}
			for _, y := range nodes[:k] {
				if b.reach(x, y) {
					return "two listed nodes on one cycle"
				}
			}
		}
	case OrderedRing:
		a, bs, m := nodes[0], nodes[1], nodes[2]
		if len(nodes) != 3 || !b.ring[a] || b.best[a] != bs || m == a || m == bs || !b.reach(a, m) ||
			!naiveBetween(b.ids[a], b.ids[m], b.ids[bs]) {
			return "not a step of a cycle skipping a member of it"
		}
		if v.Count != b.winding(a) || v.Count < 2 {
			return "wrong winding number"
		}
	case ConnectedAppendages:
		first := int32(-1)
		for i := range b.n {
			if b.member[i] && !b.ring[i] && !b.reachesRing(int32(i)) {
				first = int32(i)
				break
			}
		}
		if nodes[0] != first || v.Count != b.stats.Stranded {
			return "not the first stranded member / count"
		}
		d := nodes[len(nodes)-1]
		if b.best[d] >= 0 || (len(nodes) == 2) != (d != nodes[0]) || (len(nodes) == 2 && !b.reach(nodes[0], d)) {
			return "not the dangling end of its path"
		}
	case OrderedSuccessorLists:
		m := nodes[0]
		if len(nodes) != 3 || m != b.firstUnordered {
			return "not the first unordered list"
		}
		succ := b.s.Nodes[m].Succ
		j := 0
		for ; j+1 < len(succ); j++ {
			if !naiveBetween(b.ids[m], b.ids[succ[j]], b.ids[succ[j+1]]) {
				break
			}
		}
		if j+1 >= len(succ) || nodes[1] != succ[j] || nodes[2] != succ[j+1] {
			return "not the first adjacent pair out of order"
		}
	case NoDuplicates:
		m := nodes[0]
		if len(nodes) != 2 || m != b.firstDup {
			return "not the first list with a duplicate"
		}
		succ := b.s.Nodes[m].Succ
		k := 0
		for ; k < len(succ); k++ {
			if (succ[k] == m && b.stats.Members > 1 && !(b.s.Nodes[m].Created && len(succ) == 1)) || slices.Contains(succ[:k], succ[k]) {
				break
			}
		}
		if k == len(succ) || nodes[1] != succ[k] {
			return "not the first repeated entry"
		}
	case Principals:
		if !slices.Equal(nodes, b.principals) || v.Count != b.s.R+1 {
			return "principals differ from brute force"
		}
	}
	return ""
}

func (b *brute) reachesRing(i int32) bool {
	for j := range b.n {
		if b.ring[j] && b.reach(i, int32(j)) {
			return true
		}
	}
	return false
}

// TestRotationInvariance is property R (§5.3): adding a constant to every
// ID modulo 2^m changes nothing but the IDs in the report. At m = 4 every
// rotation is tried; at m = 8 and 64, random ones and the ones that move
// IDs across 0.
func TestRotationInvariance(t *testing.T) {
	var c, d Checker
	for seed := uint64(0); seed < seeds; seed++ {
		rng := rand.New(rand.NewPCG(seed, 1))
		bits := bitsChoices[seed%3]
		mask := ^uint64(0) >> (64 - uint(bits))
		s := randomSnapshot(rng, bits)
		var shifts []uint64
		if bits == 4 {
			for k := uint64(1); k < 16; k++ {
				shifts = append(shifts, k)
			}
		} else {
			shifts = []uint64{1, mask, mask / 2, rng.Uint64() & mask}
			if len(s.Nodes) > 0 {
				shifts = append(shifts, (-s.Nodes[0].ID)&mask)
			}
		}
		vs := c.Check(s, All)
		st := c.Stats()
		for _, k := range shifts {
			rot := &Snapshot{Bits: s.Bits, R: s.R, Nodes: slices.Clone(s.Nodes)}
			for i := range rot.Nodes {
				rot.Nodes[i].ID = (rot.Nodes[i].ID + k) & mask
			}
			rs := d.Check(rot, All)
			if d.Stats() != st {
				t.Fatalf("seed %d, shift %d: stats %v, unrotated %v", seed, k, d.Stats(), st)
			}
			if len(rs) != len(vs) {
				t.Fatalf("seed %d, shift %d: %d violations, unrotated %d\n%s---\n%s", seed, k, len(rs), len(vs), lines(rs), lines(vs))
			}
			for j := range vs {
				a, b := vs[j], rs[j]
				if a.Invariant != b.Invariant || a.Count != b.Count || !slices.Equal(a.Nodes, b.Nodes) {
					t.Fatalf("seed %d, shift %d:\n%v\nunrotated\n%v", seed, k, b, a)
				}
				for q := range a.IDs {
					if b.IDs[q] != (a.IDs[q]+k)&mask {
						t.Fatalf("seed %d, shift %d: %v: IDs not rotated", seed, k, b)
					}
				}
			}
		}
	}
}

// TestWideIDs: IDs above 2^m are read modulo 2^m, the documented contract
// (Validate rejects them, Check does not pay to).
func TestWideIDs(t *testing.T) {
	s := idealRing(4, 2, odd[:5]...)
	w := &Snapshot{Bits: 4, R: 2, Nodes: slices.Clone(s.Nodes)}
	for i := range w.Nodes {
		w.Nodes[i].ID |= 0xab << 8
	}
	if vs := Check(w, All); vs != nil {
		t.Fatalf("high bits changed the verdict:\n%s", lines(vs))
	}
}

// TestReuseAcrossSmallChanges: the simulator checks the same network after
// every event, so a Checker sees long runs of snapshots that differ by one
// failure, one revival, or both at once (the member count unchanged), or by
// one node's ID. Each result must equal a fresh Checker's, which catches
// stale scratch state, notably a sorted order that is kept when it should
// not be.
func TestReuseAcrossSmallChanges(t *testing.T) {
	var c Checker
	for seed := uint64(0); seed < seeds; seed++ {
		rng := rand.New(rand.NewPCG(seed, 2))
		bits := bitsChoices[seed%3]
		s := randomSnapshot(rng, bits)
		if len(s.Nodes) == 0 {
			continue
		}
		c.Check(s, All)
		for step := range 6 {
			x := rng.IntN(len(s.Nodes))
			switch step % 3 {
			case 0: // fail one member and revive one dead node
				var dead []int
				for i, nd := range s.Nodes {
					if !nd.Member && i != x {
						dead = append(dead, i)
					}
				}
				s.Nodes[x].Member = false
				if len(dead) > 0 {
					y := dead[rng.IntN(len(dead))]
					if !idTaken(s, s.Nodes[y].ID, y) {
						s.Nodes[y].Member = true
					}
				}
			case 1: // flip one node
				if s.Nodes[x].Member || !idTaken(s, s.Nodes[x].ID, x) {
					s.Nodes[x].Member = !s.Nodes[x].Member
				}
			case 2: // move one node to a free ID
				mask := ^uint64(0) >> (64 - uint(bits))
				if id := rng.Uint64() & mask; !idTaken(s, id, x) {
					s.Nodes[x].ID = id
				}
			}
			if err := s.Validate(); err != nil {
				t.Fatalf("seed %d step %d: %v", seed, step, err)
			}
			got := c.Check(s, All)
			var fresh Checker
			want := fresh.Check(s, All)
			if !reflect.DeepEqual(got, want) || c.Stats() != fresh.Stats() {
				t.Fatalf("seed %d step %d: reused checker\n%s%v\nfresh\n%s%v", seed, step, lines(got), c.Stats(), lines(want), fresh.Stats())
			}
		}
	}
}

// idTaken reports whether a member other than node skip has the ID.
func idTaken(s *Snapshot, id uint64, skip int) bool {
	for i, nd := range s.Nodes {
		if i != skip && nd.Member && nd.ID == id {
			return true
		}
	}
	return false
}
