// Node creation: handles, identifiers and addresses of the nodes a ring
// holds, before any of them takes part in the protocol.

package chord

import (
	"fmt"
	"strconv"
)

func appendAddr(b []byte, a uint64) []byte {
	for i := 3; i >= 0; i-- {
		b = strconv.AppendUint(b, (a>>(16+8*uint(i)))&0xff, 10)
		if i > 0 {
			b = append(b, '.')
		}
	}
	b = append(b, ':')
	return strconv.AppendUint(b, a&0xffff, 10)
}

// newHandle appends a node to the table in state Idle.
func (r *Ring) newHandle(id ID, addr uint64) Handle {
	h := Handle(len(r.ids))
	r.ids = append(r.ids, id)
	r.addrs = append(r.addrs, addr)
	r.host = append(r.host, int32(h))
	if r.names != nil {
		r.names = append(r.names, "")
	}
	r.state = append(r.state, Idle)
	r.pred = append(r.pred, None)
	for i := 0; i < r.cfg.Successors; i++ {
		r.succ = append(r.succ, None)
	}
	for i := 0; i < r.nf; i++ {
		r.fingers = append(r.fingers, noFinger)
		if r.fingerAt != nil {
			r.fingerAt = append(r.fingerAt, float32(r.tr.Now().Seconds()))
		}
	}
	r.fix = append(r.fix, 1)
	r.growRTT(len(r.ids))
	return h
}

// drawID draws a fresh address and its identifier.
func (r *Ring) drawID() (ID, uint64) {
	addr := r.idRng.Uint64() >> 16 // 32-bit IPv4 and 16-bit port
	if r.uniform {
		return r.space.FromUint64(r.idRng.Uint64()), addr
	}
	var buf [24]byte
	return r.space.HashBytes(appendAddr(buf[:0], addr)), addr
}

// taken reports whether id is used by a member or a node that is joining.
func (r *Ring) taken(id ID) bool {
	if r.oracle.Contains(id) {
		return true
	}
	_, ok := r.joining[id]
	return ok
}

// AddNode creates a node with a fresh address whose identifier is unused by
// live nodes. It does not start it: call Create, Join or JoinVia.
func (r *Ring) AddNode() (Handle, error) {
	if float64(r.oracle.Len()+len(r.joining)) >= r.space.Size() {
		return None, fmt.Errorf("the %d-bit identifier space is full", r.space.Bits())
	}
	for {
		id, addr := r.drawID()
		if !r.taken(id) {
			return r.newHandle(id, addr), nil
		}
	}
}

// AddNamedNode creates a node named name (e.g. "127.0.0.1:5001") whose
// identifier is the SHA-1 of the name. It fails if a live node has that ID.
func (r *Ring) AddNamedNode(name string) (Handle, error) {
	id := r.space.Hash(name)
	if r.taken(id) {
		return None, fmt.Errorf("node %q hashes to identifier %d, which a live node already has", name, id)
	}
	if r.names == nil {
		r.names = make([]string, len(r.ids))
	}
	h := r.newHandle(id, 0)
	r.names[h] = name
	return h, nil
}

// AddNodeWithID creates a node with identifier id and the given name (which
// may be empty): scenario scripts place nodes exactly. It fails if a live
// node has that identifier or id does not fit in the space.
func (r *Ring) AddNodeWithID(id ID, name string) (Handle, error) {
	if id > r.space.Max() {
		return None, fmt.Errorf("identifier %d does not fit in %d bits", id, r.space.Bits())
	}
	if r.taken(id) {
		return None, fmt.Errorf("identifier %d is in use by a live node", id)
	}
	if name != "" && r.names == nil {
		r.names = make([]string, len(r.ids))
	}
	h := r.newHandle(id, 0)
	if name != "" {
		r.names[h] = name
	}
	return h, nil
}

// AddNodeLike creates a new incarnation of node old: a new handle with the
// same identifier, address and name (a node that rejoins with its ID after
// a crash). Pointers to old stay pointers to the dead incarnation, which is
// how the correctness reference (§4, 15c) asks identifier reuse to behave.
// It fails if old is still live or its identifier is taken meanwhile.
func (r *Ring) AddNodeLike(old Handle) (Handle, error) {
	if st := r.state[old]; st != Failed && st != Left && st != Idle {
		return None, fmt.Errorf("node %s is %s; only a departed node can come back", r.Name(old), st)
	}
	if r.taken(r.ids[old]) {
		return None, fmt.Errorf("node %s: identifier %d is in use by a live node", r.Name(old), r.ids[old])
	}
	h := r.newHandle(r.ids[old], r.addrs[old])
	if r.names != nil {
		r.names[h] = r.names[old]
	}
	return h, nil
}
