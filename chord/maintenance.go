// Maintenance: the periodic procedures of ToN Fig. 6 (stabilize, notify,
// fix_fingers, check_predecessor) with their timers, Zave's rectify for
// variant zave, and forget, which drops a peer found dead.

package chord

import (
	"github.com/chordsim/chordsim/sim"
)

// startTimers schedules a member's periodic tasks; a node that has just
// joined stabilizes at once if Config.StabilizeOnJoin says so.
func (r *Ring) startTimers(h Handle) { r.armTimers(h, r.cfg.StabilizeOnJoin) }

// armTimers schedules member h's periodic tasks at random phases, so that
// nodes do not act in lockstep; with now, its first stabilize runs at
// once (after the events already due now).
func (r *Ring) armTimers(h Handle, now bool) {
	e := r.maintEpoch
	if now {
		// The first round now; the periodic ones (if any) follow from it.
		r.tr.After(0, evStabilize, int32(h), e)
	} else if p := r.cfg.StabilizeEvery; p > 0 {
		r.tr.After(r.phase(p), evStabilize, int32(h), e)
	}
	if p := r.cfg.FixFingersEvery; p > 0 && r.cfg.Stabilize == StabilizeSuccessor {
		r.tr.After(r.phase(p), evFixFingers, int32(h), e)
	}
	if p := r.cfg.CheckPredecessorEvery; p > 0 {
		r.tr.After(r.phase(p), evCheckPredecessor, int32(h), e)
	}
}

// StopMaintenance stops every member's stabilize, fix_fingers and
// check_predecessor from now on (T03 §V: "stabilization stopped" before a
// mass failure, to measure lookups over the damaged tables). Requests
// already in flight still complete; a node that joins later has no timers
// either.
func (r *Ring) StopMaintenance() {
	r.maintOff = true
	r.maintEpoch++
}

// ResumeMaintenance restarts every member's periodic tasks at random phases.
func (r *Ring) ResumeMaintenance() {
	if !r.maintOff {
		return
	}
	r.maintOff = false
	r.maintEpoch++
	for _, h := range r.oracle.handles {
		r.armTimers(h, false)
	}
}

// MaintenanceStopped reports whether StopMaintenance is in force.
func (r *Ring) MaintenanceStopped() bool { return r.maintOff }

// phase draws the first firing of a periodic task of period p: uniform on
// [0, p), or exponential with mean p for memoryless timers (a Poisson
// process seen from any instant).
func (r *Ring) phase(p sim.Duration) sim.Duration {
	if r.cfg.Timers == TimersExponential {
		return r.expPeriod(p)
	}
	return sim.Duration(r.timerRng.Int64N(int64(p)))
}

// period draws the next interval of a periodic task (Config.Timers):
// uniform p·(1 + j·U(−1,1)), exponential with mean p, or p.
func (r *Ring) period(p sim.Duration) sim.Duration {
	switch r.cfg.Timers {
	case TimersExponential:
		return r.expPeriod(p)
	case TimersConstant:
		return p
	}
	if r.cfg.Jitter == 0 {
		return p
	}
	d := sim.Duration(float64(p) * (1 + r.cfg.Jitter*(2*r.timerRng.Float64()-1)))
	if d < 1 {
		d = 1
	}
	return d
}

// expPeriod draws an exponential interval of mean p, at least 1 ns.
func (r *Ring) expPeriod(p sim.Duration) sim.Duration {
	return max(sim.Duration(float64(p)*r.timerRng.ExpFloat64()), 1)
}

// Fire implements sim.Owner for the ring's timers. Timers of nodes that are
// no longer members lapse here: that is their lazy cancellation.
func (r *Ring) Fire(ev *sim.Event) {
	h := Handle(ev.Ref)
	if ev.Kind == evLegTimeout {
		r.onLegTimeout(ev.Ref, ev.Arg)
		return
	}
	if ev.Kind == evJoin {
		if r.state[h] == Idle {
			if err := r.Join(h); err != nil {
				// No member to join through (all failed): become a ring of one.
				r.Create(h)
			}
		}
		return
	}
	if ev.Kind == evLeave {
		r.leaveNow(h)
		return
	}
	if r.state[h] != Member || ev.Arg != r.maintEpoch || r.isLeaving(h) {
		return // a leaving node runs no maintenance (sim/new stabilize.c:17, 26, 113)
	}
	e := r.maintEpoch
	switch ev.Kind {
	case evStabilize:
		r.stabilize(h)
		if r.cfg.Stabilize == StabilizeSuccessorPlusOne && r.timerRng.IntN(2) == 0 {
			// T03's round: the successor and one other entry.
			r.fixFingers(h)
		}
		if p := r.cfg.StabilizeEvery; p > 0 {
			r.tr.After(r.period(p), evStabilize, int32(h), e)
		}
	case evFixFingers:
		r.fixFingers(h)
		r.tr.After(r.period(r.cfg.FixFingersEvery), evFixFingers, int32(h), e)
	case evCheckPredecessor:
		r.checkPredecessor(h)
		r.tr.After(r.period(r.cfg.CheckPredecessorEvery), evCheckPredecessor, int32(h), e)
	}
}

