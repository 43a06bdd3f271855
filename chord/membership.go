// Membership: create, join, crash and graceful leave (ToN Fig. 6 create
// and join; §IV-E.4 voluntary departures), and the scrubbing of a departed
// node from the tables of the nodes it told.

package chord

import (
	"fmt"

	"github.com/chordsim/chordsim/sim"
)

// Create makes node h a ring of its own (ToN Fig. 6 create()).
func (r *Ring) Create(h Handle) error {
	if r.state[h] != Idle {
		return fmt.Errorf("node %s is %s, not idle", r.Name(h), r.state[h])
	}
	if r.taken(r.ids[h]) {
		return fmt.Errorf("node %s: identifier %d is in use", r.Name(h), r.ids[h])
	}
	r.tr.SetAlive(h, true)
	if r.created == nil {
		r.created = make(map[Handle]bool)
	}
	r.created[h] = true
	r.becomeMember(h, h, nil)
	return nil
}

// Join starts node h's join through a live member chosen at random (the
// rendezvous every deployment needs; picking it is not a protocol decision).
func (r *Ring) Join(h Handle) error {
	if r.oracle.Len() == 0 {
		return fmt.Errorf("node %s cannot join: no live member to join through", r.Name(h))
	}
	_, via := r.oracle.At(r.joinRng.IntN(r.oracle.Len()))
	return r.JoinVia(h, via)
}

// JoinVia starts node h's join through member via: h looks up the successor
// of its own identifier, starting at via, and adopts it (ToN Fig. 6 join()).
func (r *Ring) JoinVia(h, via Handle) error {
	if r.state[h] != Idle {
		return fmt.Errorf("node %s is %s, not idle", r.Name(h), r.state[h])
	}
	if r.taken(r.ids[h]) {
		return fmt.Errorf("node %s: identifier %d is in use", r.Name(h), r.ids[h])
	}
	r.state[h] = Joining
	r.joining[r.ids[h]] = h
	r.tr.SetAlive(h, true)
	r.record(LogJoinStart, h, via)
	r.startLookup(h, via, r.ids[h], purposeJoin, 0, Tag{})
	return nil
}

// retryJoin puts a joiner whose join failed back to idle and has it try
// again through another member after a pause.
func (r *Ring) retryJoin(h Handle) {
	delete(r.joining, r.ids[h])
	delete(r.joinWalks, h)
	r.state[h] = Idle
	r.tr.SetAlive(h, false)
	r.ScheduleJoin(r.tr.Now().Add(r.cfg.RPCTimeout), h)
}

// ScheduleJoin makes node h join (through a random member) at time at.
func (r *Ring) ScheduleJoin(at sim.Time, h Handle) {
	r.tr.At(at, evJoin, int32(h), 0)
}

// joinWalk is a joiner's check of its successor (variant zave): cand is
// the nearest candidate that answered, confirms the pings of the silent
// node asked after it that were repeated (Config.SuspectConfirm), and
// silent the nodes of this walk that stayed silent through them.
type joinWalk struct {
	cand     Handle
	confirms int
	silent   []Handle
}

// onJoinReply: joiner h's candidate successor x answered with its
// predecessor and list. Variant original adopts x at once (ToN Fig. 6).
//
// Variant zave first checks that x skips no live node, as Zave's
// stabilize does before it trusts a successor: the lookup's answer may
// be stale (x's predecessor changed while the answer travelled) or may
// have routed round a live node whose reply was lost or late, and a list
// whose first pair skips a live node can leave fewer than r+1 principals
// (scenarios 30 and 31). If x's predecessor lies between h and x, h asks
// it in turn (each step strictly nearer, so the walk ends) and adopts
// the first candidate whose predecessor does not, or whose predecessor
// stayed silent.
func (r *Ring) onJoinReply(h, x Handle, m *Msg) {
	if r.cfg.Variant == Original {
		r.becomeMember(h, x, m.List)
		return
	}
	w := r.joinWalks[h]
	if p := m.Node; p != None && p != h && p != x && r.space.Between(r.ids[h], r.ids[p], r.ids[x]) && (w == nil || !holds(w.silent, p)) {
		if w == nil {
			w = &joinWalk{}
			r.joinWalks[h] = w
		}
		w.cand, w.confirms = x, 0
		r.askJoin(h, p)
		return
	}
	delete(r.joinWalks, h)
	r.becomeMember(h, x, m.List)
}

// askJoin asks x, a candidate successor of joiner h, for its predecessor
// and list.
func (r *Ring) askJoin(h, x Handle) {
	slot, _ := r.compose(MsgGetPredecessor)
	r.tr.Request(slot, h, x, r.cfg.RPCTimeout, cookie(cookieJoin, int32(h)))
}

