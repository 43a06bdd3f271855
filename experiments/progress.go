package experiments

import (
	"sync"

	"github.com/chordsim/chordsim/run"
	"github.com/chordsim/chordsim/sim"
)

// Tracker follows a sweep's work as it runs, for a progress display:
// ExecuteWith tells it which runs there are and gives each running run a
// run.Progress, and any goroutine may take a Snapshot. Work is counted in
// lookups and key-value requests (run.Work), not in runs, so a sweep whose
// points differ in size, or a single long run, shows how far it really is.
// It changes nothing a run computes.
type Tracker struct {
	mu       sync.Mutex
	work     int64 // work of every run of the session
	done     int64 // work of the finished runs
	events   uint64
	runs     int
	finished int
	running  []tracked
}

type tracked struct {
	p    *run.Progress
	work int64
}

// Snapshot is a Tracker's state at one moment.
type Snapshot struct {
	Runs     int // runs in the session (those loaded from records included)
	Finished int // runs made or loaded
	Running  int
	Work     int64 // lookups and requests of all the runs (a run with none counts 1)
	WorkDone int64 // those of the finished runs, and those the running ones have issued
	Events   uint64
	// SimTime is the furthest simulated time among the running runs.
	SimTime sim.Time
}

// Fraction is the part of the work done, from 0 to 1.
func (s Snapshot) Fraction() float64 {
	if s.Work == 0 {
		return 0
	}
	return min(1, float64(s.WorkDone)/float64(s.Work))
}

// pointWork is the work of one run of pt, at least 1 so that a run with
// no lookups still moves the display when it ends.
func pointWork(pt *PlanPoint) int64 {
	return max(1, run.Work(&pt.Config, len(pt.requests)))
}

// add registers runs runs of the given total work, before any starts.
func (t *Tracker) add(runs int, work int64) {
	if t == nil {
		return
	}
	t.mu.Lock()
	t.runs += runs
	t.work += work
	t.mu.Unlock()
}

// events is the number of events of r, made or loaded (a stored record
// keeps it as the events column of Values).
func (r *RunResult) events() uint64 {
	if r.Events != 0 {
		return r.Events
	}
	for i, m := range metricsList {
		if m.name == "events" && i < len(r.Values) {
			return uint64(r.Values[i])
		}
	}
	return 0
}

// start registers a run that begins and returns its Progress (nil without
// a tracker).
func (t *Tracker) start(work int64) *run.Progress {
	if t == nil {
		return nil
	}
	p := new(run.Progress)
	t.mu.Lock()
	t.running = append(t.running, tracked{p, work})
	t.mu.Unlock()
	return p
}

// end records a finished run (p is nil for a run loaded from its record).
func (t *Tracker) end(p *run.Progress, work int64, events uint64) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, r := range t.running {
		if r.p == p && p != nil {
			t.running = append(t.running[:i], t.running[i+1:]...)
			break
		}
	}
	t.finished++
	t.done += work
	t.events += events
}

// abandon forgets a run that stopped without a result.
func (t *Tracker) abandon(p *run.Progress) {
	if t == nil || p == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, r := range t.running {
		if r.p == p {
			t.running = append(t.running[:i], t.running[i+1:]...)
			return
		}
	}
}

// Snapshot returns the tracker's state now.
func (t *Tracker) Snapshot() Snapshot {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := Snapshot{Runs: t.runs, Finished: t.finished, Running: len(t.running), Work: t.work, WorkDone: t.done, Events: t.events}
	for _, r := range t.running {
		s.WorkDone += min(r.work, r.p.Work())
		s.Events += r.p.Events()
		s.SimTime = max(s.SimTime, r.p.SimTime())
	}
	return s
}
