package chord

// Failure detection (issue 17): a node that misses an answer suspects the
// peer, and with Config.SuspectConfirm > 0 it pings the peer that many
// more times, each with rpc_timeout, before it acts on the suspicion. One
// lost message or one slow reply (network loss, a latency tail beyond
// rpc_timeout) then no longer drops a live peer from the node's tables.
// With SuspectConfirm = 0 a node acts at the first timeout, as ToN's
// protocol and simulator do.

// What a confirmed suspicion does.
const (
	actForget  uint8 = iota // node forgets peer (Ring.forget)
	actRectify              // node's predecessor peer is replaced by arg (rectify)
)

// suspicion is a confirmation in progress: node pings peer until it
// answers (the suspicion is dropped) or has missed left more pings.
type suspicion struct {
	node, peer Handle
	arg        Handle // actRectify: the notifier to adopt
	left       int32
	action     uint8
}

// suspect reacts to a timeout of node's request to peer: at once without
// confirmation, otherwise by starting (or joining) a confirmation.
func (r *Ring) suspect(node, peer Handle, action uint8, arg Handle) {
	if r.cfg.SuspectConfirm == 0 {
		r.act(node, peer, action, arg)
		return
	}
	// One confirmation per (node, peer, action) is enough.
	k := suspectKey{node, peer, action}
	if j, ok := r.suspected[k]; ok {
		r.suspicions[j].arg = arg
		return
	}
	if r.suspected == nil {
		r.suspected = make(map[suspectKey]int32)
	}
	var i int32
	if n := len(r.freeSuspicions); n > 0 {
		i = r.freeSuspicions[n-1]
		r.freeSuspicions = r.freeSuspicions[:n-1]
	} else {
		r.suspicions = append(r.suspicions, suspicion{})
		i = int32(len(r.suspicions) - 1)
	}
	r.suspicions[i] = suspicion{node: node, peer: peer, arg: arg, left: int32(r.cfg.SuspectConfirm), action: action}
	r.suspected[k] = i
	r.confirmPing(i)
}

// confirmPing sends suspicion i's next ping.
func (r *Ring) confirmPing(i int32) {
	s := &r.suspicions[i]
	s.left--
	slot, _ := r.compose(MsgPing)
	r.rpc(slot, s.node, s.peer, cookie(cookieConfirm, i))
}

// suspectKey identifies a suspicion: who suspects whom, to do what.
type suspectKey struct {
	node, peer Handle
	action     uint8
}

// endSuspicion frees suspicion i.
func (r *Ring) endSuspicion(i int32) {
	s := &r.suspicions[i]
	delete(r.suspected, suspectKey{s.node, s.peer, s.action})
	r.freeSuspicions = append(r.freeSuspicions, i)
}

// onConfirmAnswer: the suspected peer answered; the suspicion is dropped.
func (r *Ring) onConfirmAnswer(i int32) {
	r.endSuspicion(i)
}

// onConfirmTimeout: another ping went unanswered; with none left, the
// suspicion is confirmed and acted on.
func (r *Ring) onConfirmTimeout(i int32) {
	s := &r.suspicions[i]
	if s.left > 0 && r.state[s.node] == Member {
		r.confirmPing(i)
		return
	}
	node, peer, action, arg := s.node, s.peer, s.action, s.arg
	r.endSuspicion(i)
	r.act(node, peer, action, arg)
}

// act carries out a confirmed suspicion.
func (r *Ring) act(node, peer Handle, action uint8, arg Handle) {
	switch action {
	case actForget:
		r.forget(node, peer)
	case actRectify:
		r.onRectifyTimeout(node, peer, arg)
	}
}

