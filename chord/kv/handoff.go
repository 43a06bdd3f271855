// Hand-off: how pairs move when the ring's membership changes. A joiner
// fetches its range from the node that held it and is redirected to until
// it has it; a departing node hands its pairs to its successor.

package kv

import (
	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/sim"
)

// stateChanged is the service's chord.Hooks.StateChanged.
func (s *Service) stateChanged(h chord.Handle, st chord.State) {
	s.grow(h)
	switch st {
	case chord.Member:
		s.net.SetAlive(h, true)
		s.handedTo[h] = chord.None
		s.lastPred[h] = chord.None
		s.takeover[h] = nil
		s.peered[h] = s.successor(h) != chord.None
		if s.successor(h) == chord.None {
			s.ready[h] = true // a ring of its own: nobody to fetch from
		} else {
			s.ready[h] = false
			s.fetch(h)
		}
		s.startRepair(h)
	case chord.Left:
		// Hand everything over to the successor, then go silent.
		if succ := s.successor(h); succ != chord.None && len(s.stores[h]) > 0 {
			slot, m := s.compose(MsgTransfer)
			m.Entries = append(m.Entries, s.stores[h].sorted(nil)...)
			m.Leaving, m.Handoff = true, true
			s.stats.HandedOff += uint64(len(m.Entries))
			s.net.Send(slot, h, succ)
		}
		s.net.SetAlive(h, false)
		s.stores[h] = nil
	case chord.Failed:
		s.net.SetAlive(h, false)
		s.stores[h] = nil
	}
}

// predecessorChanged is the service's chord.Hooks.PredecessorChanged. A node that accepts a
// predecessor closer than the one it had (a joiner that notified it) hands
// it the pairs outside its new range, (now, h]: this is the hand-off of a
// join whose joiner first picked a wrong successor (a concurrent join), and
// a second chance for one whose fetch was lost. Once the predecessor is
// the joiner this node redirects to (or a node after it), the redirect is
// no longer needed.
//
// A predecessor farther away than the last one known means the node's
// range has grown over the range of that former predecessor, which the
// ring layer takes for dead. The node does not serve that range yet: the
// ring may have suspected a live but silent node (a lost message), and two
// primaries for one key break linearizability. It first confirms the
// death itself (confirmPings unanswered pings), then brings its copies of
// the range up to date from the rest of its chain (a member skipped by a
// false suspicion may have missed writes), and only then serves it; until
// then it redirects to the former predecessor. A graceful leave is
// confirmed by the leaver's hand-off.
func (s *Service) predecessorChanged(h, old, now chord.Handle) {
	s.grow(h)
	if now == chord.None && old != chord.None && old != h && s.member(h) {
		s.rescue(h)
	}
	if now == chord.None || now == h {
		return
	}
	prev := s.lastPred[h]
	s.lastPred[h] = now
	s.peered[h] = true
	s.trimTakeover(h)
	if prev != chord.None && prev != now && s.member(h) && s.space.Between(s.ring.ID(now), s.ring.ID(prev), s.ring.ID(h)) {
		if s.findTakeover(h, prev) < 0 && s.leaver[h] != prev { // a leaver's hand-off came first: nothing to confirm
			s.takeover[h] = append(s.takeover[h], absorbed{node: prev})
			s.confirm(h, prev)
		}
	}
	if old == chord.None || s.space.Between(s.ring.ID(old), s.ring.ID(now), s.ring.ID(h)) {
		s.handOver(h, now)
	}
	if prev != now {
		s.restartTTL(h)
	}
	if t := s.handedTo[h]; t != chord.None && (now == t || !s.space.Between(s.ring.ID(now), s.ring.ID(t), s.ring.ID(h))) {
		s.handedTo[h] = chord.None
	}
}

// handOver sends to node to the pairs x holds outside (to, x]. With one
// copy per key, x forgets each pair once to has acknowledged it (a lost
// hand-off leaves the pairs at x, which tries again at its next repair);
// with replicas, x keeps them as to's first replica.
func (s *Service) handOver(x, to chord.Handle) {
	st := s.stores[x]
	if len(st) == 0 {
		return
	}
	tid, xid := s.ring.ID(to), s.ring.ID(x)
	out := st.sorted(func(e *Entry) bool { return !s.space.BetweenIncl(tid, e.ID, xid) })
	if len(out) == 0 {
		return
	}
	slot, m := s.compose(MsgTransfer)
	m.Entries = append(m.Entries, out...)
	m.Handoff = true
	s.stats.HandedOff += uint64(len(out))
	s.net.Request(slot, x, to, s.ring.Config().RPCTimeout, reqID{kind: cookieHandoff, ref: int32(x)}.pack())
}

// onHandOverAck: to has stored the pairs x sent; with one copy per key, x
// forgets those it still holds at that version and is not primary for.
func (s *Service) onHandOverAck(x chord.Handle, m *Msg) {
	if s.cfg.Replicas != 1 || !s.member(x) {
		return
	}
	st := s.stores[x]
	for i := range m.Entries {
		e := &m.Entries[i]
		if it := st[e.Key]; it != nil && !it.newer(e) && !s.inRange(x, it.ID) {
			delete(st, e.Key)
		}
	}
}

