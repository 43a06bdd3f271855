// Routing: pure functions of one node's tables (ToN Fig. 5
// closest_preceding_node and the decision of find_successor), and the
// alternates a lookup falls back to when a hop does not answer. Nothing
// here sends a message.

package chord

// decide is one step of find_successor at node n (ToN Fig. 5): if key lies
// in (n, successor], the successor owns it; otherwise the next hop is the
// closest node preceding key that n knows of.
func (r *Ring) decide(n Handle, key ID) (done bool, next Handle) {
	return r.decideAvoiding(n, key, nil)
}

// decideAvoiding is decide for an initiator that has found the nodes in
// silent dead: n's first successor not in silent stands in for its
// successor, and no silent node is named as the next hop.
func (r *Ring) decideAvoiding(n Handle, key ID, silent []Handle) (done bool, next Handle) {
	s := r.succ[int(n)*r.cfg.Successors]
	if len(silent) > 0 {
		for _, x := range r.succList(n) {
			if x == None {
				break
			}
			if !holds(silent, x) {
				s = x
				break
			}
		}
	}
	nid := r.ids[n]
	if r.space.BetweenIncl(nid, key, r.ids[s]) {
		return true, s
	}
	next = r.closestPreceding(n, key, silent)
	if next == n {
		next = s
	}
	return false, next
}

// holds reports whether x is in s.
func holds(s []Handle, x Handle) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

// closestPreceding returns the node n knows that most closely precedes key
// (ToN Fig. 5 closest_preceding_node, and with FingersAndSuccessors also the
// successor list, ToN §IV-E.3), or n itself if it knows none. Nodes in
// silent are passed over.
func (r *Ring) closestPreceding(n Handle, key ID, silent []Handle) Handle {
	nid := r.ids[n]
	d := r.space.Dist(nid, key) // 0 means key == nid: a full turn away
	best, bestEntry := r.closestFinger(n, nid, key, d, silent)
	if r.cfg.Routing == FingersAndSuccessors {
		// The finger's distance is needed only if a successor precedes
		// key too (near the end of a lookup): reading its identifier
		// earlier would cost a cache miss on most hops for nothing.
		bestDist, known := uint64(0), best == n
		var lo, hi uint64 // bounds of the finger's distance, while it is not known
		if !known {
			lo, hi = r.fingerDist(nid, bestEntry)
		}
		for _, x := range r.succList(n) {
			if x == None {
				break
			}
			if len(silent) > 0 && holds(silent, x) {
				continue
			}
			dx := r.space.Dist(nid, r.ids[x])
			if !(dx-1 < d-1) {
				continue
			}
			if !known {
				// The finger's prefix bounds its distance; only when dx
				// falls within the bounds is its identifier read.
				if dx <= lo {
					continue
				} else if dx > hi {
					best, bestDist, known = x, dx, true
					continue
				}
				bestDist, known = r.space.Dist(nid, r.ids[best]), true
			}
			if dx > bestDist {
				best, bestDist = x, dx
			}
		}
	}
	return best
}

// topLevel is the highest finger level that can precede a key at distance
// d from a node (0: a full turn away): fingers above it start beyond the
// key. It is −1 when none can (d = 1).
func (r *Ring) topLevel(d uint64) int {
	if d == 0 {
		return r.nf - 1
	}
	if r.digitBits == 1 {
		return min(r.nf-1, topFinger(d))
	}
	return min(r.nf, r.slotsUpTo(d-1)) - 1
}

// closestFinger returns the finger of node n (identifier nid, at distance d
// from key, 0 for a full turn) that most closely precedes key, and its
// entry; or n and noFinger if none does. Nodes in silent are passed over.
func (r *Ring) closestFinger(n Handle, nid, key ID, d uint64, silent []Handle) (Handle, fingerEntry) {
	M := r.nf
	f := r.fingers[int(n)*M : int(n)*M+M]
	prev := None
	for i := r.topLevel(d); i >= 1; i-- {
		e := f[i]
		if e.h == None || e.h == prev {
			continue
		}
		prev = e.h
		if len(silent) > 0 && holds(silent, e.h) {
			continue
		}
		if r.fingerPrecedes(nid, key, e) {
			return e.h, e
		}
	}
	return n, noFinger
}

// fingerEntry is one finger: the node, and the top 32 bits of its
// identifier (all of it when m ≤ 32). The prefix, stored beside the
// handle, settles almost every routing comparison without reading the
// finger's identifier, which lives elsewhere in memory: on a large ring
// that read is a cache miss per hop.
type fingerEntry struct {
	h  Handle
	hi uint32
}

// noFinger is an empty finger entry.
var noFinger = fingerEntry{h: None}

