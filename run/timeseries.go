package run

import (
	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/sim"
)

// Sample is one interval of a run's time series (timeseries.every): the
// state at its end and what happened during it. Counts are of the interval
// alone, not cumulative, so summing a column over a run's samples gives
// the run's total over the measurement window.
type Sample struct {
	At       sim.Duration // end of the interval, after the measurement start
	Live     int          // members at At
	Joins    int          // joins started by churn
	Fails    int          // members and joining nodes crashed (churn and the mass failure)
	Leaves   int          // graceful departures
	Started  int          // lookups issued
	Done     int          // lookups finished (every outcome, abandoned and lost keys included)
	Outcomes [chord.NumOutcomes]int
	LostKey  int                       // lookups of keys lost with failed nodes (not in Outcomes)
	Sent     [chord.NumMsgKinds]uint64 // protocol messages sent, by kind
	Bytes    [chord.NumMsgKinds]uint64 // their bytes (costs section), by kind
	// Pointers sums the pointer-state samples taken in the interval
	// (pointers.every; zero when it is off), without the per-level figures.
	Pointers PointerStats
}

// Failed counts the interval's lookups that did not find their key, as
// Result.Failed does for the run.
func (s *Sample) Failed() int {
	return s.Outcomes[chord.WrongOwner] + s.Outcomes[chord.TimedOut] + s.Outcomes[chord.HopLimit] + s.LostKey
}

// sampler takes the time series: a timer event every interval from the
// measurement start, owned like the lookup driver. It reads the counters
// the run keeps anyway and draws nothing, so the run's events and results
// are those of a run without it (the events column leaves its own firings
// out).
type sampler struct {
	w     *World
	owner sim.OwnerID
	every sim.Duration
	last  Sample // the cumulative counters at the previous sample
	fired uint64 // the sampler's own events, left out of Result.Events
	armed bool   // its next sample is scheduled
}

// startSampler begins sampling at the measurement start (now).
func (w *World) startSampler() {
	s := &sampler{w: w, every: w.Config.TimeSeries.Every}
	s.last = s.totals()
	s.owner = w.Sched.Register(s)
	w.Sched.At(w.start.Add(s.every), s.owner, 0, 0, 0)
	s.armed = true
	w.sampler = s
}

// totals reads the run's cumulative counters.
func (s *sampler) totals() Sample {
	w := s.w
	t := Sample{At: w.Sched.Now().Sub(w.start), Live: w.Ring.Oracle().Len(), Started: w.lookups.issued,
		Outcomes: w.res.Outcomes, LostKey: w.res.LostKey, Sent: w.Ring.MessagesSent(), Bytes: w.Ring.BytesSent()}
	if w.tgt != nil {
		t.Joins, t.Fails, t.Leaves = w.tgt.joins, w.tgt.fails, w.tgt.leaves
	}
	return t
}

// take appends the interval since the previous sample.
func (s *sampler) take() {
	cur := s.totals()
	d := cur
	d.Joins -= s.last.Joins
	d.Fails -= s.last.Fails
	d.Leaves -= s.last.Leaves
	d.Started -= s.last.Started
	d.LostKey -= s.last.LostKey
	d.Done = d.LostKey
	for i := range d.Outcomes {
		d.Outcomes[i] -= s.last.Outcomes[i]
		d.Done += d.Outcomes[i]
	}
	for i := range d.Sent {
		d.Sent[i] -= s.last.Sent[i]
		d.Bytes[i] -= s.last.Bytes[i]
	}
	if p := s.w.pointers; p != nil {
		d.Pointers = p.interval
		d.Pointers.DeadFingers = nil
		p.interval = PointerStats{DeadFingers: p.interval.DeadFingers[:0]}
	}
	s.w.res.Series = append(s.w.res.Series, d)
	s.last = cur
}

func (s *sampler) Fire(*sim.Event) {
	s.fired++
	s.armed = false
	s.take()
	// Nothing else scheduled: the run is over or stuck, and a timer that
	// kept the queue alive would hide "ran out of events".
	if s.w.othersPending() > 0 {
		s.w.Sched.After(s.every, s.owner, 0, 0, 0)
		s.armed = true
	}
}

// finish takes the last, partial interval up to the end of the run, so
// that the series covers the whole measurement window.
func (s *sampler) finish() {
	if s.w.Sched.Now().Sub(s.w.start) > s.last.At {
		s.take()
	}
}
