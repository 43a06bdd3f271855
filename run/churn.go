package run

import (
	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/churn"
	"github.com/chordsim/chordsim/config"
	"github.com/chordsim/chordsim/sim"
)

// startChurn schedules the run's mass failure and churn generators, each
// with its own random stream (churn.Stream, and churn/failure for the mass
// failure), so that turning one on does not move
// another's draws. Times are relative to start, the end of settle.
func startChurn(cfg *config.Config, trace *churn.Trace, sched *sim.Scheduler, ring *chord.Ring, t *target, seed uint64, start sim.Time) error {
	f := cfg.Failure
	if f.StopMaintenance {
		// Scheduled before the failure at the same instant, so it fires
		// first: "stabilization stopped just before each node fails".
		sched.At(start.Add(f.At), sched.Register(stopMaintenance{ring}), 0, 0, 0)
	}
	if f.Fraction > 0 {
		mf := churn.MassFailure{At: f.At, Fraction: f.Fraction}
		// The mass failure's stream is churn/failure, not churn.Stream's
		// churn/mass_failure: it was named before the helper, and renaming
		// it would move every mass-failure result.
		mf.Start(sched, t, sim.Stream(seed, "churn", "failure"), start, 0)
	}
	c := cfg.Churn
	from := start.Add(c.Start)
	var until sim.Time // 0: no end (the run ends when its lookups do)
	if c.Duration > 0 {
		until = from.Add(c.Duration)
	}
	p := churn.Poisson{JoinRate: c.Rate + c.JoinRate, FailRate: c.FailRate, LeaveRate: c.LeaveRate}
	if c.Depart == "leave" {
		p.LeaveRate += c.Rate
	} else {
		p.FailRate += c.Rate
	}
	if p.JoinRate > 0 || p.FailRate > 0 || p.LeaveRate > 0 {
		p.Start(sched, t, churn.Stream(seed, p, 0), from, until)
	}
	if !c.Session.IsZero() {
		dep, err := churn.ParseDeparture(c.Depart)
		if err != nil {
			return err
		}
		rej, err := churn.ParseRejoin(c.Rejoin)
		if err != nil {
			return err
		}
		s := churn.Sessions{Session: c.Session, Downtime: c.Downtime, Depart: dep, Rejoin: rej}
		s.Start(sched, t, churn.Stream(seed, s, 0), from, until)
	}
	if trace != nil {
		trace.Start(sched, t, churn.Stream(seed, trace, 0), from, until)
	}
	return nil
}

// stopMaintenance is a one-shot event that stops the ring's maintenance.
type stopMaintenance struct{ ring *chord.Ring }

func (s stopMaintenance) Fire(*sim.Event) { s.ring.StopMaintenance() }