// fetch asks joiner h's successor for the pairs h now holds.
func (s *Service) fetch(h chord.Handle) {
	succ := s.successor(h)
	if succ == chord.None {
		s.ready[h] = true
		return
	}
	s.fetchFrom(h, succ)
}

// fetchFrom asks node x for the pairs joiner h now holds.
func (s *Service) fetchFrom(h, x chord.Handle) {
	slot, _ := s.compose(MsgFetch)
	s.net.Request(slot, h, x, s.ring.Config().RPCTimeout, reqID{kind: cookieFetch, ref: int32(h)}.pack())
}

// onFetch: joiner j asks node x for the pairs j now holds: everything x
// holds outside (j, x]. With one copy per key x gives them away; with
// replicas it keeps them (it is j's first replica).
func (s *Service) onFetch(x, j chord.Handle, req sim.Request) {
	jid, xid := s.ring.ID(j), s.ring.ID(x)
	slot, a := s.compose(MsgFetchReply)
	a.Entries = append(a.Entries, s.stores[x].sorted(func(e *Entry) bool { return !s.space.BetweenIncl(jid, e.ID, xid) })...)
	a.Node = s.lowEnd(x) // where the joiner's range starts as x sees it
	s.stats.HandedOff += uint64(len(a.Entries))
	if s.cfg.Replicas == 1 {
		for i := range a.Entries {
			delete(s.stores[x], a.Entries[i].Key)
		}
	}
	if p := s.ring.Predecessor(x); p == chord.None || s.space.Between(s.ring.ID(p), jid, xid) {
		if t := s.handedTo[x]; t == chord.None || s.space.Between(s.ring.ID(t), jid, xid) {
			s.handedTo[x] = j
			s.handedMisses[x] = 0
		}
	}
	s.net.Reply(slot, x, req)
}

// joinerRange: joiner j's successor saw its own range start at p when it
// answered j's fetch, so j's range starts there too. If the predecessor j
// has been given since lies farther back, the nodes in between (p first)
// may be alive and serving: j treats p as a former predecessor whose range
// it may not serve before confirming its death, as in PredecessorChanged.
func (s *Service) joinerRange(j, p chord.Handle) {
	if p == chord.None || p == j || !s.member(j) {
		return
	}
	cur := s.ring.Predecessor(j)
	if cur == chord.None {
		cur = s.lastPred[j]
	}
	if cur == chord.None {
		s.lastPred[j] = p
		return
	}
	if cur != p && s.space.Between(s.ring.ID(cur), s.ring.ID(p), s.ring.ID(j)) && s.findTakeover(j, p) < 0 {
		s.takeover[j] = append(s.takeover[j], absorbed{node: p})
		s.confirm(j, p)
	}
}

// rescue: the ring layer has cleared node x's predecessor, having
// confirmed that it does not answer. x may now hold the only copy of
// pairs of the dead node's range (a burst of k−1 failures leaves one
// copy), and x does not push them at its periodic repair until it knows
// its new predecessor, which after such a burst takes the ring several
// confirmation rounds; another burst in that time would lose them. So x
// sends everything it holds to its next k−1 successors at once (extra
// copies are soft state: they expire with the replica TTL), and restarts
// the TTL of its own copies (their primary is gone).
func (s *Service) rescue(x chord.Handle) {
	if s.cfg.Replicas < 2 || !s.ready[x] || len(s.stores[x]) == 0 {
		return
	}
	now := s.sched.Now()
	for _, it := range s.stores[x] {
		it.refreshed = now
	}
	s.push(x, s.stores[x].sorted(nil), s.cfg.Replicas-1)
}

// restartTTL: node x's predecessor changed, so the chain above x changed
// (a member died, or a node joined). The primary of the pairs x holds as
// a replica may now be a node that has not pushed them yet (x's new
// predecessor, still fetching, or a node before it), and it may die before
// it does, as a joiner can. The replica TTL measures how long no primary
// has refreshed a pair, so it counts from the chain's last change, not
// from the last push of a primary that is gone: x restarts it for those
// pairs, for itself and for the k−2 successors after it that hold them
// too (a replica further down, whose own predecessor did not change,
// would otherwise drop them first).
func (s *Service) restartTTL(x chord.Handle) {
	if s.cfg.Replicas < 2 || s.cfg.ReplicaTTL <= 0 {
		return
	}
	now := s.sched.Now()
	held := s.stores[x].sorted(func(e *Entry) bool { return !s.inRange(x, e.ID) })
	for i := range held {
		s.stores[x][held[i].Key].refreshed = now
	}
	s.push(x, held, s.cfg.Replicas-2)
}

// push sends entries from node x to its next n successors.
func (s *Service) push(x chord.Handle, entries []Entry, n int) {
	if len(entries) == 0 {
		return
	}
	l := s.ring.Successors(x)
	for i := 0; i < n && i < len(l) && l[i] != x; i++ {
		slot, m := s.compose(MsgTransfer)
		m.Entries = append(m.Entries, entries...)
		s.net.Send(slot, x, l[i])
	}
}
