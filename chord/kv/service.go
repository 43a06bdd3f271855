package kv

import (
	"fmt"
	"math/rand/v2"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/sim"
)

// Stats counts what the service did.
type Stats struct {
	Sent      [NumMsgKinds]uint64 // messages by kind
	Refused   uint64              // requests a node refused (not responsible, or not ready)
	Redirects uint64              // refusals that named the node to try
	HandedOff uint64              // entries sent to joiners and by leavers
	Repaired  uint64              // entries a repair stored that the receiver lacked or had older
	Dropped   uint64              // replicas dropped because no primary refreshed them
}

// Service is the key-value service running on every node of one ring.
type Service struct {
	ring  *chord.Ring
	sched *sim.Scheduler
	cfg   Config
	space chord.Space
	net   *sim.Network[Msg]
	owner sim.OwnerID
	rng   *rand.Rand // replica choice for eventual reads, repair phases

	layer  chord.LayerID // the service's layer on the ring: its lookups' Tags name it
	client Client

	// Per node, indexed by handle.
	stores       []store
	ready        []bool         // a joiner has its pairs from its successor
	handedTo     []chord.Handle // the joiner this node gave keys to, until it becomes the predecessor
	lastPred     []chord.Handle // the last predecessor this node knew (kept when the ring layer clears it)
	peered       []bool         // the node has had a successor other than itself (so being alone is a failure, not a new ring)
	handedMisses []uint8        // pings to handedTo left unanswered since its last answer
	leaver       []chord.Handle // the last node that handed everything to this one as it left
	takeover     [][]absorbed   // former predecessors whose ranges the node does not serve yet (see PredecessorChanged)

	ops     []op
	freeOps []int32
	opSeq   uint64
	active  int

	props     []prop // delayed propagations (eventual mode)
	freeProps []int32

	stats Stats
}

// Service event kinds (timers).
const (
	evRetry uint16 = iota
	evRepair
	evPropagate
	evFetch
	evConfirm
)

// cookies: what a request was for, in the top byte.
const (
	cookieOp uint64 = iota
	cookieFetch
	cookiePing
	cookieCollect
	cookieHandoff
	cookieConfirm
	cookieSync
)

func mkCookie(kind uint64, ref int32, gen uint32) uint64 {
	return kind<<56 | uint64(gen&0xffffff)<<32 | uint64(uint32(ref))
}

// lookupRef identifies one attempt of an operation in its lookup's
// chord.Tag.Op: the operation's slot and the attempt's generation, so that
// the answer to an attempt given up is recognised and ignored.
type lookupRef struct {
	slot int32
	gen  uint32
}

func (l lookupRef) op() uint64 { return uint64(l.gen)<<32 | uint64(uint32(l.slot)) }

func lookupRefOf(op uint64) lookupRef {
	return lookupRef{slot: int32(uint32(op)), gen: uint32(op>>32) & 0xffffff}
}

// New starts the service on ring r, whose nodes run on scheduler s with
// network model net. Members the ring has already (an ideal bootstrap) start
// ready with empty stores; nodes that join later fetch their pairs.
func New(s *sim.Scheduler, r *chord.Ring, net sim.NetConfig, seed uint64, cfg Config) (*Service, error) {
	if err := cfg.Validate(r.Config().Successors); err != nil {
		return nil, err
	}
	svc := &Service{
		ring:  r,
		sched: s,
		cfg:   cfg,
		space: r.Space(),
		rng:   sim.Stream(seed, "kv"),
	}
	svc.owner = s.Register(svc)
	svc.net = sim.NewNetwork[Msg](s, svc, net, sim.Stream(seed, "kv-latency"), sim.Stream(seed, "kv-loss"))
	svc.layer = r.Attach(chord.Hooks{LookupDone: svc.lookupDone, StateChanged: svc.stateChanged, PredecessorChanged: svc.predecessorChanged})
	for h := chord.Handle(0); int(h) < r.Nodes(); h++ {
		if r.State(h) == chord.Member {
			svc.grow(h)
			svc.ready[h] = true
			svc.lastPred[h] = r.Predecessor(h)
			svc.peered[h] = svc.successor(h) != chord.None
			svc.net.SetAlive(h, true)
			svc.startRepair(h)
		}
	}
	return svc, nil
}

