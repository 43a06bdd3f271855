package sim

import (
	"fmt"
	"math/rand/v2"
	"unsafe"

	"github.com/chordsim/chordsim/internal/prefetch"
)

// Endpoint is a network address: a dense integer handle. Endpoints are never
// reused within a run, so a message to a node that died can never reach a
// newcomer by mistake.
type Endpoint int32

// Request identifies an outstanding request so that its receiver (or any node
// the request was forwarded to) can answer it with Reply. The zero value is
// "no request": a one-way message.
type Request struct {
	slot int32 // pending-table slot + 1; 0 means none
	gen  uint32
}

// Valid reports whether r names a request that expects a reply.
func (r Request) Valid() bool { return r.slot != 0 }

// Handler is the receiving side of a Network: the simulated hosts.
type Handler[P any] interface {
	// Deliver hands a message to a live endpoint. If req is valid the sender
	// awaits an answer through Reply; msg is valid only during the call.
	Deliver(to, from Endpoint, msg *P, req Request)
	// Response hands a live requester the answer to its request. cookie is
	// the value the requester gave to Request.
	Response(to, from Endpoint, msg *P, cookie uint64)
	// Timeout tells the requester that no answer came in time. It fires even
	// if the requester itself has died meanwhile, so that per-request state
	// can always be released; the handler decides what a dead requester does.
	Timeout(requester, peer Endpoint, cookie uint64)
}

// Toucher is a Handler that can start loading into the cache the state of
// the endpoint a message is about to reach. The network shows it each
// message to be delivered (not replies) in stages 0 to PrefetchStages−2,
// a few events apart (see Prefetcher; the network uses the first stage to
// hint the message itself). Touch must not change any state.
type Toucher[P any] interface {
	Touch(to Endpoint, msg *P, stage int)
}

// NetConfig holds the network model's parameters.
type NetConfig struct {
	// Latency is the one-way delay of every message, or with a Topology
	// the jitter added to the topology's base delay.
	Latency Latency
	// Topology gives each pair of endpoints its base one-way delay; nil
	// puts every pair at the same distance (Latency alone).
	Topology Topology
	Loss     float64 // probability that a message is silently lost, in [0,1)
	// Keyed draws each message's delay and loss from a hash of the seed,
	// the sender, the receiver, the send time and whether it is a reply,
	// instead of from the next draw of a stream (see SampleKeyed): a
	// message's delay then does not depend on the order of events.
	Keyed bool
	// Drain, if on, holds each message that reaches a live endpoint until
	// the endpoint's next drain instant (see Drain); DrainSalt keys the
	// instants (the caller draws it from a stream of its own, so that
	// turning the queue on moves no delay).
	Drain     Drain
	DrainSalt uint64
}

// NetStats counts what happened to messages.
type NetStats struct {
	Sent        uint64 // messages handed to the network
	Delivered   uint64 // messages delivered to a live endpoint
	DroppedDead uint64 // messages that arrived at a dead endpoint
	DroppedLoss uint64 // messages lost at random
	Timeouts    uint64 // requests that timed out
}

const (
	evDeliver uint16 = iota
	evTimeout
	// evDrained: a message that arrived earlier and waited in its
	// receiver's queue (NetConfig.Drain) is handled now.
	evDrained
)

const chunkBits = 10 // messages are pooled in chunks of 1024 so pointers stay valid as the pool grows

type envelope[P any] struct {
	from, to Endpoint
	req      Request
	response bool
	payload  P
}

type pending struct {
	from, to Endpoint
	gen      uint32
	open     bool
	cookie   uint64
	sent     Time // when the request was sent, for RequestSentAt
}

