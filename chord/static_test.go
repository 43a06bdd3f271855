package chord

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/chordsim/chordsim/sim"
)

// staticCase is one scenario for TestStaticEngineMatchesEvents.
type staticCase struct {
	n, m, virtual, retries, maxHops int
	routing                         Routing
	latency                         string
	rate                            float64 // lookups per simulated second
	lookups                         int
	gap, timeout                    sim.Duration // if set: lookups exactly gap apart; the RPC timeout
	unsorted                        bool         // swap every list's second and third entries (the engine's general path)
	base                            int          // finger base (0: the default, 2)
}

func (c staticCase) String() string {
	return fmt.Sprintf("n=%d/m=%d/v=%d/retries=%d/maxhops=%d/routing=%d/%s/rate=%g/gap=%v/lookups=%d/unsorted=%v/base=%d", c.n, c.m, c.virtual, c.retries, c.maxHops, c.routing, c.latency, c.rate, c.gap, c.lookups, c.unsorted, c.base)
}

// staticOutcome is everything a run reports: each lookup's result in tag
// order, the messages sent by kind, the events fired and the end time.
type staticOutcome struct {
	results []LookupResult
	sent    [numMsgKinds]uint64
	bytes   [numMsgKinds]uint64
	user    uint64 // bytes of user lookups
	events  uint64
	end     sim.Time
}

// issuer issues a scenario's lookups as experiments' workload does: a
// Poisson process whose every arrival draws an origin and a key, then the
// gap to the next, from one stream.
type issuer struct {
	ring  *Ring
	rng   *rand.Rand
	rate  float64
	total int
	fixed sim.Duration // if set, the gap between lookups
}

func (w *issuer) draw() (Handle, ID) {
	_, origin := w.ring.Oracle().At(w.rng.IntN(w.ring.Oracle().Len()))
	return origin, w.ring.Space().FromUint64(w.rng.Uint64())
}

func (w *issuer) gap() sim.Duration {
	if w.fixed > 0 {
		return w.fixed
	}
	return sim.Duration(w.rng.ExpFloat64() / w.rate * 1e9)
}

// eventIssuer drives the event path.
type eventIssuer struct {
	issuer
	sched  *sim.Scheduler
	owner  sim.OwnerID
	issued int
	done   bool
	res    []LookupResult
}

func (w *eventIssuer) Fire(*sim.Event) {
	origin, key := w.draw()
	w.ring.Lookup(origin, key, userTag(uint64(w.issued)))
	w.issued++
	if w.issued < w.total {
		w.sched.After(w.gap(), w.owner, 0, 0, 0)
	} else if w.ring.InFlight() == 0 {
		w.done = true
	}
}

func (w *eventIssuer) LookupDone(r *LookupResult) {
	w.res = append(w.res, *r)
	if w.issued == w.total && w.ring.InFlight() == 0 {
		w.done = true
	}
}

type staticCollector struct{ res []LookupResult }

func (c *staticCollector) LookupDone(r *LookupResult) { c.res = append(c.res, *r) }

func staticRing(t *testing.T, c staticCase, obs observer) (*Ring, *sim.Scheduler) {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Bits, cfg.VirtualNodes, cfg.LookupRetries, cfg.Routing = c.m, c.virtual, c.retries, c.routing
	cfg.StabilizeEvery, cfg.FixFingersEvery, cfg.CheckPredecessorEvery = 0, 0, 0
	if c.maxHops > 0 {
		cfg.MaxHops = c.maxHops
	}
	if c.base > 0 {
		cfg.Base = c.base
	}
	if c.timeout > 0 {
		cfg.RPCTimeout = c.timeout
	}
	lat, err := sim.ParseLatency(c.latency)
	if err != nil {
		t.Fatal(err)
	}
	s := sim.NewScheduler()
	r, err := newObserved(s, Options{Config: cfg, Seed: 11, UniformIDs: true,
		Net: sim.NetConfig{Latency: lat, Keyed: true}}, obs)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.BootstrapIdeal(c.n); err != nil {
		t.Fatal(err)
	}
	if c.unsorted {
		for h := range r.ids {
			l := r.succList(Handle(h))
			l[1], l[2] = l[2], l[1]
		}
		if r.successorListsSorted() {
			t.Fatal("swapped lists pass as clockwise")
		}
	}
	return r, s
}

