package sim

import (
	"math/bits"
)

// calendar is the scheduler's event queue: a calendar queue (a timing wheel)
// in front of a heap. Time is cut into buckets of 2^bucketShift ns; the
// next calendarBuckets buckets (the horizon) each hold their events
// unsorted, and a bucket is ordered only when the clock reaches it: it
// becomes a small heap, the current one. Events beyond the horizon wait in
// a far heap and move into their bucket when the horizon reaches them.
//
// Why: a simulation's events are mostly messages due a few to a few hundred
// milliseconds ahead. Appending one to its bucket is O(1) and touches one
// cache line; ordering a bucket of a few dozen events and popping them
// costs less than popping from one heap of thousands, whose path from root
// to leaf is a chain of dependent loads that miss L1 (that pop was 40% of
// the run time of the lookup benchmark before this queue). When events
// crowd into one bucket (latencies far shorter than a bucket), the current
// heap is simply a heap of them all, as costly as before and no worse.
//
// Order is exactly a single heap's: (At, seq) ascending, because buckets
// are taken in time order and the current bucket is a heap on (At, seq);
// an event scheduled into the current bucket joins its heap.
type calendar struct {
	cur     eventHeap                    // the bucket being taken
	base    int64                        // absolute index (At >> bucketShift) of the current bucket
	buckets [calendarBuckets][]Event     // bucket a (base < a < base+calendarBuckets) is buckets[a % calendarBuckets]
	full    [calendarBuckets / 64]uint64 // bit a % calendarBuckets set: that bucket holds events
	inRing  int                          // events in buckets (not in cur, not in far)
	far     eventHeap                    // events at or beyond the horizon
	// spare holds emptied buckets' storage for the next bucket to fill, so
	// that only as many slices exist as buckets are ever full at once:
	// after a short warm-up, no push allocates, however sparse the events.
	spare [][]Event
}

const (
	// bucketShift sets the bucket width: 2^17 ns ≈ 131 µs, about 36 events
	// at the 277,000 events per simulated second of `chordsim bench`.
	bucketShift = 17
	// calendarBuckets is the number of buckets of the horizon: 4096
	// buckets, 537 ms, longer than any round trip of the usual latency
	// models, so that a message rarely goes through the heap.
	calendarBuckets = 1 << 12
)

func bucketOf(t Time) int64 { return int64(t) >> bucketShift }

func (c *calendar) len() int { return len(c.cur) + c.inRing + len(c.far) }

// push queues ev. ev.At must not precede the last event taken.
func (c *calendar) push(ev Event) {
	a := bucketOf(ev.At)
	switch {
	case a <= c.base:
		c.cur.push(ev)
	case a < c.base+calendarBuckets:
		c.addToRing(a, ev)
	default:
		c.far.push(ev)
	}
}

// addToRing appends ev to the bucket of absolute index a, inside the horizon.
func (c *calendar) addToRing(a int64, ev Event) {
	i := int(a & (calendarBuckets - 1))
	b := c.buckets[i]
	if cap(b) == 0 && len(c.spare) > 0 {
		b = c.spare[len(c.spare)-1]
		c.spare = c.spare[:len(c.spare)-1]
	}
	c.buckets[i] = append(b, ev)
	c.full[i>>6] |= 1 << (i & 63)
	c.inRing++
}

// peek returns the least event, or nil if the queue is empty. It may move
// the calendar to its next bucket, which changes no order.
func (c *calendar) peek() *Event {
	if len(c.cur) == 0 && !c.advance() {
		return nil
	}
	return &c.cur[0]
}

// pop removes and returns the least event; the queue must not be empty.
func (c *calendar) pop() Event {
	c.peek()
	return c.cur.pop()
}

// advance makes the next bucket holding events the current one, and
// orders it. It reports false if no event is left.
func (c *calendar) advance() bool {
	var next int64
	if c.inRing > 0 {
		next = c.nextFull()
	} else if len(c.far) > 0 {
		next = bucketOf(c.far[0].At)
	} else {
		return false
	}
	c.base = next
	// The horizon moved: events of the far heap now inside it go to their
	// buckets. They all lie after next (the far heap held only events at
	// or beyond the old horizon, which next does not pass), except when
	// the ring was empty and next is the far heap's own first bucket.
	for len(c.far) > 0 && bucketOf(c.far[0].At) < c.base+calendarBuckets {
		ev := c.far.pop()
		c.addToRing(bucketOf(ev.At), ev)
	}
	i := int(c.base & (calendarBuckets - 1))
	if cap(c.cur) > 0 {
		c.spare = append(c.spare, c.cur[:0])
	}
	c.cur, c.buckets[i] = c.buckets[i], nil
	c.full[i>>6] &^= 1 << (i & 63)
	c.inRing -= len(c.cur)
	c.cur.init()
	return true
}

// nextFull is the absolute index of the first bucket after base that holds
// events; some bucket must.
func (c *calendar) nextFull() int64 {
	start := int((c.base + 1) & (calendarBuckets - 1))
	w := start >> 6
	word := c.full[w] &^ (1<<(start&63) - 1)
	for word == 0 {
		w = (w + 1) % len(c.full)
		word = c.full[w]
	}
	i := w<<6 | bits.TrailingZeros64(word)
	return c.base + 1 + int64((i-start)&(calendarBuckets-1))
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

// eventHeap is a 4-ary min-heap of events stored in one slice of values:
// shallower than a binary heap, and a node's four children share a cache
// line or two.
type eventHeap []Event

func (hp *eventHeap) push(ev Event) {
	h := append(*hp, ev)
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
	*hp = h
}

// init orders a heap whose events were appended in any order (Floyd's
// method: O(n)).
func (hp *eventHeap) init() {
	h := *hp
	for i := (len(h) - 2) >> 2; i >= 0; i-- {
		h.down(i, h[i])
	}
}

func (hp *eventHeap) pop() Event {
	h := *hp
	top := h[0]
	n := len(h) - 1
	last := h[n]
	h = h[:n]
	*hp = h
	if n > 0 {
		h.down(0, last)
	}
	return top
}

// down places ev, which replaces the event at i, in the subtree below i.
func (h eventHeap) down(i int, ev Event) {
	n := len(h)
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
		if !less(&h[m], &ev) {
			break
		}
		h[i] = h[m]
		i = m
	}
	h[i] = ev
}
