package sim

// A network can tell an observer what happens to each message, for the
// traces a user asks for (chordsim run --trace-events). A run without an
// observer pays one pointer test per message sent and per arrival.

// NetEvent is what happened to a message.
type NetEvent uint8

// The fates of a message, in the order they can happen.
const (
	NetSend     NetEvent = iota // handed to the network
	NetDeliver                  // reached a live endpoint (a request, one-way message or answer)
	NetDropLoss                 // lost at random on the way
	NetDropDead                 // arrived at an endpoint that is down
	NetDropLate                 // an answer to a request already answered or timed out
	NetTimeout                  // a request went unanswered: From is the requester, To the silent peer
)

var netEventNames = [...]string{"send", "deliver", "drop_loss", "drop_dead", "drop_late", "timeout"}

func (e NetEvent) String() string { return netEventNames[e] }

// NetNote describes one message event to an observer. It is valid only
// during the call.
type NetNote[P any] struct {
	Event    NetEvent
	From, To Endpoint
	// Msg is the payload; nil for a timeout (the request's payload is
	// gone by then).
	Msg *P
	// Request: the sender awaits an answer; Response: an answer to a
	// request. Both false: a one-way message. Req names the request
	// either way (the zero Request for a one-way message).
	Request, Response bool
	Req               Request
	// Cookie is the requester's cookie, for requests, answers and
	// timeouts; 0 for a one-way message.
	Cookie uint64
}

// Observe makes the network call f for every message event from now on
// (nil: stop). f must not send messages or change the network.
func (n *Network[P]) Observe(f func(*NetNote[P])) { n.obs = f }

// note tells the observer about the message in slot. It is kept out of
// line so that the paths it is called from stay as small as they were.
//
//go:noinline
func (n *Network[P]) note(ev NetEvent, slot int32) {
	e := n.env(slot)
	nt := NetNote[P]{Event: ev, From: e.from, To: e.to, Msg: &e.payload, Response: e.response, Req: e.req}
	if e.req.Valid() {
		nt.Request = !e.response
		nt.Cookie = n.reqs[e.req.slot-1].cookie
	}
	n.obs(&nt)
}

// noteTimeout tells the observer that request idx timed out.
//
//go:noinline
func (n *Network[P]) noteTimeout(idx int32) {
	p := &n.reqs[idx]
	n.obs(&NetNote[P]{Event: NetTimeout, From: p.from, To: p.to, Request: true, Req: Request{slot: idx + 1, gen: p.gen}, Cookie: p.cookie})
}
