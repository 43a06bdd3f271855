// The chain: who is responsible for a key, and how writes go down the
// chain from the primary to the tail and reads are answered (at the tail
// for linearizable, at a random replica for eventual consistency), with
// the newest entry carried so a new member has the state before it serves.

package kv

import (
	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/sim"
)

// lowEnd is the start of node x's range as x sees it: its predecessor, or
// the joiner it handed keys to if that one lies after the predecessor.
//
// When the ring layer has cleared the predecessor (it did not answer a
// check), x keeps to the range it had: the cleared node may be alive and
// only slow (a false timeout), and if it did fail, its keys are x's only
// once the node before it has notified x. Taking every key while the
// predecessor is unknown would let x answer for keys it does not hold,
// which is how a lookup that timed out on a slow owner would otherwise
// read "not found".
func (s *Service) lowEnd(x chord.Handle) chord.Handle {
	lo := s.ring.Predecessor(x)
	if lo == chord.None {
		lo = s.lastPred[x]
	}
	if t := s.handedTo[x]; t != chord.None && (lo == chord.None || s.space.Between(s.ring.ID(lo), s.ring.ID(t), s.ring.ID(x))) {
		lo = t
	}
	return lo
}

// responsible reports whether x considers itself primary for id; when it
// does not, hint is the node it would send the client to (None: look up).
func (s *Service) responsible(x chord.Handle, id chord.ID) (ok bool, hint chord.Handle) {
	if !s.ready[x] {
		return false, chord.None
	}
	if s.successor(x) == chord.None && s.peered[x] {
		// Alone after having had successors: the ring layer suspected them
		// all, which a crash of fewer than k nodes cannot explain. Serving
		// every key now would make a second primary for each.
		return false, chord.None
	}
	lo := s.lowEnd(x)
	if a, ok := s.pendingFor(x, id); ok {
		return false, a
	}
	if lo == chord.None || lo == x || s.successor(x) == chord.None || s.space.BetweenIncl(s.ring.ID(lo), id, s.ring.ID(x)) {
		return true, chord.None // a lone node holds every key
	}
	if t := s.handedTo[x]; t != chord.None {
		return false, t
	}
	if succ := s.successor(x); succ != chord.None && s.space.BetweenIncl(s.ring.ID(x), id, s.ring.ID(succ)) {
		return false, succ
	}
	return false, chord.None
}

// inRange reports whether x is primary for id by its predecessor alone
// (the last one known if the ring layer cleared it).
func (s *Service) inRange(x chord.Handle, id chord.ID) bool {
	p := s.ring.Predecessor(x)
	if p == chord.None {
		p = s.lastPred[x]
	}
	return p == chord.None || p == x || s.space.BetweenIncl(s.ring.ID(p), id, s.ring.ID(x))
}

// reply answers the client's request req from node x.
func (s *Service) reply(x chord.Handle, req sim.Request, e *Entry, found bool) {
	slot, a := s.compose(MsgReply)
	a.Status = statusOK
	a.E = *e
	a.Found = found
	a.Server = x
	s.net.Reply(slot, x, req)
}

func (s *Service) refuse(x chord.Handle, req sim.Request, hint chord.Handle) {
	s.stats.Refused++
	if hint != chord.None {
		s.stats.Redirects++
	}
	slot, a := s.compose(MsgReply)
	a.Status = statusRefused
	a.Hint = hint
	s.net.Reply(slot, x, req)
}

// chainNext is where node x passes a chain message at position pos (x's
// own position) of the chain headed by primary: None when x is the tail.
func (s *Service) chainNext(x chord.Handle, pos int, primary chord.Handle) chord.Handle {
	if pos >= s.cfg.Replicas-1 {
		return chord.None
	}
	next := s.successor(x)
	if next == primary {
		return chord.None // fewer nodes than replicas: the chain wraps
	}
	return next
}

func (s *Service) onWrite(x chord.Handle, m *Msg, req sim.Request) {
	now := s.sched.Now()
	st := s.stores[x]
	if m.Pos == 0 {
		if ok, hint := s.responsible(x, m.E.ID); !ok {
			s.refuse(x, req, hint)
			return
		}
		e := m.E
		if it := st[e.Key]; it != nil {
			if ss, ok := it.session(e.Client); ok && ss.seq >= e.Seq {
				if ss.seq > e.Seq {
					return // a stale copy of a write the client has seen answered: it waits for nothing
				}
				// A retry of a write applied here: pass the current entry
				// on without applying it again, so that the tail answers
				// once every chain member has it.
				e = it.Entry
			} else {
				e.Version = it.Version + 1
				e.sessions = it.sessions
				st.put(&e, now)
				e = st[e.Key].Entry
			}
		} else {
			e.Version = 1
			st.put(&e, now)
			e = st[e.Key].Entry
		}
		next := s.chainNext(x, 0, x)
		if next == chord.None || s.cfg.Consistency == Eventual {
			s.ack(x, req, &e, m.E.Client, m.E.Seq)
			s.propagate(x, e, 1, x)
			return
		}
		slot, f := s.compose(MsgWrite)
		f.Pos, f.Primary, f.E, f.Req = 1, x, e, req
		f.Client, f.Seq = m.E.Client, m.E.Seq
		s.net.Send(slot, x, next)
		return
	}
	// A chain member: store the write and pass on the newest entry it
	// holds (the write, unless this member already had a newer one).
	st.put(&m.E, now)
	e := st[m.E.Key].Entry
	next := s.chainNext(x, int(m.Pos), m.Primary)
	if next == chord.None {
		s.ack(x, m.Req, &e, m.Client, m.Seq)
		return
	}
	slot, f := s.compose(MsgWrite)
	f.Pos, f.Primary, f.E, f.Req = m.Pos+1, m.Primary, e, m.Req
	f.Client, f.Seq = m.Client, m.Seq
	s.net.Send(slot, x, next)
}

