package sim

import (
	"math/rand/v2"
	"sort"
	"testing"
)

type recorder struct {
	s   *Scheduler
	id  OwnerID
	got []Event
}

func (r *recorder) Fire(ev *Event) {
	if ev.At != r.s.Now() {
		panic("clock not advanced to the event")
	}
	r.got = append(r.got, *ev)
}

// The queue must fire events in (time, scheduling order), whatever the heap
// does internally: compare with a stable sort of the same events.
func TestSchedulerTotalOrder(t *testing.T) {
	for seed := uint64(0); seed < 50; seed++ {
		rng := rand.New(rand.NewPCG(seed, 1))
		s := NewScheduler()
		r := &recorder{s: s}
		r.id = s.Register(r)
		var want []Event
		n := 1 + rng.IntN(2000)
		for i := 0; i < n; i++ {
			at := Time(rng.IntN(50)) // many ties on purpose
			if i%2 == 1 {
				at <<= bucketShift - 3 // ties in later calendar buckets too
			}
			s.At(at, r.id, 0, int32(i), 0)
			want = append(want, Event{At: at, Ref: int32(i)})
		}
		sort.SliceStable(want, func(a, b int) bool { return want[a].At < want[b].At })
		s.Run()
		if len(r.got) != len(want) {
			t.Fatalf("seed %d: fired %d of %d events", seed, len(r.got), len(want))
		}
		for i := range want {
			if r.got[i].At != want[i].At || r.got[i].Ref != want[i].Ref {
				t.Fatalf("seed %d: event %d is (t=%d ref=%d), want (t=%d ref=%d)", seed, i, r.got[i].At, r.got[i].Ref, want[i].At, want[i].Ref)
			}
		}
	}
}

// Events scheduled while firing interleave correctly with queued ones.
type chain struct {
	s    *Scheduler
	id   OwnerID
	log  []int32
	left int
}

func (c *chain) Fire(ev *Event) {
	c.log = append(c.log, ev.Ref)
	if c.left > 0 {
		c.left--
		c.s.After(0, c.id, 0, ev.Ref+100, 0) // same time: after everything already queued at this time
	}
}

func TestSchedulerSameTimeFIFO(t *testing.T) {
	s := NewScheduler()
	c := &chain{s: s, left: 1}
	c.id = s.Register(c)
	s.At(5, c.id, 0, 1, 0)
	s.At(5, c.id, 0, 2, 0)
	s.Run()
	want := []int32{1, 2, 101}
	if len(c.log) != len(want) {
		t.Fatalf("log %v, want %v", c.log, want)
	}
	for i := range want {
		if c.log[i] != want[i] {
			t.Fatalf("log %v, want %v", c.log, want)
		}
	}
}

func TestRunUntilAndStop(t *testing.T) {
	s := NewScheduler()
	r := &recorder{s: s}
	r.id = s.Register(r)
	for i := 1; i <= 10; i++ {
		s.At(Time(i*10), r.id, 0, int32(i), 0)
	}
	if !s.RunUntil(35) {
		t.Fatal("RunUntil(35) did not reach 35")
	}
	if len(r.got) != 3 || s.Now() != 35 {
		t.Fatalf("after RunUntil(35): fired %d, now %d; want 3 and 35", len(r.got), s.Now())
	}
	if s.Pending() != 7 {
		t.Fatalf("pending %d, want 7", s.Pending())
	}
	s.Run()
	if len(r.got) != 10 || s.Fired() != 10 {
		t.Fatalf("fired %d (counter %d), want 10", len(r.got), s.Fired())
	}
}

func TestSchedulingInThePastPanics(t *testing.T) {
	s := NewScheduler()
	r := &recorder{s: s}
	r.id = s.Register(r)
	s.At(10, r.id, 0, 0, 0)
	s.Run()
	defer func() {
		if recover() == nil {
			t.Fatal("scheduling before now did not panic")
		}
	}()
	s.At(5, r.id, 0, 0, 0)
}