// Network carries messages of payload type P between endpoints after a delay
// drawn from its latency model. Messages to endpoints that are dead when the
// message arrives are dropped. A Request carries a timeout; exactly one of
// Response or Timeout reaches the requester for each request.
//
// Payload slots are pooled and reused, slices inside them included, so the
// steady state allocates nothing: compose a message in the slot NewMessage
// returns (reset what you reuse), then pass the slot to Send, Request or Reply.
type Network[P any] struct {
	sched   *Scheduler
	owner   OwnerID
	handler Handler[P]
	toucher Toucher[P]     // handler, if it is one
	hinter  TopologyHinter // cfg.Topology, if it is one
	cfg     NetConfig
	latRng  *rand.Rand
	lossRng *rand.Rand
	// keyed mode: the salts of the delay and loss hashes, drawn once from
	// the latency and loss streams.
	latSalt, lossSalt uint64

	alive []bool
	down  int // entries of alive that are false: while 0, Alive reads no memory
	// drains[e] is where endpoint e's drain process stands (cfg.Drain on).
	drains  []drainCursor
	chunks  [][]envelope[P]
	free    []int32
	reqs    []pending
	reqFree []int32
	stats   NetStats
	// answering is when the request whose Response is being delivered
	// was sent (RequestSentAt).
	answering Time

	// Held messages (see Hold), in the order Held lists them; nil unless
	// a test holds messages.
	hold    bool
	parked  []parked
	parkSeq uint64

	// obs hears of every message event (see Observe); nil unless a run
	// is traced.
	obs func(*NetNote[P])
}

// NewNetwork creates a network that schedules on s, delivers to h, and draws
// delays and losses from the given streams (pass distinct named streams so
// that enabling loss does not change delays). cfg must have been validated.
func NewNetwork[P any](s *Scheduler, h Handler[P], cfg NetConfig, latency, loss *rand.Rand) *Network[P] {
	if cfg.Loss < 0 || cfg.Loss >= 1 {
		panic(fmt.Sprintf("sim: loss rate %v outside [0,1)", cfg.Loss))
	}
	n := &Network[P]{sched: s, handler: h, cfg: cfg, latRng: latency, lossRng: loss}
	if cfg.Keyed {
		n.latSalt, n.lossSalt = latency.Uint64(), loss.Uint64()
	}
	n.toucher, _ = h.(Toucher[P])
	n.hinter, _ = cfg.Topology.(TopologyHinter)
	n.owner = s.Register(n)
	return n
}

// Stats returns the message counters.
func (n *Network[P]) Stats() NetStats { return n.stats }

// SetAlive marks an endpoint up or down. A new endpoint starts down.
func (n *Network[P]) SetAlive(e Endpoint, up bool) {
	for int(e) >= len(n.alive) {
		n.alive = append(n.alive, false)
		n.down++
	}
	if up && n.cfg.Drain.On {
		for int(e) >= len(n.drains) {
			n.drains = append(n.drains, drainCursor{})
		}
		if c := &n.drains[e]; !c.started {
			c.t, c.started = n.sched.Now(), true
		}
	}
	if n.alive[e] != up {
		n.alive[e] = up
		if up {
			n.down--
		} else {
			n.down++
		}
	}
}

// Alive reports whether e is up. While every endpoint is up (a static ring)
// it answers without reading the flag: on a large ring that read is a cache
// miss per message, as costly as the routing step itself.
func (n *Network[P]) Alive(e Endpoint) bool {
	return uint(e) < uint(len(n.alive)) && (n.down == 0 || n.alive[e])
}

// NewMessage returns a free payload slot and a pointer to its payload. The
// payload keeps whatever the slot held last (so slices keep their capacity);
// the caller resets it. The pointer is valid until the slot is sent.
func (n *Network[P]) NewMessage() (int32, *P) {
	if len(n.free) == 0 {
		base := int32(len(n.chunks)) << chunkBits
		n.chunks = append(n.chunks, make([]envelope[P], 1<<chunkBits))
		for i := int32(1<<chunkBits) - 1; i >= 0; i-- {
			n.free = append(n.free, base+i)
		}
	}
	slot := n.free[len(n.free)-1]
	n.free = n.free[:len(n.free)-1]
	return slot, &n.env(slot).payload
}

// Payload is the message in slot, as composed so far: a sender that
// accounts for what it sends (sizes) reads it just before Send, Request or
// Reply.
func (n *Network[P]) Payload(slot int32) *P { return &n.env(slot).payload }

func (n *Network[P]) env(slot int32) *envelope[P] {
	return &n.chunks[slot>>chunkBits][slot&(1<<chunkBits-1)]
}

// Send sends the message in slot from one endpoint to another, one way.
func (n *Network[P]) Send(slot int32, from, to Endpoint) {
	e := n.env(slot)
	e.from, e.to, e.req, e.response = from, to, Request{}, false
	n.transmit(slot)
}

