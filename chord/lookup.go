package chord

import "github.com/chordsim/chordsim/sim"

// LookupOutcome is how a lookup ended, judged against the oracle at the moment it
// ended.
type LookupOutcome uint8

// Lookup outcomes.
const (
	Correct    LookupOutcome = iota // returned the key's current owner
	WrongOwner                      // returned a live or dead node that does not own the key
	TimedOut                        // a hop (iterative) or the whole lookup (recursive) went unanswered
	HopLimit                        // needed more than MaxHops hops: a routing loop
	Abandoned                       // the initiator failed or left before the answer came
	numOutcomes
)

// NumOutcomes is the number of outcomes.
const NumOutcomes = int(numOutcomes)

var outcomeNames = [...]string{"correct", "wrong_owner", "timeout", "hop_limit", "abandoned"}

func (o LookupOutcome) String() string { return outcomeNames[o] }

// LookupResult describes one finished user lookup.
type LookupResult struct {
	Origin   Handle
	Key      ID
	Owner    Handle // None unless the lookup returned an answer
	Hops     int    // finger hops from the initiator to the node whose successor holds the key (S01 Fig. 10)
	Messages int    // messages the lookup itself sent
	Timeouts int    // requests of this lookup that timed out
	Latency  sim.Duration
	Outcome  LookupOutcome
	Tag      Tag // the caller's tag from Lookup
}

const (
	purposeUser uint8 = iota
	purposeJoin
	purposeFinger
	purposeRepair // a member that lost every successor looks for one (detector.go)
)

// maxAlts is how many fallback candidates a lookup step carries: the nodes
// to try, in order, if the chosen one does not answer. With 4, a lookup on
// a ring where half the nodes had died (T03 §V, stabilization stopped) ran
// out of candidates at about one step in 16 and 7% of lookups failed; with
// 8 (the width of Owners) it is one in 256.
const maxAlts = 8

// lookup is the initiator's record of a lookup in progress.
type lookup struct {
	origin   Handle
	cur      Handle // the node being asked (iterative)
	key      ID
	start    sim.Time
	tag      Tag
	hops     int32
	asks     int32
	timeouts int32
	purpose  uint8
	finger   uint8
	// via is a joiner's introducer (None for a member's lookup): a joiner
	// has no tables of its own, so its search starts at via.
	via Handle
	// verifying: the answer is known and the initiator is checking that the
	// owner is alive before it reports it (only with retries on).
	verifying bool
	nalts     uint8
	owners    uint8           // bit j: alts[j] is an owner candidate (check it) rather than a hop (ask it)
	alts      [maxAlts]Handle // fallbacks named by the top of path, best first
	// With retries on, an iterative lookup is a depth-first search over the
	// nodes that move toward the key (issue 17, symptom 3). path is the
	// stack of nodes that answered, from the origin (or a joiner's
	// introducer) to the last one; alts are the top's other candidates.
	// avoid is every node found silent in this lookup, and every node
	// whose candidates were all tried: it travels with each question, so
	// that the asked node names only others, and it never shrinks, so the
	// search ends. topAvoid is len(avoid) when the top last answered: if
	// the top's candidates run out with nothing learned since, the top is
	// a dead end and is popped.
	path     []Handle
	avoid    []Handle
	topAvoid int
	fwd      int32 // forward steps taken, bounded by MaxHops
	// Recursive lookups (recursive.go): active while in progress, serial
	// tells this lookup from earlier ones in the same slot, leg numbers
	// its attempts.
	active bool
	serial uint64
	leg    uint8
	// confirms: pings of the current owner candidate that timed out and
	// were repeated (Config.SuspectConfirm); confirmTimeouts counts them
	// all, reported with the timeouts but not charged to LookupRetries.
	confirms        int32
	confirmTimeouts int32
}

// avoided reports whether lookup l found x silent or a dead end.
func (l *lookup) avoided(x Handle) bool { return holds(l.avoid, x) }

// Lookup starts a user lookup of key from member origin. The layer that
// tag names hears of the result (see Attach); tag is returned in it.
func (r *Ring) Lookup(origin Handle, key ID, tag Tag) {
	if r.state[origin] != Member {
		panic("chord: lookup from a node that is not a member")
	}
	r.inFlight++
	r.startLookup(origin, origin, key, purposeUser, 0, tag)
}

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
		return r.cfg.Bits - 1
	}
	return min(r.cfg.Bits-1, topFinger(d))
}