func runStaticEvents(t *testing.T, c staticCase) staticOutcome {
	w := &eventIssuer{}
	r, s := staticRing(t, c, w)
	w.issuer = issuer{ring: r, rng: sim.Stream(3, "workload"), rate: c.rate, total: c.lookups, fixed: c.gap}
	w.sched, w.owner = s, s.Register(w)
	start := s.Now().Add(sim.Second)
	s.At(start, w.owner, 0, 0, 0)
	before := s.Fired()
	for !w.done {
		if !s.Step() {
			t.Fatal("ran out of events")
		}
	}
	return staticOutcome{results: byTag(w.res), sent: r.MessagesSent(), bytes: r.BytesSent(), user: r.LookupBytes(), events: s.Fired() - before, end: s.Now()}
}

func runStaticEngine(t *testing.T, c staticCase) staticOutcome {
	col := &staticCollector{}
	r, s := staticRing(t, c, col)
	w := issuer{ring: r, rng: sim.Stream(3, "workload"), rate: c.rate, total: c.lookups, fixed: c.gap}
	at, scheduled, issued := s.Now().Add(sim.Second), s.Now(), 0
	sum, err := r.RunStatic(func() (StaticLookup, bool) {
		if issued == w.total {
			return StaticLookup{}, false
		}
		origin, key := w.draw()
		l := StaticLookup{Origin: origin, Key: key, At: at, Scheduled: scheduled, Tag: userTag(uint64(issued))}
		issued++
		if issued < w.total {
			scheduled, at = at, at.Add(w.gap())
		}
		return l, true
	})
	if err != nil {
		t.Fatal(err)
	}
	return staticOutcome{results: byTag(col.res), sent: r.MessagesSent(), bytes: r.BytesSent(), user: r.LookupBytes(), events: sum.Events(), end: sum.End}
}

func byTag(rs []LookupResult) []LookupResult {
	out := slices.Clone(rs)
	slices.SortFunc(out, func(a, b LookupResult) int { return int(a.Tag.Op) - int(b.Tag.Op) })
	return out
}

