package chord

import (
	"errors"
	"fmt"

	"github.com/chordsim/chordsim/sim"
)

// The static-lookup engine. On a ring that nothing can change while its
// lookups run (no maintenance, churn, loss or layer above the ring, every
// node a live member) and where no request can time out (every round trip
// is shorter than the RPC timeout), user lookups do not interact: each one's
// messages, hops and answer depend only on the nodes' tables, which are
// fixed, and on its messages' delays. With keyed delays (sim.NetConfig.Keyed)
// those depend only on each message's link and send time, so each lookup
// can be computed from start to end without the event queue, and several
// can be computed side by side, each waiting for its next node's state to
// arrive in cache while the others work. The results are those of the
// event path, message for message: the same steps (decide at each hop,
// ToN Fig. 5), the same delays, the same counts, the same judgement of the
// answer. TestStaticEngineMatchesEvents runs both on the same seeds.

// StaticLookup is one lookup for the static engine: a user lookup of Key
// from member Origin, issued at At by an event scheduled at Scheduled (the
// time of the event that issued the lookup before it: what orders the
// issue among events of the same instant).
type StaticLookup struct {
	Origin    Handle
	Key       ID
	At        sim.Time
	Scheduled sim.Time
	Tag       Tag // as Lookup's: names the layer that hears of the result
}

// StaticSummary is what RunStatic did besides reporting each lookup: the
// figures of the event path's run that the engine did not fire as events.
type StaticSummary struct {
	Lookups  int      // lookups issued (one issue event each)
	Requests uint64   // requests sent, each delivered and answered (two delivery events)
	Timeouts uint64   // requests whose (lazily cancelled) timeout event fires by End
	End      sim.Time // when the last lookup finished, or the last was issued if later
}

// Events is the number of events the event path fires for the run: an issue
// event per lookup, a delivery for each request and each reply, and the
// timeout events that come due by End.
func (s StaticSummary) Events() uint64 {
	return uint64(s.Lookups) + 2*s.Requests + s.Timeouts
}

// StaticRule is one condition that the static engine needs of the ring's
// config and network model: together they guarantee that no request of a
// user lookup can be lost, delayed past a timeout or meet a changed ring.
// StaticRules is the one list of them: the ring checks it before RunStatic
// (StaticReady), and the experiment config before it accepts engine static.
type StaticRule uint8

// The rules, in the order they are checked.
const (
	KeyedDraws            StaticRule = iota // delays are drawn keyed, not from a stream in event order
	NoLoss                                  // no message is lost
	IterativeLookups                        // lookups are iterative
	NoMaintenance                           // stabilize, fix_fingers and check_predecessor are off
	BoundedLatency                          // the latency model (and the topology, if any) has an upper bound
	RoundTripUnderTimeout                   // the longest round trip is shorter than the RPC timeout
	FixedTimeouts                           // every request waits rpc_timeout (no RTT-based timeouts)
	NoDrain                                 // messages are handled on arrival (no per-node queue, sim.Drain)
	numStaticRules
)

// BrokenStaticRule returns the first rule that c and net break, and false
// if they break none.
func BrokenStaticRule(c Config, net sim.NetConfig) (StaticRule, bool) {
	worst, bounded := net.MaxDelay()
	for rule := range numStaticRules {
		var ok bool
		switch rule {
		case KeyedDraws:
			ok = net.Keyed
		case NoLoss:
			ok = net.Loss <= 0
		case IterativeLookups:
			ok = c.Lookup == Iterative
		case NoMaintenance:
			ok = c.StabilizeEvery <= 0 && c.FixFingersEvery <= 0 && c.CheckPredecessorEvery <= 0
		case BoundedLatency:
			ok = bounded
		case RoundTripUnderTimeout:
			ok = !bounded || 2*worst < c.RPCTimeout
		case FixedTimeouts:
			ok = c.RTTTimeout == 0
		case NoDrain:
			ok = !net.Drain.On
		}
		if !ok {
			return rule, true
		}
	}
	return 0, false
}

