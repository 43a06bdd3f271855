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
	now     Time
	seq     uint64
	heap    []Event
	owners  []Owner
	fired   uint64
	stopped bool
	current Event // the event being fired; a field, so handing its address to Fire allocates nothing
}

// NewScheduler returns an empty scheduler at time 0.
func NewScheduler() *Scheduler { return &Scheduler{} }

// Register adds an owner and returns its ID for use with At and After.
func (s *Scheduler) Register(o Owner) OwnerID {
	if len(s.owners) == 1<<16-1 {
		panic("sim: too many owners")
	}
	s.owners = append(s.owners, o)
	return OwnerID(len(s.owners) - 1)
}

// Now is the current virtual time.
func (s *Scheduler) Now() Time { return s.now }

// Pending is the number of events waiting, stale timers included.
func (s *Scheduler) Pending() int { return len(s.heap) }

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
	if len(s.heap) == 0 {
		return false
	}
	s.current = s.pop()
	s.now = s.current.At
	s.fired++
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
	for !s.stopped && len(s.heap) > 0 && s.heap[0].At <= t {
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