// fingerTo is the finger entry for node x (None gives noFinger).
func (r *Ring) fingerTo(x Handle) fingerEntry {
	if x == None {
		return noFinger
	}
	return fingerEntry{h: x, hi: uint32(uint64(r.ids[x]) >> r.hiShift)}
}

// alternates fills buf with the fallbacks for a lookup step at node n whose
// chosen next node is next, and returns how many it wrote and a bit mask
// of those that are owner candidates (to be checked) rather than hops (to
// be asked). ToN §IV-E.3: "the lookup proceeds, after a timeout, by trying
// the next best predecessor among the nodes in the finger table and the
// successor list".
//   - If done (next is n's successor and owns the key), the fallbacks are
//     the successors after it: if next is dead, the first live one owns
//     the key.
//   - Otherwise, with Config.FallbackOwners, if key lies within n's
//     successor list, the entries from the first one at or after key are
//     owner candidates: next is then the list entry just before key, and
//     if it is dead the key is taken to belong to the next live entry.
//     The remaining slots hold the other nodes n knows that precede key,
//     closest to key first. Without FallbackOwners there are only those:
//     n is not the key's predecessor, and a node may have joined between
//     next and the list's later entries that n does not know yet but the
//     nodes nearer the key do, so an owner taken from n's list can be
//     wrong where asking the next best predecessor finds the right one.
//     When the hops run out, n is asked again (fallback) and, if nothing
//     else precedes key, names its first live successor itself.
//
// Nodes in silent (known dead to the initiator) are left out.
func (r *Ring) alternates(n Handle, key ID, done bool, next Handle, buf []Handle, silent []Handle) (int, uint8) {
	if r.reference {
		return r.alternatesPlain(n, key, done, next, buf, silent)
	}
	k, owners := r.ownerCandidates(n, key, done, next, buf, silent)
	if done {
		return k, owners
	}
	// The rest is alternatesPlain's ranking without its closure and its
	// copy calls (a third of the event path's time went there): the
	// candidates are kept by decreasing distance from n in buf[first:k]
	// and dist, a newcomer goes before those at its own distance, a node
	// found at its insertion point is a duplicate, and one that would
	// land past the end is dropped. Fingers mostly arrive closest to key
	// first (an append) and successors farthest first (an insertion at
	// first), so both ends are cheap.
	nid := r.ids[n]
	d := r.space.Dist(nid, key)
	L := len(buf)
	var dist [maxAlts]uint64
	first := k
	f := r.fingerTable(n)
	seen, prev := 0, None
	for i := r.topLevel(d); i >= 1 && seen <= L; i-- {
		x := f[i].h
		if x == None || x == prev {
			continue
		}
		prev = x
		dx := r.space.Dist(nid, r.ids[x])
		if !(dx-1 < d-1) {
			continue
		}
		seen++
		if x == n || x == next || (len(silent) > 0 && holds(silent, x)) {
			continue
		}
		k = insertAlt(buf, dist[:L], first, k, x, dx)
	}
	if r.cfg.Routing != FingersAndSuccessors {
		return k, owners
	}
	list := r.succList(n)
	if m, ok := r.mergeSuccessors(list, n, nid, d, next, silent, buf, dist[:L], first, k); ok {
		return m, owners
	}
	for _, x := range list {
		if x == None {
			break
		}
		if x == n || x == next || (len(silent) > 0 && holds(silent, x)) {
			continue
		}
		dx := r.space.Dist(nid, r.ids[x])
		if !(dx-1 < d-1) || (k == L && dist[L-1] > dx) {
			continue // does not precede key, or would land past the end
		}
		k = insertAlt(buf, dist[:L], first, k, x, dx)
	}
	return k, owners
}

// mergeSuccessors ranks the successors of alternates into buf[first:k] (the
// finger candidates, distances in dist) in one merge, when the successors
// that precede key lie at strictly increasing distances from n in list
// order, as a consistent list's do; it returns the new count, or false
// (and changes nothing) when they do not, or there are more than it holds.
// The result is insertAlt's one successor after another: inserting
// candidates of increasing distance one by one puts each before the
// earlier ones, so the finished list is the merge, largest distance first,
// of the finger candidates and the successors taken from the last, a
// successor going before the finger candidates at its own distance and
// dropped if the first of those is itself; the last entries dropped when
// the array is full are the ones the merge never reaches.
func (r *Ring) mergeSuccessors(list []Handle, n Handle, nid ID, d uint64, next Handle, silent []Handle, buf []Handle, dist []uint64, first, k int) (int, bool) {
	var cs [32]Handle
	var cd [32]uint64
	nc := 0
	for _, x := range list {
		if x == None {
			break
		}
		if x == n || x == next || (len(silent) > 0 && holds(silent, x)) {
			continue
		}
		dx := r.space.Dist(nid, r.ids[x])
		if !(dx-1 < d-1) {
			continue // does not precede key
		}
		if nc == len(cs) || (nc > 0 && dx <= cd[nc-1]) {
			return 0, false
		}
		cs[nc], cd[nc] = x, dx
		nc++
	}
	var bh [maxAlts]Handle
	var bd [maxAlts]uint64
	nb := copy(bh[:], buf[first:k])
	copy(bd[:], dist[first:k])
	out, i, p := first, 0, nc-1
	for out < len(buf) {
		if p >= 0 && (i >= nb || bd[i] <= cd[p]) {
			c, dc := cs[p], cd[p]
			p--
			if i < nb && bh[i] == c {
				continue // already ranked, as a finger
			}
			buf[out], dist[out] = c, dc
		} else if i < nb {
			buf[out], dist[out] = bh[i], bd[i]
			i++
		} else {
			break
		}
		out++
	}
	return out, true
}