// StaticReady reports whether the ring's user lookups can run on the static
// engine, and if not, the first reason why.
func (r *Ring) StaticReady() error {
	nc := r.tr.NetConfig()
	if rule, broken := BrokenStaticRule(r.cfg, nc); broken {
		switch rule {
		case KeyedDraws:
			return errors.New("the network draws delays from a stream (the static engine needs keyed delays)")
		case NoLoss:
			return errors.New("messages can be lost")
		case IterativeLookups:
			return errors.New("lookups are recursive")
		case NoMaintenance:
			return errors.New("maintenance is on")
		case BoundedLatency:
			return fmt.Errorf("latency %s has no upper bound, so a request can time out", nc.Latency)
		case FixedTimeouts:
			return errors.New("timeouts follow measured round trips (rtt_timeout), so a request can time out")
		case NoDrain:
			return fmt.Errorf("messages wait in the nodes' queues (drain %s)", nc.Drain)
		default:
			worst, _ := nc.MaxDelay()
			return fmt.Errorf("a round trip can take %s, not less than the RPC timeout %s", 2*worst, r.cfg.RPCTimeout)
		}
	}
	switch {
	case r.log != nil:
		return errors.New("the protocol log is on")
	case r.layerFollowsState():
		return errors.New("a layer that follows node state runs on the ring")
	case len(r.joining) > 0 || r.inFlight > 0:
		return errors.New("joins or lookups are in progress")
	}
	if r.oracle.Len() != len(r.ids) {
		return errors.New("some nodes are not members")
	}
	for h := range r.ids {
		if r.state[h] != Member || !r.tr.Alive(Handle(h)) {
			return fmt.Errorf("node %s is not a live member", r.Name(Handle(h)))
		}
	}
	return nil
}

// staticWindow is how many lookups the engine computes side by side. On a
// ring whose successor lists run clockwise a lookup takes two turns per
// hop (hint everything the node will read, decide), so a hint is used a
// window of work later; elsewhere, and at the origin, whose identifier the
// engine has not seen yet, three (hint the node's row, hint the finger its
// identifier says the key needs, decide). One more turn ends it (hint what
// judging the answer reads, report). With 8 the hints come too late
// (8% slower at 2^20 nodes); 16 and 32 measure the same.
const staticWindow = 16

// staticLookup is a lookup in the engine's window.
type staticLookup struct {
	StaticLookup
	cur    Handle   // the node that decides next: the origin, or the node a request reached
	now    sim.Time // when that node decides
	hops   int32
	asks   int32
	stage  uint8 // 0: hint cur's row (or all it reads, if placed); 1: hint the finger; 2: decide; 3: report
	local  bool  // cur is the origin, deciding from its own tables
	placed bool  // near is known, and cur's lists run clockwise: stage 0 hints all cur reads
	near   ID    // cur's identifier, or a point at most 2^(m−32) − 1 before it
	live   bool
	seq    int // 1 for the first lookup issued, and so on
	// The request to cur, sent at sentAt: its delay is added to now when
	// cur decides (step), a turn after it was hinted, so that a topology's
	// matrix entry has arrived in cache by then. pending is false at the
	// origin's first step.
	pending bool
	sentAt  sim.Time
	// stage 3: the lookup has finished with this answer, to be reported
	owner   Handle
	outcome LookupOutcome
	sent    sim.Time // when the last message of the lookup was sent
}

// RunStatic runs user lookups on the static engine (see StaticReady, which
// must hold) and reports each to the layer its Tag names, as the event path would. next
// gives the lookups in issue order and false when there are no more. The
// results reach the layers in an order of the engine's own, not by
// finishing time; everything else (each result, the message counts, the
// summary) is what the event path would produce.
func (r *Ring) RunStatic(next func() (StaticLookup, bool)) (StaticSummary, error) {
	if err := r.StaticReady(); err != nil {
		return StaticSummary{}, fmt.Errorf("the static-lookup engine cannot run: %v", err)
	}
	e := staticEngine{r: r, next: next, timeout: r.cfg.RPCTimeout}
	e.sorted = r.cfg.Routing == FingersAndSuccessors && r.successorListsSorted()
	sent := r.sent
	e.run()
	r.meterStatic(sent)
	return e.sum, nil
}