// TestStaticEngineMatchesEvents runs each scenario on the event path and on
// the static engine, with the same seeds, and requires every lookup's
// result, the message counts, the number of events and the end time to be
// the same. The scenarios cover rings of 1 to 3,000 members (on the
// smallest most lookups end at their origin, sending nothing), m = 64, 40
// and 16, virtual nodes, both routings, successor lists in clockwise order
// (the engine's closestPrecedingSorted) and out of it, retries (each answer checked by a
// ping) and none, a hop limit that cuts lookups short, constant and uniform
// delays, and lookup rates from 20,000/s (thousands in flight) to 1/s (a
// request's timeout falls due between lookups).
func TestStaticEngineMatchesEvents(t *testing.T) {
	cases := []staticCase{
		{n: 3000, m: 64, virtual: 1, routing: FingersAndSuccessors, latency: "uniform:10ms,90ms", rate: 20000, lookups: 20000},
		{n: 3000, m: 64, virtual: 1, retries: 3, routing: FingersOnly, latency: "uniform:10ms,90ms", rate: 20000, lookups: 20000},
		{n: 3000, m: 64, virtual: 1, routing: FingersAndSuccessors, latency: "uniform:10ms,90ms", rate: 20000, lookups: 20000, unsorted: true},
		{n: 500, m: 40, virtual: 4, retries: 3, routing: FingersAndSuccessors, latency: "const:20ms", rate: 2000, lookups: 5000},
		{n: 700, m: 16, virtual: 1, routing: FingersOnly, latency: "uniform:0s,240ms", rate: 500, lookups: 3000},
		{n: 2000, m: 64, virtual: 1, maxHops: 2, routing: FingersOnly, latency: "lognormal:30ms,0", rate: 5000, lookups: 5000},
		{n: 64, m: 64, virtual: 1, retries: 1, routing: FingersAndSuccessors, latency: "uniform:1ms,3ms", rate: 1, lookups: 300},
		{n: 3, m: 8, virtual: 1, retries: 3, routing: FingersAndSuccessors, latency: "const:100ms", rate: 3, lookups: 400},
		{n: 2, m: 64, virtual: 1, routing: FingersOnly, latency: "uniform:10ms,90ms", rate: 1, lookups: 200},
		{n: 1, m: 64, virtual: 1, retries: 3, routing: FingersAndSuccessors, latency: "const:50ms", rate: 10, lookups: 100},
		// Base-b fingers (issue 19): the engine routes over the same tables.
		{n: 3000, m: 64, virtual: 1, routing: FingersAndSuccessors, latency: "uniform:10ms,90ms", rate: 20000, lookups: 20000, base: 4},
		{n: 2000, m: 40, virtual: 1, retries: 3, routing: FingersOnly, latency: "uniform:10ms,90ms", rate: 5000, lookups: 5000, base: 16, unsorted: true},
		{n: 500, m: 13, virtual: 2, routing: FingersOnly, latency: "const:20ms", rate: 2000, lookups: 3000, base: 8},
	}
	for _, c := range cases {
		t.Run(c.String(), func(t *testing.T) {
			ev := compareStatic(t, c)
			// The comparison means something only if lookups route.
			hops, limited := 0, 0
			for _, x := range ev.results {
				hops = max(hops, x.Hops)
				if x.Outcome == HopLimit {
					limited++
				}
			}
			if c.n >= 500 && c.maxHops == 0 && hops < 3 {
				t.Errorf("longest lookup %d hops: the scenario routes too little", hops)
			}
			if c.maxHops > 0 && limited == 0 {
				t.Errorf("no lookup reached the hop limit of %d", c.maxHops)
			}
		})
	}
}

// TestStaticEngineRefusesWhatItCannotRun checks that the engine runs only
// on a ring where no lookup can see a timeout or a change.
func TestStaticEngineRefusesWhatItCannotRun(t *testing.T) {
	base := staticCase{n: 50, m: 64, virtual: 1, routing: FingersAndSuccessors, latency: "uniform:10ms,90ms", rate: 100, lookups: 10}
	for _, tc := range []struct {
		name   string
		change func(*Ring)
		want   string
	}{
		{"stream delays", func(r *Ring) {
			r.tr.net = sim.NewNetwork[Msg](r.tr.sched, r, sim.NetConfig{Latency: r.tr.net.Config().Latency}, sim.Stream(1, "a"), sim.Stream(1, "b"))
		}, "stream"},
		{"loss", func(r *Ring) {
			r.tr.net = sim.NewNetwork[Msg](r.tr.sched, r, sim.NetConfig{Latency: r.tr.net.Config().Latency, Loss: 0.1, Keyed: true}, sim.Stream(1, "a"), sim.Stream(1, "b"))
		}, "lost"},
		{"unbounded latency", func(r *Ring) {
			r.tr.net = sim.NewNetwork[Msg](r.tr.sched, r, sim.NetConfig{Latency: sim.Latency{Kind: sim.Exponential, A: sim.Millisecond}, Keyed: true}, sim.Stream(1, "a"), sim.Stream(1, "b"))
		}, "no upper bound"},
		{"round trip as long as the timeout", func(r *Ring) { r.cfg.RPCTimeout = 180 * sim.Millisecond }, "not less than the RPC timeout"},
		{"recursive", func(r *Ring) { r.cfg.Lookup = Recursive }, "recursive"},
		{"maintenance", func(r *Ring) { r.cfg.StabilizeEvery = sim.Second }, "maintenance"},
		{"a layer that follows node state", func(r *Ring) { r.Attach(Hooks{StateChanged: func(Handle, State) {}}) }, "follows node state"},
		{"a failed node", func(r *Ring) {
			if err := r.Fail(7); err != nil {
				t.Fatal(err)
			}
		}, "not members"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := staticRing(t, base, nil)
			if err := r.StaticReady(); err != nil {
				t.Fatalf("the base ring is refused: %v", err)
			}
			tc.change(r)
			err := r.StaticReady()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("StaticReady = %v, want an error about %q", err, tc.want)
			}
			if _, err := r.RunStatic(func() (StaticLookup, bool) { return StaticLookup{}, false }); err == nil {
				t.Fatal("RunStatic ran on a ring StaticReady refuses")
			}
		})
	}
}

