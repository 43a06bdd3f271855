package run

import (
	"slices"
	"sort"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/churn"
	"github.com/chordsim/chordsim/sim"
)

// target adapts a ring to the churn package: churn decides when and which,
// the ring carries it out, and the run keeps the books (lost keys,
// invariant checks) around each change.
type target struct {
	ring    *chord.Ring
	initial []chord.Handle // the ring's members when churn began, in identifier order
	keys    *keyBook
	wait    sim.Duration   // churn.leave_wait: a graceful leave's wait
	leaving []chord.Handle // members waiting to leave (churn.leave_wait), pruned as they go
	skip    []int          // LiveNode's scratch: the leaving members' positions
	changed func()         // called after every membership change (invariant checks)
	joins   int
	fails   int
	leaves  int
}

func newTarget(ring *chord.Ring, keys *keyBook, changed func()) *target {
	t := &target{ring: ring, keys: keys, changed: changed}
	o := ring.Oracle()
	for i := 0; i < o.Len(); i++ {
		_, h := o.At(i)
		t.initial = append(t.initial, h)
	}
	return t
}

// Live counts the members that are not waiting to leave: failures and
// leaves pick among them. A node still joining is not yet reachable by
// anyone, and a node that has begun a graceful leave with a wait
// (churn.leave_wait) is already departing, so churn picks neither (S01's
// churn generator, too, never names a leaving node again).
func (t *target) Live() int {
	t.pruneLeaving()
	return t.ring.Oracle().Len() - len(t.leaving)
}

// LiveNode is the i-th of those members in identifier order.
func (t *target) LiveNode(i int) churn.Node {
	o := t.ring.Oracle()
	if len(t.leaving) > 0 {
		// Skip the leaving members' positions that come at or before the
		// i-th pickable one; they are few (rate × wait), so sorting their
		// positions each time is cheap.
		t.skip = t.skip[:0]
		for _, h := range t.leaving {
			id := t.ring.ID(h)
			t.skip = append(t.skip, sort.Search(o.Len(), func(j int) bool { id2, _ := o.At(j); return id2 >= id }))
		}
		slices.Sort(t.skip)
		for _, p := range t.skip {
			if p <= i {
				i++
			}
		}
	}
	_, h := o.At(i)
	return churn.Node(h)
}

// pruneLeaving forgets the members whose wait is over (or that failed).
func (t *target) pruneLeaving() {
	t.leaving = slices.DeleteFunc(t.leaving, func(h chord.Handle) bool { return !t.ring.Leaving(h) })
}

func (t *target) Alive(n churn.Node) bool {
	st := t.ring.State(chord.Handle(n))
	return st == chord.Member || st == chord.Joining
}

// Join starts a new node through a random member; with like ≥ 0 the node
// is a new incarnation of like with its identifier, unless a live node has
// taken that identifier meanwhile, in which case it gets a fresh one.
func (t *target) Join(like churn.Node) churn.Node {
	h := chord.None
	if like >= 0 {
		if n, err := t.ring.AddNodeLike(chord.Handle(like)); err == nil {
			h = n
		}
	}
	if h == chord.None {
		n, err := t.ring.AddNode()
		if err != nil {
			return -1 // the identifier space is full
		}
		h = n
	}
	t.start(h)
	return churn.Node(h)
}

// JoinNamed starts a node whose identifier is the SHA-1 of name. If a live
// node has that identifier (only possible in tiny identifier spaces), the
// join is skipped.
func (t *target) JoinNamed(name string) churn.Node {
	h, err := t.ring.AddNamedNode(name)
	if err != nil {
		return -1
	}
	t.start(h)
	return churn.Node(h)
}

func (t *target) start(h chord.Handle) {
	if err := t.ring.Join(h); err != nil {
		// No member left to join through: start a new ring.
		t.ring.Create(h)
	}
	t.joins++
	t.changed()
}

func (t *target) Initial(k int) churn.Node { return churn.Node(t.initial[k]) }

func (t *target) Fail(node churn.Node) {
	n := chord.Handle(node)
	if t.ring.State(n) == chord.Member {
		t.keys.lose(t.ring, n)
	}
	if t.ring.Fail(n) == nil {
		t.fails++
		t.changed()
	}
}

func (t *target) Leave(node churn.Node) {
	n := chord.Handle(node)
	if t.ring.LeaveAfter(n, t.wait) == nil {
		if t.ring.Leaving(n) {
			t.leaving = append(t.leaving, n)
		}
		t.leaves++
		t.changed()
	}
}

// keyBook knows which placed keys are lost: a key is lost when the member
// that owns it fails (there is no replication; a graceful leave hands keys
// over, and a join takes its keys from its successor).
type keyBook struct {
	sorted []chord.ID
	lost   []bool
	nLost  int
}

func newKeyBook(keys []chord.ID) *keyBook {
	s := slices.Clone(keys)
	slices.Sort(s)
	return &keyBook{sorted: s, lost: make([]bool, len(s))}
}

// lose marks the keys member h owns, (predecessor, h], as lost. It reads the
// oracle: this is measurement, not protocol.
func (b *keyBook) lose(ring *chord.Ring, h chord.Handle) {
	if len(b.sorted) == 0 {
		return
	}
	o := ring.Oracle()
	id := ring.ID(h)
	if o.Len() == 1 {
		b.mark(0, len(b.sorted))
		return
	}
	p := sort.Search(o.Len(), func(i int) bool { id2, _ := o.At(i); return id2 >= id })
	predID, _ := o.At((p + o.Len() - 1) % o.Len())
	lo := sort.Search(len(b.sorted), func(i int) bool { return b.sorted[i] > predID })
	hi := sort.Search(len(b.sorted), func(i int) bool { return b.sorted[i] > id })
	if predID < id {
		b.mark(lo, hi)
	} else { // the arc wraps past 0
		b.mark(lo, len(b.sorted))
		b.mark(0, hi)
	}
}

func (b *keyBook) mark(lo, hi int) {
	for i := lo; i < hi; i++ {
		if !b.lost[i] {
			b.lost[i] = true
			b.nLost++
		}
	}
}

// isLost reports whether key is a placed key that is lost.
func (b *keyBook) isLost(key chord.ID) bool {
	if b.nLost == 0 {
		return false
	}
	i := sort.Search(len(b.sorted), func(i int) bool { return b.sorted[i] >= key })
	return i < len(b.sorted) && b.sorted[i] == key && b.lost[i]
}
