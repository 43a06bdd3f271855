package sim

import "fmt"

// Owner receives the events it scheduled. Fire runs on the scheduler's
// goroutine with the clock already advanced to ev.At; it may schedule more
// events, but none before Now. ev points into the scheduler and is valid only
// during the call.
type Owner interface {
	Fire(ev *Event)
}

// Prefetcher is an Owner that can start loading into the cache the memory
// an event of its will touch. The scheduler keeps its next events in a
// look-ahead window and shows each event to its owner's Prefetch in
// PrefetchStages stages as it nears the head: stage 0 when it enters the
// window, 16 events before it fires, stage 1 11 events before, and stage 2
// 6 before (counting only events of the window; lane events fired in
// between add to the distance). A stage may read what the stage before hinted
// (by then it is in cache) to find the next address to hint: an owner can
// follow a short chain of pointers without ever waiting for memory, and the
// event's misses overlap with the work of the events before it instead of
// stalling its own.
//
// Prefetch must not change any state: it is a hint. A stage may be skipped
// or repeated (an earlier event scheduled meanwhile shifts the window), and
// events of lanes are not shown.
type Prefetcher interface {
	Prefetch(ev *Event, stage int)
}

// PrefetchStages is the number of Prefetch stages an event goes through.
const PrefetchStages = 3

// lookahead is the size of the look-ahead window, and stageAt the window
// positions (0 = the next event) of Prefetch stages 1 and 2; stage 0 is at
// the window's tail. An event's work takes a few hundred nanoseconds,
// about one miss to memory, so five events between stages leave every
// hint time to land, and few enough lines are in flight that they stay in
// L1. (lookahead is a power of two: the window is a ring indexed by
// masking.)
const lookahead = 16

var stageAt = [PrefetchStages]int{lookahead - 1, 10, 5}

// OwnerID names a registered Owner inside one Scheduler.
type OwnerID uint16

// Event is one scheduled happening. Its meaning belongs to its owner: Kind,
// Ref and Arg are free for the owner to encode what it needs (a message slot,
// a node handle, a timer kind), which keeps events small plain values that the
// queue stores inline, with no allocation per event.
type Event struct {
	At    Time
	seq   uint64
	Arg   uint64
	Ref   int32
	Kind  uint16
	owner OwnerID
}

// Scheduler is the event queue and the virtual clock of one simulation.
//
// Order: events fire in increasing At; events with equal At fire in the order
// they were scheduled (a sequence number taken at scheduling breaks the tie).
// This total order is what makes a run reproducible: nothing about the
// machine, the queue's layout or the Go version can reorder two events.
//
// The queue is a calendar queue with a heap behind it (see calendar), and
// a look-ahead window of the next events in front of it (see Prefetcher).
// Timers are never removed; owners cancel lazily by ignoring stale events
// when they fire, which costs one cheap event instead of a removal.
type Scheduler struct {
	now         Time
	seq         uint64
	queue       calendar
	ahead       [lookahead]Event // the next events, before all of queue's, in firing order: a ring
	aheadHead   int              // index of the window's first event in ahead
	aheadLen    int              // events in the window
	lanes       []lane
	owners      []Owner
	prefetchers []Prefetcher // per owner; nil if it is not one
	fired       uint64
	stopped     bool
	current     Event // the event being fired; a field, so handing its address to Fire allocates nothing
}

// NewScheduler returns an empty scheduler at time 0.
func NewScheduler() *Scheduler { return &Scheduler{} }

// Register adds an owner and returns its ID for use with At and After.
func (s *Scheduler) Register(o Owner) OwnerID {
	if len(s.owners) == 1<<16-1 {
		panic("sim: too many owners")
	}
	s.owners = append(s.owners, o)
	p, _ := o.(Prefetcher)
	s.prefetchers = append(s.prefetchers, p)
	return OwnerID(len(s.owners) - 1)
}

// Now is the current virtual time.
func (s *Scheduler) Now() Time { return s.now }

// Pending is the number of events waiting, stale timers included.
func (s *Scheduler) Pending() int {
	n := s.queue.len() + s.aheadLen
	for i := range s.lanes {
		n += len(s.lanes[i].buf) - s.lanes[i].head
	}
	return n
}

// LaneID names a FIFO lane of a Scheduler.
type LaneID uint16

// lane holds events that are all scheduled a fixed delay after they are
// created. Their times therefore never decrease, so a FIFO replaces the
// calendar: O(1) to add and remove, and sequential in memory. Request timeouts
// are such events, and there are as many of them as messages.
type lane struct {
	delay Duration
	buf   []Event
	head  int
}

// Lane returns the lane for events scheduled exactly d after now, creating
// it on first use. Lanes change nothing about the order of events: Step
// still fires the (time, sequence)-least event of the queue and all lanes.
func (s *Scheduler) Lane(d Duration) LaneID {
	for i := range s.lanes {
		if s.lanes[i].delay == d {
			return LaneID(i)
		}
	}
	if d < 0 {
		panic("sim: a lane with a negative delay")
	}
	s.lanes = append(s.lanes, lane{delay: d})
	return LaneID(len(s.lanes) - 1)
}

// AfterLane schedules an event for owner at now plus the lane's delay.
func (s *Scheduler) AfterLane(l LaneID, owner OwnerID, kind uint16, ref int32, arg uint64) {
	ln := &s.lanes[l]
	s.seq++
	ln.buf = append(ln.buf, Event{At: s.now.Add(ln.delay), seq: s.seq, Arg: arg, Ref: ref, Kind: kind, owner: owner})
}

