package chord

import "github.com/chordsim/chordsim/sim"

// A Tracer follows one ring's messages, state changes and user lookups as
// they happen, for the traces a user asks for (chordsim run
// --trace-lookups, --trace-events). A ring without one pays a pointer test
// per message event and per logged event; nothing else changes, and a
// traced run's results are those of the same run untraced (the tracer only
// reads).

// TraceWindow selects what a Tracer reports: events at simulated times from
// From to To (both included) that concern a chosen node.
type TraceWindow struct {
	From, To sim.Time
	// Nodes are the chosen nodes; nil chooses every node. A message
	// concerns its sender and its receiver, a state change its node.
	Nodes []Handle
}

// TraceMessage is one message event: what happened to a message of kind
// Kind from From to To at time At.
type TraceMessage struct {
	At    sim.Time
	Event sim.NetEvent
	// Kind is the message's kind; for a timeout, the unanswered
	// request's, if it was sent in the window (HasKind).
	Kind              MsgKind
	HasKind           bool
	From, To          Handle
	Request, Response bool
	Key               ID   // the identifier looked up, for lookup messages
	HasKey            bool // Key is set
}

// TraceState is one state change: a logged protocol event (LogEntry), or a
// finger change: Node's finger Finger now points to Other (Kind
// LogFinger).
type TraceState struct {
	LogEntry
	Finger int
}

// TracedHop is one message of a traced lookup: a question from the
// initiator (iterative), a forward from one node to the next (recursive),
// or the check that the owner is alive.
type TracedHop struct {
	From, To Handle
	Kind     MsgKind
	Sent     sim.Time
	// Latency is the round trip of a request (send to answer, or to the
	// timeout), or the one-way delay of a forward; zero while Open.
	Latency  sim.Duration
	TimedOut bool
	// Open: no answer, timeout or arrival was seen before the lookup
	// ended (the message was lost, or its answer came after the end).
	Open bool
	req  sim.Request
}

// Tracer follows a ring for traces; see Ring.Trace.
type Tracer struct {
	r      *Ring
	layer  LayerID
	win    TraceWindow
	chosen []bool // by handle; nil: every node
	// OnMessage and OnState receive the events in the window, in the
	// order they happen; nil turns that part off.
	OnMessage func(*TraceMessage)
	OnState   func(*TraceState)

	slots  []slotTrace // by lookup index
	byTag  map[Tag]int32
	byReq  map[sim.Request]int32 // recursive lookups without retries: the initiator's request → lookup index
	finger []Handle              // the last finger tables seen, M per node; None: not seen yet
	seen   []bool
	// reqKind: the kind of each open request in the window, so that its
	// timeout can name it.
	reqKind map[sim.Request]MsgKind
}

type slotTrace struct {
	serial uint64
	hops   []TracedHop
}

// Trace makes the ring report to a new Tracer: the messages and state
// changes of win (through the Tracer's OnMessage and OnState, set by the
// caller), and the hops of every user lookup whose Tag names layer
// (Tracer.Hops). Call it before the ring's first message.
func (r *Ring) Trace(layer LayerID, win TraceWindow) *Tracer {
	t := &Tracer{r: r, layer: layer, win: win, byTag: map[Tag]int32{}, byReq: map[sim.Request]int32{}, reqKind: map[sim.Request]MsgKind{}}
	if win.Nodes != nil {
		for _, h := range win.Nodes {
			t.choose(h)
		}
	}
	r.trace = t
	r.tr.net.Observe(t.note)
	return t
}

func (t *Tracer) choose(h Handle) {
	for int(h) >= len(t.chosen) {
		t.chosen = append(t.chosen, false)
	}
	t.chosen[h] = true
}

// Chooses reports whether the window chooses node h.
func (t *Tracer) Chooses(h Handle) bool {
	if t.win.Nodes == nil {
		return true
	}
	return h >= 0 && int(h) < len(t.chosen) && t.chosen[h]
}

// InWindow reports whether simulated time at lies in the window.
func (t *Tracer) InWindow(at sim.Time) bool { return at >= t.win.From && at <= t.win.To }

// note is the network's observer.
func (t *Tracer) note(nt *sim.NetNote[Msg]) {
	t.lookupNote(nt)
	now := t.r.tr.Now()
	if !t.InWindow(now) || (!t.Chooses(nt.From) && !t.Chooses(nt.To)) {
		return
	}
	// A finger change is made while a node handles an event; it shows at
	// the node's next message event, with that event's time.
	t.diffFingers(nt.From, now)
	t.diffFingers(nt.To, now)
	if t.OnMessage == nil {
		return
	}
	m := TraceMessage{At: now, Event: nt.Event, From: nt.From, To: nt.To, Request: nt.Request, Response: nt.Response}
	switch {
	case nt.Event == sim.NetTimeout:
		m.Kind, m.HasKind = t.reqKind[nt.Req]
		delete(t.reqKind, nt.Req)
	case nt.Event == sim.NetSend && nt.Request:
		t.reqKind[nt.Req] = nt.Msg.Kind
	case nt.Event == sim.NetDeliver && nt.Response:
		delete(t.reqKind, nt.Req)
	}
	if nt.Msg != nil {
		m.Kind, m.HasKind = nt.Msg.Kind, true
		switch nt.Msg.Kind {
		case MsgFindSuccessor, MsgLookupForward:
			m.Key, m.HasKey = nt.Msg.Key, true
		}
	}
	t.OnMessage(&m)
}