// Request sends the message in slot and waits up to timeout for an answer.
// cookie comes back with the Response or Timeout so the requester can tell
// its requests apart.
func (n *Network[P]) Request(slot int32, from, to Endpoint, timeout Duration, cookie uint64) {
	var idx int32
	if len(n.reqFree) > 0 {
		idx = n.reqFree[len(n.reqFree)-1]
		n.reqFree = n.reqFree[:len(n.reqFree)-1]
	} else {
		n.reqs = append(n.reqs, pending{})
		idx = int32(len(n.reqs) - 1)
	}
	p := &n.reqs[idx]
	p.gen++
	p.from, p.to, p.open, p.cookie, p.sent = from, to, true, cookie, n.sched.Now()
	e := n.env(slot)
	e.from, e.to, e.req, e.response = from, to, Request{slot: idx + 1, gen: p.gen}, false
	n.sched.AfterLane(n.sched.Lane(timeout), n.owner, evTimeout, idx, uint64(p.gen))
	n.transmit(slot)
}

// Reply answers request req from endpoint from with the message in slot. Any
// endpoint may answer (a recursive lookup is answered by its last hop). A
// reply to a request that already timed out or was answered is dropped when
// it arrives.
func (n *Network[P]) Reply(slot int32, from Endpoint, req Request) {
	if !req.Valid() {
		panic("sim: Reply to a one-way message")
	}
	p := &n.reqs[req.slot-1]
	e := n.env(slot)
	e.from, e.to, e.req, e.response = from, p.from, req, true
	if p.gen != req.gen || !p.open {
		// The requester gave up already; the reply would be ignored.
		n.stats.Sent++
		if n.obs != nil {
			n.note(NetSend, slot)
			n.note(NetDropLate, slot)
		}
		n.release(slot)
		return
	}
	n.transmit(slot)
}

// RequestSentAt is, during a Handler.Response call, when the request being
// answered was sent: the requester's round-trip time to the node that
// answered is Now − RequestSentAt (the transport sees both ends of an
// exchange; a node needs no clock of its own for it).
func (n *Network[P]) RequestSentAt() Time { return n.answering }

// Outstanding reports whether request req is still waiting for an answer.
func (n *Network[P]) Outstanding(req Request) bool {
	if !req.Valid() {
		return false
	}
	p := &n.reqs[req.slot-1]
	return p.gen == req.gen && p.open
}

func (n *Network[P]) transmit(slot int32) {
	n.stats.Sent++
	e := n.env(slot)
	if n.obs != nil {
		n.note(NetSend, slot)
	}
	if n.hold {
		n.park(slot)
		return
	}
	if n.lost(e) {
		n.stats.DroppedLoss++
		if n.obs != nil {
			n.note(NetDropLoss, slot)
		}
		n.release(slot)
		return
	}
	n.sched.After(n.delay(e), n.owner, evDeliver, slot, 0)
}

// lost draws whether message e, being sent now, is lost. A stream draw is
// taken only when loss is on, so turning it on does not move the delays.
func (n *Network[P]) lost(e *envelope[P]) bool {
	if n.cfg.Loss == 0 {
		return false
	}
	if n.cfg.Keyed {
		return unitOpen(messageKey(n.lossSalt, e.from, e.to, n.sched.Now(), e.response)) < n.cfg.Loss
	}
	return n.lossRng.Float64() < n.cfg.Loss
}

// delay draws the delay of message e, being sent now.
func (n *Network[P]) delay(e *envelope[P]) Duration {
	if n.cfg.Keyed {
		return n.KeyedDelay(e.from, e.to, n.sched.Now(), e.response)
	}
	if n.cfg.Topology != nil {
		return n.cfg.Topology.OneWay(e.from, e.to) + n.cfg.Latency.Sample(n.latRng)
	}
	return n.cfg.Latency.Sample(n.latRng)
}

