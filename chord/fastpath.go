// Fast paths whose only purpose is saving cache misses: the finger
// prefix bounds, the shortcut for clockwise successor lists, and the
// prefetch hints (Touch, hint*). Each gives the same answer as the plain
// code in routing.go, which TestFastPathsMatchReference and
// TestClosestPrecedingSortedMatches check.

package chord

import (
	"unsafe"

	"github.com/chordsim/chordsim/internal/prefetch"
)

// closestPrecedingSorted is closestPreceding with FingersAndSuccessors
// routing, no silent nodes, and n's successor list running clockwise (see
// successorListsSorted). The successors that precede key then form a
// prefix of the list, and the last of them is the closest: far from key
// (most hops) that is the list's last entry, so one identifier is read
// instead of the list's r. It also returns where the node lies: its
// identifier, or for a finger whose identifier was not read the start of
// the block its prefix names (at most 2^(m−32) − 1 before it), which is
// enough to tell which of its fingers a lookup will need next.
func (r *Ring) closestPrecedingSorted(n Handle, key ID) (Handle, ID) {
	nid := r.ids[n]
	d := r.space.Dist(nid, key)
	best, bestEntry := r.closestFinger(n, nid, key, d, nil)
	list := r.succList(n)
	x, dx := list[len(list)-1], uint64(0)
	if x != None {
		dx = r.space.Dist(nid, r.ids[x])
	}
	if x == None || !(dx-1 < d-1) {
		// key lies within the list: find the last entry before it.
		x = None
		for _, y := range list {
			if y == None {
				break
			}
			dy := r.space.Dist(nid, r.ids[y])
			if !(dy-1 < d-1) {
				break
			}
			x, dx = y, dy
		}
		if x == None {
			return best, r.blockStart(bestEntry, nid)
		}
	}
	if best == n {
		return x, r.space.Add(nid, dx)
	}
	// The farther of the finger and x, as closestPreceding judges it.
	lo, hi := r.fingerDist(nid, bestEntry)
	if dx <= lo {
		return best, r.blockStart(bestEntry, nid)
	}
	if dx > hi {
		return x, r.space.Add(nid, dx)
	}
	if bd := r.space.Dist(nid, r.ids[best]); dx <= bd {
		return best, r.space.Add(nid, bd)
	}
	return x, r.space.Add(nid, dx)
}

// blockStart is where closestPrecedingSorted places the node of finger e
// (noFinger: the deciding node itself, whose identifier is nid): the first
// identifier of the block the finger's prefix names.
func (r *Ring) blockStart(e fingerEntry, nid ID) ID {
	if e.h == None {
		return nid
	}
	return ID(uint64(e.hi) << r.hiShift)
}

// successorListsSorted reports whether every node's successor list runs
// clockwise: the distances from the node to its entries grow strictly
// from the first entry up to the first None, and only Nones follow. An
// ideal ring's lists do (when it has more than one node); lists a running
// protocol wrote need not.
func (r *Ring) successorListsSorted() bool {
	R := r.cfg.Successors
	for h := range r.ids {
		nid := r.ids[h]
		list := r.succ[h*R : h*R+R]
		last := uint64(0)
		ended := false
		for _, x := range list {
			if x == None {
				ended = true
				continue
			}
			if ended {
				return false
			}
			dx := r.space.Dist(nid, r.ids[x])
			if dx <= last {
				return false
			}
			last = dx
		}
	}
	return true
}

// fingerPrecedes reports whether finger e lies in (nid, key), the arc of
// the nodes that may route a lookup of key from nid. The finger's
// identifier lies in the block of 2^hiShift identifiers that its prefix
// names; if that block holds neither nid nor key, the whole block lies
// inside the arc or outside it, so its first identifier answers for the
// finger's. Otherwise (or when m ≤ 32, where the prefix is the
// identifier) the identifier itself decides.
func (r *Ring) fingerPrecedes(nid, key ID, e fingerEntry) bool {
	if r.hiShift == 0 && !r.reference {
		return r.space.Between(nid, ID(e.hi), key)
	}
	if !r.reference && e.hi != uint32(uint64(nid)>>r.hiShift) && e.hi != uint32(uint64(key)>>r.hiShift) {
		return r.space.Between(nid, ID(uint64(e.hi)<<r.hiShift), key)
	}
	return r.space.Between(nid, r.ids[e.h], key)
}