// pinger keeps a steady population of events in the queue: each event
// reschedules itself at a pseudo-random distance, like timers and messages
// in a running simulation: up to 1 µs (all in the calendar's current
// bucket, where it is a plain heap), or like messages, 10 to 90 ms.
type pinger struct {
	s        *Scheduler
	id       OwnerID
	x        uint64
	messages bool
}

func (p *pinger) Fire(ev *Event) {
	p.x = p.x*6364136223846793005 + 1442695040888963407
	d := Duration(1 + p.x>>54)
	if p.messages {
		d = 10*Millisecond + Duration(p.x>>32)%(80*Millisecond)
	}
	p.s.After(d, p.id, ev.Kind, ev.Ref, ev.Arg)
}

// BenchmarkScheduler measures one schedule plus one dispatch in the steady
// state with 100 to 10^6 pending events, with sub-microsecond delays and
// with message delays. It must report 0 allocs/op.
func BenchmarkScheduler(b *testing.B) {
	for _, bc := range []struct {
		pending  int
		messages bool
	}{{100, false}, {10_000, false}, {1_000_000, false}, {10_000, true}, {1_000_000, true}} {
		name := itoa(bc.pending)
		if bc.messages {
			name += "/messages"
		}
		pending := bc.pending
		b.Run(name, func(b *testing.B) {
			s := NewScheduler()
			p := &pinger{s: s, messages: bc.messages}
			p.id = s.Register(p)
			for i := 0; i < pending; i++ {
				s.At(Time(i), p.id, 0, int32(i), 0)
			}
			for i := 0; i < 4*pending; i++ { // warm the queue's capacities
				s.Step()
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				s.Step()
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

func itoa(n int) string {
	if n >= 1_000_000 {
		return "pending=" + string(rune('0'+n/1_000_000)) + "M"
	}
	if n >= 1000 {
		return "pending=" + itoa3(n/1000) + "k"
	}
	return "pending=" + itoa3(n)
}

func itoa3(n int) string {
	s := ""
	for n > 0 || s == "" {
		s = string(rune('0'+n%10)) + s
		n /= 10
	}
	return s
}

func TestSchedulerSteadyStateAllocatesNothing(t *testing.T) {
	for _, messages := range []bool{false, true} {
		s := NewScheduler()
		p := &pinger{s: s, messages: messages}
		p.id = s.Register(p)
		for i := 0; i < 1000; i++ {
			s.At(Time(i), p.id, 0, int32(i), 0)
		}
		for i := 0; i < 20_000; i++ { // every calendar bucket reaches its capacity
			s.Step()
		}
		if a := testing.AllocsPerRun(10000, func() { s.Step() }); a != 0 {
			t.Fatalf("messages %v: Step allocates %v times per event, want 0", messages, a)
		}
	}
}

// Lanes must not change the order of events: mixing heap events and lane
// events gives exactly the (time, sequence) order of a stable sort.
func TestLanesKeepTheTotalOrder(t *testing.T) {
	for seed := uint64(0); seed < 30; seed++ {
		rng := rand.New(rand.NewPCG(seed, 2))
		s := NewScheduler()
		r := &recorder{s: s}
		r.id = s.Register(r)
		lanes := []LaneID{s.Lane(5), s.Lane(0), s.Lane(17)}
		delays := []Time{5, 0, 17}
		var want []Event
		for i := 0; i < 3000; i++ {
			if i%50 == 0 && s.Pending() > 0 {
				// Let time move on, as a simulation does, then keep scheduling.
				target := s.Now() + Time(rng.IntN(10))
				s.RunUntil(target)
			}
			var at Time
			if k := rng.IntN(4); k < 3 {
				at = s.Now() + delays[k]
				s.AfterLane(lanes[k], r.id, 0, int32(i), 0)
			} else {
				at = s.Now() + Time(rng.IntN(30))
				s.At(at, r.id, 0, int32(i), 0)
			}
			want = append(want, Event{At: at, Ref: int32(i)})
		}
		s.Run()
		sort.SliceStable(want, func(a, b int) bool { return want[a].At < want[b].At })
		if len(r.got) != len(want) {
			t.Fatalf("fired %d of %d", len(r.got), len(want))
		}
		// Events fired before a RunUntil boundary are a prefix in both orders.
		for i := range want {
			if r.got[i].At != want[i].At || r.got[i].Ref != want[i].Ref {
				t.Fatalf("seed %d: event %d is (t=%d ref=%d), want (t=%d ref=%d)", seed, i, r.got[i].At, r.got[i].Ref, want[i].At, want[i].Ref)
			}
		}
	}
}

// prefetchRecorder is a recorder that is also a Prefetcher: for each event
// (by Ref) and stage, it notes how many events had fired when the hint came.
type prefetchRecorder struct {
	recorder
	hintedAfter map[int32][PrefetchStages]int
}

func (p *prefetchRecorder) Prefetch(ev *Event, stage int) {
	h, ok := p.hintedAfter[ev.Ref]
	if !ok {
		h = [PrefetchStages]int{-1, -1, -1}
	}
	if h[stage] != -1 {
		panic("a stage hinted twice in a run where nothing is scheduled")
	}
	h[stage] = len(p.got)
	p.hintedAfter[ev.Ref] = h
}

// Prefetching changes no firing order, and in a run where nothing new is
// scheduled each event gets each stage exactly at its window position:
// stage 0 lookahead events before it fires, stage s ≥ 1 stageAt[s]+1
// events before (the first events of the run, already near the head when
// the window is first filled, skip the stages they are past).
func TestPrefetchStagesComeAtTheirDistance(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	plain, pre := NewScheduler(), NewScheduler()
	a := &recorder{s: plain}
	b := &prefetchRecorder{recorder: recorder{s: pre}, hintedAfter: map[int32][PrefetchStages]int{}}
	a.id, b.id = plain.Register(a), pre.Register(b)
	for i := 0; i < 500; i++ {
		at := Time(rng.IntN(100)) << 16 // ties, and several calendar buckets
		plain.At(at, a.id, 0, int32(i), 0)
		pre.At(at, b.id, 0, int32(i), 0)
	}
	plain.Run()
	pre.Run()
	if len(a.got) != 500 || len(b.got) != 500 {
		t.Fatalf("fired %d and %d events of 500", len(a.got), len(b.got))
	}
	for j := range a.got {
		if a.got[j].Ref != b.got[j].Ref {
			t.Fatalf("event %d: %d without prefetching, %d with", j, a.got[j].Ref, b.got[j].Ref)
		}
		want := [PrefetchStages]int{max(0, j-lookahead), -1, -1}
		for st := 1; st < PrefetchStages; st++ {
			if j >= stageAt[st]+1 {
				want[st] = j - stageAt[st] - 1
			}
		}
		if got := b.hintedAfter[b.got[j].Ref]; got != want {
			t.Fatalf("event %d: stages hinted after %v events had fired, want %v", j, got, want)
		}
	}
}

// The stages are where the Prefetcher contract says, and in order.
func TestStagePositions(t *testing.T) {
	if stageAt[0] != lookahead-1 {
		t.Fatalf("stage 0 at window position %d, want the tail %d", stageAt[0], lookahead-1)
	}
	for st := 1; st < PrefetchStages; st++ {
		if stageAt[st] >= stageAt[st-1] || stageAt[st] < 1 {
			t.Fatalf("stage %d at position %d after stage %d at %d", st, stageAt[st], st-1, stageAt[st-1])
		}
	}
	if lookahead&(lookahead-1) != 0 {
		t.Fatalf("lookahead %d is not a power of two", lookahead)
	}
}