// onJoinTimeout: the node joiner h asked for its list is silent. If it
// was the lookup's answer, the join starts over. On the walk back
// (onJoinReply), h asks it again as the failure detector would (a lost
// message or a slow reply must not make h skip a live node); if it stays
// silent, h asks the candidate before it once more, to adopt it with a
// fresh list if it still answers (it may have failed while h waited),
// and starts the join over if the candidate is silent too.
func (r *Ring) onJoinTimeout(h, peer Handle) {
	w := r.joinWalks[h]
	if w == nil {
		r.retryJoin(h)
		return
	}
	if w.confirms < r.cfg.SuspectConfirm {
		w.confirms++
		r.askJoin(h, peer)
		return
	}
	if peer == w.cand {
		r.retryJoin(h)
		return
	}
	w.silent = append(w.silent, peer)
	w.confirms = 0
	r.askJoin(h, w.cand)
}

// becomeMember makes h a member with the given successor, followed in its
// list by rest (the successor's own list, when known).
func (r *Ring) becomeMember(h, successor Handle, rest []Handle) {
	delete(r.joining, r.ids[h])
	r.state[h] = Member
	r.setPred(h, None)
	l := r.succList(h)
	for i := range l {
		l[i] = None
	}
	f := r.fingerTable(h)
	for i := range f {
		f[i] = noFinger
	}
	r.setSuccessors(h, successor, rest)
	r.oracle.insert(r.ids[h], h)
	r.learn(h, successor) // sim/new join.c:60
	r.record(LogMember, h, successor)
	if !r.maintOff {
		r.startTimers(h)
	}
	r.stateChanged(h, Member)
}

// Fail crashes node h: it stops answering, and its state is gone.
func (r *Ring) Fail(h Handle) error {
	switch r.state[h] {
	case Member:
		r.oracle.remove(r.ids[h])
	case Joining:
		delete(r.joining, r.ids[h])
		delete(r.joinWalks, h)
	default:
		return fmt.Errorf("node %s is %s; only a live node can fail", r.Name(h), r.state[h])
	}
	was := r.state[h]
	r.state[h] = Failed
	r.tr.SetAlive(h, false)
	r.record(LogFail, h, None)
	if was == Member {
		r.stateChanged(h, Failed)
	}
	return nil
}

// Leave makes member h depart gracefully (ToN §IV-E.4): it gives its
// successor its predecessor, and its predecessor its successor list, then
// goes silent.
//
// A node still joining has nothing to hand over: it just stops, which the
// ring sees as a failure.
func (r *Ring) Leave(h Handle) error {
	if r.state[h] == Joining {
		return r.Fail(h)
	}
	if r.state[h] != Member {
		return fmt.Errorf("node %s is %s; only a member can leave", r.Name(h), r.state[h])
	}
	s, p := r.succList(h)[0], r.pred[h]
	if s != None && s != h {
		slot, m := r.compose(MsgLeaveToSuccessor)
		m.Node = p
		r.send(slot, h, s)
	}
	if p != None && p != h {
		slot, m := r.compose(MsgLeaveToPredecessor)
		m.List = append(m.List, r.Successors(h)...)
		r.send(slot, h, p)
	}
	r.oracle.remove(r.ids[h])
	r.state[h] = Left
	r.tr.SetAlive(h, false)
	r.record(LogLeave, h, None)
	r.stateChanged(h, Left)
	return nil
}

// onLeaveToSuccessor: our predecessor left and named its own predecessor.
// The hand-over is conditional: a node that joined in between meanwhile
// (correctness reference §4, scenario 14) is kept.
func (r *Ring) onLeaveToSuccessor(s, leaver Handle, m *Msg) {
	if r.state[s] == Member && r.pred[s] == leaver {
		p := m.Node
		if p == s {
			p = None
		}
		r.setPred(s, p)
		r.record(LogPredecessor, s, r.pred[s])
		r.learn(s, p) // sim/new leave.c:37
	}
}

// onLeaveToPredecessor: our successor left and gave us its successor list.
func (r *Ring) onLeaveToPredecessor(p, leaver Handle, m *Msg) {
	if r.state[p] != Member || r.succList(p)[0] != leaver {
		return
	}
	if len(m.List) == 0 || m.List[0] == p {
		if r.cfg.Variant == Original {
			r.forget(p, leaver)
			return
		}
		// The leaver had no successor but p: p is alone now, and becomes
		// a ring of one (it was told so; nothing is suspected).
		r.setSuccessors(p, p, nil)
		r.scrub(p, leaver)
		return
	}
	r.setSuccessors(p, m.List[0], m.List[1:])
	r.scrub(p, leaver)
}

// scrub removes a departed node from n's fingers and predecessor.
func (r *Ring) scrub(n, gone Handle) {
	if r.pred[n] == gone {
		r.setPred(n, None)
	}
	f := r.fingerTable(n)
	for i := 1; i < len(f); i++ {
		if f[i].h == gone {
			f[i] = noFinger
		}
	}
}
