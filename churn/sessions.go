package churn

import (
	"fmt"
	"math/rand/v2"

	"github.com/chordsim/chordsim/sim"
)

// Departure is how a node ends a session.
type Departure uint8

// The departures. The zero value is Fail, the harsher and more common
// assumption in churn studies.
const (
	// Fail: the node crashes (Target.Fail).
	Fail Departure = iota
	// Leave: the node departs gracefully (Target.Leave).
	Leave
)

var departureNames = [...]string{Fail: "fail", Leave: "leave"}

// ParseDeparture reads "fail" or "leave".
func ParseDeparture(s string) (Departure, error) {
	for i, n := range departureNames {
		if s == n {
			return Departure(i), nil
		}
	}
	return 0, fmt.Errorf("%q is not a departure; valid values are fail and leave", s)
}

// String renders d as ParseDeparture reads it.
func (d Departure) String() string {
	if int(d) < len(departureNames) {
		return departureNames[d]
	}
	return fmt.Sprintf("Departure(%d)", d)
}

// UnmarshalText parses a departure for configs.
func (d *Departure) UnmarshalText(b []byte) error { return d.Set(string(b)) }

// MarshalText renders d so that UnmarshalText reads it back.
func (d Departure) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Set parses s into d, making *Departure a flag value (pflag.Value).
func (d *Departure) Set(s string) error {
	v, err := ParseDeparture(s)
	if err == nil {
		*d = v
	}
	return err
}

// Type names the flag's value type in help text.
func (d *Departure) Type() string { return "fail|leave" }

// Rejoin is what a node does when its down time ends.
type Rejoin uint8

// The rejoin policies. The zero value is RejoinNew.
const (
	// RejoinNew: a node with a fresh identifier joins (Target.Join(-1)), as
	// when a user's machine comes back with a new address.
	RejoinNew Rejoin = iota
	// RejoinSame: a new incarnation of the departed node, with its
	// identifier, joins (Target.Join(departed)); its old keys are its own
	// again, which is what recovery studies need.
	RejoinSame
	// RejoinNever: departed nodes stay away and the population shrinks.
	RejoinNever
)

var rejoinNames = [...]string{RejoinNew: "new", RejoinSame: "same", RejoinNever: "never"}

// ParseRejoin reads "new", "same" or "never".
func ParseRejoin(s string) (Rejoin, error) {
	for i, n := range rejoinNames {
		if s == n {
			return Rejoin(i), nil
		}
	}
	return 0, fmt.Errorf("%q is not a rejoin policy; valid values are new, same and never", s)
}

// String renders r as ParseRejoin reads it.
func (r Rejoin) String() string {
	if int(r) < len(rejoinNames) {
		return rejoinNames[r]
	}
	return fmt.Sprintf("Rejoin(%d)", r)
}

// UnmarshalText parses a rejoin policy for configs.
func (r *Rejoin) UnmarshalText(b []byte) error { return r.Set(string(b)) }

// MarshalText renders r so that UnmarshalText reads it back.
func (r Rejoin) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// Set parses s into r, making *Rejoin a flag value (pflag.Value).
func (r *Rejoin) Set(s string) error {
	v, err := ParseRejoin(s)
	if err == nil {
		*r = v
	}
	return err
}

// Type names the flag's value type in help text.
func (r *Rejoin) Type() string { return "new|same|never" }

// Sessions is per-node churn: every node it drives alternates between an up
// period (a Session draw) and a down period (a Downtime draw). At the end of
// a session the node departs per Depart; after its down time a node rejoins
// per Rejoin, and the new incarnation gets a session of its own.
//
// The nodes it drives are those live at the start of the window and those it
// starts itself; nodes that other generators add are not its business. If
// another generator removed a node before its session ended, the departure is
// skipped (and counted as such) but the down time and rejoin still follow,
// as if the node had been down since: this keeps the driven population's
// rhythm independent of the other generators.
//
// Every node's first session is a full Session draw, not the residual of a
// session already in progress, so with a constant Session the initial nodes
// depart together; use a random Session to spread them.
//
// A zero Session switches the generator off.
type Sessions struct {
	// Session is the distribution of up times; none switches Sessions off.
	Session Dist `yaml:"session"`
	// Downtime is the distribution of the time between a departure and
	// the rejoin; it may be none only with Rejoin = RejoinNever.
	Downtime Dist `yaml:"downtime"`
	// Depart is how a session ends.
	Depart Departure `yaml:"depart"`
	// Rejoin is which identifier a node comes back with, if at all.
	Rejoin Rejoin `yaml:"rejoin"`
}