// ack answers write (client, seq) from node x, which has applied it: with
// the reply cached in the key's session table, so that a retry answered
// after later writes reports what its own write did; e is what x passed
// down the chain.
func (s *Service) ack(x chord.Handle, req sim.Request, e *Entry, client int32, seq uint64) {
	r := *e
	if it := s.stores[x][e.Key]; it != nil {
		if ss, ok := it.session(client); ok && ss.seq == seq {
			r.Version, r.Deleted = ss.version, ss.deleted
		}
	}
	s.reply(x, req, &r, !r.Deleted)
}

func (s *Service) onRead(x chord.Handle, m *Msg, req sim.Request) {
	if m.Pos == 0 {
		if ok, hint := s.responsible(x, m.E.ID); !ok {
			s.refuse(x, req, hint)
			return
		}
		if s.cfg.Consistency == Eventual {
			// Any replica may serve: pick one of the chain at random.
			j := s.rng.IntN(s.cfg.Replicas)
			target := x
			for i := 0; i < j; i++ {
				l := s.ring.Successors(x)
				if i >= len(l) || l[i] == x {
					break
				}
				target = l[i]
			}
			if target == x {
				s.serveRead(x, req, m.E.Key)
				return
			}
			slot, f := s.compose(MsgRead)
			f.Pos, f.Primary, f.E, f.Req = -1, x, m.E, req
			s.net.Send(slot, x, target)
			return
		}
		next := s.chainNext(x, 0, x)
		if next == chord.None {
			s.serveRead(x, req, m.E.Key)
			return
		}
		slot, f := s.compose(MsgRead)
		f.Pos, f.Primary, f.E, f.Req = 1, x, s.carried(x, &m.E), req
		s.net.Send(slot, x, next)
		return
	}
	if m.Pos < 0 {
		s.serveRead(x, m.Req, m.E.Key)
		return
	}
	// A chain member: the read carries the newest entry of the members
	// before it (all written by the primary), and every member stores it
	// before passing it on. So the tail answers with nothing older than
	// what the primary has applied, and by the time it answers every
	// member holds what it returns. This is also the state transfer to a
	// node that has just entered the chain (after a crash or a join): it
	// has what the members before it have before it answers a read.
	if m.E.Version > 0 {
		s.stores[x].put(&m.E, s.sched.Now())
	}
	next := s.chainNext(x, int(m.Pos), m.Primary)
	if next == chord.None {
		s.serveRead(x, m.Req, m.E.Key)
		return
	}
	slot, f := s.compose(MsgRead)
	f.Pos, f.Primary, f.E, f.Req = m.Pos+1, m.Primary, s.carried(x, &m.E), m.Req
	s.net.Send(slot, x, next)
}

// carried is what a chain read passes on from node x: x's entry for the
// key (newest of its own and what it received), or the bare key (version
// 0: nothing to store) if it holds none.
func (s *Service) carried(x chord.Handle, e *Entry) Entry {
	if it := s.stores[x][e.Key]; it != nil {
		return it.Entry
	}
	return Entry{Key: e.Key, ID: e.ID}
}

func (s *Service) serveRead(x chord.Handle, req sim.Request, key string) {
	if it := s.stores[x][key]; it != nil {
		s.reply(x, req, &it.Entry, !it.Deleted)
		return
	}
	s.reply(x, req, &Entry{Key: key}, false)
}

// propagate passes write e on from node x, at chain position pos−1, in
// eventual mode (linearizable writes travel as MsgWrite).
func (s *Service) propagate(x chord.Handle, e Entry, pos int, primary chord.Handle) {
	if s.cfg.Consistency != Eventual {
		return
	}
	next := s.chainNext(x, pos-1, primary)
	if next == chord.None {
		return
	}
	if d := s.cfg.PropagateDelay; d > 0 {
		var i int32
		if n := len(s.freeProps); n > 0 {
			i = s.freeProps[n-1]
			s.freeProps = s.freeProps[:n-1]
		} else {
			s.props = append(s.props, prop{})
			i = int32(len(s.props) - 1)
		}
		s.props[i] = prop{from: x, e: e, pos: int8(pos), primary: primary}
		s.sched.After(d, s.owner, evPropagate, i, 0)
		return
	}
	s.sendPropagate(x, next, e, pos, primary)
}

func (s *Service) sendPropagate(x, next chord.Handle, e Entry, pos int, primary chord.Handle) {
	slot, f := s.compose(MsgPropagate)
	f.Pos, f.Primary, f.E = int8(pos), primary, e
	s.net.Send(slot, x, next)
}

// prop is a propagation waiting for its delay.
type prop struct {
	from    chord.Handle
	e       Entry
	pos     int8
	primary chord.Handle
}
