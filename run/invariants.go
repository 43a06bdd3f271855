package run

import (
	"fmt"
	"strings"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/chord/invariant"
	"github.com/chordsim/chordsim/internal/yamlconf"
	"github.com/chordsim/chordsim/sim"
)

// logDepth is how many protocol events a violation report shows.
const logDepth = 24

// ViolationError reports the first ring invariant a run broke.
type ViolationError struct {
	Seed       uint64
	At         sim.Time // simulated time of the check that failed
	When       string   // what triggered the check
	Violations []string // one line per broken invariant, nodes by name
	Shape      string   // members, ring members, appendages
	Events     []string // the last protocol events before the check, oldest first
	// Where the run sits in its sweep, filled in by ExecuteWith.
	Point     int
	Assign    []yamlconf.Assignment
	Replicate int
}

func (e *ViolationError) Error() string {
	return fmt.Sprintf("ring invariant violated at t=%v (seed %d): %s", e.At, e.Seed, strings.Join(e.Violations, "; "))
}

// Report is the multi-line account of the violation: what broke, where,
// and the events that led to it. rerun is the command that reproduces it.
func (e *ViolationError) Report(rerun string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "ring invariant violated\n  seed:      %d (replicate %d, sweep point %d)\n  time:      %v (%s)\n", e.Seed, e.Replicate, e.Point, e.At, e.When)
	for _, v := range e.Violations {
		fmt.Fprintf(&b, "  violation: %s\n", v)
	}
	fmt.Fprintf(&b, "  ring:      %s\n", e.Shape)
	if len(e.Events) > 0 {
		fmt.Fprintf(&b, "  last %d protocol events:\n", len(e.Events))
		for _, ev := range e.Events {
			fmt.Fprintf(&b, "    %s\n", ev)
		}
	}
	if rerun != "" {
		fmt.Fprintf(&b, "  rerun:     %s\n", rerun)
	}
	return b.String()
}

// watcher checks a run's ring invariants: after every membership change
// and once per stabilization period. The first violation stops the
// simulation.
type watcher struct {
	ring    *chord.Ring
	sched   *sim.Scheduler
	owner   sim.OwnerID
	period  sim.Duration
	checker invariant.Checker
	snap    invariant.Snapshot
	checks  int
	err     *ViolationError
	seed    uint64
}

func newWatcher(ring *chord.Ring, sched *sim.Scheduler, period sim.Duration, seed uint64) *watcher {
	w := &watcher{ring: ring, sched: sched, period: period, seed: seed}
	w.owner = sched.Register(w)
	ring.EnableLog(logDepth)
	ring.Attach(chord.Hooks{StateChanged: func(h chord.Handle, s chord.State) {
		if s == chord.Member {
			w.check("node " + ring.Name(h) + " became a member")
		}
	}})
	return w
}

// start begins the periodic checks at time t.
func (w *watcher) start(t sim.Time) {
	if w.period > 0 {
		w.sched.At(t, w.owner, 0, 0, 0)
	}
}

// Fire implements sim.Owner: the periodic check.
func (w *watcher) Fire(ev *sim.Event) {
	w.check("periodic check, once per stabilization period")
	if w.err == nil {
		w.sched.After(w.period, w.owner, 0, 0, 0)
	}
}

func (w *watcher) check(when string) {
	if w.err != nil {
		return
	}
	w.checks++
	w.ring.Snapshot(&w.snap)
	vs := w.checker.Check(&w.snap, invariant.Default)
	if len(vs) == 0 {
		return
	}
	name := func(i int32) string {
		h := chord.Handle(i)
		return w.ring.Name(h) + " [" + w.ring.State(h).String() + "]"
	}
	e := &ViolationError{Seed: w.seed, At: w.sched.Now(), When: when}
	for _, v := range vs {
		e.Violations = append(e.Violations, v.Format(name))
	}
	e.Shape = w.checker.Stats().String()
	for _, ev := range w.ring.RecentEvents() {
		e.Events = append(e.Events, w.ring.Format(ev))
	}
	w.err = e
	w.sched.Stop()
}