// stabilize asks the successor for its predecessor and successor list (ToN
// Fig. 6 stabilize(), with the successor-list reconciliation of §IV-E.3).
func (r *Ring) stabilize(n Handle) {
	s := r.succList(n)[0]
	if s == n {
		// A ring of one: its own predecessor, if any, is the first node to
		// have joined it, and (n, n) holds every other identifier. Ask it
		// first and adopt it only when it answers: adopting a predecessor
		// that has died meanwhile leaves n with no live successor at all
		// (trace C1 of the correctness reference; Zave's fix S).
		if p := r.pred[n]; p != None && p != n {
			slot, _ := r.compose(MsgGetPredecessor)
			r.rpc(slot, n, p, cookie(cookieStabilize, int32(n)))
		}
		return
	}
	slot, _ := r.compose(MsgGetPredecessor)
	r.rpc(slot, n, s, cookie(cookieStabilize, int32(n)))
}

// onStabilizeReply handles the successor's answer: adopt its predecessor if
// that node sits between us, rebuild the successor list from the
// successor's, and notify the (possibly new) successor.
func (r *Ring) onStabilizeReply(n, s Handle, m *Msg) {
	if r.state[n] != Member {
		return
	}
	if cur := r.succList(n)[0]; cur == n && s == r.pred[n] {
		// A ring of one hears from its predecessor: adopt it.
		r.setSuccessors(n, s, m.List)
		r.notify(n, s)
		return
	} else if cur != s {
		return // the successor changed while the question was out
	}
	if m.Done {
		r.dropLeaving(n, s, m)
		return
	}
	target := s
	if p := m.Node; p != None && p != n && r.space.Between(r.ids[n], r.ids[p], r.ids[s]) && r.cfg.Variant == Zave {
		// Never adopt a successor that has not answered (Zave's fix S):
		// take s's list now, and p in front of it only when p answers.
		r.setSuccessors(n, s, m.List)
		slot, _ := r.compose(MsgGetPredecessor)
		r.rpc(slot, n, p, cookie(cookieStabilizePred, int32(p)))
		return
	} else if p != None && p != n && r.space.Between(r.ids[n], r.ids[p], r.ids[s]) {
		target = p
		r.scratch = append(append(r.scratch[:0], s), m.List...)
		r.setSuccessors(n, p, r.scratch)
	} else {
		r.setSuccessors(n, s, m.List)
	}
	if target != s {
		r.learn(n, target) // sim/new stabilize.c:67–68
	}
	r.notify(n, target)
}

// onStabilizePredReply: p, the predecessor n's successor named, answered
// with its own successor list. If p still lies between n and n's
// successor, it becomes n's successor, followed by its list (Zave's
// StabilizeFromPredecessor), and is notified; otherwise n's successor
// changed meanwhile, and is notified.
func (r *Ring) onStabilizePredReply(n, p Handle, m *Msg) {
	if r.state[n] != Member {
		return
	}
	s := r.succList(n)[0]
	if s == n || !r.space.Between(r.ids[n], r.ids[p], r.ids[s]) {
		r.notify(n, s)
		return
	}
	r.setSuccessors(n, p, m.List)
	r.notify(n, p)
}

