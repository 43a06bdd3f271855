package sim

import (
	"fmt"
	"math/bits"
)

// Owner receives the events it scheduled. Fire runs on the scheduler's
// goroutine with the clock already advanced to ev.At; it may schedule more
// events, but none before Now. ev points into the scheduler and is valid only
// during the call.
type Owner interface {
	Fire(ev *Event)
}

// Prefetcher is an Owner that can start loading into the cache the memory
// an event of its will touch. Before the scheduler fires an event, it hands
// the next one in the heap to its owner's Prefetch, so that the next
// event's cache misses overlap with the current event's work instead of
// following it. Prefetch must not change any state: it is a hint, and the
// next event may even be preceded by one scheduled meanwhile.
type Prefetcher interface {
	Prefetch(ev *Event)
}

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
// machine, the heap layout or the Go version can reorder two events.
//
// The queue is a 4-ary min-heap stored in one slice of values: shallower than
// a binary heap, and a node's four children share a cache line or two. Timers
// are never removed; owners cancel lazily by ignoring stale events when they
// fire, which costs one cheap event instead of an O(log n) removal.
type Scheduler struct {
	now         Time
	seq         uint64
	heap        []Event
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
	n := len(s.heap)
	for i := range s.lanes {
		n += len(s.lanes[i].buf) - s.lanes[i].head
	}
	return n
}

// LaneID names a FIFO lane of a Scheduler.
type LaneID uint16

// lane holds events that are all scheduled a fixed delay after they are
// created. Their times therefore never decrease, so a queue replaces the
// heap: O(1) to add and remove, and sequential in memory. Request timeouts
// are such events, and there are as many of them as messages.
type lane struct {
	delay Duration
	buf   []Event
	head  int
}

// Lane returns the lane for events scheduled exactly d after now, creating
// it on first use. Lanes change nothing about the order of events: Step
// still fires the (time, sequence)-least event of the heap and all lanes.
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
	s.push(Event{At: at, seq: s.seq, Arg: arg, Ref: ref, Kind: kind, owner: owner})
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
	var from *lane
	var next *Event
	if len(s.heap) > 0 {
		next = &s.heap[0]
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
	if from == nil {
		s.current = s.pop()
	} else {
		s.current = *next
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
	if len(s.heap) > 0 {
		if p := s.prefetchers[s.heap[0].owner]; p != nil {
			p.Prefetch(&s.heap[0])
		}
	}
	s.owners[s.current.owner].Fire(&s.current)
	return true
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
	if len(s.heap) > 0 {
		at, ok = s.heap[0].At, true
	}
	for i := range s.lanes {
		if ln := &s.lanes[i]; ln.head < len(ln.buf) && ln.buf[ln.head].At < at {
			at, ok = ln.buf[ln.head].At, true
		}
	}
	return at, ok
}

// less is the queue's total order: time, then scheduling sequence. It
// compares (At, seq) as one 128-bit number with a subtract-with-borrow, which
// compiles without branches: in the heap the outcome of a comparison is a coin
// toss, and mispredicted branches were most of the cost of pop.
func less(a, b *Event) bool {
	_, borrow := bits.Sub64(a.seq, b.seq, 0)
	_, borrow = bits.Sub64(uint64(a.At), uint64(b.At), borrow)
	return borrow != 0
}

func (s *Scheduler) push(ev Event) {
	h := append(s.heap, ev)
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) >> 2
		if !less(&ev, &h[p]) {
			break
		}
		h[i] = h[p]
		i = p
	}
	h[i] = ev
	s.heap = h
}

func (s *Scheduler) pop() Event {
	h := s.heap
	top := h[0]
	n := len(h) - 1
	last := h[n]
	h = h[:n]
	s.heap = h
	if n == 0 {
		return top
	}
	i := 0
	for {
		c := 4*i + 1
		if c >= n {
			break
		}
		var m int
		if c+3 < n {
			// All four children exist: a tournament of independent pairs.
			a, b := c, c+2
			if less(&h[c+1], &h[c]) {
				a = c + 1
			}
			if less(&h[c+3], &h[c+2]) {
				b = c + 3
			}
			m = a
			if less(&h[b], &h[a]) {
				m = b
			}
		} else {
			m = c
			for j := c + 1; j < n; j++ {
				if less(&h[j], &h[m]) {
					m = j
				}
			}
		}
		if !less(&h[m], &last) {
			break
		}
		h[i] = h[m]
		i = m
	}
	h[i] = last
	return top
}
