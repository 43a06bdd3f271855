package kv

import (
	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/sim"
)

// Kind is the kind of a client operation.
type Kind uint8

// Operation kinds.
const (
	Insert   Kind = iota // insert or update key = value
	Query                // read key
	Delete               // delete key
	Find                 // look the key's primary up, without touching data
	QueryAll             // query *: walk the ring and collect every node's pairs
	numKinds
)

// NumKinds is the number of operation kinds.
const NumKinds = int(numKinds)

var kindNames = [...]string{"insert", "query", "delete", "find", "query_all"}

func (k Kind) String() string { return kindNames[k] }

// OpOutcome is how an operation ended.
type OpOutcome uint8

// Outcomes.
const (
	OK          OpOutcome = iota // answered
	Unavailable                  // every attempt failed (see Cause)
	Abandoned                    // the client's node failed or left first
	numOutcomes
)

// NumOutcomes is the number of outcomes.
const NumOutcomes = int(numOutcomes)

var outcomeNames = [...]string{"ok", "unavailable", "abandoned"}

func (o OpOutcome) String() string { return outcomeNames[o] }

// Cause is why the last attempt of an operation failed.
type Cause uint8

// Causes.
const (
	NoCause      Cause = iota
	LookupFailed       // the Chord lookup found no owner
	TimedOut           // the primary's chain did not answer in time
	Refused            // the node asked was not responsible, or not ready yet
	numCauses
)

// NumCauses is the number of causes.
const NumCauses = int(numCauses)

var causeNames = [...]string{"none", "lookup", "timeout", "refused"}

func (c Cause) String() string { return causeNames[c] }

// NodePairs is what one node returned to a query *.
type NodePairs struct {
	Node  chord.Handle
	Pairs []Entry
}

// Result describes one finished operation. It is valid only during the
// Client's call.
type Result struct {
	Tag      uint64 // the caller's tag
	Kind     Kind
	Origin   chord.Handle // the node the client used
	Key      string
	Value    string       // insert: the value written; query: the value read (if Found)
	Found    bool         // query: a value was found; insert/delete: true if the pair exists afterwards
	Version  uint64       // the version written or read
	Primary  chord.Handle // the node the last attempt took for the key's primary and sent its request to (a lookup's answer or a redirect's target); None if no attempt got that far
	Server   chord.Handle // the node that answered: the tail, a replica, or the primary
	Outcome  OpOutcome
	Cause    Cause // why the last failed attempt failed (NoCause if none failed)
	Attempts int
	Hops     int // lookup hops, summed over attempts
	Call     sim.Time
	Return   sim.Time
	Nodes    []NodePairs // query *: every node's primary pairs, in ring order from the origin
}

// Latency is the operation's time from call to return.
func (r *Result) Latency() sim.Duration { return r.Return.Sub(r.Call) }

// Client hears of finished operations.
type Client interface {
	OpDone(res *Result)
}

// op is an operation in progress.
type op struct {
	kind     Kind
	origin   chord.Handle
	key      string
	id       chord.ID
	value    string
	tag      uint64
	opID     uint64
	seq      uint64 // the op's sequence number in its client session (the slot): one more than the slot's last op
	call     sim.Time
	gen      uint32
	attempts int32
	hops     int32
	cause    Cause
	primary  chord.Handle
	live     bool
	nodes    []NodePairs // query *
}

// Start begins an operation from member origin: insert key = value, query
// or delete key, find key's primary, or (QueryAll, key ignored) collect
// every pair. The Client hears of the result.
//
// Each operation runs in a client session for exactly-once writes: the
// slot of the operation table it occupies, which holds one operation at a
// time and numbers its operations 1, 2, ... (so the sessions are as many as
// the most operations ever in progress at once, not one per operation).
func (s *Service) Start(origin chord.Handle, kind Kind, key, value string, tag uint64) {
	if !s.member(origin) {
		panic("kv: operation from a node that is not a member")
	}
	var i int32
	if n := len(s.freeOps); n > 0 {
		i = s.freeOps[n-1]
		s.freeOps = s.freeOps[:n-1]
	} else {
		s.ops = append(s.ops, op{})
		i = int32(len(s.ops) - 1)
	}
	s.opSeq++
	gen, seq := s.ops[i].gen, s.ops[i].seq+1
	s.ops[i] = op{
		kind: kind, origin: origin, key: key, id: s.space.Hash(key), value: value, tag: tag,
		opID: s.opSeq, seq: seq, call: s.sched.Now(), gen: gen, primary: chord.None, live: true,
	}
	s.active++
	s.attempt(i, chord.None)
}

// attempt starts the next try of op i: straight to target if known (a
// redirect), else through a lookup.
func (s *Service) attempt(i int32, target chord.Handle) {
	o := &s.ops[i]
	o.attempts++
	o.gen = (o.gen + 1) & 0xffffff
	if o.kind == QueryAll {
		o.nodes = o.nodes[:0]
		s.collect(i, o.origin)
		return
	}
	if target != chord.None {
		s.send(i, target)
		return
	}
	s.ring.Lookup(o.origin, o.id, chord.Tag{Layer: s.layer, Op: lookupRef{slot: i, gen: o.gen}.op()})
}

