package chord

import "github.com/chordsim/chordsim/sim"

// transport is the ring's one seam to the simulated world: the protocol
// sends its messages, reads the clock and sets its timers through it, and
// calls sim.Network and sim.Scheduler nowhere else. Production wiring puts
// the ring's network and scheduler behind it (New); a test reaches the
// wire through Ring.Network, whose Hold lets it deliver, drop, duplicate,
// delay and reorder single messages (see package chordtest).
//
// It is a concrete type rather than an interface: the event path makes
// four to six of these calls per lookup hop, and each must stay a direct
// call the compiler can inline.
type transport struct {
	net   *sim.Network[Msg]
	sched *sim.Scheduler
	owner sim.OwnerID // the ring's timers
	// patience, if positive, is the timeout of a request to a peer that is
	// alive when it is sent (Config.Detect oracle: the simulator's
	// liveness, not a clock, decides that a peer is dead).
	patience sim.Duration
}

// reqKind says what a request was for.
type reqKind uint8

// The ring's requests.
const (
	cookieLookup reqKind = iota
	cookieStabilize
	cookieCheckPredecessor
	cookieJoin // a joiner asks its new successor for its successor list
	// stabilize (variant Zave) asks its successor's predecessor, the ref,
	// before adopting it as its successor
	cookieStabilizePred
	// rectify (variant Zave): a notified node pings its predecessor; the
	// ref is the notifier, adopted if the predecessor is silent
	cookieRectify
	// a suspected peer is pinged again (detector.go); the ref is the
	// suspicion
	cookieConfirm
	// a node repairing its successor list fetches its new successor's
	// list; the ref is the node
	cookieRepair
	// recursive.go: a forward waits for its acknowledgement, and the node
	// that names the owner checks it; the ref is the recStep
	cookieForward
	cookieRecOwner
	// proximity.go: fix_fingers with PNS asks a finger for its successor
	// list (ref: the node, arg: the finger), and pings a candidate whose
	// round-trip time the node has not measured (ref: the node)
	cookiePNS
	cookieProbe
)

// reqID identifies a request to the node that sent it: what it was for,
// and the lookup (an index into Ring.lookups) or the node it concerns. It
// travels through sim.Network as the request's cookie, packed and unpacked
// only here.
type reqID struct {
	kind reqKind
	ref  int32
	arg  uint32 // 24 bits: a second reference some requests carry
}

func cookie(kind reqKind, ref int32) reqID { return reqID{kind: kind, ref: ref} }

func (c reqID) pack() uint64 {
	return uint64(c.kind)<<56 | uint64(c.arg&(1<<24-1))<<32 | uint64(uint32(c.ref))
}

func unpackReq(c uint64) reqID {
	return reqID{kind: reqKind(c >> 56), ref: int32(uint32(c)), arg: uint32(c>>32) & (1<<24 - 1)}
}

// newMessage takes a payload slot from the network's pool.
func (t *transport) newMessage() (int32, *Msg) { return t.net.NewMessage() }

// Send sends the message in slot one way.
func (t *transport) Send(slot int32, from, to Handle) { t.net.Send(slot, from, to) }

// Request sends the message in slot and waits up to timeout for the
// answer, which comes back to the ring with id (or the timeout does).
func (t *transport) Request(slot int32, from, to Handle, timeout sim.Duration, id reqID) {
	if t.patience > timeout && t.net.Alive(to) {
		timeout = t.patience
	}
	t.net.Request(slot, from, to, timeout, id.pack())
}

// RequestSentAt is, while the ring handles a Response, when the request
// being answered was sent.
func (t *transport) RequestSentAt() sim.Time { return t.net.RequestSentAt() }

// Reply answers request req with the message in slot.
func (t *transport) Reply(slot int32, from Handle, req sim.Request) { t.net.Reply(slot, from, req) }

// SetAlive makes node h reachable or not.
func (t *transport) SetAlive(h Handle, up bool) { t.net.SetAlive(h, up) }

// Alive reports whether node h is reachable.
func (t *transport) Alive(h Handle) bool { return t.net.Alive(h) }

// Now is the simulated time.
func (t *transport) Now() sim.Time { return t.sched.Now() }

// After sets a ring timer of the given kind for node ref, to fire after d.
func (t *transport) After(d sim.Duration, kind uint16, ref int32, arg uint64) {
	t.sched.After(d, t.owner, kind, ref, arg)
}

// At sets a ring timer of the given kind for node ref, to fire at time at.
func (t *transport) At(at sim.Time, kind uint16, ref int32, arg uint64) {
	t.sched.At(at, t.owner, kind, ref, arg)
}

// NetConfig is the network model's parameters.
func (t *transport) NetConfig() sim.NetConfig { return t.net.Config() }

// KeyedDelay is the delay the keyed network gives a message (the static
// engine computes the delays of the messages it does not send).
func (t *transport) KeyedDelay(from, to Handle, at sim.Time, response bool) sim.Duration {
	return t.net.KeyedDelay(from, to, at, response)
}

// HintDelay hints what KeyedDelay(from, to, ...) will read (a topology's
// matrix entry); it changes nothing.
func (t *transport) HintDelay(from, to Handle) { t.net.HintDelay(from, to) }

// Network is the network the ring's messages travel on: for tests that
// play the wire by hand (sim.Network.Hold) and for its counters.
func (r *Ring) Network() *sim.Network[Msg] { return r.tr.net }
