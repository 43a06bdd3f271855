// Proximity: the round-trip times a node measures from its own exchanges,
// and proximity neighbour selection (PNS, T03 §V-F; p2psim's
// ChordFingerPNS): each finger is the lowest-RTT node among the first
// Config.PNS successors of its start that lie before the next finger's
// start. Keeping every choice inside its finger's interval keeps the table
// in order, so routing's walk from the top finger down still returns the
// closest preceding finger and lookups stay correct and loop-free.

package chord

import (
	"unsafe"

	"github.com/chordsim/chordsim/sim"
)

// RTTFunc gives the round-trip time between two endpoints as the simulated
// world places them (a topology's, or an i.i.d. model's mean). The world
// builder sets it (Options.RTT); an ideal bootstrap uses it to choose PNS
// fingers with knowledge no real node has at start-up (documented as
// such). It must be safe to call from several goroutines at once.
type RTTFunc func(a, b sim.Endpoint) sim.Duration

// rttSlots is how many peers' round-trip times a node keeps: a
// direct-mapped table (a peer's slot is its handle modulo rttSlots), so a
// measurement costs no search and no allocation. 32 holds a node's
// successors, its distinct fingers and their PNS candidates on rings up
// to about 2^16 with few collisions; a collision forgets the older peer.
const rttSlots = 32

// rttEntry is one peer's smoothed round-trip time, in microseconds.
type rttEntry struct {
	peer Handle
	us   uint32
}

// RTTBytesPerMember is the memory, in bytes, that a member's round-trip
// table takes with config c: none unless PNS or RTT-based timeouts use it.
// The memory check adds it to StateBytes.
func RTTBytesPerMember(c Config) uint64 {
	if !c.trackRTT() {
		return 0
	}
	return rttSlots * uint64(unsafe.Sizeof(rttEntry{}))
}

// trackRTT reports whether nodes keep round-trip times (only when a
// feature uses them, so that other runs pay no memory for them).
func (c Config) trackRTT() bool { return c.PNS > 1 || c.RTTTimeout > 0 }

// growRTT gives nodes up to n a round-trip table, if the ring keeps them.
func (r *Ring) growRTT(n int) {
	if !r.cfg.trackRTT() {
		return
	}
	for len(r.rtt) < n*rttSlots {
		r.rtt = append(r.rtt, rttEntry{peer: None})
	}
}

// observeRTT folds a round-trip sample of node n to peer into n's table:
// the first sample sets it, later ones are smoothed as TCP does (RFC 6298:
// srtt ← 7/8·srtt + 1/8·sample).
func (r *Ring) observeRTT(n, peer Handle, d sim.Duration) {
	if n == peer || d < 0 {
		return
	}
	us := uint32(min(int64(d/sim.Microsecond), 1<<32-1))
	e := &r.rtt[int(n)*rttSlots+int(peer)%rttSlots]
	if e.peer != peer {
		*e = rttEntry{peer: peer, us: us}
		return
	}
	e.us = uint32((7*uint64(e.us) + uint64(us)) / 8)
}

// RTTEstimate is node n's smoothed round-trip time to peer from its own
// exchanges, and whether it has one.
func (r *Ring) RTTEstimate(n, peer Handle) (sim.Duration, bool) {
	if r.rtt == nil || peer == None {
		return 0, false
	}
	e := r.rtt[int(n)*rttSlots+int(peer)%rttSlots]
	if e.peer != peer {
		return 0, false
	}
	return sim.Duration(e.us) * sim.Microsecond, true
}

// worldRTT is the world's round-trip time between a and b (Options.RTT),
// or 0 for every pair when the world gave none (then PNS keeps the first
// candidate, the plain finger).
func (r *Ring) worldRTT(a, b Handle) sim.Duration {
	if r.rttFn == nil {
		return 0
	}
	return r.rttFn(sim.Endpoint(a), sim.Endpoint(b))
}

// fingerLimit is the clockwise distance from a node to the end of finger
// i's interval: the next finger's offset, or the whole ring for the last.
func (r *Ring) fingerLimit(i int) uint64 {
	if i+1 < r.nf {
		return r.FingerOffset(i + 1)
	}
	return uint64(r.space.Max()) + 1 // 0 at m = 64: a full turn (see inFingerInterval)
}

// inFingerInterval reports whether x, at clockwise distance dx from the
// node, lies before the end of finger i's interval.
func (r *Ring) inFingerInterval(i int, dx uint64) bool {
	lim := r.fingerLimit(i)
	return lim == 0 || dx < lim
}