// fingerDist bounds the clockwise distance from nid to finger e from the
// finger's identifier prefix (see fingerPrecedes): the finger lies in a
// block of 2^hiShift identifiers, over which the distance from nid grows
// with the identifier unless the block holds nid. It returns the exact
// distance when m ≤ 32, and the bounds 0 and the largest distance (no
// information) when the block holds nid or the ring takes its plain paths.
func (r *Ring) fingerDist(nid ID, e fingerEntry) (lo, hi uint64) {
	if r.reference {
		return 0, ^uint64(0)
	}
	if r.hiShift == 0 {
		d := r.space.Dist(nid, ID(e.hi))
		return d, d
	}
	if e.hi == uint32(uint64(nid)>>r.hiShift) {
		return 0, ^uint64(0)
	}
	lo = r.space.Dist(nid, ID(uint64(e.hi)<<r.hiShift))
	return lo, lo + (1<<r.hiShift - 1)
}

// Touch implements sim.Toucher: it hints the parts of node to's state that
// answering a lookup step m will read, in two stages. Stage 0 hints the
// node's identifier and successor row; stage 1, some events later, reads
// the identifier (in cache by then) to find the finger the key needs, as
// closestPreceding will, and hints that finger's line and its next lower
// finger's (where the search goes on if that finger is unusable; usually
// the same line). It changes no state.
func (r *Ring) Touch(to Handle, m *Msg, stage int) {
	if r.reference || (m.Kind != MsgFindSuccessor && m.Kind != MsgLookupForward) {
		return
	}
	switch stage {
	case 0:
		r.hintRow(to)
	case 1:
		r.hintFinger(to, m.Key)
	}
}

// hintRow hints node n's identifier and successor row.
func (r *Ring) hintRow(n Handle) {
	R := r.cfg.Successors
	prefetch.Lines3(unsafe.Pointer(&r.ids[n]), unsafe.Pointer(&r.succ[int(n)*R]), unsafe.Pointer(&r.succ[int(n)*R+R-1]))
}

// hintFinger reads node n's identifier (hinted earlier by hintRow) to find
// the finger a lookup of key needs, as closestPreceding will, and hints that
// finger's line and its next lower finger's (where the search goes on if
// that finger is unusable; usually the same line). Hinting the successors'
// identifiers as well measured no faster: after an ideal bootstrap they sit
// beside n's own.
func (r *Ring) hintFinger(n Handle, key ID) {
	M := r.nf
	top := max(r.topLevel(r.space.Dist(r.ids[n], key)), 0)
	f := r.fingers[int(n)*M : int(n)*M+M]
	prefetch.Lines2(unsafe.Pointer(&f[top]), unsafe.Pointer(&f[max(top-1, 0)]))
	if r.retrying() {
		// alternates walks the row down from top until it has seen nine
		// distinct fingers that precede key: near the key, that is every
		// level down to 1 (the lower ones all name the successor).
		prefetch.Lines3(unsafe.Pointer(&f[max(top-8, 0)]), unsafe.Pointer(&f[max(top-16, 0)]), unsafe.Pointer(&f[max(top-24, 0)]))
		prefetch.Lines3(unsafe.Pointer(&f[max(top-32, 0)]), unsafe.Pointer(&f[max(top-40, 0)]), unsafe.Pointer(&f[max(top-48, 0)]))
	}
}

// hintSortedHop hints, for the static engine on a ring whose successor
// lists run clockwise, everything node n reads to decide a lookup of key,
// all at once: its identifier and successor row (as hintRow), the
// identifier of node n+r, which after an ideal bootstrap (handles in
// identifier order) is the last entry of n's list, the one
// closestPrecedingSorted reads first, and the finger the key needs (as
// hintFinger), found from near, n's identifier or a point at most
// 2^(m−32) − 1 before it. A wrong guess only wastes a hint.
func (r *Ring) hintSortedHop(n Handle, key ID, near ID) {
	M, R := r.nf, r.cfg.Successors
	last := int(n) + R
	if last >= len(r.ids) {
		last %= len(r.ids)
	}
	top := max(r.topLevel(r.space.Dist(near, key)), 0)
	f := r.fingers[int(n)*M : int(n)*M+M]
	prefetch.Lines3(unsafe.Pointer(&r.ids[n]), unsafe.Pointer(&r.ids[last]), unsafe.Pointer(&f[top]))
	prefetch.Lines3(unsafe.Pointer(&r.succ[int(n)*R]), unsafe.Pointer(&r.succ[int(n)*R+R-1]), unsafe.Pointer(&f[max(top-1, 0)]))
}
