package sim

import (
	"math"
	"testing"
)

type pmsg struct{ v int }

type host struct {
	net       *Network[pmsg]
	s         *Scheduler
	delivered []string
	responses []uint64
	timeouts  []uint64
	answer    bool
	at        []Time
}

func (h *host) Deliver(to, from Endpoint, m *pmsg, req Request) {
	h.delivered = append(h.delivered, "deliver")
	h.at = append(h.at, h.s.Now())
	if req.Valid() && h.answer {
		slot, p := h.net.NewMessage()
		p.v = m.v * 10
		h.net.Reply(slot, to, req)
	}
}

func (h *host) Response(to, from Endpoint, m *pmsg, cookie uint64) {
	h.responses = append(h.responses, cookie)
	h.at = append(h.at, h.s.Now())
}

func (h *host) Timeout(req, peer Endpoint, cookie uint64) {
	h.timeouts = append(h.timeouts, cookie)
	h.at = append(h.at, h.s.Now())
}

func newTestNet(lat string, loss float64) (*host, *Network[pmsg], *Scheduler) {
	s := NewScheduler()
	l, err := ParseLatency(lat)
	if err != nil {
		panic(err)
	}
	h := &host{s: s, answer: true}
	n := NewNetwork[pmsg](s, h, NetConfig{Latency: l, Loss: loss}, Stream(1, "latency"), Stream(1, "loss"))
	h.net = n
	n.SetAlive(0, true)
	n.SetAlive(1, true)
	return h, n, s
}

func TestRequestResponseCancelsTimeout(t *testing.T) {
	h, n, s := newTestNet("const:10ms", 0)
	slot, p := n.NewMessage()
	p.v = 4
	n.Request(slot, 0, 1, 500*Millisecond, 77)
	s.Run()
	if len(h.responses) != 1 || h.responses[0] != 77 || len(h.timeouts) != 0 {
		t.Fatalf("responses %v timeouts %v; want one response with cookie 77 and no timeout", h.responses, h.timeouts)
	}
	if h.at[1] != Time(20*Millisecond) {
		t.Fatalf("response arrived at %v, want 20ms (two one-way delays)", h.at[1])
	}
	if st := n.Stats(); st.Sent != 2 || st.Delivered != 2 || st.Timeouts != 0 {
		t.Fatalf("stats %+v", st)
	}
}

func TestRequestToDeadEndpointTimesOut(t *testing.T) {
	h, n, s := newTestNet("const:10ms", 0)
	n.SetAlive(1, false)
	slot, _ := n.NewMessage()
	n.Request(slot, 0, 1, 500*Millisecond, 5)
	s.Run()
	if len(h.delivered) != 0 || len(h.timeouts) != 1 || h.timeouts[0] != 5 {
		t.Fatalf("delivered %v timeouts %v", h.delivered, h.timeouts)
	}
	if h.at[0] != Time(500*Millisecond) {
		t.Fatalf("timeout at %v, want 500ms", h.at[0])
	}
	if st := n.Stats(); st.DroppedDead != 1 {
		t.Fatalf("stats %+v: want one message dropped at a dead endpoint", st)
	}
}

func TestLateResponseIsDropped(t *testing.T) {
	h, n, s := newTestNet("const:300ms", 0)
	slot, _ := n.NewMessage()
	n.Request(slot, 0, 1, 500*Millisecond, 9) // the answer would come at 600ms
	s.Run()
	if len(h.responses) != 0 || len(h.timeouts) != 1 {
		t.Fatalf("responses %v timeouts %v; want only the timeout", h.responses, h.timeouts)
	}
}

func TestEndpointDyingWhileMessageInFlight(t *testing.T) {
	h, n, s := newTestNet("const:10ms", 0)
	slot, _ := n.NewMessage()
	n.Send(slot, 0, 1)
	s.RunUntil(Time(5 * Millisecond))
	n.SetAlive(1, false)
	s.Run()
	if len(h.delivered) != 0 {
		t.Fatal("a message reached an endpoint that died before it arrived")
	}
}