// KeyedDelay is the delay a keyed network (NetConfig.Keyed) gives a message
// sent from one endpoint to another at time at, as a request or one-way
// message or as a reply: the topology's base delay, if there is one, plus
// the keyed draw of the latency model. It lets a caller that knows which messages a run
// would send compute their delays without sending them.
func (n *Network[P]) KeyedDelay(from, to Endpoint, at Time, response bool) Duration {
	if !n.cfg.Keyed {
		panic("sim: KeyedDelay on a network that draws delays from a stream")
	}
	d := n.cfg.Latency.SampleKeyed(messageKey(n.latSalt, from, to, at, response))
	if n.cfg.Topology != nil {
		d += n.cfg.Topology.OneWay(from, to)
	}
	return d
}

// HintDelay starts loading into the cache what the delay of a message from
// one endpoint to another will read, if the topology takes hints
// (TopologyHinter); it changes nothing. The static engine calls it a turn
// before it computes a delay.
func (n *Network[P]) HintDelay(from, to Endpoint) {
	if n.hinter != nil {
		n.hinter.HintOneWay(from, to)
	}
}

// Config returns the network's parameters.
func (n *Network[P]) Config() NetConfig { return n.cfg }

func (n *Network[P]) release(slot int32) { n.free = append(n.free, slot) }

// Prefetch implements Prefetcher. Stage 0 hints the envelope of a message
// to be delivered (written when it was sent, long since evicted); the
// later stages read it and pass a message that is not a reply on to the
// handler's Touch, and stage 1 hints a request's reply delay to a
// topology that takes hints.
func (n *Network[P]) Prefetch(ev *Event, stage int) {
	if ev.Kind != evDeliver && ev.Kind != evDrained {
		return
	}
	e := n.env(ev.Ref)
	if stage == 0 {
		// An envelope spans at most two lines.
		p := unsafe.Pointer(e)
		prefetch.Lines2(p, unsafe.Add(p, unsafe.Sizeof(*e)-1))
		return
	}
	if e.response {
		return
	}
	if stage == 1 && n.hinter != nil && e.req.Valid() {
		// The receiver will answer: its reply's delay.
		n.hinter.HintOneWay(e.to, e.from)
	}
	if n.toucher != nil {
		n.toucher.Touch(e.to, &e.payload, stage-1)
	}
}

// Fire implements Owner: message arrivals and request deadlines.
func (n *Network[P]) Fire(ev *Event) {
	switch ev.Kind {
	case evDeliver, evDrained:
		slot := ev.Ref
		e := n.env(slot)
		if ev.Kind == evDeliver && n.cfg.Drain.On && n.Alive(e.to) {
			// The message joins the receiver's queue; it is handled at
			// the next drain, if the receiver is still up then. Scheduling
			// it now, at its arrival, keeps the queue's order: messages
			// drained together are handled in the order they arrived.
			if at := n.drains[e.to].next(n.cfg.Drain, n.cfg.DrainSalt, e.to, n.sched.Now()); at > n.sched.Now() {
				n.sched.At(at, n.owner, evDrained, slot, 0)
				return
			}
		}
		if !n.Alive(e.to) {
			n.stats.DroppedDead++
			if n.obs != nil {
				n.note(NetDropDead, slot)
			}
			n.release(slot)
			return
		}
		if e.response {
			p := &n.reqs[e.req.slot-1]
			if p.gen != e.req.gen || !p.open {
				if n.obs != nil {
					n.note(NetDropLate, slot)
				}
				n.release(slot) // late: the request already timed out
				return
			}
			if n.obs != nil {
				n.note(NetDeliver, slot)
			}
			p.open = false
			n.reqFree = append(n.reqFree, e.req.slot-1)
			n.stats.Delivered++
			n.answering = p.sent
			n.handler.Response(e.to, e.from, &e.payload, p.cookie)
		} else {
			if n.obs != nil {
				n.note(NetDeliver, slot)
			}
			n.stats.Delivered++
			n.handler.Deliver(e.to, e.from, &e.payload, e.req)
		}
		n.release(slot)
	case evTimeout:
		p := &n.reqs[ev.Ref]
		if p.gen != uint32(ev.Arg) || !p.open {
			return // answered in time: a lazily cancelled deadline
		}
		if n.obs != nil {
			n.noteTimeout(ev.Ref)
		}
		p.open = false
		n.reqFree = append(n.reqFree, ev.Ref)
		n.stats.Timeouts++
		n.handler.Timeout(p.from, p.to, p.cookie)
	}
}
