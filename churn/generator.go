package churn

import (
	"fmt"
	"math/rand/v2"
	"strconv"

	"github.com/chordsim/chordsim/sim"
)

// Node is a node's handle in the target: a dense index. Handles are never
// reused, so a handle names one incarnation of a node and a stale handle
// can always be recognised as dead.
type Node = int32

// Target is the system under churn. The package calls it and nothing else:
// it decides when and to whom membership changes happen, and the target
// decides what they mean (this is what keeps churn free of any Chord
// knowledge).
type Target interface {
	// Live is the number of nodes that departures may pick: the target
	// decides which those are (chordsim's ring counts its members, since a
	// node still joining cannot be reached yet, though it is Alive).
	Live() int
	// LiveNode is the i-th of those nodes, 0 ≤ i < Live(), in an order that
	// is a deterministic function of the run so far (random picks index
	// into it).
	LiveNode(i int) Node
	// Alive reports whether n is live.
	Alive(n Node) bool
	// Join starts a new node and returns it. like ≥ 0 asks for a new
	// incarnation of the departed node like, with the same identifier;
	// like = -1 asks for a fresh identifier.
	Join(like Node) Node
	// JoinNamed starts a new node whose identifier derives from name (trace
	// replay); joining a name again gives the same identifier.
	JoinNamed(name string) Node
	// Initial is the k-th node of the initial ring, in identifier order,
	// 0 ≤ k < the initial size.
	Initial(k int) Node
	// Fail crashes the live node n.
	Fail(n Node)
	// Leave makes the live node n depart gracefully.
	Leave(n Node)
}

// Generator is one source of membership changes. Each is a plain value that
// can be validated before a run and started any number of times: all run
// state lives in what Start creates.
type Generator interface {
	// Name is the generator's kind, used to name its random stream
	// ("poisson", "sessions", "mass_failure", "trace").
	Name() string
	// Validate reports a configuration error, naming the field by its
	// YAML name and saying how to fix it.
	Validate() error
	// Start registers an owner on s and schedules the generator's events in
	// the window [from, until) of virtual time; until = NoEnd (0) means the
	// window never closes. All randomness comes from rng, which the
	// generator must not share (see Stream). from must not be before
	// s.Now(). Start panics if Validate fails: running an invalid workload
	// is a programming error, because configs are validated when loaded.
	Start(s *sim.Scheduler, t Target, rng *rand.Rand, from, until sim.Time) *Running
}

// NoEnd as the until argument of Start leaves the churn window open: events
// continue until the caller stops running the scheduler. It is 0 because a
// window that ends at time 0 would be empty and so is never wanted.
const NoEnd sim.Time = 0

// Counts is what a generator actually did, for results columns. A fail or
// leave that found nobody to act on (no live node, or the chosen node was
// already removed by another generator) is counted in Skipped, not in Fails
// or Leaves, so Fails and Leaves are exactly the calls made on the target.
type Counts struct {
	// Joins is the number of Join and JoinNamed calls.
	Joins int
	// Fails is the number of Fail calls.
	Fails int
	// Leaves is the number of Leave calls.
	Leaves int
	// Skipped is the number of departures with no node to act on.
	Skipped int
}

// Running is a started generator. It is how the caller reads the counts after
// (or during) the run.
type Running struct {
	counts Counts
}

// Counts returns what the generator has done so far.
func (h *Running) Counts() Counts { return h.counts }

// Stream returns the random stream of the i-th generator of g's kind in a
// run (i = 0 for the first; use 1, 2, … when a workload has several
// generators of one kind, e.g. two mass failures, so that they do not make
// the same choices). The first is sim.Stream(seed, "churn", g.Name()).
// Because every generator draws from its own stream, switching one on or
// changing its rate never changes the draws of another.
func Stream(seed uint64, g Generator, i int) *rand.Rand {
	if i == 0 {
		return sim.Stream(seed, "churn", g.Name())
	}
	return sim.Stream(seed, "churn", g.Name(), strconv.Itoa(i))
}

// window checks a Start window and returns its end, with NoEnd turned into
// sim.MaxTime: events are scheduled only strictly before the end, so in an
// open window only a draw so large that later saturates is dropped, and that
// draw meant "never" anyway.
func window(s *sim.Scheduler, name string, from, until sim.Time) sim.Time {
	if from < s.Now() {
		panic(fmt.Sprintf("churn: %s started at %v, before now %v", name, from, s.Now()))
	}
	if until == NoEnd {
		return sim.MaxTime
	}
	return until
}

// later returns t+d, saturating at sim.MaxTime instead of overflowing, so a
// huge draw means "never" rather than a time in the past.
func later(t sim.Time, d sim.Duration) sim.Time {
	if d >= sim.Duration(sim.MaxTime-t) {
		return sim.MaxTime
	}
	return t.Add(d)
}

// mustValidate is Start's guard; see Generator.Start.
func mustValidate(g Generator) {
	if err := g.Validate(); err != nil {
		panic("churn: Start of an invalid " + g.Name() + " generator: " + err.Error())
	}
}