// compareStatic runs scenario c on the event path and on the engine and
// fails t where they differ; it returns the event path's outcome.
func compareStatic(t *testing.T, c staticCase) staticOutcome {
	t.Helper()
	ev := runStaticEvents(t, c)
	st := runStaticEngine(t, c)
	if len(ev.results) != c.lookups || len(st.results) != c.lookups {
		t.Fatalf("%v: results: %d on the event path, %d on the engine, want %d", c, len(ev.results), len(st.results), c.lookups)
	}
	for i := range ev.results {
		if ev.results[i] != st.results[i] {
			t.Fatalf("%v: lookup %d differs:\nevents: %+v\nengine: %+v", c, i, ev.results[i], st.results[i])
		}
	}
	if ev.sent != st.sent {
		t.Fatalf("%v: messages by kind: events %v, engine %v", c, ev.sent, st.sent)
	}
	if ev.bytes != st.bytes || ev.user != st.user {
		t.Fatalf("%v: bytes by kind: events %v (lookups %d), engine %v (lookups %d)", c, ev.bytes, ev.user, st.bytes, st.user)
	}
	if ev.events != st.events || ev.end != st.end {
		t.Fatalf("%v: events %d ending at %v on the event path, %d ending at %v on the engine", c, ev.events, ev.end, st.events, st.end)
	}
	return ev
}

// TestStaticEngineTiesOnAGrid compares the engine with the event path
// where events coincide to the nanosecond: lookups exactly a multiple of
// the (constant) delay apart, and timeouts a multiple of it or one
// nanosecond more, on rings of 1 to 9 nodes, where many lookups end at
// their origin at once. Which timeouts fire before the run's last event,
// and which event is last, then depend on the order in which events of
// the same instant fire (the order they were scheduled in). 3,000 random
// scenarios.
func TestStaticEngineTiesOnAGrid(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	tied := 0
	for range 3000 {
		a := sim.Duration(50*(1+rng.IntN(3))) * sim.Millisecond
		c := staticCase{
			n: []int{1, 2, 3, 5, 9}[rng.IntN(5)], m: 64, virtual: 1,
			retries: []int{0, 3}[rng.IntN(2)], routing: Routing(rng.IntN(2)),
			latency: "const:" + a.String(), lookups: 1 + rng.IntN(30),
			gap:     a * sim.Duration(1+rng.IntN(8)),
			timeout: max(a*sim.Duration(2+rng.IntN(6))+sim.Duration(rng.IntN(2)), 2*a+1),
		}
		ev := compareStatic(t, c)
		if (ev.end-sim.Time(sim.Second)-sim.Time(c.timeout))%sim.Time(a) == 0 { // lookups start at 1 s
			tied++
		}
	}
	// Most runs must have a timeout that can fall due exactly at the end.
	t.Logf("%d runs tied", tied)
	if tied < 1000 {
		t.Fatalf("only %d of 3000 runs end on the grid of send times", tied)
	}
}

