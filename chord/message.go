package chord

import (
	"github.com/chordsim/chordsim/sim"
)

// MsgKind is the type of a protocol message.
type MsgKind uint8

// The protocol's messages.
const (
	MsgFindSuccessor       MsgKind = iota // iterative lookup step: "who is next for Key?"
	MsgFindSuccessorReply                 // Done with the owner, or the next hop; List: fallbacks
	MsgLookupForward                      // recursive lookup, passed hop to hop
	MsgLookupReply                        // recursive lookup's answer to the initiator
	MsgGetPredecessor                     // stabilize: "who is your predecessor, and your successors?"
	MsgGetPredecessorReply                // the predecessor and the successor list
	MsgNotify                             // "I might be your predecessor"; with Node set, "Node might be your successor" (Config.NotifyOldPredecessor)
	MsgPing                               // check_predecessor, or a lookup checking that the owner is alive
	MsgPong                               // its answer
	MsgLeaveToSuccessor                   // graceful leave: "your new predecessor is Node"
	MsgLeaveToPredecessor                 // graceful leave: "your new successors are List"
	numMsgKinds
)

// NumMsgKinds is the number of message kinds.
const NumMsgKinds = int(numMsgKinds)

var msgNames = [...]string{
	"find_successor", "find_successor_reply", "lookup_forward", "lookup_reply",
	"get_predecessor", "get_predecessor_reply", "notify", "ping", "pong",
	"leave_to_successor", "leave_to_predecessor",
}

func (k MsgKind) String() string { return msgNames[k] }

// Msg is the payload of every protocol message. Fields unused by a kind are
// zero. Messages are pooled by the network; List keeps its capacity from one
// use to the next.
type Msg struct {
	Kind MsgKind
	Done bool // find_successor_reply: Node is the owner (else the next hop); get_predecessor_reply: the sender is leaving (LeaveAfter)
	// Owners: find_successor_reply: bit j set means List[j] is a fallback
	// owner (to be checked), not a fallback hop (to be asked).
	Owners uint8
	// User: the message belongs to a user lookup (its question, answer,
	// forward or owner check), for the bytes of lookups and of
	// maintenance (costs.go); answers and forwards copy it.
	User bool
	Hops int32  // recursive lookups: hops so far
	Key  ID     // the identifier looked up
	Node Handle // owner, next hop, predecessor, or new predecessor; a recursive forward: the initiator; find_successor: a silent node the receiver had named (Config.ForgetOnTimeout namer)
	// Ref and Tries: a recursive lookup that routes around silent nodes
	// (recursive.go): its index at the initiator, and the timeouts of the
	// current leg (Owners then holds the leg's number).
	Ref   int32
	Tries int32
	Req   sim.Request // recursive lookups: the initiator's request, answered by the last hop
	List  []Handle    // a successor list
}

// compose takes a message slot from the network's pool and resets it.
func (r *Ring) compose(kind MsgKind) (int32, *Msg) {
	slot, m := r.tr.newMessage()
	*m = Msg{Kind: kind, Node: None, List: m.List[:0]}
	r.sent[kind]++
	return slot, m
}

