package run

import (
	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/sim"
)

// PointerStats are the pointer-state statistics of a run (pointers.every):
// sums over the samples taken in the measurement window, so that a mean is
// a sum divided by Samples (AgeSamples for the age). Each sample's figures
// are fractions of the live members at that instant (chord.PointerState).
type PointerStats struct {
	Samples         int     // samples taken with at least one live member
	WrongSuccessor  float64 // fraction whose first successor is not the oracle's
	DeadSuccessor   float64 // fraction whose first successor is dead
	DeadSuccessors2 float64 // fraction whose first two successors are both dead
	// DeadFinger is the fraction of the fingers of levels 1..m−1 that name
	// a dead node (over members × (m − 1) entries); DeadFingers[i] the
	// fraction of members whose finger i does (index 0 unused).
	DeadFinger  float64
	DeadFingers []float64
	// FingerAge is the mean time since the protocol last wrote a finger
	// that names a node, in seconds, over AgeSamples samples (those with
	// at least one such finger).
	FingerAge  float64
	AgeSamples int
}

// add adds one sample's state.
func (p *PointerStats) add(s *chord.PointerState) {
	if s.Members == 0 {
		return
	}
	m := float64(s.Members)
	p.Samples++
	p.WrongSuccessor += float64(s.WrongSuccessor) / m
	p.DeadSuccessor += float64(s.DeadSuccessor) / m
	p.DeadSuccessors2 += float64(s.DeadSuccessors2) / m
	if len(p.DeadFingers) < len(s.DeadFingers) {
		p.DeadFingers = append(p.DeadFingers, make([]float64, len(s.DeadFingers)-len(p.DeadFingers))...)
	}
	dead := 0
	for i, c := range s.DeadFingers {
		p.DeadFingers[i] += float64(c) / m
		dead += c
	}
	if levels := len(s.DeadFingers) - 1; levels > 0 {
		p.DeadFinger += float64(dead) / (m * float64(levels))
	}
	if s.Aged > 0 {
		p.FingerAge += s.AgeSum / float64(s.Aged)
		p.AgeSamples++
	}
}

// pointerSampler samples the ring's pointer state every pointers.every from
// the measurement start: a timer event like the time series sampler's,
// which reads the ring and the oracle, draws nothing and changes nothing,
// so the run's other results are those of a run without it (the events
// column leaves its firings out).
type pointerSampler struct {
	w        *World
	owner    sim.OwnerID
	every    sim.Duration
	state    chord.PointerState
	interval PointerStats // since the time series last took it
	fired    uint64
	armed    bool // its next sample is scheduled
}

// startPointers begins sampling at the measurement start (now): the first
// sample one period later.
func (w *World) startPointers() {
	p := &pointerSampler{w: w, every: w.Config.Pointers.Every}
	w.res.Pointers = &PointerStats{}
	p.owner = w.Sched.Register(p)
	w.Sched.At(w.start.Add(p.every), p.owner, 0, 0, 0)
	p.armed = true
	w.pointers = p
}

func (p *pointerSampler) Fire(*sim.Event) {
	p.fired++
	p.armed = false
	p.w.Ring.PointerState(&p.state)
	p.w.res.Pointers.add(&p.state)
	if p.w.sampler != nil {
		p.interval.add(&p.state)
	}
	// As the time series sampler: nothing else scheduled means the run is
	// over or stuck, and a timer that kept the queue alive would hide it.
	if p.w.othersPending() > 0 {
		p.w.Sched.After(p.every, p.owner, 0, 0, 0)
		p.armed = true
	}
}

// othersPending counts the scheduled events that are not the samplers'
// own (each has at most one scheduled).
func (w *World) othersPending() int {
	n := w.Sched.Pending()
	if w.sampler != nil && w.sampler.armed {
		n--
	}
	if w.pointers != nil && w.pointers.armed {
		n--
	}
	return n
}