func TestLossRate(t *testing.T) {
	h, n, s := newTestNet("const:1ms", 0.25)
	h.answer = false
	const sends = 40_000
	for i := 0; i < sends; i++ {
		slot, _ := n.NewMessage()
		n.Send(slot, 0, 1)
	}
	s.Run()
	got := float64(len(h.delivered)) / sends
	sd := math.Sqrt(0.25 * 0.75 / sends)
	if math.Abs(got-0.75) > 4*sd {
		t.Fatalf("delivered fraction %.4f, want 0.75 ± %.4f", got, 4*sd)
	}
	if st := n.Stats(); st.DroppedLoss+st.Delivered != sends {
		t.Fatalf("stats %+v do not add up to %d", st, sends)
	}
}

// Replying to one request twice, or after it timed out, must not reach the
// requester twice.
func TestAtMostOneAnswerPerRequest(t *testing.T) {
	s := NewScheduler()
	h := &twiceHost{s: s}
	n := NewNetwork[pmsg](s, h, NetConfig{Latency: Latency{Kind: Constant, A: Millisecond}}, Stream(1, "l"), Stream(1, "x"))
	h.net = n
	n.SetAlive(0, true)
	n.SetAlive(1, true)
	slot, _ := n.NewMessage()
	n.Request(slot, 0, 1, Second, 1)
	s.Run()
	if h.responses != 1 || h.timeouts != 0 {
		t.Fatalf("responses %d timeouts %d, want 1 and 0", h.responses, h.timeouts)
	}
}

type twiceHost struct {
	s                   *Scheduler
	net                 *Network[pmsg]
	responses, timeouts int
}

func (h *twiceHost) Deliver(to, from Endpoint, m *pmsg, req Request) {
	for i := 0; i < 2; i++ {
		slot, _ := h.net.NewMessage()
		h.net.Reply(slot, to, req)
	}
}
func (h *twiceHost) Response(to, from Endpoint, m *pmsg, c uint64) { h.responses++ }
func (h *twiceHost) Timeout(r, p Endpoint, c uint64)               { h.timeouts++ }

// echo answers every request, so a request/response pair keeps one exchange
// in flight forever: the network's steady state.
type echo struct {
	net *Network[pmsg]
}

func (e *echo) Deliver(to, from Endpoint, m *pmsg, req Request) {
	slot, p := e.net.NewMessage()
	p.v = m.v
	e.net.Reply(slot, to, req)
}
func (e *echo) Response(to, from Endpoint, m *pmsg, c uint64) {
	slot, p := e.net.NewMessage()
	p.v = m.v + 1
	e.net.Request(slot, to, from, Second, c)
}
func (e *echo) Timeout(r, p Endpoint, c uint64) {}

func newEcho(inflight int) *Scheduler {
	s := NewScheduler()
	l, _ := ParseLatency("exp:50ms")
	e := &echo{}
	n := NewNetwork[pmsg](s, e, NetConfig{Latency: l}, Stream(1, "l"), Stream(1, "x"))
	e.net = n
	n.SetAlive(0, true)
	n.SetAlive(1, true)
	for i := 0; i < inflight; i++ {
		slot, _ := n.NewMessage()
		n.Request(slot, 0, 1, Second, uint64(i))
	}
	for i := 0; i < 10*inflight; i++ {
		s.Step()
	}
	return s
}

func TestNetworkSteadyStateAllocatesNothing(t *testing.T) {
	s := newEcho(100)
	if a := testing.AllocsPerRun(20000, func() { s.Step() }); a != 0 {
		t.Fatalf("network steady state allocates %v per event, want 0", a)
	}
}

// BenchmarkNetworkRPC measures events (deliveries and lazily cancelled
// deadlines) of request/response traffic with exponential latency.
func BenchmarkNetworkRPC(b *testing.B) {
	s := newEcho(1000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.Step()
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// TestAliveMatchesFlags checks Alive's shortcut (no flag read while every
// endpoint is up) against the flags themselves, over random sequences of
// SetAlive that grow the table, kill, revive and repeat settings.
func TestAliveMatchesFlags(t *testing.T) {
	rng := Stream(7, "alive")
	for run := 0; run < 200; run++ {
		_, n, _ := newTestNet("const:1ms", 0)
		want := map[Endpoint]bool{0: true, 1: true}
		for step := 0; step < 60; step++ {
			e := Endpoint(rng.IntN(12))
			up := rng.IntN(3) != 0
			n.SetAlive(e, up)
			want[e] = up
			for x := Endpoint(-1); x < 14; x++ {
				if got := n.Alive(x); got != want[x] {
					t.Fatalf("run %d step %d: Alive(%d) = %v, want %v", run, step, x, got, want[x])
				}
			}
		}
	}
}