type staticEngine struct {
	r       *Ring
	next    func() (StaticLookup, bool)
	timeout sim.Duration
	sum     StaticSummary
	window  [staticWindow]staticLookup
	more    bool
	sorted  bool // every successor list runs clockwise (closestPrecedingSorted applies)

	// For the timeout count: the send times of requests whose timeout may
	// come after the run's end, and the last issue's details.
	sends      []sim.Time
	lastIssue  sim.Time
	lastSched  sim.Time
	lastLocal  bool // the last lookup issued finished at its issue, sending nothing
	lastFinish sim.Time
	finishSent sim.Time // when the message that finished the last lookup was sent
	kept       int      // len(sends) after the last compaction
}

func (e *staticEngine) run() {
	e.more = true
	active := 0
	for i := range e.window {
		if e.refill(&e.window[i]) {
			active++
		}
	}
	for active > 0 {
		for i := range e.window {
			l := &e.window[i]
			if !l.live {
				continue
			}
			switch l.stage {
			case 0:
				if !l.local {
					// cur will answer the origin: that delay's entry.
					e.r.tr.HintDelay(l.cur, l.Origin)
				}
				if l.placed {
					// Everything at once; the next turn decides.
					e.r.hintSortedHop(l.cur, l.Key, l.near)
					l.stage = 2
				} else {
					e.r.hintRow(l.cur)
					l.stage = 1
				}
			case 1:
				e.r.hintFinger(l.cur, l.Key)
				l.stage = 2
			case 2:
				if e.step(l) {
					// The answer is judged against the oracle a turn
					// later, once its lines are in cache.
					l.stage = 3
					e.r.oracle.hintOwns(l.owner)
				}
			default:
				e.report(l)
				if !e.refill(l) {
					active--
				}
			}
		}
	}
	e.finish()
}

// refill starts the next lookup in slot l; false when there is none.
func (e *staticEngine) refill(l *staticLookup) bool {
	if e.more {
		if sl, ok := e.next(); ok {
			e.sum.Lookups++
			e.lastIssue, e.lastSched, e.lastLocal = sl.At, sl.Scheduled, false
			e.compact()
			*l = staticLookup{StaticLookup: sl, cur: sl.Origin, now: sl.At, local: true, live: true, seq: e.sum.Lookups}
			return true
		}
		e.more = false
	}
	l.live = false
	return false
}

// step has node l.cur decide lookup l's next step at time l.now, as
// stepLocally (at the origin) or Deliver and onLookupReply (at a hop) do,
// and sends the request that follows. It returns true when the lookup has
// finished.
func (e *staticEngine) step(l *staticLookup) bool {
	r := e.r
	if l.pending {
		l.now = l.sentAt.Add(r.tr.KeyedDelay(sim.Endpoint(l.Origin), sim.Endpoint(l.cur), l.sentAt, false))
		l.pending = false
	}
	done, next, near := e.decide(l.cur, l.Key)
	if !l.local {
		// The hop answers; the initiator reads the answer on arrival.
		r.sent[MsgFindSuccessorReply]++
		l.sent = l.now
		l.now = l.now.Add(r.tr.KeyedDelay(sim.Endpoint(l.cur), sim.Endpoint(l.Origin), l.now, true))
	}
	if done {
		e.answered(l, next)
		return true
	}
	if !l.local && int(l.hops) >= r.cfg.MaxHops {
		l.owner, l.outcome = None, HopLimit
		return true
	}
	l.hops++
	l.asks++
	r.sent[MsgFindSuccessor]++
	e.request(l.now)
	// The request's delay is added when next decides (see pending).
	l.pending, l.sentAt = true, l.now
	r.tr.HintDelay(l.Origin, next)
	l.cur, l.local, l.stage = next, false, 0
	l.placed, l.near = e.sorted, near
	return false
}

