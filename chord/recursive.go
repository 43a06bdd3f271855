package chord

// Recursive lookups that route around dead and silent nodes (issue 17,
// symptom 2), used when Config.Lookup is Recursive and LookupRetries > 0.
//
// A forward is a request: the node it reaches acknowledges it at once
// (a pong) and takes over. A forwarder that hears no acknowledgement
// within rpc_timeout adds the silent node to the lookup's avoid set and
// decides again from its own tables; the set travels with every forward,
// so no later hop names an avoided node. The node that can name the owner
// pings it first (re-checking as the failure detector says) and answers
// the initiator with a one-way reply. A node whose candidates are all
// avoided is a dead end: it adds itself to the set and sends it back to
// the initiator, which starts a new leg from its own tables with what was
// learned. Every leg ends in an answer or a larger avoid set, so the
// search ends; a leg whose reply never comes (a lost message, a node that
// died after acknowledging) is started again after lookup_timeout.

import "github.com/chordsim/chordsim/sim"

// recStep is a recursive lookup's state at the node currently holding it,
// while that node waits for an acknowledgement or an owner's pong.
type recStep struct {
	at, origin Handle
	ref        int32 // the lookup's index at the origin
	user       bool  // a user lookup's (Msg.User)
	leg        uint8
	key        ID
	hops       int32
	tries      int32 // timeouts in this leg
	next       Handle
	confirms   int32
	avoid      []Handle
}

// recRetrying reports whether recursive lookups route around silent nodes.
func (r *Ring) recRetrying() bool {
	return r.cfg.LookupRetries > 0 && r.cfg.Lookup == Recursive
}

func (r *Ring) newRecStep() int32 {
	if n := len(r.freeRec); n > 0 {
		k := r.freeRec[n-1]
		r.freeRec = r.freeRec[:n-1]
		return k
	}
	r.recs = append(r.recs, recStep{})
	return int32(len(r.recs) - 1)
}

func (r *Ring) freeRecStep(k int32) { r.freeRec = append(r.freeRec, k) }

// startLeg starts a new leg of recursive lookup i from its origin, with
// the avoid set learned so far, and arms the leg's timer.
func (r *Ring) startLeg(i int32) {
	l := &r.lookups[i]
	l.leg++
	r.tr.After(r.cfg.LookupTimeout, evLegTimeout, i, l.serial<<8|uint64(l.leg))
	k := r.newRecStep()
	rs := &r.recs[k]
	avoid := append(rs.avoid[:0], l.avoid...)
	*rs = recStep{at: l.origin, origin: l.origin, ref: i, leg: l.leg, key: l.key, next: None, avoid: avoid, user: l.purpose == purposeUser}
	if l.via != None {
		// A joiner has no tables: its introducer takes the first step.
		if holds(avoid, l.via) {
			r.freeRecStep(k)
			r.finish(i, None, TimedOut)
			return
		}
		r.recForward(k, l.via)
		return
	}
	r.recDecide(k)
}

// recDecide is one step at the node holding rec k: name the owner (after
// checking it is alive) or forward to the closest preceding node not
// avoided; with neither, the node is a dead end.
func (r *Ring) recDecide(k int32) {
	rs := &r.recs[k]
	x := rs.at
	done, next := r.decideAvoiding(x, rs.key, rs.avoid)
	if holds(rs.avoid, next) || next == x && !done {
		r.recBack(k)
		return
	}
	if done {
		if next == rs.origin {
			r.recReply(k, true, next)
			return
		}
		rs.next, rs.confirms = next, 0
		slot, m := r.compose(MsgPing)
		m.User = rs.user
		r.rpc(slot, x, next, cookie(cookieRecOwner, k))
		return
	}
	if int(rs.hops) >= r.cfg.MaxHops {
		r.recReply(k, false, None)
		return
	}
	r.recForward(k, next)
}

// recForward sends rec k on to node y and waits for its acknowledgement.
func (r *Ring) recForward(k int32, y Handle) {
	rs := &r.recs[k]
	rs.next = y
	slot, m := r.compose(MsgLookupForward)
	// The hop counts once the next node has it: a forward that goes
	// unanswered adds none.
	m.Key, m.Hops, m.Node, m.Ref, m.Owners, m.Tries, m.User = rs.key, rs.hops+1, rs.origin, rs.ref, rs.leg, rs.tries, rs.user
	m.List = append(m.List, rs.avoid...)
	r.rpc(slot, rs.at, y, cookie(cookieForward, k))
}

// onRecForward: node y receives a forward: it acknowledges it and takes
// the next step.
func (r *Ring) onRecForward(y Handle, m *Msg, req sim.Request) {
	slot, a := r.compose(MsgPong)
	a.User = m.User
	r.reply(slot, y, req)
	k := r.newRecStep()
	rs := &r.recs[k]
	avoid := append(rs.avoid[:0], m.List...)
	*rs = recStep{at: y, origin: m.Node, ref: m.Ref, leg: m.Owners, key: m.Key, hops: m.Hops, tries: m.Tries, next: None, avoid: avoid, user: m.User}
	r.recDecide(k)
}

