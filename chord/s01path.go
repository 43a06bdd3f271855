package chord

import (
	"math/bits"
	"unsafe"

	"github.com/chordsim/chordsim/internal/prefetch"
)

// S01Path is the length of a lookup of key from the member at position p
// of the oracle (identifier order) as the static simulator behind S01
// Fig. 10 counts it, on the ideal ring of the current members. That
// simulator counts every node at which the lookup runs, the origin
// included, and a node ends the lookup as soon as its finger for the key's
// binary quadrant (the first member at or after n + 2^⌊log₂ d⌋, d the
// distance from n to key) lies at or after key: that finger is the owner,
// and it is not counted. Otherwise the lookup moves to that finger. A
// lookup whose key is the origin's own identifier runs nowhere: 0.
//
// This is a property of the origin, the key and the membership, not of the
// route chordsim's lookup took (which goes to the key's predecessor by
// closest preceding entries, and counts remote hops): it is measured by
// the oracle. Ring.S01Path is what runs use.
//
// Cost: O(log N) per node on the path (a search over the arc still ahead).
func (o *Oracle) S01Path(s Space, p int, key ID) int {
	return s01Path(o, s, p, key, nil)
}

// S01Path is Oracle.S01Path, faster on a freshly bootstrapped ring: while
// the oracle's handles are its positions, a node's finger for the key's
// quadrant names the member to check first (two reads instead of a
// search); a finger that is not that member (the tables need not be ideal)
// only costs the search. The hint needs base-2 fingers (finger k is the
// quadrant's first member); other bases search.
func (r *Ring) S01Path(p int, key ID) int {
	if r.oracle.identity && !r.reference && r.nf == r.cfg.Bits {
		return s01Path(&r.oracle, r.space, p, key, r)
	}
	return s01Path(&r.oracle, r.space, p, key, nil)
}

// s01Path walks Stoica's rule over the oracle's sorted identifiers. A node
// at position p is the origin or was reached. Its quadrant finger is the
// first offset j clockwise from p whose member lies at distance at least
// 2^⌊log₂ d⌋ from p's identifier (offset N, p itself, counts as the whole
// circle), and it lies at or after key when that distance is at least d.
// With guess set, the ring's finger table proposes j first, checked by
// reading the member before it; otherwise (or if the check fails) a binary
// search over [1, jk] finds it, where jk is the owner's offset, in (0, N]
// (N: p owns key itself), found once: the owner always qualifies, and the
// finger is the owner exactly when j == jk.
func s01Path(o *Oracle, s Space, p int, key ID, guess *Ring) int {
	n := len(o.ids)
	c := o.ids[p]
	d := s.Dist(c, key)
	if d == 0 {
		return 0
	}
	jk := -1 // not searched yet
	// at is the distance from c to the member at offset j (the whole
	// circle for j = N).
	at := func(j int) uint64 {
		if j >= n {
			return ^uint64(0)
		}
		q := p + j
		if q >= n {
			q -= n
		}
		return s.Dist(c, o.ids[q])
	}
	count := 0
	for {
		count++
		half := uint64(1) << (bits.Len64(d) - 1)
		j, done := 0, false
		if guess != nil {
			// Handles are positions: the finger's handle is its position.
			if g := int(guess.fingers[p*guess.cfg.Bits+bits.Len64(d)-1].h); g >= 0 && g < n {
				if g -= p; g <= 0 {
					g += n
				}
				if dg := at(g); dg >= half && (g == 1 || at(g-1) < half) {
					j, done = g, dg >= d
				}
			}
		}
		if j == 0 {
			if jk < 0 {
				if jk = o.successorIndex(key) - p; jk <= 0 {
					jk += n
				}
			}
			lo, hi := 1, jk
			for lo < hi {
				mid := int(uint(lo+hi) >> 1)
				if at(mid) >= half {
					hi = mid
				} else {
					lo = mid + 1
				}
			}
			j, done = lo, lo == jk
		}
		if done {
			return count
		}
		// The finger precedes key: the lookup moves there.
		if p += j; p >= n {
			p -= n
		}
		if jk >= 0 {
			jk -= j
		}
		c = o.ids[p]
		d = s.Dist(c, key)
	}
}

// BeforeMembershipChange sets f to be called just before a node becomes a
// member or stops being one, while the oracle still holds the old
// membership: a measurement that batches its questions to the oracle
// (such as S01Paths over the lookups issued so far) answers them there. f
// must not change the ring. It is not a layer hook: it does not keep the
// static engine from running.
func (r *Ring) BeforeMembershipChange(f func()) { r.oracle.before = f }

// s01Window is how many paths S01Paths walks side by side.
const s01Window = 16