// state receives a logged protocol event (record).
func (t *Tracer) state(e LogEntry) {
	if !t.InWindow(e.At) || !t.Chooses(e.Node) {
		return
	}
	if t.OnState != nil {
		t.OnState(&TraceState{LogEntry: e})
	}
	if e.Kind == LogMember {
		t.diffFingers(e.Node, e.At)
	}
}

// diffFingers reports the changes of node h's fingers since the last look
// (none the first time the node is seen).
func (t *Tracer) diffFingers(h Handle, now sim.Time) {
	if h < 0 || !t.Chooses(h) || t.OnState == nil {
		return
	}
	r := t.r
	M := r.nf
	for int(h) >= len(t.seen) {
		t.seen = append(t.seen, false)
		for range M {
			t.finger = append(t.finger, None)
		}
	}
	if int(h) >= r.Nodes() {
		return
	}
	old := t.finger[int(h)*M : int(h)*M+M]
	first := !t.seen[h]
	t.seen[h] = true
	for i := range M {
		f := r.Finger(h, i)
		if f == old[i] {
			continue
		}
		old[i] = f
		if !first {
			t.OnState(&TraceState{LogEntry: LogEntry{At: now, Kind: LogFinger, Node: h, Other: f}, Finger: i})
		}
	}
}

// lookupOf names the traced user lookup a message event belongs to.
func (t *Tracer) lookupOf(nt *sim.NetNote[Msg]) (int32, bool) {
	r := t.r
	i := int32(-1)
	if nt.Request || nt.Response || nt.Event == sim.NetTimeout {
		switch id := unpackReq(nt.Cookie); id.kind {
		case cookieLookup:
			i = id.ref
		case cookieForward, cookieRecOwner:
			if int(id.ref) < len(r.recs) {
				rs := &r.recs[id.ref]
				if int(rs.ref) < len(r.lookups) && r.lookups[rs.ref].origin == rs.origin {
					i = rs.ref
				}
			}
		}
	} else if nt.Msg != nil {
		switch nt.Msg.Kind {
		case MsgLookupForward:
			if j, ok := t.byReq[nt.Msg.Req]; ok {
				i = j
			}
		case MsgLookupReply:
			i = nt.Msg.Ref
		}
	}
	if i < 0 || int(i) >= len(r.lookups) {
		return 0, false
	}
	l := &r.lookups[i]
	return i, l.purpose == purposeUser && l.tag.Layer == t.layer && t.layer != NoLayer
}

// lookupNote follows the messages of traced lookups.
func (t *Tracer) lookupNote(nt *sim.NetNote[Msg]) {
	i, ok := t.lookupOf(nt)
	if !ok {
		return
	}
	r := t.r
	l := &r.lookups[i]
	for int(i) >= len(t.slots) {
		t.slots = append(t.slots, slotTrace{})
	}
	s := &t.slots[i]
	if s.serial != l.serial {
		s.serial, s.hops = l.serial, s.hops[:0]
		t.byTag[l.tag] = i
	}
	now := r.tr.Now()
	switch nt.Event {
	case sim.NetSend:
		if nt.Response || nt.Msg == nil || nt.Msg.Kind == MsgLookupReply {
			return
		}
		if nt.Request && nt.Msg.Kind == MsgLookupForward && nt.From == l.origin && unpackReq(nt.Cookie).kind == cookieLookup {
			t.byReq[nt.Req] = i
		}
		h := TracedHop{From: nt.From, To: nt.To, Kind: nt.Msg.Kind, Sent: now, Open: true}
		if nt.Request {
			h.req = nt.Req
		}
		s.hops = append(s.hops, h)
	case sim.NetDeliver:
		if nt.Response {
			closeHop(s.hops, func(h *TracedHop) bool { return h.req == nt.Req }, now, false)
		} else if !nt.Request && nt.Msg != nil && nt.Msg.Kind == MsgLookupForward {
			closeHop(s.hops, func(h *TracedHop) bool { return !h.req.Valid() && h.To == nt.To }, now, false)
		}
	case sim.NetTimeout:
		closeHop(s.hops, func(h *TracedHop) bool { return h.req == nt.Req }, now, true)
	}
}

// closeHop closes the last open hop that match accepts.
func closeHop(hops []TracedHop, match func(*TracedHop) bool, now sim.Time, timedOut bool) {
	for k := len(hops) - 1; k >= 0; k-- {
		if h := &hops[k]; h.Open && match(h) {
			h.Open, h.TimedOut, h.Latency = false, timedOut, now.Sub(h.Sent)
			return
		}
	}
}

// Hops returns the messages of the finished user lookup tagged tag, in
// the order they were sent, and forgets them; call it from the layer's
// LookupDone. The slice is valid until the next message event. A lookup
// that the origin answered from its own tables has none.
func (t *Tracer) Hops(tag Tag) []TracedHop {
	i, ok := t.byTag[tag]
	if !ok {
		return nil
	}
	delete(t.byTag, tag)
	s := &t.slots[i]
	for k := range s.hops {
		if s.hops[k].req.Valid() {
			delete(t.byReq, s.hops[k].req)
		}
	}
	return s.hops
}
