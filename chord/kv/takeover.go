// Take-over: a node whose range grows over its former predecessor's
// confirms that predecessor's death itself and syncs the range from the
// rest of its chain before it serves it, so a false suspicion at the ring
// layer does not make two primaries for one key.

package kv

import (
	"github.com/chordsim/chordsim/chord"
)

// confirmPings is how many pings in a row a former predecessor must leave
// unanswered before a node takes its range over: with a loss rate l, a
// live node is taken for dead with probability about (2l)^3 (8·10⁻⁶ at
// l = 1 %). A node slower than the timeout is still taken for dead: see
// docs/correctness.md on false suspicion.
const confirmPings = 3

// absorbed is a former predecessor whose range a node does not serve yet.
type absorbed struct {
	node    chord.Handle
	misses  uint8 // pings of the current round left unanswered
	alive   bool  // a ping of the current round was answered: requests go to it
	syncing int8  // sync requests out (0: confirming, not syncing yet)
}

func (s *Service) findTakeover(x, p chord.Handle) int {
	for i, a := range s.takeover[x] {
		if a.node == p {
			return i
		}
	}
	return -1
}

// trimTakeover forgets the former predecessors that are no longer inside
// x's range (x's predecessor is one of them again, or a node after them).
func (s *Service) trimTakeover(x chord.Handle) {
	l := s.takeover[x][:0]
	lo := s.lowEnd(x)
	for _, a := range s.takeover[x] {
		if lo != chord.None && a.node != lo && s.space.Between(s.ring.ID(lo), s.ring.ID(a.node), s.ring.ID(x)) {
			l = append(l, a)
		}
	}
	s.takeover[x] = l
}

// pendingFor reports whether id lies in the range of a former predecessor
// of x that x has not taken over yet (the nearest one at or after id), and
// names it if it answered a ping (the client is sent there).
func (s *Service) pendingFor(x chord.Handle, id chord.ID) (chord.Handle, bool) {
	if len(s.takeover[x]) == 0 {
		return chord.None, false
	}
	s.trimTakeover(x)
	lo := s.lowEnd(x)
	best := -1
	for i, a := range s.takeover[x] {
		if lo == chord.None || !s.space.BetweenIncl(s.ring.ID(lo), id, s.ring.ID(a.node)) {
			continue
		}
		if best < 0 || s.space.Between(id, s.ring.ID(a.node), s.ring.ID(s.takeover[x][best].node)) {
			best = i
		}
	}
	if best < 0 {
		return chord.None, false
	}
	if a := s.takeover[x][best]; a.alive {
		return a.node, true
	}
	return chord.None, true // not known to be alive: look the key up again after the backoff
}

// confirm pings former predecessor p on behalf of x: confirmPings pings
// at once, so that a death is confirmed after one timeout, not several.
func (s *Service) confirm(x, p chord.Handle) {
	for range confirmPings {
		slot, _ := s.compose(MsgPing)
		s.net.Request(slot, x, p, s.ring.Config().RPCTimeout, reqID{kind: cookieConfirm, ref: int32(x)}.pack())
	}
}

// onConfirm: former predecessor p answered x's ping (alive) or did not.
func (s *Service) onConfirm(x, p chord.Handle, alive bool) {
	if !s.member(x) {
		return
	}
	i := s.findTakeover(x, p)
	if i < 0 || s.takeover[x][i].syncing > 0 {
		return
	}
	a := &s.takeover[x][i]
	if alive {
		// Alive: redirect to it, and look again later (it may be back as
		// the predecessor by then, or really fail). The round's other
		// answers are not counted.
		if !a.alive {
			a.alive = true
			s.sched.After(s.ring.Config().RPCTimeout, s.owner, evConfirm, int32(x), uint64(p))
		}
		return
	}
	if a.alive {
		return // a round that had an answer
	}
	if a.misses++; a.misses >= confirmPings {
		s.confirmed(x, p, true)
	}
}

// confirmed: former predecessor p of x is gone. With sync, x first asks
// the rest of its chain for their copies of p's range and serves the range
// once all have answered (or timed out); without, at once.
func (s *Service) confirmed(x, p chord.Handle, sync bool) {
	i := s.findTakeover(x, p)
	if i < 0 {
		return
	}
	if !sync {
		s.takeover[x] = append(s.takeover[x][:i], s.takeover[x][i+1:]...)
		return
	}
	a := &s.takeover[x][i]
	l := s.ring.Successors(x)
	lo := s.lowEnd(x)
	for j := 0; j < s.cfg.Replicas-1 && j < len(l) && l[j] != x && lo != chord.None; j++ {
		slot, m := s.compose(MsgSync)
		m.Node, m.E.ID = lo, s.ring.ID(p)
		s.net.Request(slot, x, l[j], s.ring.Config().RPCTimeout, reqID{kind: cookieSync, ref: int32(p)}.pack())
		a.syncing++
	}
	if a.syncing <= 0 {
		s.takeover[x] = append(s.takeover[x][:i], s.takeover[x][i+1:]...)
	}
}

// onSync: a chain member answered x's sync request for former
// predecessor p's range (m nil: it did not). x stores the newer copies;
// when the last answer is in, x serves the range.
func (s *Service) onSync(x, p chord.Handle, m *Msg) {
	if !s.member(x) {
		return
	}
	if m != nil {
		now := s.sched.Now()
		for i := range m.Entries {
			s.stores[x].put(&m.Entries[i], now)
		}
	}
	i := s.findTakeover(x, p)
	if i < 0 || s.takeover[x][i].syncing <= 0 {
		return
	}
	if s.takeover[x][i].syncing--; s.takeover[x][i].syncing == 0 {
		s.takeover[x] = append(s.takeover[x][:i], s.takeover[x][i+1:]...)
	}
}