// closestFinger returns the finger of node n (identifier nid, at distance d
// from key, 0 for a full turn) that most closely precedes key, and its
// entry; or n and noFinger if none does. Nodes in silent are passed over.
func (r *Ring) closestFinger(n Handle, nid, key ID, d uint64, silent []Handle) (Handle, fingerEntry) {
	M := r.cfg.Bits
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

// alternates fills buf with the fallbacks for a lookup step at node n whose
// chosen next node is next, and returns how many it wrote and a bit mask
// of those that are owner candidates (to be checked) rather than hops (to
// be asked). ToN §IV-E.3: "the lookup proceeds, after a timeout, by trying
// the next best predecessor among the nodes in the finger table and the
// successor list".
//   - If done (next is n's successor and owns the key), the fallbacks are
//     the successors after it: if next is dead, the first live one owns
//     the key.
//   - Otherwise, if key lies within n's successor list, the entries from
//     the first one at or after key are owner candidates: next is then the
//     list entry just before key, and if it is dead the key belongs to the
//     next live entry. The remaining slots hold the other nodes n knows
//     that precede key, closest to key first.
//
// Nodes in silent (known dead to the initiator) are left out.
func (r *Ring) alternates(n Handle, key ID, done bool, next Handle, buf []Handle, silent []Handle) (int, uint8) {
	k := 0
	var owners uint8
	nid := r.ids[n]
	list := r.succList(n)
	for _, x := range list {
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
		for _, x := range list {
			if x == None {
				break
			}
			consider(x)
		}
	}
	return k, owners
}

func (r *Ring) newLookup() int32 {
	if n := len(r.freeLookups); n > 0 {
		i := r.freeLookups[n-1]
		r.freeLookups = r.freeLookups[:n-1]
		return i
	}
	r.lookups = append(r.lookups, lookup{})
	return int32(len(r.lookups) - 1)
}

// startLookup begins a lookup of key by origin. first is where the search
// starts: the origin itself (a member decides its first step locally, at no
// cost) or, for a joining node, its introducer.
func (r *Ring) startLookup(origin, first Handle, key ID, purpose, finger uint8, tag Tag) {
	i := r.newLookup()
	l := &r.lookups[i]
	path, avoid := l.path[:0], l.avoid[:0]
	*l = lookup{origin: origin, key: key, start: r.tr.Now(), tag: tag, purpose: purpose, finger: finger, via: None, path: path, avoid: avoid}
	r.lookupSerial++
	l.active, l.serial = true, r.lookupSerial
	if r.recRetrying() {
		if first != origin {
			l.via = first
		}
		r.startLeg(i)
		return
	}
	if first != origin {
		l.via = first
		r.ask(i, first)
		return
	}
	r.stepLocally(i)
}

// stepLocally takes lookup i's next step at its member origin, from the
// origin's own tables.
func (r *Ring) stepLocally(i int32) {
	l := &r.lookups[i]
	if !r.retrying() {
		done, next := r.decide(l.origin, l.key)
		if done {
			r.answered(i, next)
			return
		}
		l.hops++
		r.ask(i, next)
		return
	}
	done, next := r.decideAvoiding(l.origin, l.key, l.avoid)
	k, owners := r.alternates(l.origin, l.key, done, next, l.alts[:], l.avoid)
	r.heard(i, l.origin, k, owners)
	r.proceed(i, done, next)
}

// heard records that node x answered lookup i (x is the origin when it
// decided locally), naming k fallbacks, now in l.alts.
func (r *Ring) heard(i int32, x Handle, k int, owners uint8) {
	l := &r.lookups[i]
	l.nalts, l.owners = uint8(k), owners
	if n := len(l.path); n == 0 || l.path[n-1] != x {
		l.path = append(l.path, x)
	}
	l.topAvoid = len(l.avoid)
}

// proceed takes the step the top of lookup i's path named: check the
// owner, or ask the next hop; a node already avoided is passed over.
func (r *Ring) proceed(i int32, done bool, next Handle) {
	l := &r.lookups[i]
	if l.avoided(next) || next == l.origin && !done {
		r.fallback(i, next)
		return
	}
	if done {
		r.answered(i, next)
		return
	}
	if int(l.fwd) >= r.cfg.MaxHops {
		r.finish(i, None, HopLimit)
		return
	}
	l.fwd++
	r.ask(i, next)
}

// retrying reports whether iterative lookups route around nodes that do not
// answer.
func (r *Ring) retrying() bool { return r.cfg.LookupRetries > 0 && r.cfg.Lookup == Iterative }

// answered is reached when a step names the owner. With retries on, the
// initiator first checks that the owner is alive (the request that would
// fetch the key's data), so that a dead owner is replaced by the next live
// successor; the check adds latency and messages, not hops.
func (r *Ring) answered(i int32, owner Handle) {
	l := &r.lookups[i]
	if !r.retrying() || owner == l.origin {
		r.finish(i, owner, Correct)
		return
	}
	l.verifying = true
	l.confirms = 0
	l.cur = owner
	l.asks++
	slot, _ := r.compose(MsgPing)
	r.tr.Request(slot, l.origin, owner, r.cfg.RPCTimeout, cookie(cookieLookup, i))
}

// ask sends lookup i's next step to node x.
func (r *Ring) ask(i int32, x Handle) {
	l := &r.lookups[i]
	l.cur = x
	l.asks++
	if r.cfg.Lookup == Iterative {
		slot, m := r.compose(MsgFindSuccessor)
		m.Key = l.key
		m.List = append(m.List, l.avoid...)
		r.tr.Request(slot, l.origin, x, r.cfg.RPCTimeout, cookie(cookieLookup, i))
		return
	}
	slot, m := r.compose(MsgLookupForward)
	m.Key, m.Hops = l.key, l.hops
	r.tr.Request(slot, l.origin, x, r.cfg.LookupTimeout, cookie(cookieLookup, i))
}

// forward is a recursive lookup step at node n: answer the initiator if n's
// successor owns key, otherwise pass the query on.
func (r *Ring) forward(n Handle, key ID, hops int32, req sim.Request) {
	done, next := r.decide(n, key)
	if done || int(hops) >= r.cfg.MaxHops {
		slot, a := r.compose(MsgLookupReply)
		a.Done, a.Node, a.Hops = done, next, hops
		r.tr.Reply(slot, n, req)
		return
	}
	slot, m := r.compose(MsgLookupForward)
	m.Key, m.Hops, m.Req = key, hops+1, req
	r.tr.Send(slot, n, next)
}

func (r *Ring) onLookupReply(i int32, from Handle, m *Msg) {
	l := &r.lookups[i]
	switch m.Kind {
	case MsgPong: // the owner is alive
		r.finish(i, from, Correct)
		return
	case MsgLookupReply:
		l.hops = m.Hops
		if !m.Done {
			r.finish(i, None, HopLimit)
			return
		}
		r.finish(i, m.Node, Correct)
		return
	}
	if r.retrying() {
		r.heard(i, from, copy(l.alts[:], m.List), m.Owners)
		r.proceed(i, m.Done, m.Node)
		return
	}
	if m.Done {
		r.answered(i, m.Node)
		return
	}
	if int(l.hops) >= r.cfg.MaxHops {
		r.finish(i, None, HopLimit)
		return
	}
	l.hops++
	r.ask(i, m.Node)
}

// onLookupTimeout: the node lookup i asked did not answer. Without retries
// (or once they are used up) the lookup fails. With them, the initiator
// suspects the silent node (detector.go), avoids it from now on and goes
// on with the search (fallback). (Recursive lookups with retries use
// recursive.go; without retries they end here.)
func (r *Ring) onLookupTimeout(i int32, peer Handle) {
	l := &r.lookups[i]
	l.timeouts++
	if r.cfg.Lookup == Iterative {
		r.suspect(l.origin, peer, actForget, None)
	}
	if l.verifying && int(l.confirms) < r.cfg.SuspectConfirm && r.originAlive(l) {
		// The owner candidate may be alive and only slow, or its answer
		// lost: check it again before passing to the next candidate (a
		// wrong owner otherwise). Confirmations do not use up retries.
		l.confirms++
		l.timeouts--
		l.confirmTimeouts++
		l.asks++
		slot, _ := r.compose(MsgPing)
		r.tr.Request(slot, l.origin, l.cur, r.cfg.RPCTimeout, cookie(cookieLookup, i))
		return
	}
	if int(l.timeouts) > r.cfg.LookupRetries || !r.originAlive(l) {
		r.finish(i, None, TimedOut)
		return
	}
	if !l.avoided(peer) {
		l.avoid = append(l.avoid, peer)
	}
	r.fallback(i, peer)
}

// fallback continues lookup i's search after node peer turned out silent
// or avoided (ToN §IV-E.3: the lookup proceeds "by trying the next best
// predecessor"): the next fallback the top of the path named; with none
// left, the top is asked again, told every node avoided so far, so that it
// names others; if nothing was learned since it last answered, it is a
// dead end: it is avoided from now on and popped, and the node before it
// is asked again. The search fails when the path is empty: no route is
// left. Every node is pushed at most once and avoid only grows, so it
// ends; MaxHops bounds the forward steps as well.
func (r *Ring) fallback(i int32, peer Handle) {
	l := &r.lookups[i]
	for l.nalts > 0 {
		x, owner := l.alts[0], l.owners&1 != 0
		copy(l.alts[:], l.alts[1:l.nalts])
		l.nalts--
		l.owners >>= 1
		if x == peer || l.avoided(x) || x == l.origin && !owner {
			continue
		}
		l.verifying = false
		if owner {
			r.answered(i, x)
			return
		}
		if int(l.fwd) >= r.cfg.MaxHops {
			r.finish(i, None, HopLimit)
			return
		}
		r.ask(i, x)
		return
	}
	l.verifying = false
	for n := len(l.path); n > 0; n = len(l.path) {
		top := l.path[n-1]
		if !l.avoided(top) && len(l.avoid) > l.topAvoid {
			// Something was learned since top answered: ask it again.
			if top == l.origin {
				r.stepLocally(i)
			} else {
				r.ask(i, top)
			}
			return
		}
		// top is a dead end (or silent): avoid it and back off.
		if !l.avoided(top) {
			l.avoid = append(l.avoid, top)
		}
		l.path = l.path[:n-1]
		l.nalts = 0
		l.topAvoid = -1 // the new top is asked again at once
	}
	r.finish(i, None, TimedOut)
}

// originAlive reports whether lookup l's origin can still use an answer:
// a member, or a joiner for its join lookup. A joiner's lookup honours
// LookupRetries as a member's does (issue 17, symptom 5: it used to give
// up at its first timeout and start the join over, forever if one dead
// node stood in the way).
func (r *Ring) originAlive(l *lookup) bool {
	st := r.state[l.origin]
	return st == Member || (l.purpose == purposeJoin && st == Joining)
}

// finish ends lookup i. For user lookups, an answer is judged against the
// oracle now: correct only if it names the key's current owner.
func (r *Ring) finish(i int32, owner Handle, outcome LookupOutcome) {
	r.lookups[i].active = false
	l := r.lookups[i]
	r.freeLookups = append(r.freeLookups, i)
	alive := r.state[l.origin] == Member || (l.purpose == purposeJoin && r.state[l.origin] == Joining)
	switch l.purpose {
	case purposeJoin:
		if !alive {
			return
		}
		if outcome != Correct {
			r.retryJoin(l.origin)
			return
		}
		// Before it counts as a member, the joiner fetches its successor's
		// successor list (Zave's correct join copies it; Verdi does the
		// same): a joiner that knew only its successor would be cut off
		// if that one left or failed before its first stabilize.
		slot, _ := r.compose(MsgGetPredecessor)
		r.tr.Request(slot, l.origin, owner, r.cfg.RPCTimeout, cookie(cookieJoin, int32(l.origin)))
	case purposeRepair:
		r.onRepairFound(l.origin, owner, alive && outcome == Correct)
	case purposeFinger:
		if alive {
			r.onFingerFound(l.origin, int(l.finger), owner, outcome == Correct)
		} else {
			r.fixing[l.origin] = false
		}
	case purposeUser:
		r.inFlight--
		if !alive {
			outcome = Abandoned
		} else if outcome == Correct && !r.oracle.owns(r.space, owner, l.key) {
			outcome = WrongOwner
		}
		if !r.hears(l.tag.Layer) {
			return
		}
		// Iterative: a request and a reply per ask, less the replies that
		// never came. Recursive: the forwards and the final reply when
		// answered (hops + 1); otherwise only what the initiator sent is known.
		timeouts := int(l.timeouts) + int(l.confirmTimeouts)
		msgs := 2*int(l.asks) - timeouts
		if r.recRetrying() {
			// Each leg: its forwards and their acknowledgements, and the
			// reply (recursive.go); owner checks are not counted.
			msgs = int(l.asks)
		} else if r.cfg.Lookup == Recursive {
			msgs = int(l.asks)
			if outcome != TimedOut && l.asks > 0 {
				msgs = int(l.hops) + 1
			}
		}
		hops := int(l.hops)
		if r.retrying() {
			// The depth-first search's path: the nodes from the origin to
			// the one that named the owner (or the last one reached).
			hops = max(len(l.path)-1, 0)
		}
		r.result = LookupResult{
			Origin: l.origin, Key: l.key, Owner: owner, Hops: hops, Messages: msgs,
			Timeouts: timeouts, Latency: r.tr.Now().Sub(l.start), Outcome: outcome, Tag: l.tag,
		}
		r.lookupDone(l.tag.Layer)
	}
}