// pnsIdeal is finger i of member n on the ideal ring with PNS: among the
// first PNS members at or after the finger's start that lie within its
// interval (the first always counts), the one with the lowest world RTT
// from n, the first of them on a tie. It reads the oracle.
func (r *Ring) pnsIdeal(n Handle, i int) Handle {
	nid := r.ids[n]
	o := &r.oracle
	p := o.successorIndex(r.fingerStart(nid, i))
	_, first := o.At(p)
	best, bestRTT := first, r.worldRTT(n, first)
	for j := 1; j < r.cfg.PNS && j < o.Len(); j++ {
		id, x := o.At((p + j) % o.Len())
		dx := r.space.Dist(nid, id)
		if x == n || !r.inFingerInterval(i, dx) || dx < r.FingerOffset(i) {
			break // past the interval, or past n (first was n itself)
		}
		if d := r.worldRTT(n, x); d < bestRTT {
			best, bestRTT = x, d
		}
	}
	return best
}

// pnsCandidate reports whether x may be finger i of member n on an ideal
// ring with PNS: one of the first PNS members at or after the finger's
// start that lie within its interval (the first always).
func (r *Ring) pnsCandidate(n Handle, i int, x Handle) bool {
	nid := r.ids[n]
	o := &r.oracle
	p := o.successorIndex(r.fingerStart(nid, i))
	if _, first := o.At(p); x == first {
		return true
	}
	for j := 1; j < r.cfg.PNS && j < o.Len(); j++ {
		id, y := o.At((p + j) % o.Len())
		dx := r.space.Dist(nid, id)
		if y == n || !r.inFingerInterval(i, dx) || dx < r.FingerOffset(i) {
			return false // past the interval, or past n (first was n itself)
		}
		if y == x {
			return true
		}
	}
	return false
}

// pnsFetch: member n's fix_fingers found owner as the first node at or
// after finger i's start; with PNS it asks owner for its successor list,
// the finger's other candidates (onPNSList).
func (r *Ring) pnsFetch(n Handle, i int, owner Handle) {
	if owner == n {
		return
	}
	slot, _ := r.compose(MsgGetPredecessor)
	r.rpc(slot, n, owner, reqID{kind: cookiePNS, ref: int32(n), arg: uint32(i)})
}

// onPNSList: owner, still n's finger i, answered with its successor list.
// The finger becomes the candidate with the lowest RTT n has measured
// (owner's own was just measured by this exchange); candidates n has no
// measurement of are pinged, so the next round of fix_fingers can weigh
// them.
func (r *Ring) onPNSList(n, owner Handle, i int, list []Handle) {
	if r.state[n] != Member || i >= r.nf {
		return
	}
	f := r.fingerTable(n)
	if f[i].h != owner {
		return // the finger changed while the question was out
	}
	nid := r.ids[n]
	best := owner
	bestRTT, _ := r.RTTEstimate(n, owner)
	for j, x := range list {
		if j+1 >= r.cfg.PNS || x == None || x == n {
			break
		}
		if dx := r.space.Dist(nid, r.ids[x]); !r.inFingerInterval(i, dx) || dx < r.FingerOffset(i) {
			break // past the interval, or a list that wrapped past n
		}
		d, ok := r.RTTEstimate(n, x)
		if !ok {
			slot, _ := r.compose(MsgPing)
			r.rpc(slot, n, x, cookie(cookieProbe, int32(n)))
			continue
		}
		if d < bestRTT {
			best, bestRTT = x, d
		}
	}
	f[i] = r.fingerTo(best)
}

// timeoutFor is how long node from waits for peer to answer a request:
// rpc_timeout, or with RTT-based timeouts (Li et al. 2005) rtt_timeout
// times from's smoothed RTT to peer, at least rtt_timeout_min, when from
// has measured one.
func (r *Ring) timeoutFor(from, peer Handle) sim.Duration {
	if r.cfg.RTTTimeout == 0 {
		return r.cfg.RPCTimeout
	}
	est, ok := r.RTTEstimate(from, peer)
	if !ok {
		return r.cfg.RPCTimeout
	}
	return max(r.cfg.RTTTimeoutMin, sim.Duration(r.cfg.RTTTimeout*float64(est)))
}

// rpc sends the request in slot from one node to a peer with the
// timeout timeoutFor gives.
func (r *Ring) rpc(slot int32, from, to Handle, id reqID) {
	r.request(slot, from, to, r.timeoutFor(from, to), id)
}