// insertAlt puts candidate x, at distance dx from the asking node, into
// buf[first:k] (dist holds their distances, decreasing), before any at the
// same distance, unless it is already at that place or would land past
// the end; a full buf loses its last entry. It returns the new count.
func insertAlt(buf []Handle, dist []uint64, first, k int, x Handle, dx uint64) int {
	j := k
	for j > first && dist[j-1] <= dx {
		j--
	}
	if j == len(buf) || (j < k && buf[j] == x) {
		return k
	}
	if k < len(buf) {
		k++
	}
	for t := k - 1; t > j; t-- {
		buf[t], dist[t] = buf[t-1], dist[t-1]
	}
	buf[j], dist[j] = x, dx
	return k
}

// ownerCandidates is the first part of alternates: the owner candidates
// from n's successor list (all the fallbacks when done). It returns how
// many it wrote to buf and their bit mask.
func (r *Ring) ownerCandidates(n Handle, key ID, done bool, next Handle, buf []Handle, silent []Handle) (int, uint8) {
	k := 0
	var owners uint8
	if !done && !r.cfg.FallbackOwners {
		return 0, 0 // no owner candidates from a node that is not the key's predecessor
	}
	nid := r.ids[n]
	for _, x := range r.succList(n) {
		if x == None || k == len(buf) {
			break
		}
		if len(silent) > 0 && holds(silent, x) {
			continue
		}
		if done {
			if x != next && x != n {
				buf[k] = x
				owners |= 1 << k
				k++
			}
			continue
		}
		if k == 0 && !r.space.BetweenIncl(nid, key, r.ids[x]) {
			continue // before key: not an owner
		}
		if x != n {
			buf[k] = x
			owners |= 1 << k
			k++
		}
	}
	return k, owners
}

// alternatesPlain is alternates' ranking as first written, which the
// ring's plain paths (Ring.reference) keep, so that
// TestFastPathsMatchReference and TestAlternatesMatchPlain check the
// faster ranking against it; the owner candidates are the same code
// (ownerCandidates) in both.
func (r *Ring) alternatesPlain(n Handle, key ID, done bool, next Handle, buf []Handle, silent []Handle) (int, uint8) {
	k, owners := r.ownerCandidates(n, key, done, next, buf, silent)
	nid := r.ids[n]
	if done {
		return k, owners
	}
	d := r.space.Dist(nid, key)
	var dist [maxAlts]uint64
	first := k // owner candidates keep the first slots
	consider := func(x Handle) {
		if x == None || x == n || x == next || (len(silent) > 0 && holds(silent, x)) {
			return
		}
		dx := r.space.Dist(nid, r.ids[x])
		if !(dx-1 < d-1) {
			return // does not precede key
		}
		// Insert by decreasing distance (closest to key first), without duplicates.
		j := first
		for j < k && dist[j] > dx {
			j++
		}
		if j < k && buf[j] == x {
			return
		}
		if j == len(buf) {
			return
		}
		if k < len(buf) {
			k++
		}
		copy(buf[j+1:k], buf[j:k-1])
		copy(dist[j+1:k], dist[j:k-1])
		buf[j], dist[j] = x, dx
	}
	// Fingers at levels above topLevel(d) start beyond key, and those
	// below come closer to n level by level, so the walk stops once it has
	// seen enough distinct preceding fingers to fill buf (plus next).
	f := r.fingerTable(n)
	seen, prev := 0, None
	for i := r.topLevel(d); i >= 1 && seen <= len(buf); i-- {
		if x := f[i].h; x != None && x != prev {
			prev = x
			if dx := r.space.Dist(nid, r.ids[x]); dx-1 < d-1 {
				seen++
				consider(x)
			}
		}
	}
	if r.cfg.Routing == FingersAndSuccessors {
		for _, x := range r.succList(n) {
			if x == None {
				break
			}
			consider(x)
		}
	}
	return k, owners
}
