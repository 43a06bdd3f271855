package churn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/chordsim/chordsim/sim"
)

// MaxRate is the largest accepted rate, in events per second. Inter-arrival
// times are whole nanoseconds of at least 1 ns (so that the clock always
// advances), which cannot represent a faster process.
const MaxRate = 1e9

// Poisson is system-wide churn as three independent Poisson processes: joins
// of fresh nodes, crashes and graceful departures, each at a constant rate in
// events per second. The rates do not scale with the ring size; this is the
// churn model of the Chord ToN evaluation. A zero rate switches its process
// off.
type Poisson struct {
	// JoinRate is the rate of joins of nodes with fresh identifiers.
	JoinRate float64 `yaml:"join_rate"`
	// FailRate is the rate of crashes of uniformly random live nodes.
	FailRate float64 `yaml:"fail_rate"`
	// LeaveRate is the rate of graceful departures of uniformly random
	// live nodes.
	LeaveRate float64 `yaml:"leave_rate"`
}

// Name is "poisson".
func (p Poisson) Name() string { return "poisson" }

// Validate checks that every rate is a finite number in [0, MaxRate].
func (p Poisson) Validate() error {
	for _, r := range [...]struct {
		name string
		v    float64
	}{{"join_rate", p.JoinRate}, {"fail_rate", p.FailRate}, {"leave_rate", p.LeaveRate}} {
		if err := checkRate(r.name, r.v); err != nil {
			return err
		}
	}
	return nil
}

func checkRate(name string, v float64) error {
	const fix = "use a rate ≥ 0 in events per second"
	switch {
	case math.IsNaN(v):
		return fmt.Errorf("%s: NaN is not a number; %s", name, fix)
	case v < 0:
		return fmt.Errorf("%s: %v is negative; %s", name, v, fix)
	case v > MaxRate:
		return fmt.Errorf("%s: %v is above %g events per second, the resolution of the nanosecond clock; use a smaller rate", name, v, float64(MaxRate))
	}
	return nil
}

// The three processes, as event kinds; their order is also the order of the
// first draws at Start.
const (
	poissonJoin uint16 = iota
	poissonFail
	poissonLeave
)

// poissonRun is a started Poisson: the owner of its events.
type poissonRun struct {
	Running
	rates [3]float64
	s     *sim.Scheduler
	t     Target
	rng   *rand.Rand
	id    sim.OwnerID
	until sim.Time
}

// Start schedules the first arrival of each process with a positive rate at
// from plus an exponential draw; each arrival schedules the next, so the
// queue holds at most three of this generator's events. A fail or leave acts
// on a uniformly random live node (t.LiveNode(rng.IntN(t.Live()))), or is
// counted as skipped when none is live. A join calls t.Join(-1).
func (p Poisson) Start(s *sim.Scheduler, t Target, rng *rand.Rand, from, until sim.Time) *Running {
	mustValidate(p)
	r := &poissonRun{rates: [3]float64{p.JoinRate, p.FailRate, p.LeaveRate}, s: s, t: t, rng: rng, until: window(s, p.Name(), from, until)}
	r.id = s.Register(r)
	for kind := range r.rates {
		r.next(from, uint16(kind))
	}
	return &r.Running
}

// next schedules the arrival after now of process kind, if inside the window.
func (r *poissonRun) next(now sim.Time, kind uint16) {
	rate := r.rates[kind]
	if rate == 0 {
		return
	}
	ns := r.rng.ExpFloat64() / rate * 1e9
	d := MaxSample
	if ns < float64(MaxSample) {
		d = max(sim.Duration(ns), 1)
	}
	if at := later(now, d); at < r.until {
		r.s.At(at, r.id, kind, 0, 0)
	}
}

// Fire performs one arrival and schedules the next of the same process.
func (r *poissonRun) Fire(ev *sim.Event) {
	switch ev.Kind {
	case poissonJoin:
		r.t.Join(-1)
		r.counts.Joins++
	case poissonFail, poissonLeave:
		live := r.t.Live()
		if live == 0 {
			r.counts.Skipped++
			break
		}
		n := r.t.LiveNode(r.rng.IntN(live))
		if ev.Kind == poissonFail {
			r.t.Fail(n)
			r.counts.Fails++
		} else {
			r.t.Leave(n)
			r.counts.Leaves++
		}
	}
	r.next(ev.At, ev.Kind)
}
