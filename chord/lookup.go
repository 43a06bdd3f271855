package chord

import "github.com/chordsim/chordsim/sim"

// Outcome is how a lookup ended, judged against the oracle at the moment it
// ended.
type Outcome uint8

// Lookup outcomes.
const (
	Correct    Outcome = iota // returned the key's current owner
	WrongOwner                // returned a live or dead node that does not own the key
	TimedOut                  // a hop (iterative) or the whole lookup (recursive) went unanswered
	HopLimit                  // needed more than MaxHops hops: a routing loop
	Abandoned                 // the initiator failed or left before the answer came
	numOutcomes
)

// NumOutcomes is the number of outcomes.
const NumOutcomes = int(numOutcomes)

var outcomeNames = [...]string{"correct", "wrong_owner", "timeout", "hop_limit", "abandoned"}

func (o Outcome) String() string { return outcomeNames[o] }

// LookupResult describes one finished user lookup.
type LookupResult struct {
	Origin   Handle
	Key      ID
	Owner    Handle // None unless the lookup returned an answer
	Hops     int    // finger hops from the initiator to the node whose successor holds the key (S01 Fig. 10)
	Messages int    // messages the lookup itself sent
	Timeouts int    // requests of this lookup that timed out
	Latency  sim.Duration
	Outcome  Outcome
	Tag      uint64 // the caller's tag from Lookup
}

// Observer receives every finished user lookup. The result is valid only
// during the call.
type Observer interface {
	LookupDone(res *LookupResult)
}

const (
	purposeUser uint8 = iota
	purposeJoin
	purposeFinger
)

// lookup is the initiator's record of a lookup in progress.
type lookup struct {
	origin   Handle
	cur      Handle // the node being asked (iterative)
	key      ID
	start    sim.Time
	tag      uint64
	hops     int32
	asks     int32
	timeouts int32
	purpose  uint8
	finger   uint8
}

// Lookup starts a user lookup of key from member origin. The Observer hears
// of the result. tag is returned in the result.
func (r *Ring) Lookup(origin Handle, key ID, tag uint64) {
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
	s := r.succ[int(n)*r.cfg.Successors]
	nid := r.ids[n]
	if r.space.BetweenIncl(nid, key, r.ids[s]) {
		return true, s
	}
	next = r.closestPreceding(n, key)
	if next == n {
		next = s
	}
	return false, next
}

