package sim

import (
	"math/rand/v2"
	"testing"
)

// naiveQueue is the reference for the scheduler's queue: a list searched
// for its (At, seq)-least event on every pop.
type naiveQueue []Event

func (q *naiveQueue) pop() Event {
	m := 0
	for i := range *q {
		if less(&(*q)[i], &(*q)[m]) {
			m = i
		}
	}
	ev := (*q)[m]
	*q = append((*q)[:m], (*q)[m+1:]...)
	return ev
}

// spawner schedules new events as its events fire, with delays drawn from a
// mix that reaches every path of the queue: the same instant (into the
// look-ahead window), the current calendar bucket, later buckets, beyond the
// horizon (the far heap), and long idle gaps. It mirrors each scheduling in
// a naive queue and checks that the scheduler fires what the naive queue
// would.
type spawner struct {
	s     *Scheduler
	id    OwnerID
	rng   *rand.Rand
	ref   naiveQueue
	seq   uint64 // mirrors the scheduler's sequence numbers
	left  int
	fired int
	t     *testing.T
}

func (p *spawner) delay() Duration {
	const bucket = Duration(1) << bucketShift
	switch k := p.rng.IntN(10); {
	case k == 0:
		return 0
	case k == 1:
		return Duration(p.rng.IntN(4))
	case k <= 3:
		return Duration(p.rng.Int64N(int64(bucket)))
	case k <= 7:
		return Duration(p.rng.Int64N(int64(calendarBuckets) * int64(bucket)))
	case k == 8:
		return Duration(calendarBuckets)*bucket + Duration(p.rng.Int64N(3*int64(calendarBuckets)*int64(bucket)))
	default:
		return Duration(p.rng.Int64N(1 << 40)) // minutes: the calendar empties and jumps
	}
}

func (p *spawner) schedule() {
	at := p.s.Now().Add(p.delay())
	if p.rng.IntN(3) == 0 {
		// A time on a coarse grid a few buckets ahead: many events share
		// it, so buckets hold ties that only the sequence number orders.
		const grid = 1 << (bucketShift - 2)
		at = (p.s.Now()/grid + 1 + Time(p.rng.IntN(16))) * grid
	}
	p.seq++
	p.s.At(at, p.id, 0, int32(p.seq), 0)
	p.ref = append(p.ref, Event{At: at, seq: p.seq, Ref: int32(p.seq)})
}

func (p *spawner) Fire(ev *Event) {
	want := p.ref.pop()
	if ev.At != want.At || ev.Ref != want.Ref {
		p.t.Fatalf("event %d: fired (t=%d ref=%d), the naive queue has (t=%d ref=%d)", p.fired, ev.At, ev.Ref, want.At, want.Ref)
	}
	p.fired++
	for n := p.rng.IntN(3); n > 0 && p.left > 0; n-- {
		p.left--
		p.schedule()
	}
}

// The calendar queue, its far heap and the look-ahead window together fire
// events in exactly the (time, sequence) order of a naive queue, while
// events are scheduled during the run at every kind of distance, with
// RunUntil pauses in between.
func TestQueueMatchesNaiveOrder(t *testing.T) {
	for seed := uint64(0); seed < 40; seed++ {
		s := NewScheduler()
		p := &spawner{s: s, rng: rand.New(rand.NewPCG(seed, 9)), left: 3000, t: t}
		p.id = s.Register(p)
		for i := 0; i < 1+int(seed)*5; i++ {
			p.schedule()
		}
		for s.Pending() > 0 || p.left > 0 {
			if s.Pending() == 0 { // the population died out: start it again
				p.left--
				p.schedule()
			}
			if p.rng.IntN(4) == 0 {
				s.RunUntil(s.Now().Add(p.delay()))
			} else {
				s.Step()
			}
			if s.Pending() != len(p.ref) {
				t.Fatalf("seed %d: %d pending, the naive queue holds %d", seed, s.Pending(), len(p.ref))
			}
		}
		if len(p.ref) != 0 || p.left != 0 {
			t.Fatalf("seed %d: queue empty with %d naive events left and %d to schedule", seed, len(p.ref), p.left)
		}
	}
}

// A burst of events at one instant, in a bucket that is not the current
// one, comes out in sequence order, and a bucket filled in reverse time
// order comes out in time order.
func TestCalendarOrdersBurstsAndReversedBuckets(t *testing.T) {
	s := NewScheduler()
	r := &recorder{s: s}
	r.id = s.Register(r)
	const burst = 500
	for i := 0; i < burst; i++ {
		s.At(Time(7)<<bucketShift, r.id, 0, int32(i), 0)
	}
	for i := 0; i < 100; i++ {
		s.At(Time(9)<<bucketShift+Time(100-i), r.id, 0, int32(burst+i), 0)
	}
	s.Run()
	for i := 0; i < burst; i++ {
		if r.got[i].Ref != int32(i) {
			t.Fatalf("burst event %d fired as %d", i, r.got[i].Ref)
		}
	}
	for i := 0; i < 100; i++ {
		if r.got[burst+i].Ref != int32(burst+99-i) {
			t.Fatalf("reversed bucket: event %d is %d, want %d", i, r.got[burst+i].Ref, burst+99-i)
		}
	}
}