// decide is Ring.decide, by closestPrecedingSorted where it applies; it
// then also tells where next lies (see closestPrecedingSorted), so that
// next's state can be hinted in one turn.
func (e *staticEngine) decide(n Handle, key ID) (done bool, next Handle, near ID) {
	r := e.r
	if !e.sorted {
		done, next = r.decide(n, key)
		return done, next, 0
	}
	s := r.succ[int(n)*r.cfg.Successors]
	sid := r.ids[s]
	if r.space.BetweenIncl(r.ids[n], key, sid) {
		return true, s, sid
	}
	next, near = r.closestPrecedingSorted(n, key)
	if next == n {
		next, near = s, sid
	}
	return false, next, near
}

// answered: the step named the owner. With retries on, the initiator
// checks it is alive first (Ring.answered): a ping round trip.
func (e *staticEngine) answered(l *staticLookup, owner Handle) {
	r := e.r
	if r.retrying() && owner != l.Origin {
		l.asks++
		r.sent[MsgPing]++
		r.sent[MsgPong]++
		e.request(l.now)
		l.now = l.now.Add(r.tr.KeyedDelay(sim.Endpoint(l.Origin), sim.Endpoint(owner), l.now, false))
		l.sent = l.now
		l.now = l.now.Add(r.tr.KeyedDelay(sim.Endpoint(owner), sim.Endpoint(l.Origin), l.now, true))
	}
	l.owner, l.outcome = owner, Correct
}

// request records a request sent at t: its delivery and its reply's are
// events, and so is its timeout if it comes due by the end.
func (e *staticEngine) request(t sim.Time) {
	e.sum.Requests++
	e.sends = append(e.sends, t)
}

// report ends lookup l with its answer (l.owner, l.outcome) as Ring.finish
// does for a user lookup.
func (e *staticEngine) report(l *staticLookup) {
	r := e.r
	owner, outcome := l.owner, l.outcome
	if l.seq == e.sum.Lookups {
		// The latest lookup issued so far: if no other follows, whether
		// it sent anything decides which event ends the run.
		e.lastLocal = l.asks == 0
	}
	if l.now > e.lastFinish || (l.now == e.lastFinish && l.sent > e.finishSent) {
		e.lastFinish, e.finishSent = l.now, l.sent
	}
	if outcome == Correct && !r.oracle.owns(r.space, owner, l.Key) {
		outcome = WrongOwner
	}
	if !r.hears(l.Tag.Layer) {
		return
	}
	r.result = LookupResult{
		Origin: l.Origin, Key: l.Key, Owner: owner, Hops: int(l.hops), Messages: 2 * int(l.asks),
		Latency: l.now.Sub(l.At), Outcome: outcome, Tag: l.Tag,
	}
	r.lookupDone(l.Tag.Layer)
}

// compact counts the timeouts that surely fire (due before the latest
// issue, so before the end) and forgets their send times, now and then.
func (e *staticEngine) compact() {
	if len(e.sends) < 1<<14 || len(e.sends) < 2*e.kept {
		return
	}
	k := 0
	for _, t := range e.sends {
		if t.Add(e.timeout) < e.lastIssue {
			e.sum.Timeouts++
		} else {
			e.sends[k] = t
			k++
		}
	}
	e.sends = e.sends[:k]
	e.kept = k
}

// finish settles the end of the run and the timeouts that fire by then.
// The run ends with the event that finishes its last lookup: the delivery
// of a reply, or the last issue event if that lookup finished at its
// issue, sending nothing, after every other had finished. Events of the
// same instant fire in the order they were scheduled, so of a delivery and
// an issue event due together the one scheduled later ends the run, and a
// timeout due at the very end fires before the last event if it was
// scheduled earlier: always before a delivery (whose message was sent
// less than a round trip earlier, and a round trip is shorter than the
// timeout), and before the issue event if its request was sent no later
// than that event was scheduled (a request sent in the same event as the
// issue event was scheduled comes first).
func (e *staticEngine) finish() {
	end := max(e.lastFinish, e.lastIssue)
	issueLast := e.lastLocal && (e.lastFinish < e.lastIssue || (e.lastFinish == e.lastIssue && e.finishSent < e.lastSched))
	for _, t := range e.sends {
		due := t.Add(e.timeout)
		if due < end || (due == end && (!issueLast || t <= e.lastSched)) {
			e.sum.Timeouts++
		}
	}
	e.sends = e.sends[:0]
	e.sum.End = end
}
