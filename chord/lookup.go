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
	finger   uint16
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
	// visits: answers from nodes other than the origin, plus one for each
	// timeout after which the search went on without asking again the node
	// that named the silent one (Config.CountRevisits: T03's simulator
	// would have sent the request back to it). revisit: such a timeout
	// has happened and fallback has not yet decided.
	visits  int32
	revisit bool
	// Config.ForgetOnTimeout namer: the next question to delTo carries
	// del, a node found silent after delTo named it, so that delTo drops
	// it (None: nothing to tell). quiet: that question's answer is not a
	// visit for CountRevisits (it follows an owner check, which T03's
	// simulator does not make).
	del, delTo Handle
	quiet      bool
	// ownerTimeouts: timeouts of the owner check that gave up on a
	// candidate (Config.CountOwnerTimeouts; confirmTimeouts are the rest).
	ownerTimeouts int32
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
func (r *Ring) startLookup(origin, first Handle, key ID, purpose uint8, finger uint16, tag Tag) {
	i := r.newLookup()
	l := &r.lookups[i]
	path, avoid := l.path[:0], l.avoid[:0]
	*l = lookup{origin: origin, key: key, start: r.tr.Now(), tag: tag, purpose: purpose, finger: finger, via: None, path: path, avoid: avoid, del: None, delTo: None}
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
	slot, m := r.compose(MsgPing)
	m.User = l.purpose == purposeUser
	r.rpc(slot, l.origin, owner, cookie(cookieLookup, i))
}

// ask sends lookup i's next step to node x.
func (r *Ring) ask(i int32, x Handle) {
	l := &r.lookups[i]
	l.cur = x
	l.asks++
	if r.cfg.Lookup == Iterative {
		slot, m := r.compose(MsgFindSuccessor)
		m.Key, m.User = l.key, l.purpose == purposeUser
		m.List = append(m.List, l.avoid...)
		if x == l.delTo {
			m.Node = l.del
			l.del, l.delTo = None, None
		}
		r.rpc(slot, l.origin, x, cookie(cookieLookup, i))
		return
	}
	slot, m := r.compose(MsgLookupForward)
	m.Key, m.Hops, m.User = l.key, l.hops, l.purpose == purposeUser
	r.request(slot, l.origin, x, r.cfg.LookupTimeout, cookie(cookieLookup, i))
}

// forward is a recursive lookup step at node n: answer the initiator if n's
// successor owns key, otherwise pass the query on.
func (r *Ring) forward(n Handle, key ID, hops int32, req sim.Request, user bool) {
	done, next := r.decide(n, key)
	if done || int(hops) >= r.cfg.MaxHops {
		slot, a := r.compose(MsgLookupReply)
		a.Done, a.Node, a.Hops, a.User = done, next, hops, user
		r.reply(slot, n, req)
		return
	}
	slot, m := r.compose(MsgLookupForward)
	m.Key, m.Hops, m.Req, m.User = key, hops+1, req, user
	r.send(slot, n, next)
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
		if from != l.origin && !l.quiet {
			l.visits++
		}
		l.quiet = false
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
	l.quiet = false
	if r.cfg.Lookup == Iterative {
		switch r.cfg.ForgetOnTimeout {
		case ForgetInitiator:
			r.suspect(l.origin, peer, actForget, None)
		case ForgetNamer:
			r.tellNamer(i, peer)
		}
	}
	if l.verifying && int(l.confirms) < r.cfg.SuspectConfirm && r.originAlive(l) {
		// The owner candidate may be alive and only slow, or its answer
		// lost: check it again before passing to the next candidate (a
		// wrong owner otherwise). Confirmations do not use up retries.
		l.confirms++
		l.timeouts--
		l.confirmTimeouts++
		l.asks++
		slot, m := r.compose(MsgPing)
		m.User = l.purpose == purposeUser
		r.rpc(slot, l.origin, l.cur, cookie(cookieLookup, i))
		return
	}
	if l.verifying {
		l.ownerTimeouts++
	}
	if int(l.timeouts) > r.cfg.LookupRetries || !r.originAlive(l) {
		r.finish(i, None, TimedOut)
		return
	}
	if !l.avoided(peer) {
		l.avoid = append(l.avoid, peer)
	}
	l.revisit = !l.verifying
	r.fallback(i, peer)
}

// tellNamer arranges for the node that named peer, silent, to lookup i
// to hear of it (Config.ForgetOnTimeout namer): T03's simulator sends the
// request back to the previous node on its path, carrying the silent
// node's identifier, and that node removes it from its list
// (sim/no-rpc request.c:281–289, 97–101). The namer is the last node on
// the path other than peer; when that is the initiator (a first hop), it
// forgets peer at once. Otherwise the top's other candidates are dropped,
// so that fallback asks the top of the path again, and the question to
// the namer carries peer (ask); the namer answers without it, as T03's
// does after the deletion.
func (r *Ring) tellNamer(i int32, peer Handle) {
	l := &r.lookups[i]
	namer := l.origin
	for j := len(l.path) - 1; j >= 0; j-- {
		if l.path[j] != peer {
			namer = l.path[j]
			break
		}
	}
	if namer == l.origin {
		r.suspect(l.origin, peer, actForget, None)
		return
	}
	l.del, l.delTo = peer, namer
	l.nalts = 0
	l.quiet = l.verifying
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
	// After a timeout, T03's simulator goes back to the node that named
	// the silent hop, which counts as a hop there; here that node's other
	// candidates are used at once (owed), unless none is left: then it is
	// asked again, and its answer counts.
	owed := l.revisit && len(l.path) > 0 && l.path[len(l.path)-1] != l.origin
	l.revisit = false
	for l.nalts > 0 {
		x, owner := l.alts[0], l.owners&1 != 0
		copy(l.alts[:], l.alts[1:l.nalts])
		l.nalts--
		l.owners >>= 1
		if x == peer || l.avoided(x) || x == l.origin && !owner {
			continue
		}
		l.verifying = false
		if owed {
			l.visits++
		}
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
		r.rpc(slot, l.origin, owner, cookie(cookieJoin, int32(l.origin)))
	case purposeRepair:
		r.onRepairFound(l.origin, owner, alive && outcome == Correct)
	case purposeFinger:
		if alive {
			r.onFingerFound(l.origin, int(l.finger), owner, outcome == Correct)
		} else {
			r.setFixing(l.origin, false)
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
			if r.cfg.CountRevisits {
				hops = int(l.visits)
			}
		}
		if !r.cfg.CountOwnerTimeouts {
			timeouts -= int(l.ownerTimeouts) + int(l.confirmTimeouts)
		}
		r.result = LookupResult{
			Origin: l.origin, Key: l.key, Owner: owner, Hops: hops, Messages: msgs,
			Timeouts: timeouts, Latency: r.tr.Now().Sub(l.start), Outcome: outcome, Tag: l.tag,
		}
		r.lookupDone(l.tag.Layer)
	}
}