// Deliver implements sim.Handler: a message reaches a live node.
func (r *Ring) Deliver(to, from Handle, m *Msg, req sim.Request) {
	switch m.Kind {
	case MsgFindSuccessor:
		// m.List: the nodes the initiator found silent, to be passed over.
		// m.Node: one of them, which this node named to the lookup
		// (Config.ForgetOnTimeout namer): drop it from the tables first.
		if m.Node != None && m.Node != to {
			r.suspect(to, m.Node, actForget, None)
		}
		done, next := r.decideAvoiding(to, m.Key, m.List)
		slot, a := r.compose(MsgFindSuccessorReply)
		a.Done, a.Node, a.User = done, next, m.User
		if r.retrying() {
			var buf [maxAlts]Handle
			k, owners := r.alternates(to, m.Key, done, next, buf[:], m.List)
			a.List = append(a.List, buf[:k]...)
			a.Owners = owners
		}
		r.reply(slot, to, req)
	case MsgLookupForward:
		if r.recRetrying() && req.Valid() && !m.Req.Valid() {
			r.onRecForward(to, m, req)
			return
		}
		if !req.Valid() {
			req = m.Req
		}
		r.forward(to, m.Key, m.Hops, req, m.User)
	case MsgLookupReply:
		// recursive.go: a leg's one-way answer to the initiator.
		r.onRecReply(to, m.Done, m.Node, m.Ref, m.Owners, m.Key, m.Hops, m.Tries, m.List, true)
	case MsgGetPredecessor:
		slot, a := r.compose(MsgGetPredecessorReply)
		a.Done = r.isLeaving(to)
		a.Node = r.pred[to]
		a.List = append(a.List, r.Successors(to)...)
		r.reply(slot, to, req)
	case MsgNotify:
		if m.Node != None {
			// The old-predecessor notification (T03 §V-A): "your
			// successor may now be Node".
			r.onNewSuccessor(to, from, m.Node)
			return
		}
		r.onNotify(to, from)
	case MsgPing:
		slot, a := r.compose(MsgPong)
		a.User = m.User
		r.reply(slot, to, req)
	case MsgLeaveToSuccessor:
		r.onLeaveToSuccessor(to, from, m)
	case MsgLeaveToPredecessor:
		r.onLeaveToPredecessor(to, from, m)
	}
}

// Response implements sim.Handler: an answer reaches its requester.
func (r *Ring) Response(to, from Handle, m *Msg, c uint64) {
	id := unpackReq(c)
	if r.rtt != nil && (id.kind != cookieLookup || r.cfg.Lookup == Iterative) {
		// The answer came from the node asked (a recursive lookup's
		// answer comes from its last hop instead: no round trip).
		r.observeRTT(to, from, r.tr.Now().Sub(r.tr.RequestSentAt()))
	}
	switch id.kind {
	case cookieLookup:
		r.onLookupReply(id.ref, from, m)
	case cookieStabilize:
		r.onStabilizeReply(to, from, m)
	case cookieCheckPredecessor, cookieRectify:
		// The predecessor is alive; nothing to do.
	case cookieStabilizePred:
		r.onStabilizePredReply(to, from, m)
	case cookieConfirm:
		r.onConfirmAnswer(int32(uint32(c)))
	case cookieRepair:
		r.onRepairReply(to, from, m)
	case cookieForward:
		r.freeRecStep(int32(uint32(c)))
	case cookieRecOwner:
		k := int32(uint32(c))
		r.recReply(k, true, r.recs[k].next)
	case cookieJoin:
		if r.state[to] == Joining {
			r.onJoinReply(to, from, m)
		}
	case cookiePNS:
		r.onPNSList(to, from, int(id.arg), m.List)
	case cookieProbe:
		// The round-trip time is all a probe is for.
	}
}

// Timeout implements sim.Handler: a request went unanswered.
func (r *Ring) Timeout(requester, peer Handle, c uint64) {
	switch id := unpackReq(c); id.kind {
	case cookieLookup:
		r.onLookupTimeout(id.ref, peer)
	case cookieStabilize, cookieCheckPredecessor:
		r.suspect(requester, peer, actForget, None)
	case cookieStabilizePred:
		// The successor's predecessor is silent: keep the successor
		// (Zave's StabilizeFromPredecessor) and notify it.
		if r.state[requester] == Member {
			if s := r.succList(requester)[0]; s != requester {
				r.notify(requester, s)
			}
		}
	case cookieRectify:
		r.suspect(requester, peer, actRectify, Handle(int32(uint32(c))))
	case cookieConfirm:
		r.onConfirmTimeout(int32(uint32(c)))
	case cookieRepair:
		r.onRepairTimeout(requester, peer)
	case cookieForward:
		r.onRecSilent(int32(uint32(c)), false)
	case cookieRecOwner:
		r.onRecSilent(int32(uint32(c)), true)
	case cookieJoin:
		if r.state[requester] == Joining {
			r.onJoinTimeout(requester, peer)
		}
	case cookiePNS, cookieProbe:
		// A silent finger or candidate: routing and the failure
		// detector find it dead on their own; PNS keeps the finger.
	}
}
