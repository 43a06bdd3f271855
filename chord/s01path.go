package chord

import "math/bits"

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
// only costs the search.
func (r *Ring) S01Path(p int, key ID) int {
	if r.oracle.identity && !r.reference {
		return s01Path(&r.oracle, r.space, p, key, r)
	}
	return s01Path(&r.oracle, r.space, p, key, nil)
}

// s01Path walks Stoica's rule over the oracle's sorted identifiers. A node
// at position p is the origin or was reached; jk is the owner's offset
// clockwise from p, in (0, N] (N: p owns key itself). The quadrant finger
// is the first offset j in [1, jk] whose member lies at distance at least
// 2^⌊log₂ d⌋ from p's identifier (offset N, p itself, counts as the whole
// circle); the owner always qualifies, so the search stays in [1, jk].
// The finger is the owner exactly when j == jk. With guess set, the ring's
// finger table proposes j first.
func s01Path(o *Oracle, s Space, p int, key ID, guess *Ring) int {
	n := len(o.ids)
	c := o.ids[p]
	d := s.Dist(c, key)
	if d == 0 {
		return 0
	}
	jk := o.successorIndex(key) - p
	if jk <= 0 {
		jk += n
	}
	// reaches reports whether the member at offset j lies at distance at
	// least half from c.
	reaches := func(j int, half uint64) bool {
		if j >= n {
			return true
		}
		q := p + j
		if q >= n {
			q -= n
		}
		return s.Dist(c, o.ids[q]) >= half
	}
	count := 0
	for {
		count++
		k := bits.Len64(d) - 1
		half := uint64(1) << k
		j := 0
		if guess != nil {
			// Handles are positions: the finger's handle is its position.
			g := int(guess.fingers[p*guess.cfg.Bits+k].h)
			if g >= 0 && g < n {
				if g = g - p; g <= 0 {
					g += n
				}
				if g <= jk && reaches(g, half) && (g == 1 || !reaches(g-1, half)) {
					j = g
				}
			}
		}
		if j == 0 {
			lo, hi := 1, jk
			for lo < hi {
				mid := int(uint(lo+hi) >> 1)
				if reaches(mid, half) {
					hi = mid
				} else {
					lo = mid + 1
				}
			}
			j = lo
		}
		if j == jk {
			return count
		}
		// The finger precedes key: the lookup moves there.
		p += j
		if p >= n {
			p -= n
		}
		jk -= j
		c = o.ids[p]
		d = s.Dist(c, key)
	}
}