// repairSuccessor is variant Zave's answer to a node that has found every
// entry of its successor list dead: instead of becoming a ring of one
// (ToN's fallback, which splits the ring when the suspicion was false or
// others are still alive), it keeps its last successor and looks up the
// successor of its own identifier through another node it knows to be
// alive, best first its predecessor, then its fingers; the answer and that
// node's list become its new list (as a join does). It reports false when
// n knows no other node: n is then cut off until a stabilize or a notify
// from another node reaches it.
func (r *Ring) repairSuccessor(n, dead Handle) bool {
	if r.repairing[n] {
		return true
	}
	via := None
	if p := r.pred[n]; p != None && p != n && p != dead {
		via = p
	} else {
		for _, e := range r.fingerTable(n) {
			if e.h != None && e.h != n && e.h != dead {
				via = e.h
				break
			}
		}
	}
	if via == None {
		// n knows no other node: every pointer it had was forgotten (a
		// partition cut it off from all of them, and they answered no
		// ping while it lasted). It asks the rendezvous, as a joiner
		// does (Join): a member picked at random, not itself. Without
		// it n would keep its dead successor for good, unknown to a
		// ring that closed over it once the partition healed.
		via = r.rendezvous(n)
	}
	if via == None {
		return false
	}
	r.repairing[n] = true
	r.startLookup(n, via, r.space.Add(r.ids[n], 1), purposeRepair, 0, Tag{})
	return true
}

// rendezvous is a live member other than n picked at random (the
// rendezvous service of Join; picking it is not a protocol decision), or
// None if n is the only one.
func (r *Ring) rendezvous(n Handle) Handle {
	k := r.oracle.Len()
	if k == 0 || k == 1 && r.oracle.Contains(r.ids[n]) {
		return None
	}
	i := r.rendezvousRng.IntN(k)
	if _, h := r.oracle.At(i); h != n {
		return h
	}
	_, h := r.oracle.At((i + 1) % k)
	return h
}

// onRepairFound: the repair lookup of node n named owner (ok) or failed.
// n fetches owner's list before it adopts it (never adopt a successor
// that has not answered). The lookup fails when every route to n's
// successor runs through n itself (n is the one live node that precedes
// the key, and its list holds only the dead): n then asks the nearest
// node it knows clockwise (repairFallback) and walks back from there.
func (r *Ring) onRepairFound(n, owner Handle, ok bool) {
	if r.state[n] != Member {
		r.repairing[n] = false
		return
	}
	if !ok || owner == n {
		owner = r.repairFallback(n)
		if owner == None {
			r.repairing[n] = false
			return
		}
	}
	r.askRepair(n, owner)
}

// repairFallback is the node n knows (fingers, then predecessor) that lies
// nearest clockwise after n, other than n's dead successor, or None.
func (r *Ring) repairFallback(n Handle) Handle {
	dead := r.succList(n)[0]
	nid := r.ids[n]
	best, bestDist := None, uint64(0)
	consider := func(c Handle) {
		if c == None || c == n || c == dead {
			return
		}
		if d := r.space.Dist(nid, r.ids[c]); best == None || d < bestDist {
			best, bestDist = c, d
		}
	}
	for _, e := range r.fingerTable(n) {
		consider(e.h)
	}
	consider(r.pred[n])
	return best
}

// askRepair asks x, a candidate successor of n, for its predecessor and
// list.
func (r *Ring) askRepair(n, x Handle) {
	slot, _ := r.compose(MsgGetPredecessor)
	r.rpc(slot, n, x, cookie(cookieRepair, int32(n)))
}

// onRepairReply: the candidate successor x answered with its predecessor
// and list. If its predecessor lies between n and x, that one is nearer
// and is asked in turn (each step strictly nearer, so the walk ends);
// otherwise x is n's successor.
func (r *Ring) onRepairReply(n, x Handle, m *Msg) {
	if r.state[n] != Member {
		r.repairing[n] = false
		return
	}
	if p := m.Node; p != None && p != n && p != x && p != r.succList(n)[0] && r.space.Between(r.ids[n], r.ids[p], r.ids[x]) {
		r.askRepair(n, p)
		return
	}
	r.repairing[n] = false
	r.setSuccessors(n, x, m.List)
	r.stabilize(n)
}

// onRepairTimeout: a candidate successor did not answer. n suspects it,
// so that the next repair does not ask it again.
func (r *Ring) onRepairTimeout(n, x Handle) {
	r.repairing[n] = false
	r.suspect(n, x, actForget, None)
}