// SetClient sets who hears of finished operations.
func (s *Service) SetClient(c Client) { s.client = c }

// Config is the service's configuration.
func (s *Service) Config() Config { return s.cfg }

// Stats returns the service's counters.
func (s *Service) Stats() Stats { return s.stats }

// Active is the number of operations started and not finished.
func (s *Service) Active() int { return s.active }

// grow makes the per-node tables cover handle h.
func (s *Service) grow(h chord.Handle) {
	for len(s.stores) <= int(h) {
		s.stores = append(s.stores, nil)
		s.ready = append(s.ready, false)
		s.handedTo = append(s.handedTo, chord.None)
		s.lastPred = append(s.lastPred, chord.None)
		s.peered = append(s.peered, false)
		s.handedMisses = append(s.handedMisses, 0)
		s.leaver = append(s.leaver, chord.None)
		s.takeover = append(s.takeover, nil)
	}
	if s.stores[h] == nil {
		s.stores[h] = make(store)
	}
}

func (s *Service) compose(kind MsgKind) (int32, *Msg) {
	slot, m := s.net.NewMessage()
	*m = Msg{Kind: kind, Primary: chord.None, Hint: chord.None, Server: chord.None, Node: chord.None, Entries: m.Entries[:0]}
	s.stats.Sent[kind]++
	return slot, m
}

func (s *Service) member(h chord.Handle) bool { return s.ring.State(h) == chord.Member }

// successor is node h's first successor, None if it has none but itself.
func (s *Service) successor(h chord.Handle) chord.Handle {
	l := s.ring.Successors(h)
	if len(l) == 0 || l[0] == h {
		return chord.None
	}
	return l[0]
}

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
	s.net.Request(slot, x, to, s.ring.Config().RPCTimeout, mkCookie(cookieHandoff, int32(x), 0))
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
	s.net.Request(slot, h, x, s.ring.Config().RPCTimeout, mkCookie(cookieFetch, int32(h), 0))
}

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

