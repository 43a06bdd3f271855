package churn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/chordsim/chordsim/sim"
)

// MassFailure crashes a fraction of the ring at one instant, the stress test
// of the Chord paper (§6.3: fail half the nodes, then measure lookups).
type MassFailure struct {
	// At is when, relative to the start of the churn window.
	At sim.Duration `yaml:"at"`
	// Fraction of the nodes live at that instant to fail, in [0, 1]. The
	// count is round(Fraction·Live()), halves rounded away from zero. Zero
	// switches the generator off.
	Fraction float64 `yaml:"fraction"`
}

// Name is "mass_failure".
func (m MassFailure) Name() string { return "mass_failure" }

// Validate checks that At is not negative and Fraction is in [0, 1].
func (m MassFailure) Validate() error {
	if m.At < 0 {
		return fmt.Errorf("at: %v is negative; use a time ≥ 0 after the start of churn, e.g. 10m", m.At)
	}
	if !(m.Fraction >= 0 && m.Fraction <= 1) {
		return fmt.Errorf("fraction: %v is outside [0, 1]; use e.g. 0.5 to fail half the live nodes", m.Fraction)
	}
	return nil
}

type massRun struct {
	Running
	m   MassFailure
	t   Target
	rng *rand.Rand
}

// Start schedules the failure at from+At if that is before until.
func (m MassFailure) Start(s *sim.Scheduler, t Target, rng *rand.Rand, from, until sim.Time) *Running {
	mustValidate(m)
	end := window(s, m.Name(), from, until)
	r := &massRun{m: m, t: t, rng: rng}
	id := s.Register(r)
	if at := later(from, m.At); m.Fraction > 0 && at < end {
		s.At(at, id, 0, 0, 0)
	}
	return &r.Running
}

// Fire picks the victims by a partial Fisher–Yates shuffle of the live
// indices, which gives every k-subset the same probability, and resolves all
// of them to nodes before the first fails: failing a node may reorder the
// target's live list, and indices taken after that would not be uniform.
// This runs once per run, so its two slices are allocated here.
func (r *massRun) Fire(*sim.Event) {
	live := r.t.Live()
	k := int(math.Round(r.m.Fraction * float64(live)))
	idx := make([]int, live)
	for i := range idx {
		idx[i] = i
	}
	victims := make([]Node, k)
	for i := range victims {
		j := i + r.rng.IntN(live-i)
		idx[i], idx[j] = idx[j], idx[i]
		victims[i] = r.t.LiveNode(idx[i])
	}
	for _, n := range victims {
		// A target may take a node down as a consequence of another's
		// failure; such a node is skipped rather than failed twice.
		if !r.t.Alive(n) {
			r.counts.Skipped++
			continue
		}
		r.t.Fail(n)
		r.counts.Fails++
	}
}
