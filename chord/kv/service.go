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

// reqKind says what a service request was for.
type reqKind uint8

// The service's requests.
const (
	cookieOp      reqKind = iota // a client's attempt; ref the operation's slot, gen the attempt
	cookieFetch                  // a joiner fetches its pairs; ref the joiner
	cookiePing                   // a node pings the joiner it redirects to; ref the node
	cookieCollect                // a read collects replicas; ref the operation's slot, gen the attempt
	cookieHandoff                // a departing node hands its pairs over; ref the node
	cookieConfirm                // a node confirms its former predecessor's death; ref the node
	cookieSync                   // a node taking a range over syncs its chain; ref the former predecessor
)

// reqID identifies a service request to the node that sent it. It travels
// through sim.Network as the request's cookie, packed and unpacked only
// here: the kind in the top byte, gen in the next 24 bits (attempt
// generations wrap there, which is only compared for equality), ref in
// the low 32.
type reqID struct {
	kind reqKind
	ref  int32
	gen  uint32
}

func (c reqID) pack() uint64 {
	return uint64(c.kind)<<56 | uint64(c.gen&0xffffff)<<32 | uint64(uint32(c.ref))
}

func unpackReq(c uint64) reqID {
	return reqID{kind: reqKind(c >> 56), ref: int32(uint32(c)), gen: uint32(c>>32) & 0xffffff}
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

// Response implements sim.Handler.
func (s *Service) Response(to, from chord.Handle, m *Msg, c uint64) {
	id := unpackReq(c)
	ref, gen := id.ref, id.gen
	switch id.kind {
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
		s.onSync(to, chord.Handle(ref), m)
	}
}

// Timeout implements sim.Handler.
func (s *Service) Timeout(requester, peer chord.Handle, c uint64) {
	id := unpackReq(c)
	ref, gen := id.ref, id.gen
	switch id.kind {
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
		s.onSync(requester, chord.Handle(ref), nil)
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