// Deliver implements sim.Handler.
func (s *Service) Deliver(to, from chord.Handle, m *Msg, req sim.Request) {
	if !s.member(to) {
		return
	}
	switch m.Kind {
	case MsgWrite:
		s.onWrite(to, m, req)
	case MsgRead:
		s.onRead(to, m, req)
	case MsgPropagate:
		s.stores[to].put(&m.E, s.sched.Now())
		s.propagate(to, m.E, int(m.Pos)+1, m.Primary)
	case MsgFetch:
		s.onFetch(to, from, req)
	case MsgTransfer:
		now := s.sched.Now()
		for i := range m.Entries {
			if s.stores[to].put(&m.Entries[i], now) && !m.Handoff {
				s.stats.Repaired++
			}
		}
		if m.Leaving && s.handedTo[to] == from {
			s.handedTo[to] = chord.None
		}
		if m.Leaving {
			s.leaver[to] = from
			s.confirmed(to, from, false) // it has left, and handed over what it had
		}
		if req.Valid() {
			slot, a := s.compose(MsgTransferAck)
			a.Entries = append(a.Entries, m.Entries...)
			s.net.Reply(slot, to, req)
		}
	case MsgPing:
		slot, _ := s.compose(MsgPong)
		s.net.Reply(slot, to, req)
	case MsgSync:
		slot, a := s.compose(MsgSyncReply)
		lo, hi := s.ring.ID(m.Node), m.E.ID
		a.Entries = append(a.Entries, s.stores[to].sorted(func(e *Entry) bool { return s.space.BetweenIncl(lo, e.ID, hi) })...)
		s.net.Reply(slot, to, req)
	case MsgCollect:
		slot, a := s.compose(MsgCollectReply)
		a.Entries = append(a.Entries, s.stores[to].sorted(func(e *Entry) bool { return !e.Deleted && s.inRange(to, e.ID) })...)
		a.Node = s.successor(to)
		s.net.Reply(slot, to, req)
	}
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

// Response implements sim.Handler.
func (s *Service) Response(to, from chord.Handle, m *Msg, c uint64) {
	ref := int32(uint32(c))
	gen := uint32(c>>32) & 0xffffff
	switch c >> 56 {
	case cookieOp:
		s.onReply(ref, gen, m)
	case cookieFetch:
		if s.member(to) && !s.ready[to] {
			now := s.sched.Now()
			for i := range m.Entries {
				s.stores[to].put(&m.Entries[i], now)
			}
			if p := m.Node; p != chord.None && p != to && s.member(to) && s.space.Between(s.ring.ID(to), s.ring.ID(p), s.ring.ID(from)) {
				// The node asked holds a range that starts after the
				// joiner: the joiner's successor (the node that held its
				// keys) is p or before it, and the copies just received
				// may be older than p's. Ask p.
				s.fetchFrom(to, p)
				return
			}
			s.ready[to] = true
			s.joinerRange(to, m.Node)
		}
	case cookiePing:
		// The joiner is alive: the redirect stays.
		if s.member(to) && s.handedTo[to] == from {
			s.handedMisses[to] = 0
		}
	case cookieCollect:
		s.onCollectReply(ref, gen, from, m)
	case cookieHandoff:
		s.onHandOverAck(to, m)
	case cookieConfirm:
		s.onConfirm(to, from, true)
	case cookieSync:
		s.onSync(to, chord.Handle(gen), m)
	}
}

// Timeout implements sim.Handler.
func (s *Service) Timeout(requester, peer chord.Handle, c uint64) {
	ref := int32(uint32(c))
	gen := uint32(c>>32) & 0xffffff
	switch c >> 56 {
	case cookieOp:
		s.onOpTimeout(ref, gen)
	case cookieFetch:
		if s.member(requester) && !s.ready[requester] {
			// The successor did not answer: ask the current one after the
			// ring has had time to notice.
			s.sched.After(s.cfg.RetryBackoff, s.owner, evFetch, int32(requester), 0)
		}
	case cookiePing:
		// Only confirmPings unanswered in a row end the redirect: after
		// one lost ping, the node would serve the joiner's keys again
		// while the joiner serves them too.
		if s.member(requester) && s.handedTo[requester] == peer {
			if s.handedMisses[requester]++; s.handedMisses[requester] >= confirmPings {
				s.handedTo[requester] = chord.None
				s.handedMisses[requester] = 0
			}
		}
	case cookieCollect:
		s.onCollectTimeout(ref, gen)
	case cookieConfirm:
		s.onConfirm(requester, peer, false)
	case cookieSync:
		s.onSync(requester, chord.Handle(gen), nil)
	}
}

// Fire implements sim.Owner.
func (s *Service) Fire(ev *sim.Event) {
	switch ev.Kind {
	case evRetry:
		s.retryNow(ev.Ref, uint32(ev.Arg))
	case evRepair:
		h := chord.Handle(ev.Ref)
		if !s.member(h) {
			return
		}
		s.repair(h)
		s.sched.After(s.cfg.RepairEvery, s.owner, evRepair, ev.Ref, 0)
	case evPropagate:
		p := s.props[ev.Ref]
		s.props[ev.Ref] = prop{}
		s.freeProps = append(s.freeProps, ev.Ref)
		if !s.member(p.from) {
			return
		}
		if next := s.chainNext(p.from, int(p.pos)-1, p.primary); next != chord.None {
			s.sendPropagate(p.from, next, p.e, int(p.pos), p.primary)
		}
	case evFetch:
		h := chord.Handle(ev.Ref)
		if s.member(h) && !s.ready[h] {
			s.fetch(h)
		}
	case evConfirm:
		h, p := chord.Handle(ev.Ref), chord.Handle(ev.Arg)
		if s.member(h) {
			if i := s.findTakeover(h, p); i >= 0 && s.takeover[h][i].syncing == 0 {
				s.takeover[h][i].alive, s.takeover[h][i].misses = false, 0
				s.confirm(h, p)
			}
		}
	}
}

func (s *Service) startRepair(h chord.Handle) {
	if p := s.cfg.RepairEvery; p > 0 {
		s.sched.After(sim.Duration(s.rng.Int64N(int64(p)))+1, s.owner, evRepair, int32(h), 0)
	}
}

// repair is node x's periodic replica maintenance: check that the joiner
// it redirects to is alive, push its primary pairs to its next k−1
// successors, and drop the copies no primary has refreshed for the TTL.
func (s *Service) repair(x chord.Handle) {
	if t := s.handedTo[x]; t != chord.None {
		for range confirmPings {
			slot, _ := s.compose(MsgPing)
			s.net.Request(slot, x, t, s.ring.Config().RPCTimeout, mkCookie(cookiePing, int32(x), 0))
		}
	}
	p := s.ring.Predecessor(x)
	if p == chord.None || !s.ready[x] {
		return // x does not know its range: neither push nor drop
	}
	st := s.stores[x]
	if s.cfg.Replicas == 1 {
		s.handOver(x, p) // pairs that reached x but belong before its range
	} else {
		own := st.sorted(func(e *Entry) bool { return s.inRange(x, e.ID) })
		if len(own) > 0 {
			l := s.ring.Successors(x)
			for i := 0; i < s.cfg.Replicas-1 && i < len(l) && l[i] != x; i++ {
				slot, m := s.compose(MsgTransfer)
				m.Entries = append(m.Entries, own...)
				s.net.Send(slot, x, l[i])
			}
		}
	}
	if ttl := s.cfg.ReplicaTTL; ttl > 0 {
		cutoff := s.sched.Now().Add(-ttl)
		var drop []string
		for k, it := range st {
			if it.refreshed < cutoff && !s.inRange(x, it.ID) {
				drop = append(drop, k)
			}
		}
		for _, k := range drop { // deleting in any order gives the same store
			delete(st, k)
		}
		s.stats.Dropped += uint64(len(drop))
	}
}

// Preload stores key = value at the key's k owners according to the
// oracle, as if it had been written and replicated before the run (version
// 1): the service's counterpart of an ideal ring bootstrap.
func (s *Service) Preload(key, value string) error {
	o := s.ring.Oracle()
	if o.Len() == 0 {
		return fmt.Errorf("preload %q: the ring has no members", key)
	}
	e := Entry{Key: key, ID: s.space.Hash(key), Value: value, Version: 1}
	h := o.Successor(e.ID)
	now := s.sched.Now()
	for i := 0; i < s.cfg.Replicas && i < o.Len(); i++ {
		s.grow(h)
		s.stores[h].put(&e, now)
		h = o.Successor(s.space.Add(s.ring.ID(h), 1))
	}
	return nil
}

// Pairs returns the live (not deleted) pairs node h holds, as primary or
// as replica, in identifier order.
func (s *Service) Pairs(h chord.Handle) []Entry {
	if int(h) >= len(s.stores) {
		return nil
	}
	return s.stores[h].sorted(func(e *Entry) bool { return !e.Deleted })
}

// Stored returns node h's copy of key (including a tombstone).
func (s *Service) Stored(h chord.Handle, key string) (Entry, bool) {
	if int(h) >= len(s.stores) || s.stores[h] == nil {
		return Entry{}, false
	}
	it := s.stores[h][key]
	if it == nil {
		return Entry{}, false
	}
	return it.Entry, true
}

// Ready reports whether node h has its pairs (a joiner has heard from its
// successor).
func (s *Service) Ready(h chord.Handle) bool { return int(h) < len(s.ready) && s.ready[h] }

// Held is the number of entries (tombstones included) node h holds.
func (s *Service) Held(h chord.Handle) int {
	if int(h) >= len(s.stores) {
		return 0
	}
	return len(s.stores[h])
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

// confirmPings is how many pings in a row a former predecessor must leave
// unanswered before a node takes its range over: with a loss rate l, a
// live node is taken for dead with probability about (2l)^3 (8·10⁻⁶ at
// l = 1 %). A node slower than the timeout is still taken for dead: see
// the README on false suspicion.
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
		s.net.Request(slot, x, p, s.ring.Config().RPCTimeout, mkCookie(cookieConfirm, int32(x), 0))
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
		s.net.Request(slot, x, l[j], s.ring.Config().RPCTimeout, mkCookie(cookieSync, int32(x), uint32(p)))
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
