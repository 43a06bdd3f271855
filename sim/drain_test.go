package sim

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func mustDrain(t testing.TB, s string) Drain {
	t.Helper()
	d, err := ParseDrain(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// bruteDrains lists endpoint e's drain instants from start up to horizon
// by summing the gaps one by one: the oracle for the lazy cursor.
func bruteDrains(d Drain, salt uint64, e Endpoint, start, horizon Time) []Time {
	var ts []Time
	for t, k := start, uint64(0); t <= horizon; k++ {
		ts = append(ts, t)
		t = t.Add(d.Gap(salt, e, k))
	}
	return ts
}

// TestDrainCursorMatchesBruteForce asks the lazy cursor for the first drain
// at or after random nondecreasing instants (ties included) and compares
// with a linear search of the brute-force list, for several period models.
func TestDrainCursorMatchesBruteForce(t *testing.T) {
	rng := Stream(3, "drain-oracle")
	for _, spec := range []string{"uniform:250ms,750ms", "const:500ms", "exp:500ms", "lognormal:400ms,0.5", "uniform:1ms,3ms"} {
		d := mustDrain(t, spec)
		for e := Endpoint(0); e < 4; e++ {
			start := Time(rng.Int64N(int64(Second)))
			horizon := start.Add(120 * Second)
			want := bruteDrains(d, 99, e, start, horizon+Time(Hour)) // past horizon: every query has an answer
			c := drainCursor{t: start, started: true}
			q := start
			for i := 0; i < 2000 && q < horizon; i++ {
				if rng.IntN(4) != 0 { // a quarter of the queries repeat the last instant
					q = q.Add(Duration(rng.Int64N(int64(200 * Millisecond))))
				}
				got := c.next(d, 99, e, q)
				j, _ := slices.BinarySearch(want, q)
				if got != want[j] {
					t.Fatalf("%s endpoint %d: first drain at or after %v is %v, want %v", spec, e, q, got, want[j])
				}
			}
		}
	}
}

// TestDrainGaps checks the gaps' distribution: uniform:250ms,750ms (T03's
// queue) draws every gap in the range, with the mean 500 ms within five
// standard errors (the standard deviation of U[250, 750] ms is 144 ms),
// and different endpoints and salts give different sequences.
func TestDrainGaps(t *testing.T) {
	d := mustDrain(t, "uniform:250ms,750ms")
	const n = 100000
	var sum float64
	for k := uint64(0); k < n; k++ {
		g := d.Gap(7, 3, k)
		if g < 250*Millisecond || g > 750*Millisecond {
			t.Fatalf("gap %d is %v, outside [250ms, 750ms]", k, g)
		}
		sum += g.Milliseconds()
	}
	mean := sum / n
	if se := 500 / math.Sqrt(12) / math.Sqrt(n); math.Abs(mean-500) > 5*se {
		t.Fatalf("mean gap %.3f ms, want 500 ± %.3f", mean, 5*se)
	}
	same := 0
	for k := uint64(0); k < 100; k++ {
		if d.Gap(7, 3, k) == d.Gap(7, 4, k) || d.Gap(7, 3, k) == d.Gap(8, 3, k) {
			same++
		}
	}
	if same > 2 {
		t.Fatalf("%d of 100 gaps equal across endpoints or salts; the key ignores them", same)
	}
}

func TestParseDrain(t *testing.T) {
	for _, c := range []struct {
		in, out, err string
	}{
		{"off", "off", ""},
		{"uniform:250ms,750ms", "uniform:250ms,750ms", ""},
		{"const:500ms", "const:500ms", ""},
		{"exp:1ms", "exp:1ms", ""},
		{"const:0s", "", "below 1ms"},
		{"uniform:0s,1ms", "", "below 1ms"},
		{"uniform:750ms,250ms", "", "write the smaller bound first"},
		{"500ms", "", "or off"},
		{"fast", "", "or off"},
	} {
		d, err := ParseDrain(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ParseDrain(%q) error %v, want one containing %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || d.String() != c.out {
			t.Errorf("ParseDrain(%q) = %v, %v; want %s", c.in, d, err, c.out)
		}
		var back Drain
		if err := back.UnmarshalText([]byte(d.String())); err != nil || back != d {
			t.Errorf("%q does not round-trip: %v, %v", c.in, back, err)
		}
	}
}

// drainNet is newTestNet with a queue at every node.
func drainNet(t *testing.T, lat, drain string, salt uint64) (*host, *Network[pmsg], *Scheduler) {
	s := NewScheduler()
	l, err := ParseLatency(lat)
	if err != nil {
		t.Fatal(err)
	}
	h := &host{s: s, answer: true}
	n := NewNetwork[pmsg](s, h, NetConfig{Latency: l, Drain: mustDrain(t, drain), DrainSalt: salt}, Stream(1, "latency"), Stream(1, "loss"))
	h.net = n
	n.SetAlive(0, true)
	n.SetAlive(1, true)
	return h, n, s
}

// TestDrainDelaysRequestAndReply: a request arriving at 10 ms waits for
// the receiver's next drain; its reply waits for the requester's. Both
// endpoints came up at 0, so their first drains are at 0 and the next
// ones follow the brute-force lists.
func TestDrainDelaysRequestAndReply(t *testing.T) {
	d := mustDrain(t, "uniform:250ms,750ms")
	h, n, s := drainNet(t, "const:10ms", "uniform:250ms,750ms", 5)
	slot, _ := n.NewMessage()
	n.Request(slot, 0, 1, 10*Second, 1)
	s.Run()
	first := func(e Endpoint, at Time) Time {
		ts := bruteDrains(d, 5, e, 0, at+Time(Second))
		j, _ := slices.BinarySearch(ts, at)
		return ts[j]
	}
	deliver := first(1, Time(10*Millisecond))
	response := first(0, deliver.Add(10*Millisecond))
	if len(h.at) != 2 || h.at[0] != deliver || h.at[1] != response {
		t.Fatalf("handled at %v, want the request at %v and the response at %v", h.at, deliver, response)
	}
	if deliver < Time(250*Millisecond) {
		t.Fatalf("request handled at %v, before the receiver's second drain could be", deliver)
	}
}

// TestDrainDepartedReceiver: the receiver goes down after the request
// arrived but before its next drain. The request is dropped as at a dead
// endpoint, and the requester hears the timeout. Off, the same schedule
// delivers it.
func TestDrainDepartedReceiver(t *testing.T) {
	for _, drain := range []string{"const:500ms", "off"} {
		h, n, s := drainNet(t, "const:10ms", drain, 1)
		slot, _ := n.NewMessage()
		n.Request(slot, 0, 1, 2*Second, 9) // arrives at 10ms; drains of 1 at 0, 500ms, ...
		s.RunUntil(Time(100 * Millisecond))
		n.SetAlive(1, false)
		s.Run()
		if drain == "off" {
			if len(h.delivered) != 1 || len(h.timeouts) != 0 {
				t.Fatalf("off: delivered %v timeouts %v; want the request delivered at 10ms", h.delivered, h.timeouts)
			}
			continue
		}
		if len(h.delivered) != 0 || len(h.timeouts) != 1 || n.Stats().DroppedDead != 1 {
			t.Fatalf("delivered %v timeouts %v stats %+v; want the queued request dropped and one timeout", h.delivered, h.timeouts, n.Stats())
		}
	}
}

// TestDrainKeepsArrivalOrder: two one-way messages reach endpoint 1 in the
// opposite order to the one they were sent in; drained together, they are
// handled in arrival order, at the same instant.
func TestDrainKeepsArrivalOrder(t *testing.T) {
	s := NewScheduler()
	var got []int
	var at []Time
	rec := &drainRecorder{on: func(m *pmsg) { got = append(got, m.v); at = append(at, s.Now()) }}
	n := NewNetwork[pmsg](s, rec, NetConfig{Latency: Latency{Kind: Uniform, A: 0, B: 400 * Millisecond}, Keyed: true, Drain: mustDrain(t, "const:500ms")}, Stream(2, "l"), Stream(2, "x"))
	n.SetAlive(0, true)
	n.SetAlive(1, true)
	// Find two send instants whose keyed delays put the later message first.
	var t1, t2 Time
	for t1 = Time(Millisecond); ; t1 += Time(Millisecond) {
		t2 = t1 + Time(Millisecond)
		if t2.Add(n.KeyedDelay(0, 1, t2, false)) < t1.Add(n.KeyedDelay(0, 1, t1, false)) && t1.Add(n.KeyedDelay(0, 1, t1, false)) < Time(500*Millisecond) {
			break
		}
	}
	s.RunUntil(t1)
	slot, p := n.NewMessage()
	p.v = 1
	n.Send(slot, 0, 1)
	s.RunUntil(t2)
	slot, p = n.NewMessage()
	p.v = 2
	n.Send(slot, 0, 1)
	s.Run()
	if !slices.Equal(got, []int{2, 1}) || at[0] != Time(500*Millisecond) || at[1] != at[0] {
		t.Fatalf("handled %v at %v; want [2 1] (arrival order), both at the 500ms drain", got, at)
	}
}

type drainRecorder struct{ on func(*pmsg) }

func (r *drainRecorder) Deliver(to, from Endpoint, m *pmsg, req Request) { r.on(m) }
func (r *drainRecorder) Response(to, from Endpoint, m *pmsg, c uint64)   { r.on(m) }
func (r *drainRecorder) Timeout(q, p Endpoint, c uint64)                 {}

// TestDrainDeterministic: the same salt gives the same handling times,
// another salt other ones.
func TestDrainDeterministic(t *testing.T) {
	times := func(salt uint64) []Time {
		h, n, s := drainNet(t, "exp:50ms", "uniform:250ms,750ms", salt)
		for i := 0; i < 50; i++ {
			slot, _ := n.NewMessage()
			n.Request(slot, Endpoint(i%2), Endpoint(1-i%2), 10*Second, uint64(i))
		}
		s.Run()
		return h.at
	}
	a, b, c := times(1), times(1), times(2)
	if !slices.Equal(a, b) {
		t.Fatal("the same salt gave different handling times")
	}
	if slices.Equal(a, c) {
		t.Fatal("another salt gave the same handling times")
	}
}

// slowEcho is echo with a timeout longer than any round trip through two
// queues, so that every exchange stays in flight forever.
type slowEcho struct {
	net       *Network[pmsg]
	responses int
}

func (e *slowEcho) Deliver(to, from Endpoint, m *pmsg, req Request) {
	slot, p := e.net.NewMessage()
	p.v = m.v
	e.net.Reply(slot, to, req)
}
func (e *slowEcho) Response(to, from Endpoint, m *pmsg, c uint64) {
	e.responses++
	slot, p := e.net.NewMessage()
	p.v = m.v + 1
	e.net.Request(slot, to, from, 10*Second, c)
}
func (e *slowEcho) Timeout(r, p Endpoint, c uint64) {}

func newDrainEcho(tb testing.TB, inflight int) (*Scheduler, *slowEcho) {
	s := NewScheduler()
	l, _ := ParseLatency("exp:50ms")
	e := &slowEcho{}
	n := NewNetwork[pmsg](s, e, NetConfig{Latency: l, Drain: mustDrain(tb, "uniform:250ms,750ms"), DrainSalt: 3}, Stream(1, "l"), Stream(1, "x"))
	e.net = n
	n.SetAlive(0, true)
	n.SetAlive(1, true)
	for i := 0; i < inflight; i++ {
		slot, _ := n.NewMessage()
		n.Request(slot, 0, 1, 10*Second, uint64(i))
	}
	// Past the 10 s deadlines of the first requests: from then on as many
	// lazily cancelled deadlines fire as are set, and the queue stops growing.
	s.RunUntil(Time(30 * Second))
	return s, e
}

func TestDrainSteadyStateAllocatesNothing(t *testing.T) {
	s, e := newDrainEcho(t, 100)
	before := e.responses
	if a := testing.AllocsPerRun(20000, func() {
		if !s.Step() {
			t.Fatal("the exchanges died out")
		}
	}); a != 0 {
		t.Fatalf("network with a drain allocates %v per event, want 0", a)
	}
	if e.responses-before < 2000 {
		t.Fatalf("only %d responses in 20,000 events: the exchanges are not in flight", e.responses-before)
	}
}

// BenchmarkNetworkRPCDrain is BenchmarkNetworkRPC with T03's queue at
// both endpoints: each message costs a second event (its drain).
func BenchmarkNetworkRPCDrain(b *testing.B) {
	s, _ := newDrainEcho(b, 1000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if !s.Step() {
			b.Fatal("the exchanges died out")
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