// setSuccessors sets n's list to first followed by rest, truncated to r
// entries and cut where it wraps back to n (a list never holds its owner).
func (r *Ring) setSuccessors(n, first Handle, rest []Handle) {
	l := r.succList(n)
	if l[0] != first {
		r.record(LogSuccessor, n, first)
	}
	if first != n && len(r.created) > 0 {
		delete(r.created, n)
	}
	l[0] = first
	k := 1
	// Variant zave also cuts the list where it stops running clockwise
	// from n: a successor's list that wraps past n (a ring of r+1 or
	// fewer members, or a stale entry) would otherwise give n an
	// out-of-order list, which seeds loopy rings (correctness reference
	// §2.3, root cause 3).
	zave := r.cfg.Variant == Zave
	nid := r.ids[n]
	last := r.space.Dist(nid, r.ids[first])
	for _, x := range rest {
		if k == len(l) || x == n || x == None {
			break
		}
		if x == first {
			continue
		}
		if zave {
			d := r.space.Dist(nid, r.ids[x])
			if d <= last {
				break
			}
			last = d
		}
		l[k] = x
		k++
	}
	for ; k < len(l); k++ {
		l[k] = None
	}
	r.fingerTable(n)[0] = r.fingerTo(first)
}

func (r *Ring) notify(n, target Handle) {
	slot, _ := r.compose(MsgNotify)
	r.send(slot, n, target)
}

// onNotify: n thinks it might be our predecessor (ToN Fig. 6 notify()).
func (r *Ring) onNotify(s, n Handle) {
	if r.state[s] != Member || n == s {
		return
	}
	if p := r.pred[s]; p == None || r.space.Between(r.ids[p], r.ids[n], r.ids[s]) {
		r.setPred(s, n)
		r.record(LogPredecessor, s, n)
		if r.cfg.NotifyOldPredecessor && p != None && p != s {
			// T03 §V-A: "n notifies its old predecessor p about the new
			// predecessor p′, which allows p to set its successor to p′
			// without waiting for the next stabilization round".
			slot, m := r.compose(MsgNotify)
			m.Node = n
			r.tr.Send(slot, s, p)
		}
	} else if r.cfg.Variant == Zave && p != n {
		// Zave's rectify: the notifier does not displace the predecessor,
		// but if the predecessor is dead the notifier is the best known;
		// ask rather than wait for check_predecessor.
		slot, _ := r.compose(MsgPing)
		r.rpc(slot, s, p, cookie(cookieRectify, int32(n)))
	}
}

// onNewSuccessor: s, which was p's successor, tells p that n became its
// predecessor (Config.NotifyOldPredecessor). If n lies between p and p's
// successor, p takes it: variant original at once, followed by its old
// list (T03's simulator, sim/no-rpc request.c:229–231), variant zave
// after n answers with its own list, as stabilize does (never adopt a
// pointer to a node that has not answered).
func (r *Ring) onNewSuccessor(p, s, n Handle) {
	if r.state[p] != Member || n == p || n == None {
		return
	}
	cur := r.succList(p)[0]
	if cur != p && !r.space.Between(r.ids[p], r.ids[n], r.ids[cur]) {
		return
	}
	if r.cfg.Variant == Zave {
		slot, _ := r.compose(MsgGetPredecessor)
		r.tr.Request(slot, p, n, r.cfg.RPCTimeout, cookie(cookieStabilizePred, int32(n)))
		return
	}
	r.scratch = append(r.scratch[:0], r.succList(p)...)
	r.setSuccessors(p, n, r.scratch)
	r.notify(p, n)
}

// onRectifyTimeout: s's predecessor p did not answer the ping that a
// notify from n prompted. If p is still s's predecessor, n takes its
// place (n answered: it sent the notify).
func (r *Ring) onRectifyTimeout(s, p, n Handle) {
	if r.state[s] != Member || r.pred[s] != p {
		return
	}
	r.forget(s, p)
	if r.pred[s] == None {
		r.setPred(s, n)
		r.record(LogPredecessor, s, n)
	}
}

// checkPredecessor pings the predecessor; a timeout clears it.
func (r *Ring) checkPredecessor(n Handle) {
	p := r.pred[n]
	if p == None {
		return
	}
	slot, _ := r.compose(MsgPing)
	r.rpc(slot, n, p, cookie(cookieCheckPredecessor, int32(n)))
}