// Name is "sessions".
func (g Sessions) Name() string { return "sessions" }

// Validate checks the distributions and policies. Downtime may be zero only
// when nodes never rejoin, since it is what times a rejoin.
func (g Sessions) Validate() error {
	if err := g.Session.Validate(); err != nil {
		return fmt.Errorf("session: %v", err)
	}
	if err := g.Downtime.Validate(); err != nil {
		return fmt.Errorf("downtime: %v", err)
	}
	if g.Depart > Leave {
		return fmt.Errorf("depart: %v is not a departure; use fail or leave", g.Depart)
	}
	if g.Rejoin > RejoinNever {
		return fmt.Errorf("rejoin: %v is not a rejoin policy; use new, same or never", g.Rejoin)
	}
	if !g.Session.IsZero() && g.Downtime.IsZero() && g.Rejoin != RejoinNever {
		return fmt.Errorf("downtime: none, but rejoin is %v; give a down-time distribution such as exp:30m, or set rejoin: never", g.Rejoin)
	}
	return nil
}

// Event kinds of a started Sessions. The node travels in the event's Ref.
const (
	sessionsBegin  uint16 = iota // start of the window: give every live node a session
	sessionsDepart               // Ref's session ends
	sessionsRejoin               // Ref's down time ends
)

type sessionsRun struct {
	Running
	g     Sessions
	s     *sim.Scheduler
	t     Target
	rng   *rand.Rand
	id    sim.OwnerID
	until sim.Time
}

// Start schedules, at from, a session for every node live at that moment, in
// LiveNode order; the cycles then run themselves, one pending event per
// driven node.
func (g Sessions) Start(s *sim.Scheduler, t Target, rng *rand.Rand, from, until sim.Time) *Running {
	mustValidate(g)
	r := &sessionsRun{g: g, s: s, t: t, rng: rng, until: window(s, g.Name(), from, until)}
	r.id = s.Register(r)
	if !g.Session.IsZero() && from < r.until {
		s.At(from, r.id, sessionsBegin, 0, 0)
	}
	return &r.Running
}

// after schedules kind for node n at now+d if that is inside the window.
func (r *sessionsRun) after(now sim.Time, d sim.Duration, kind uint16, n Node) {
	if at := later(now, d); at < r.until {
		r.s.At(at, r.id, kind, n, 0)
	}
}

// Fire runs one step of a node's cycle.
func (r *sessionsRun) Fire(ev *sim.Event) {
	switch ev.Kind {
	case sessionsBegin:
		for i, live := 0, r.t.Live(); i < live; i++ {
			r.after(ev.At, r.g.Session.Sample(r.rng), sessionsDepart, r.t.LiveNode(i))
		}
	case sessionsDepart:
		n := ev.Ref
		switch {
		case !r.t.Alive(n):
			r.counts.Skipped++
		case r.g.Depart == Leave:
			r.t.Leave(n)
			r.counts.Leaves++
		default:
			r.t.Fail(n)
			r.counts.Fails++
		}
		if r.g.Rejoin != RejoinNever {
			r.after(ev.At, r.g.Downtime.Sample(r.rng), sessionsRejoin, n)
		}
	case sessionsRejoin:
		like := Node(-1)
		if r.g.Rejoin == RejoinSame {
			like = ev.Ref
		}
		n := r.t.Join(like)
		r.counts.Joins++
		r.after(ev.At, r.g.Session.Sample(r.rng), sessionsDepart, n)
	}
}