// closestPreceding returns the node n knows that most closely precedes key
// (ToN Fig. 5 closest_preceding_node, and with FingersAndSuccessors also the
// successor list, ToN §IV-E.3), or n itself if it knows none.
func (r *Ring) closestPreceding(n Handle, key ID) Handle {
	nid := r.ids[n]
	d := r.space.Dist(nid, key) // 0 means key == nid: a full turn away
	M := r.cfg.Bits
	top := M - 1
	if d != 0 {
		if t := topFinger(d); t < top {
			top = t
		}
	}
	best, bestDist := n, uint64(0)
	f := r.fingers[int(n)*M : int(n)*M+M]
	prev := None
	for i := top; i >= 1; i-- {
		x := f[i]
		if x == None || x == prev {
			continue
		}
		prev = x
		if dx := r.space.Dist(nid, r.ids[x]); dx-1 < d-1 {
			best, bestDist = x, dx
			break
		}
	}
	if r.cfg.Routing == FingersAndSuccessors {
		for _, x := range r.succList(n) {
			if x == None {
				break
			}
			if dx := r.space.Dist(nid, r.ids[x]); dx-1 < d-1 && dx > bestDist {
				best, bestDist = x, dx
			}
		}
	}
	return best
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
func (r *Ring) startLookup(origin, first Handle, key ID, purpose, finger uint8, tag uint64) {
	i := r.newLookup()
	l := &r.lookups[i]
	*l = lookup{origin: origin, key: key, start: r.sched.Now(), tag: tag, purpose: purpose, finger: finger}
	if first != origin {
		r.ask(i, first)
		return
	}
	done, next := r.decide(origin, key)
	if done {
		r.finish(i, next, Correct)
		return
	}
	l.hops = 1
	r.ask(i, next)
}

// ask sends lookup i's next step to node x.
func (r *Ring) ask(i int32, x Handle) {
	l := &r.lookups[i]
	l.cur = x
	l.asks++
	if r.cfg.Lookup == Iterative {
		slot, m := r.compose(MsgFindSuccessor)
		m.Key = l.key
		r.net.Request(slot, l.origin, x, r.cfg.RPCTimeout, cookie(cookieLookup, i))
		return
	}
	slot, m := r.compose(MsgLookupForward)
	m.Key, m.Hops = l.key, l.hops
	r.net.Request(slot, l.origin, x, r.cfg.LookupTimeout, cookie(cookieLookup, i))
}

// forward is a recursive lookup step at node n: answer the initiator if n's
// successor owns key, otherwise pass the query on.
func (r *Ring) forward(n Handle, key ID, hops int32, req sim.Request) {
	done, next := r.decide(n, key)
	if done || int(hops) >= r.cfg.MaxHops {
		slot, a := r.compose(MsgLookupReply)
		a.Done, a.Node, a.Hops = done, next, hops
		r.net.Reply(slot, n, req)
		return
	}
	slot, m := r.compose(MsgLookupForward)
	m.Key, m.Hops, m.Req = key, hops+1, req
	r.net.Send(slot, n, next)
}

func (r *Ring) onLookupReply(i int32, from Handle, m *Msg) {
	l := &r.lookups[i]
	if m.Kind == MsgLookupReply {
		l.hops = m.Hops
		if !m.Done {
			r.finish(i, None, HopLimit)
			return
		}
		r.finish(i, m.Node, Correct)
		return
	}
	if m.Done {
		r.finish(i, m.Node, Correct)
		return
	}
	if int(l.hops) >= r.cfg.MaxHops {
		r.finish(i, None, HopLimit)
		return
	}
	l.hops++
	r.ask(i, m.Node)
}

func (r *Ring) onLookupTimeout(i int32, peer Handle) {
	l := &r.lookups[i]
	l.timeouts++
	if r.cfg.Lookup == Iterative {
		r.forget(l.origin, peer)
	}
	r.finish(i, None, TimedOut)
}

// finish ends lookup i. For user lookups, an answer is judged against the
// oracle now: correct only if it names the key's current owner.
func (r *Ring) finish(i int32, owner Handle, outcome Outcome) {
	l := r.lookups[i]
	r.freeLookups = append(r.freeLookups, i)
	alive := r.state[l.origin] == Member || (l.purpose == purposeJoin && r.state[l.origin] == Joining)
	switch l.purpose {
	case purposeJoin:
		if !alive {
			return
		}
		if outcome != Correct {
			// Try again through another member after a pause.
			delete(r.joining, r.ids[l.origin])
			r.state[l.origin] = Idle
			r.net.SetAlive(l.origin, false)
			r.ScheduleJoin(r.sched.Now().Add(r.cfg.RPCTimeout), l.origin)
			return
		}
		r.becomeMember(l.origin, owner)
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
		} else if outcome == Correct && (r.oracle.Len() == 0 || owner != r.oracle.Successor(l.key)) {
			outcome = WrongOwner
		}
		if r.obs == nil {
			return
		}
		// Iterative: a request and a reply per ask, less the replies that
		// never came. Recursive: the forwards and the final reply when
		// answered (hops + 1); otherwise only what the initiator sent is known.
		msgs := 2*int(l.asks) - int(l.timeouts)
		if r.cfg.Lookup == Recursive {
			msgs = int(l.asks)
			if outcome != TimedOut && l.asks > 0 {
				msgs = int(l.hops) + 1
			}
		}
		r.result = LookupResult{
			Origin: l.origin, Key: l.key, Owner: owner, Hops: int(l.hops), Messages: msgs,
			Timeouts: int(l.timeouts), Latency: r.sched.Now().Sub(l.start), Outcome: outcome, Tag: l.tag,
		}
		r.obs.LookupDone(&r.result)
	}
}