// forget removes a peer that failed to answer from everything n knows:
// predecessor, successor list (the next entry moves up) and fingers. If the
// list lost an entry, n stabilizes with its first successor at once, to
// refill the list (the successor may or may not have changed), unless
// maintenance is stopped: a run that stopped stabilization (T03 Table II)
// measures the damaged tables and must not repair them this way.
func (r *Ring) forget(n, dead Handle) {
	if r.state[n] != Member || dead == n {
		return
	}
	r.record(LogForget, n, dead)
	if r.pred[n] == dead {
		r.setPred(n, None)
	}
	f := r.fingerTable(n)
	for i := range f {
		if f[i].h == dead {
			f[i] = noFinger
		}
	}
	l := r.succList(n)
	first := l[0]
	if !closeUp(l, dead) {
		return
	}
	if l[0] == None && r.cfg.Variant == Zave {
		// Every successor is gone. Variant zave never makes n a ring of
		// one: it keeps the last successor and looks for a new one
		// through another node it knows (detector.go). A node that knows
		// no other stays so: a ring of one would name itself the owner of
		// every key, while its suspicion may be false or others alive.
		l[0] = dead
		r.repairSuccessor(n, dead)
		return
	}
	if l[0] == None {
		// Every successor is gone: n is cut off and becomes a ring of one.
		l[0] = n
	}
	if l[0] != first {
		r.record(LogSuccessor, n, l[0])
	}
	f[0] = r.fingerTo(l[0])
	if l[0] != n && !r.maintOff {
		r.stabilize(n)
	}
}

// closeUp removes every entry x from successor list l, moving the later
// entries up and filling the end with None, and reports whether it
// removed any.
func closeUp(l []Handle, x Handle) bool {
	k := 0
	for _, y := range l {
		if y != x {
			l[k] = y
			k++
		}
	}
	if k == len(l) {
		return false
	}
	for j := k; j < len(l); j++ {
		l[j] = None
	}
	return true
}

// fixFingers refreshes fingers (ToN Fig. 6 fix_fingers()).
func (r *Ring) fixFingers(n Handle) {
	if r.fixing(n) {
		return
	}
	i := r.nextFinger(n)
	switch r.cfg.FixFingers {
	case FixAll:
		i = 1
	case FixRandom:
		r.fixRandomFinger(n)
		return
	}
	r.advanceFingers(n, r.succList(n)[0], i, true)
}

// fixRandomFinger refreshes one finger level drawn uniformly from 1..m−1
// (Config.FixFingers random): set locally if its start lies in
// (n, successor], otherwise by a lookup.
func (r *Ring) fixRandomFinger(n Handle) {
	M := r.nf
	if M < 2 {
		return
	}
	i := 1 + r.timerRng.IntN(M-1)
	s := r.succList(n)[0]
	start := r.fingerStart(r.ids[n], i)
	if k := r.cfg.FingerLookupRandomStart; k > 0 && i%k == k-1 && r.oracle.Len() > 0 {
		// The simulator starts this lookup at a member it draws
		// (sim/new stabilize.c:131–132): the oracle plays a part no
		// node could, by the paper's simulator's design.
		first := r.oracle.handles[r.timerRng.IntN(r.oracle.Len())]
		r.setFixing(n, true)
		r.startLookup(n, first, start, purposeFinger, uint16(i), Tag{})
		return
	}
	if r.space.BetweenIncl(r.ids[n], start, r.ids[s]) {
		r.fingerTable(n)[i] = r.fingerTo(s)
		r.fingerWritten(n, i)
		return
	}
	r.setFixing(n, true)
	r.startLookup(n, n, start, purposeFinger, uint16(i), Tag{})
}

// advanceFingers walks the finger table from level i. A finger whose start
// lies in (n, known], where known is the successor or the node a finger
// lookup just returned for a lower start, is known without asking anyone:
// known is the first node at or after every start in that range. The first
// start beyond it needs a lookup, which is started if mayLookup (or always
// in FixAll mode) and resumes the walk when it returns.
func (r *Ring) advanceFingers(n, known Handle, i int, mayLookup bool) {
	M := r.nf
	f := r.fingerTable(n)
	nid := r.ids[n]
	for ; i < M; i++ {
		start := r.fingerStart(nid, i)
		if known != None && r.space.BetweenIncl(nid, start, r.ids[known]) {
			f[i] = r.fingerTo(known)
			r.fingerWritten(n, i)
			if r.cfg.PNS > 1 && i > 0 && known != n && r.inFingerInterval(i, r.space.Dist(nid, r.ids[known])) {
				// known lies in this finger's own interval, which may
				// hold other candidates after it (once per known: the
				// intervals do not overlap).
				r.pnsFetch(n, i, known)
			}
			continue
		}
		if !mayLookup && r.cfg.FixFingers == FixOne {
			r.setNextFinger(n, i)
			return
		}
		r.setFixing(n, true)
		r.setNextFinger(n, i)
		r.startLookup(n, n, start, purposeFinger, uint16(i), Tag{})
		return
	}
	r.setNextFinger(n, 1)
}