// Fired is the number of events dispatched so far.
func (s *Scheduler) Fired() uint64 { return s.fired }

// At schedules an event for owner at time at. Scheduling in the past is a
// programmer error and panics: it would break causality silently.
func (s *Scheduler) At(at Time, owner OwnerID, kind uint16, ref int32, arg uint64) {
	if at < s.now {
		panic(fmt.Sprintf("sim: event scheduled at %v, before now %v", at, s.now))
	}
	s.seq++
	s.schedule(Event{At: at, seq: s.seq, Arg: arg, Ref: ref, Kind: kind, owner: owner})
}

// After schedules an event d after now. d must be ≥ 0.
func (s *Scheduler) After(d Duration, owner OwnerID, kind uint16, ref int32, arg uint64) {
	s.At(s.now.Add(d), owner, kind, ref, arg)
}

// Stop makes the running Run, RunUntil or Step loop return after the current
// event. Events already scheduled stay queued, so a run can be resumed.
func (s *Scheduler) Stop() { s.stopped = true }

// Step fires the next event. It returns false if the queue is empty.
func (s *Scheduler) Step() bool {
	s.fill()
	var from *lane
	var next *Event
	if s.aheadLen > 0 {
		next = &s.ahead[s.aheadHead]
	}
	for i := range s.lanes {
		ln := &s.lanes[i]
		if ln.head < len(ln.buf) && (next == nil || less(&ln.buf[ln.head], next)) {
			from, next = ln, &ln.buf[ln.head]
		}
	}
	if next == nil {
		return false
	}
	s.current = *next
	if from == nil {
		s.aheadHead = (s.aheadHead + 1) & (lookahead - 1)
		s.aheadLen--
	} else {
		from.head++
		if from.head == len(from.buf) {
			from.buf, from.head = from.buf[:0], 0
		} else if from.head >= 4096 && 2*from.head >= len(from.buf) {
			// Slide the live part down so the buffer does not grow forever.
			n := copy(from.buf, from.buf[from.head:])
			from.buf, from.head = from.buf[:n], 0
		}
	}
	s.now = s.current.At
	s.fired++
	s.fill()
	for st := 1; st < PrefetchStages; st++ {
		if i := stageAt[st]; i < s.aheadLen {
			s.hint(&s.ahead[(s.aheadHead+i)&(lookahead-1)], st)
		}
	}
	s.owners[s.current.owner].Fire(&s.current)
	return true
}

// fill moves the queue's least events into the look-ahead window until it
// is full, and shows each to its owner's Prefetch: an event entering the
// window's tail fires about lookahead events later.
func (s *Scheduler) fill() {
	for s.aheadLen < lookahead && s.queue.peek() != nil {
		i := (s.aheadHead + s.aheadLen) & (lookahead - 1)
		s.ahead[i] = s.queue.pop()
		s.aheadLen++
		s.hint(&s.ahead[i], 0)
	}
}

func (s *Scheduler) hint(ev *Event, stage int) {
	if p := s.prefetchers[ev.owner]; p != nil {
		p.Prefetch(ev, stage)
	}
}

// schedule queues ev: in the look-ahead window if it precedes the window's
// last event, else in the queue. That keeps every event of the window
// before every event of the queue, so the window's head is the least event.
func (s *Scheduler) schedule(ev Event) {
	if s.aheadLen > 0 {
		last := (s.aheadHead + s.aheadLen - 1) & (lookahead - 1)
		if less(&ev, &s.ahead[last]) {
			s.insertAhead(ev)
			return
		}
	}
	s.queue.push(ev)
}

// insertAhead puts ev in its place in the window. A full window first
// gives its last event back to the queue, which keeps the order invariant:
// that event precedes all of the queue's.
func (s *Scheduler) insertAhead(ev Event) {
	const mask = lookahead - 1
	if s.aheadLen == lookahead {
		s.aheadLen--
		s.queue.push(s.ahead[(s.aheadHead+s.aheadLen)&mask])
	}
	i := s.aheadLen
	for i > 0 {
		j := (s.aheadHead + i - 1) & mask
		if !less(&ev, &s.ahead[j]) {
			break
		}
		s.ahead[(j+1)&mask] = s.ahead[j]
		i--
	}
	k := (s.aheadHead + i) & mask
	s.ahead[k] = ev
	s.aheadLen++
	s.hint(&s.ahead[k], 0)
}

// Run fires events until the queue is empty or Stop is called.
func (s *Scheduler) Run() {
	s.stopped = false
	for !s.stopped && s.Step() {
	}
}

// RunUntil fires every event with At ≤ t (unless Stop is called first) and
// then, if not stopped, advances the clock to t. It reports whether it
// reached t.
func (s *Scheduler) RunUntil(t Time) bool {
	s.stopped = false
	for !s.stopped {
		at, ok := s.nextAt()
		if !ok || at > t {
			break
		}
		s.Step()
	}
	if s.stopped {
		return false
	}
	if t > s.now {
		s.now = t
	}
	return true
}

// nextAt is the time of the next event, if any.
func (s *Scheduler) nextAt() (Time, bool) {
	at, ok := MaxTime, false
	if s.aheadLen > 0 {
		at, ok = s.ahead[s.aheadHead].At, true
	} else if ev := s.queue.peek(); ev != nil {
		at, ok = ev.At, true
	}
	for i := range s.lanes {
		if ln := &s.lanes[i]; ln.head < len(ln.buf) && ln.buf[ln.head].At < at {
			at, ok = ln.buf[ln.head].At, true
		}
	}
	return at, ok
}