// s01Walk is one path in S01Paths' window.
type s01Walk struct {
	q     int // index of the query, -1 when the slot is free
	p     int // the node the path is at (its position)
	key   ID
	c     ID // p's identifier (stage ≥ 1)
	d     uint64
	k     int   // the quadrant: ⌊log₂ d⌋
	g     int   // the finger's offset from p (stage 2)
	count int   // nodes counted before p
	stage uint8 // 0: origin's identifier hinted, 1: its finger hinted, 2: the finger's members hinted
}

// S01Paths computes S01Path(ps[i], keys[i]) into out[i] for every i,
// several paths side by side: each step of a path reads a node's finger
// and the member before it, two cache misses on a large ring that one
// path would wait for in turn, so each walk hints what its next step
// reads and yields to the others (the static engine's trick). A step
// takes one turn: when a walk reads a finger it hints, besides the member
// it names and the one before (for the check), that member's own
// quadrant finger, found from the identifier prefix the finger entry
// carries, so the next turn checks one step and reads the next finger
// together. A wrong guess (the prefix's block straddles a power of two)
// only costs a miss. The answers are S01Path's.
func (r *Ring) S01Paths(ps []int, keys []ID, out []int) {
	o := &r.oracle
	if !o.identity || r.reference || r.nf != r.cfg.Bits {
		for i := range ps {
			out[i] = r.S01Path(ps[i], keys[i])
		}
		return
	}
	n, M := len(o.ids), r.cfg.Bits
	var win [s01Window]s01Walk
	next, active := 0, 0
	refill := func(w *s01Walk) {
		if next < len(ps) {
			*w = s01Walk{q: next, p: ps[next], key: keys[next]}
			prefetch.Lines2(unsafe.Pointer(&o.ids[w.p]), unsafe.Pointer(&o.ids[w.p]))
			next++
			active++
		} else {
			w.q = -1
		}
	}
	for i := range win {
		refill(&win[i])
	}
	// finger: w is at node w.p (c, d and k set) and its quadrant finger's
	// line has been hinted: read the finger, hint the member it names, the
	// member before it and, where the finger's prefix places that member,
	// its quadrant finger for the key. It finishes the path the plain way
	// if the finger names no member.
	finger := func(w *s01Walk) {
		e := r.fingers[w.p*M+w.k]
		g := int(e.h)
		if g < 0 || g >= n {
			out[w.q] = w.count + s01Path(o, r.space, w.p, w.key, nil)
			active--
			refill(w)
			return
		}
		prev := g - 1
		if prev < 0 {
			prev = n - 1
		}
		// The finger's identifier lies in the block of 2^hiShift that
		// starts at its prefix: from there, its distance to the key gives
		// the quadrant its own finger is in (the next step's, unless the
		// finger owns the key; then the hint is wasted).
		kk := 0
		if da := r.space.Dist(ID(uint64(e.hi)<<r.hiShift), w.key); da != 0 {
			kk = bits.Len64(da) - 1
		}
		prefetch.Lines3(unsafe.Pointer(&o.ids[g]), unsafe.Pointer(&o.ids[prev]), unsafe.Pointer(&r.fingers[g*M+kk]))
		if g -= w.p; g <= 0 {
			g += n
		}
		w.g = g
		w.stage = 2
	}
	for active > 0 {
		for i := range win {
			w := &win[i]
			if w.q < 0 {
				continue
			}
			switch w.stage {
			case 0:
				// The origin's identifier is in cache: the path ends
				// there (the key is its identifier) or hints its
				// quadrant finger.
				w.c = o.ids[w.p]
				w.d = r.space.Dist(w.c, w.key)
				if w.d == 0 {
					out[w.q] = w.count
					active--
					refill(w)
					continue
				}
				w.k = bits.Len64(w.d) - 1
				f := &r.fingers[w.p*M+w.k]
				prefetch.Lines2(unsafe.Pointer(f), unsafe.Pointer(f))
				w.stage = 1
			case 1:
				finger(w)
			default:
				half := uint64(1) << w.k
				g := w.g
				q := w.p + g // the finger's position (no division: g ≤ N)
				if q >= n {
					q -= n
				}
				dg := ^uint64(0)
				if g < n {
					dg = r.space.Dist(w.c, o.ids[q])
				}
				prev := q - 1
				if prev < 0 {
					prev = n - 1
				}
				if dg < half || (g != 1 && r.space.Dist(w.c, o.ids[prev]) >= half) {
					// The finger is not the quadrant's first member:
					// finish this path the plain way.
					out[w.q] = w.count + s01Path(o, r.space, w.p, w.key, nil)
					active--
					refill(w)
					continue
				}
				w.count++
				if dg >= w.d {
					out[w.q] = w.count
					active--
					refill(w)
					continue
				}
				// The lookup moves to the finger, whose identifier the
				// check just read (it precedes the key: d stays
				// positive), and reads its finger, hinted with the check.
				w.p, w.c = q, o.ids[q]
				w.d = r.space.Dist(w.c, w.key)
				w.k = bits.Len64(w.d) - 1
				finger(w)
			}
		}
	}
}
