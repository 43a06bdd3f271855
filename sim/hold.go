package sim

import "fmt"

// A network can hold messages for an interaction test, which then plays
// the wire by hand: it delivers, drops, duplicates, delays and reorders
// single messages while time stands still. A held message has been sent
// (counted in Sent, its request's deadline running) and has not arrived;
// neither loss nor a delay is drawn for it. A run never holds messages:
// what this costs it is one flag test per message sent.

type parked struct {
	id   uint64
	slot int32
}

// HeldMessage describes a held message.
type HeldMessage[P any] struct {
	ID       uint64 // 1 for the first message held, and so on; never reused
	From, To Endpoint
	Request  bool // the sender awaits an answer
	Response bool // an answer to a request
	Msg      *P   // the payload; valid until the message leaves the hold
}

// Hold makes the network hold every message sent from now on (on) or
// transmit them as usual again (off). Turning it off leaves the messages
// already held where they are.
func (n *Network[P]) Hold(on bool) { n.hold = on }

// Holding reports whether Hold is on.
func (n *Network[P]) Holding() bool { return n.hold }

// park holds the message in slot. It is kept out of line so that
// transmit, on every message's path, stays as small as it was.
//
//go:noinline
func (n *Network[P]) park(slot int32) {
	n.parkSeq++
	n.parked = append(n.parked, parked{id: n.parkSeq, slot: slot})
}

// Held lists the held messages in the order they were sent, unless
// ReorderHeld moved them.
func (n *Network[P]) Held() []HeldMessage[P] {
	out := make([]HeldMessage[P], len(n.parked))
	for i, p := range n.parked {
		e := n.env(p.slot)
		out[i] = HeldMessage[P]{ID: p.id, From: e.from, To: e.to, Request: !e.response && e.req.Valid(), Response: e.response, Msg: &e.payload}
	}
	return out
}

// unpark takes held message id out of the hold and returns its slot.
func (n *Network[P]) unpark(id uint64) (int32, error) {
	for i, p := range n.parked {
		if p.id == id {
			n.parked = append(n.parked[:i], n.parked[i+1:]...)
			return p.slot, nil
		}
	}
	return 0, fmt.Errorf("sim: no held message %d", id)
}

// DeliverHeld hands held message id to its receiver now, as its arrival would:
// dropped if the receiver is dead, or if it answers a request that has
// timed out or been answered meanwhile. Whatever the receiver sends in
// turn is held too if Hold is on.
func (n *Network[P]) DeliverHeld(id uint64) error {
	slot, err := n.unpark(id)
	if err != nil {
		return err
	}
	// The arrival event's own code, run now (kept in Fire alone so that a
	// run's deliveries make no extra call).
	ev := Event{At: n.sched.Now(), Kind: evDeliver, Ref: slot}
	n.Fire(&ev)
	return nil
}

// DropHeld loses held message id (counted as a loss).
func (n *Network[P]) DropHeld(id uint64) error {
	slot, err := n.unpark(id)
	if err != nil {
		return err
	}
	n.stats.DroppedLoss++
	n.release(slot)
	return nil
}

// DelayHeld releases held message id to arrive after d.
func (n *Network[P]) DelayHeld(id uint64, d Duration) error {
	slot, err := n.unpark(id)
	if err != nil {
		return err
	}
	n.sched.After(d, n.owner, evDeliver, slot, 0)
	return nil
}

// DuplicateHeld holds a copy of held message id, placed right after it, and
// returns the copy's ID. copyPayload copies a payload (deeply enough that
// the two do not share storage the receiver may reuse). Both copies answer
// the same request: whichever arrives second is late.
func (n *Network[P]) DuplicateHeld(id uint64, copyPayload func(dst, src *P)) (uint64, error) {
	at := -1
	for i, p := range n.parked {
		if p.id == id {
			at = i
		}
	}
	if at < 0 {
		return 0, fmt.Errorf("sim: no held message %d", id)
	}
	slot, dst := n.NewMessage()
	src := n.env(n.parked[at].slot)
	d := n.env(slot)
	d.from, d.to, d.req, d.response = src.from, src.to, src.req, src.response
	copyPayload(dst, &src.payload)
	n.stats.Sent++
	n.parkSeq++
	n.parked = append(n.parked, parked{})
	copy(n.parked[at+2:], n.parked[at+1:])
	n.parked[at+1] = parked{id: n.parkSeq, slot: slot}
	return n.parkSeq, nil
}

// ReorderHeld moves the held messages ids, in the order given, ahead of the
// others, which keep their order.
func (n *Network[P]) ReorderHeld(ids ...uint64) error {
	front := make([]parked, 0, len(n.parked))
	for _, id := range ids {
		slot, err := n.unpark(id)
		if err != nil {
			n.parked = append(front, n.parked...)
			return err
		}
		front = append(front, parked{id: id, slot: slot})
	}
	n.parked = append(front, n.parked...)
	return nil
}