// lookupDone is the service's chord.Hooks.LookupDone: the service's own
// lookups end here.
func (s *Service) lookupDone(res *chord.LookupResult) {
	ref := lookupRefOf(res.Tag.Op)
	i, gen := ref.slot, ref.gen
	o := &s.ops[i]
	if !o.live || o.gen != gen {
		return
	}
	o.hops += int32(res.Hops)
	if res.Outcome == chord.Abandoned {
		s.finish(i, Abandoned, nil, chord.None)
		return
	}
	if res.Owner == chord.None {
		s.failed(i, LookupFailed, chord.None)
		return
	}
	if o.kind == Find {
		o.primary = res.Owner
		s.finish(i, OK, nil, res.Owner)
		return
	}
	s.send(i, res.Owner)
}

// send sends op i's request to the node believed to be the primary.
func (s *Service) send(i int32, to chord.Handle) {
	o := &s.ops[i]
	o.primary = to
	kind := MsgWrite
	if o.kind == Query {
		kind = MsgRead
	}
	slot, m := s.compose(kind)
	m.E = Entry{Key: o.key, ID: o.id, Op: o.opID, Client: i, Seq: o.seq}
	switch o.kind {
	case Insert:
		m.E.Value = o.value
	case Delete:
		m.E.Deleted = true
	}
	s.net.Request(slot, o.origin, to, s.cfg.RequestTimeout, reqID{kind: cookieOp, ref: i, gen: o.gen}.pack())
}

func (s *Service) onReply(i int32, gen uint32, m *Msg) {
	if !s.current(i, gen) {
		return
	}
	if m.Status == statusRefused {
		s.failed(i, Refused, m.Hint)
		return
	}
	e := m.E
	s.finish(i, OK, &e, m.Server)
}

func (s *Service) onOpTimeout(i int32, gen uint32) {
	if s.current(i, gen) {
		s.failed(i, TimedOut, chord.None)
	}
}

// failed handles a failed attempt: retry (at once if redirected, else
// after the backoff) or give up.
func (s *Service) failed(i int32, cause Cause, hint chord.Handle) {
	o := &s.ops[i]
	o.cause = cause
	if int(o.attempts) > s.cfg.Retries {
		s.finish(i, Unavailable, nil, chord.None)
		return
	}
	if hint != chord.None {
		s.attempt(i, hint)
		return
	}
	s.sched.After(s.cfg.RetryBackoff, s.owner, evRetry, i, uint64(o.gen))
}

func (s *Service) retryNow(i int32, gen uint32) {
	if s.current(i, gen) {
		s.attempt(i, chord.None)
	}
}

// current reports whether an event about attempt gen of op i still
// matters: the op is live, gen is its current attempt, and its client's
// node is alive (if not, the op ends here as abandoned).
func (s *Service) current(i int32, gen uint32) bool {
	o := &s.ops[i]
	if !o.live || o.gen != gen {
		return false
	}
	if !s.member(o.origin) {
		s.finish(i, Abandoned, nil, chord.None)
		return false
	}
	return true
}

var noEntry Entry

// finish ends op i and tells the client. The slot is freed before the
// call, so a client may start its next operation from inside OpDone.
func (s *Service) finish(i int32, outcome OpOutcome, e *Entry, server chord.Handle) {
	o := &s.ops[i]
	if e == nil {
		e = &noEntry
	}
	res := Result{
		Tag: o.tag, Kind: o.kind, Origin: o.origin, Key: o.key, Primary: o.primary, Server: server,
		Outcome: outcome, Attempts: int(o.attempts), Hops: int(o.hops), Call: o.call, Return: s.sched.Now(),
		Version: e.Version,
	}
	if outcome != OK || o.attempts > 1 {
		res.Cause = o.cause
	}
	switch o.kind {
	case Insert:
		res.Value = o.value
		res.Found = outcome == OK
	case Query:
		if outcome == OK && !e.Deleted && e.Version > 0 {
			res.Found = true
			res.Value = e.Value
		}
	case QueryAll:
		res.Nodes = o.nodes
	}
	o.live = false
	o.key, o.value, o.nodes = "", "", nil
	s.active--
	s.freeOps = append(s.freeOps, i)
	if s.client != nil {
		s.client.OpDone(&res)
	}
}

// collect asks node at for its pairs and successor (query *).
func (s *Service) collect(i int32, at chord.Handle) {
	o := &s.ops[i]
	slot, _ := s.compose(MsgCollect)
	s.net.Request(slot, o.origin, at, s.cfg.RequestTimeout, reqID{kind: cookieCollect, ref: i, gen: o.gen}.pack())
}

func (s *Service) onCollectReply(i int32, gen uint32, from chord.Handle, m *Msg) {
	if !s.current(i, gen) {
		return
	}
	o := &s.ops[i]
	o.nodes = append(o.nodes, NodePairs{Node: from, Pairs: append([]Entry(nil), m.Entries...)})
	next := m.Node
	if next == chord.None || next == o.origin || len(o.nodes) > s.ring.Oracle().Len()+s.ring.JoinsInProgress() {
		s.finish(i, OK, nil, o.origin)
		return
	}
	for _, np := range o.nodes {
		if np.Node == next {
			s.finish(i, OK, nil, o.origin) // the walk closed a loop that skips the origin
			return
		}
	}
	s.collect(i, next)
}

func (s *Service) onCollectTimeout(i int32, gen uint32) {
	if s.current(i, gen) {
		s.failed(i, TimedOut, chord.None)
	}
}