// onFingerFound stores a finger lookup's answer and continues the walk.
func (r *Ring) onFingerFound(n Handle, i int, owner Handle, ok bool) {
	r.setFixing(n, false)
	if r.state[n] != Member {
		return
	}
	if !ok {
		next := (i + 1) % r.nf
		if next == 0 {
			next = 1
		}
		r.setNextFinger(n, next)
		return
	}
	if !(r.cfg.Learn && r.cfg.PurgeDeparted) {
		r.fingerTable(n)[i] = r.fingerTo(owner)
		r.fingerWritten(n, i)
	}
	// With learn and the purge, the answer only improves entries, this
	// level's included, as in S01's churn simulator (sim/new
	// stabilize.c:147): no table names a departed node, so an answer
	// beyond the current finger (from a lookup that skipped the right
	// node) is the worse of the two.
	r.learn(n, owner)
	if r.cfg.PNS > 1 && r.inFingerInterval(i, r.space.Dist(r.ids[n], r.ids[owner])) {
		r.pnsFetch(n, i, owner)
	}
	if r.cfg.FixFingers == FixRandom {
		return // one level per call
	}
	r.advanceFingers(n, owner, i+1, false)
}

// purgeToFinger removes gone from member n's tables as S01's churn
// simulator does (deleteRefFromTables, sim/new leave.c:76–105;
// Config.PurgeToFinger): from the top level down, each finger naming gone
// takes the value of the next higher entry (the top one becomes empty,
// the simulator's own identifier), so a departed successor is replaced by
// the first finger above it that names another node, however many live
// nodes lie before it, and an empty entry on the way (a level never
// filled, which the simulator holds as the node itself) stops the chain;
// the successor list shrinks to that one node (the simulator keeps one
// successor, node.h:27); a predecessor naming gone becomes gone's own
// predecessor (leave.c:93–96). A member left naming itself as successor
// takes its predecessor as successor and as every finger
// (leave.c:98–102).
func (r *Ring) purgeToFinger(n, gone Handle) {
	f := r.fingerTable(n)
	for i := len(f) - 1; i >= 1; i-- {
		if f[i].h == gone {
			if i == len(f)-1 {
				f[i] = noFinger
			} else {
				f[i] = f[i+1]
			}
		}
	}
	if r.pred[n] == gone {
		p := r.pred[gone]
		if p == n || p == gone {
			p = None
		}
		r.setPred(n, p)
	}
	l := r.succList(n)
	if l[0] == gone {
		next := None
		if len(f) > 1 {
			next = f[1].h
		}
		if next == None {
			next = n
		}
		r.setSuccessors(n, next, nil)
	} else if closeUp(l, gone) && l[0] == None {
		l[0] = n
	}
	if p := r.pred[n]; l[0] == n && p != None && p != n {
		r.setSuccessors(n, p, nil)
		for i := 1; i < len(f); i++ {
			f[i] = r.fingerTo(p)
		}
	}
}

// purgeDeparted removes node gone from every member's tables at once
// (Config.PurgeDeparted, measurement only: S01's churn simulator does it,
// sim/new leave.c:76–105): its successor list closes up, and fingers and
// a predecessor naming it are cleared. A member left with no successor
// becomes a ring of one. Costs O(members · (m + r)) per departure.
//
// With Config.PurgeToFinger a member whose successor departed takes the
// next higher finger instead (purgeToFinger).
func (r *Ring) purgeDeparted(gone Handle) {
	for _, n := range r.oracle.handles {
		l := r.succList(n)
		first := l[0]
		if r.cfg.PurgeToFinger {
			r.purgeToFinger(n, gone)
			continue
		}
		r.scrub(n, gone)
		if !closeUp(l, gone) {
			continue
		}
		if l[0] == None {
			l[0] = n
		}
		if l[0] != first {
			r.record(LogSuccessor, n, l[0])
		}
		r.fingerTable(n)[0] = r.fingerTo(l[0])
	}
}
