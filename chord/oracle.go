package chord

import (
	"sort"
	"unsafe"

	"github.com/chordsim/chordsim/internal/prefetch"

	"github.com/chordsim/chordsim/sim"
)

// Handle is a node's address in the simulation: a dense index into the
// ring's node table. Handles are never reused.
type Handle = sim.Endpoint

// None is the absent handle (no predecessor, an empty list slot).
const None Handle = -1

// Oracle is the ground truth: the sorted identifiers of the live members.
// It exists to measure and to bootstrap; the protocol never consults it.
type Oracle struct {
	ids     []ID
	handles []Handle
	// identity: handles[i] == i for every i, as the ideal bootstrap leaves
	// it (handles numbered in ring order) until membership changes. Then
	// the owner of a handle's keys is known without a search (owns).
	identity  bool
	reference bool // always search (Ring.reference)
	// before, if set, is called just before the membership changes
	// (Ring.BeforeMembershipChange).
	before func()
}

// Len is the number of live members.
func (o *Oracle) Len() int { return len(o.ids) }

// Successor returns the live member that owns key: the first member whose
// identifier equals or follows key clockwise. It panics on an empty ring.
func (o *Oracle) Successor(key ID) Handle {
	return o.handles[o.successorIndex(key)]
}

// owns reports whether h is the live member that owns key in space s. On a
// freshly bootstrapped ring it compares key with h's identifier and its
// predecessor's (two reads instead of a binary search whose last steps
// each miss the cache on a large ring).
func (o *Oracle) owns(s Space, h Handle, key ID) bool {
	n := len(o.ids)
	if n == 0 || h < 0 {
		return false
	}
	if o.identity && !o.reference {
		p := int(h)
		if p >= n {
			return false
		}
		if n == 1 {
			return true
		}
		prev := p - 1
		if p == 0 {
			prev = n - 1
		}
		return s.BetweenIncl(o.ids[prev], key, o.ids[p])
	}
	return o.Successor(key) == h
}

// HandleAt returns the i-th member in identifier order (At's handle),
// without reading memory on a freshly bootstrapped ring.
func (o *Oracle) HandleAt(i int) Handle {
	if o.identity && !o.reference {
		_ = o.handles[i] // bounds check, as At
		return Handle(i)
	}
	return o.handles[i]
}

// hintOwns hints what owns will read to judge an answer naming h.
func (o *Oracle) hintOwns(h Handle) {
	if o.identity && !o.reference && h >= 0 && int(h) < len(o.ids) {
		prev := max(int(h)-1, 0)
		prefetch.Lines2(unsafe.Pointer(&o.ids[prev]), unsafe.Pointer(&o.ids[h]))
	}
}

func (o *Oracle) successorIndex(key ID) int {
	i := sort.Search(len(o.ids), func(i int) bool { return o.ids[i] >= key })
	if i == len(o.ids) {
		i = 0
	}
	return i
}

// At returns the i-th member in identifier order.
func (o *Oracle) At(i int) (ID, Handle) { return o.ids[i], o.handles[i] }

// Contains reports whether id belongs to a live member.
func (o *Oracle) Contains(id ID) bool {
	i := sort.Search(len(o.ids), func(i int) bool { return o.ids[i] >= id })
	return i < len(o.ids) && o.ids[i] == id
}

func (o *Oracle) insert(id ID, h Handle) {
	if o.before != nil {
		o.before()
	}
	o.identity = false
	i := sort.Search(len(o.ids), func(i int) bool { return o.ids[i] >= id })
	o.ids = append(o.ids, 0)
	o.handles = append(o.handles, 0)
	copy(o.ids[i+1:], o.ids[i:])
	copy(o.handles[i+1:], o.handles[i:])
	o.ids[i], o.handles[i] = id, h
}

func (o *Oracle) remove(id ID) {
	if o.before != nil {
		o.before()
	}
	o.identity = false
	i := sort.Search(len(o.ids), func(i int) bool { return o.ids[i] >= id })
	if i == len(o.ids) || o.ids[i] != id {
		panic("chord: oracle removes a member it does not hold")
	}
	o.ids = append(o.ids[:i], o.ids[i+1:]...)
	o.handles = append(o.handles[:i], o.handles[i+1:]...)
}

// Owners counts, for each member in identifier order, how many of keys it
// owns. keys need not be sorted.
func (o *Oracle) Owners(keys []ID) []int {
	counts := make([]int, len(o.ids))
	if len(o.ids) == 0 {
		return counts
	}
	for _, k := range keys {
		counts[o.successorIndex(k)]++
	}
	return counts
}