// closestPrecedingSorted must name the node closestPreceding names, on every
// ideal ring whose lists run clockwise, for keys anywhere and keys at and
// beside the identifiers a node's choice turns on (its own, its
// successors', its fingers'), and must place that node within a prefix
// block before its identifier. Rings of 2 to 2,000 nodes (lists that end
// in None, lists that wrap the whole ring), m from 6 to 64, r from 1 to
// 16, on the fast paths and the plain ones (where every finger's
// identifier is read).
func TestClosestPrecedingSortedMatches(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	checked := 0
	for _, m := range []int{6, 16, 33, 40, 64} {
		for _, n := range []int{2, 3, 17, 60, 2000} {
			for _, R := range []int{1, 4, 16} {
				for _, reference := range []bool{false, true} {
					if float64(n) > 0.9*float64(uint64(1)<<min(m, 63)) {
						continue
					}
					cfg := DefaultConfig()
					cfg.Bits, cfg.Successors = m, R
					cfg.StabilizeEvery, cfg.FixFingersEvery, cfg.CheckPredecessorEvery = 0, 0, 0
					r, err := New(sim.NewScheduler(), Options{Config: cfg, Seed: uint64(m*n + R), UniformIDs: true, reference: reference})
					if err != nil {
						t.Fatal(err)
					}
					if err := r.BootstrapIdeal(n); err != nil {
						t.Fatal(err)
					}
					if !r.successorListsSorted() {
						t.Fatalf("m=%d n=%d r=%d: an ideal ring's lists do not run clockwise", m, n, R)
					}
					for range min(n, 200) {
						h := Handle(rng.IntN(n))
						var near []ID
						for _, x := range r.succList(h) {
							if x != None {
								near = append(near, r.ids[x])
							}
						}
						for _, e := range r.fingerTable(h) {
							if e.h != None {
								near = append(near, r.ids[e.h])
							}
						}
						near = append(near, r.ids[h])
						keys := []ID{r.space.FromUint64(rng.Uint64())}
						for range 4 {
							id := near[rng.IntN(len(near))]
							keys = append(keys, id, r.space.Add(id, 1), r.space.Add(id, r.space.mask))
						}
						for _, key := range keys {
							want := r.closestPreceding(h, key, nil)
							got, at := r.closestPrecedingSorted(h, key)
							if got != want {
								t.Fatalf("m=%d n=%d r=%d reference=%v: node %d, key %#x: sorted path names %d, closestPreceding %d", m, n, R, reference, h, key, got, want)
							}
							if d := r.space.Dist(at, r.ids[got]); d > 1<<r.hiShift-1 {
								t.Fatalf("m=%d n=%d: node %d placed at %#x, %d before its identifier %#x", m, n, got, at, d, r.ids[got])
							}
							checked++
						}
					}
				}
			}
		}
	}
	t.Logf("%d choices compared", checked)
}

// successorListsSorted holds on an ideal ring of two or more nodes and
// fails on a one-node ring (whose list holds the node itself), on a list
// with two entries out of order, and on a list with an entry after a None.
func TestSuccessorListsSorted(t *testing.T) {
	build := func(n int) *Ring {
		r, _ := staticRing(t, staticCase{n: n, m: 64, virtual: 1, routing: FingersAndSuccessors, latency: "const:1ms"}, nil)
		return r
	}
	if r := build(40); !r.successorListsSorted() {
		t.Fatal("an ideal ring of 40 nodes: lists do not run clockwise")
	}
	if r := build(1); r.successorListsSorted() {
		t.Fatal("a one-node ring's list (the node itself) passes as clockwise")
	}
	r := build(40)
	l := r.succList(17)
	l[2], l[3] = l[3], l[2]
	if r.successorListsSorted() {
		t.Fatal("a list with two entries swapped passes as clockwise")
	}
	r = build(5) // lists of 4 nodes, then None
	l = r.succList(3)
	if l[4] != None || l[5] != None {
		t.Fatalf("list %v: want None after 4 entries", l)
	}
	l[5] = l[0]
	if r.successorListsSorted() {
		t.Fatal("a list with an entry after a None passes as clockwise")
	}
}