// onRecSilent: the node rec k was waiting on (a forward's next hop, or the
// owner it was checking) is silent. The owner is checked again first, as
// the failure detector says; then the node is avoided and the holder
// decides again, unless the leg has used up its retries.
func (r *Ring) onRecSilent(k int32, owner bool) {
	rs := &r.recs[k]
	if r.state[rs.at] != Member && !(r.state[rs.at] == Joining && rs.at == rs.origin) {
		r.freeRecStep(k)
		return
	}
	if owner && int(rs.confirms) < r.cfg.SuspectConfirm {
		rs.confirms++
		slot, m := r.compose(MsgPing)
		m.User = rs.user
		r.rpc(slot, rs.at, rs.next, cookie(cookieRecOwner, k))
		return
	}
	rs.tries++
	if r.state[rs.at] == Member {
		r.suspect(rs.at, rs.next, actForget, None)
	}
	if !holds(rs.avoid, rs.next) {
		rs.avoid = append(rs.avoid, rs.next)
	}
	if int(rs.tries) > r.cfg.LookupRetries {
		r.recReply(k, false, None)
		return
	}
	if rs.at == rs.origin && r.lookups[rs.ref].via != None {
		// The joiner's introducer is silent: the join fails.
		r.recReply(k, false, None)
		return
	}
	r.recDecide(k)
}

// recBack: the node holding rec k has no candidate left; it avoids itself
// and gives the initiator what the leg learned.
func (r *Ring) recBack(k int32) {
	rs := &r.recs[k]
	if !holds(rs.avoid, rs.at) {
		rs.avoid = append(rs.avoid, rs.at)
	}
	r.recReply(k, false, None)
}

// recReply ends rec k's leg: the answer (done, owner) or, without one, the
// avoid set goes to the initiator.
func (r *Ring) recReply(k int32, done bool, owner Handle) {
	rs := &r.recs[k]
	if rs.at == rs.origin {
		r.onRecReply(rs.origin, done, owner, rs.ref, rs.leg, rs.key, rs.hops, rs.tries, rs.avoid, false)
		r.freeRecStep(k)
		return
	}
	slot, m := r.compose(MsgLookupReply)
	m.Done, m.Node, m.Key, m.Hops, m.Ref, m.Owners, m.Tries, m.User = done, owner, rs.key, rs.hops, rs.ref, rs.leg, rs.tries, rs.user
	if !done {
		m.List = append(m.List, rs.avoid...)
	}
	r.send(slot, rs.at, rs.origin)
	r.freeRecStep(k)
}

// onRecReply: a leg of the initiator o's lookup ref ended. Replies to a
// leg that is over (a late duplicate, a lookup that finished) are
// ignored.
func (r *Ring) onRecReply(o Handle, done bool, owner Handle, ref int32, leg uint8, key ID, hops, tries int32, avoid []Handle, remote bool) {
	if int(ref) >= len(r.lookups) {
		return
	}
	l := &r.lookups[ref]
	if !l.active || l.origin != o || l.key != key || l.leg != leg || r.cfg.Lookup != Recursive {
		return
	}
	l.timeouts += tries
	l.hops = hops
	// The leg's messages: a forward and its acknowledgement per hop, one
	// unanswered request per timeout, the owner's check and its answer,
	// and the reply if it came over the network.
	l.asks += 2*hops + tries
	if done && owner != o {
		l.asks += 2
	}
	if remote {
		l.asks++
	}
	if done {
		r.finish(ref, owner, Correct)
		return
	}
	for _, x := range avoid {
		if !holds(l.avoid, x) {
			l.avoid = append(l.avoid, x)
		}
	}
	switch {
	case !r.originAlive(l):
		r.finish(ref, None, Abandoned)
	case int(l.timeouts) > r.cfg.LookupRetries:
		r.finish(ref, None, TimedOut)
	case int(hops) >= r.cfg.MaxHops:
		r.finish(ref, None, HopLimit)
	case holds(l.avoid, l.origin):
		r.finish(ref, None, TimedOut) // no route is left
	default:
		r.startLeg(ref)
	}
}

// onLegTimeout: a leg of lookup i gave no answer within lookup_timeout (a
// reply was lost, or a node died after acknowledging): start another.
func (r *Ring) onLegTimeout(i int32, arg uint64) {
	if int(i) >= len(r.lookups) {
		return
	}
	l := &r.lookups[i]
	if !l.active || l.serial<<8|uint64(l.leg) != arg {
		return
	}
	l.timeouts++
	if int(l.timeouts) > r.cfg.LookupRetries || !r.originAlive(l) {
		r.finish(i, None, TimedOut)
		return
	}
	r.startLeg(i)
}
