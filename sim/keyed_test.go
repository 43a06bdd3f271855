package sim

import (
	"math"
	"slices"
	"testing"
)

// SampleKeyed draws from the configured distribution: over 200,000 keys
// the mean (and for the lognormal the median) is within 1% of the
// distribution's, every delay is within the bounds Max reports, and a
// uniform's draws cover its range.
func TestSampleKeyedFollowsTheDistribution(t *testing.T) {
	for _, tc := range []struct {
		lat    string
		median float64 // ns; 0: not checked
	}{
		{"const:50ms", 0}, {"uniform:10ms,90ms", 0}, {"uniform:0s,3ns", 0}, {"exp:50ms", 0},
		{"lognormal:40ms,0.6", 40e6}, {"lognormal:40ms,0", 40e6},
	} {
		l, err := ParseLatency(tc.lat)
		if err != nil {
			t.Fatal(err)
		}
		const n = 200_000
		xs := make([]float64, n)
		sum := 0.0
		worst, bounded := l.Max()
		for i := range n {
			d := l.SampleKeyed(Mix64(uint64(i) + 12345))
			if d < 0 || (bounded && d > worst) {
				t.Fatalf("%s: delay %v outside [0, %v]", tc.lat, d, worst)
			}
			xs[i] = float64(d)
			sum += float64(d)
		}
		if mean, want := sum/n, float64(l.Mean()); math.Abs(mean-want) > 0.01*want+0.5 {
			t.Errorf("%s: mean %.4g ns, want %.4g", tc.lat, mean, want)
		}
		slices.Sort(xs)
		if tc.median > 0 && math.Abs(xs[n/2]-tc.median) > 0.01*tc.median {
			t.Errorf("%s: median %.4g ns, want %.4g", tc.lat, xs[n/2], tc.median)
		}
		if l.Kind == Uniform && (xs[0] != float64(l.A) || xs[n-1] != float64(l.B)) && l.B-l.A < 10 {
			t.Errorf("%s: draws span [%v, %v], not the whole range", tc.lat, xs[0], xs[n-1])
		}
	}
}

// A keyed network gives a message the same delay whatever else is sent and
// in whatever order, and KeyedDelay predicts it; a reply on the same link
// at the same time gets a different delay from a request.
func TestKeyedDelaysDoNotDependOnOrder(t *testing.T) {
	lat, _ := ParseLatency("uniform:10ms,90ms")
	n := NewNetwork[pmsg](NewScheduler(), &arrivalLog{}, NetConfig{Latency: lat, Keyed: true}, Stream(1, "latency"), Stream(1, "loss"))
	// Delays are those KeyedDelay names, message by message, whatever the
	// order: send to 1..7 forwards and backwards and compare arrival times.
	arrivals := func(order []Endpoint) map[Endpoint]Time {
		s := NewScheduler()
		r := &arrivalLog{s: s, at: map[Endpoint]Time{}}
		n := NewNetwork[pmsg](s, r, NetConfig{Latency: lat, Keyed: true}, Stream(1, "latency"), Stream(1, "loss"))
		for e := range Endpoint(8) {
			n.SetAlive(e, true)
		}
		for _, to := range order {
			slot, _ := n.NewMessage()
			n.Send(slot, 0, to)
		}
		s.Run()
		return r.at
	}
	fwd := arrivals([]Endpoint{1, 2, 3, 4, 5, 6, 7})
	bwd := arrivals([]Endpoint{7, 6, 5, 4, 3, 2, 1})
	for to := Endpoint(1); to < 8; to++ {
		want := Time(0).Add(n.KeyedDelay(0, to, 0, false))
		if fwd[to] != want || bwd[to] != want {
			t.Errorf("message to %d arrived at %v and %v, KeyedDelay says %v", to, fwd[to], bwd[to], want)
		}
	}
	if n.KeyedDelay(0, 1, 0, false) == n.KeyedDelay(0, 1, 0, true) && n.KeyedDelay(0, 2, 0, false) == n.KeyedDelay(0, 2, 0, true) {
		t.Error("replies get the delays of requests")
	}
}

type arrivalLog struct {
	s  *Scheduler
	at map[Endpoint]Time
}

func (a *arrivalLog) Deliver(to, from Endpoint, m *pmsg, req Request)    { a.at[to] = a.s.Now() }
func (a *arrivalLog) Response(to, from Endpoint, m *pmsg, cookie uint64) {}
func (a *arrivalLog) Timeout(req, peer Endpoint, cookie uint64)          {}
