package sim_test

import (
	"fmt"

	"github.com/chordsim/chordsim/sim"
)

// clock prints the events it scheduled when they fire.
type clock struct{ s *sim.Scheduler }

func (c clock) Fire(ev *sim.Event) { fmt.Printf("t=%v event %d\n", ev.At, ev.Arg) }

// Events fire in time order; two events at the same instant fire in the
// order they were scheduled, whatever the queue's layout, which is what
// makes a run reproducible.
func ExampleScheduler() {
	s := sim.NewScheduler()
	c := s.Register(clock{s})
	s.At(sim.Time(2*sim.Second), c, 0, 0, 1)
	s.At(sim.Time(sim.Second), c, 0, 0, 2)
	s.At(sim.Time(2*sim.Second), c, 0, 0, 3) // ties with event 1: fires after it
	s.Run()
	fmt.Println("now", s.Now(), "fired", s.Fired())
	// Output:
	// t=1s event 2
	// t=2s event 1
	// t=2s event 3
	// now 2s fired 3
}

// host answers every request with the same message and prints what
// reaches it.
type host struct {
	s   *sim.Scheduler
	net *sim.Network[string]
}

func (h *host) Deliver(to, from sim.Endpoint, msg *string, req sim.Request) {
	fmt.Printf("t=%v %d got %q from %d\n", h.s.Now(), to, *msg, from)
	slot, p := h.net.NewMessage()
	*p = "pong"
	h.net.Reply(slot, to, req)
}

func (h *host) Response(to, from sim.Endpoint, msg *string, cookie uint64) {
	fmt.Printf("t=%v %d got %q from %d (request %d)\n", h.s.Now(), to, *msg, from, cookie)
}

func (h *host) Timeout(requester, peer sim.Endpoint, cookie uint64) {
	fmt.Printf("t=%v %d: request %d to %d timed out\n", h.s.Now(), requester, cookie, peer)
}

// A request to a live endpoint is answered after two one-way delays; one
// to a dead endpoint times out, which is how a Chord node learns that a
// peer has failed.
func ExampleNetwork() {
	s := sim.NewScheduler()
	h := &host{s: s}
	lat, _ := sim.ParseLatency("const:10ms")
	h.net = sim.NewNetwork[string](s, h, sim.NetConfig{Latency: lat}, sim.Stream(1, "latency"), sim.Stream(1, "loss"))
	for e := sim.Endpoint(0); e < 3; e++ {
		h.net.SetAlive(e, e != 2) // endpoint 2 is down
	}
	for i, to := range []sim.Endpoint{1, 2} {
		slot, p := h.net.NewMessage()
		*p = "ping"
		h.net.Request(slot, 0, to, 500*sim.Millisecond, uint64(i))
	}
	s.Run()
	// Output:
	// t=10ms 1 got "ping" from 0
	// t=20ms 0 got "pong" from 1 (request 0)
	// t=500ms 0: request 1 to 2 timed out
}

// Latency models are written as kind:parameters, in configs and flags. A
// lognormal's mean is its median·e^(σ²/2), here 40ms·e^0.125.
func ExampleParseLatency() {
	for _, text := range []string{"uniform:10ms,90ms", "exp:50ms", "lognormal:40ms,0.5", "uniform:90ms,10ms"} {
		l, err := sim.ParseLatency(text)
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		if worst, bounded := l.Max(); bounded {
			fmt.Printf("%s: mean %v, at most %v\n", l, l.Mean(), worst)
		} else {
			fmt.Printf("%s: mean %v, unbounded\n", l, l.Mean())
		}
	}
	// Output:
	// uniform:10ms,90ms: mean 50ms, at most 90ms
	// exp:50ms: mean 50ms, unbounded
	// lognormal:40ms,0.5: mean 45.325938ms, unbounded
	// error: latency "uniform:90ms,10ms": uniform range is empty (min 90ms > max 10ms); write the smaller bound first
}

// A stream is named for its purpose and derived from the master seed, so
// the same names give the same draws and another name independent ones:
// turning on churn does not move the nodes' identifiers.
func ExampleStream() {
	a, b := sim.Stream(42, "ids"), sim.Stream(42, "ids")
	c := sim.Stream(42, "churn", "poisson")
	x, y, z := a.Uint64(), b.Uint64(), c.Uint64()
	fmt.Println(x == y, x == z)
	// Output:
	// true false
}

// ParseSpec is the split that latency models and churn distributions
// share; each gives the kind and parameters their meaning.
func ExampleParseSpec() {
	kind, params, ok := sim.ParseSpec(" pareto: 1h , 1.5 ")
	fmt.Printf("%q %q %v\n", kind, params, ok)
	_, _, ok = sim.ParseSpec("50ms")
	fmt.Println(ok)
	// Output:
	// "pareto" ["1h" "1.5"] true
	// false
}
