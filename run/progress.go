package run

import (
	"sync/atomic"

	"github.com/chordsim/chordsim/config"
	"github.com/chordsim/chordsim/sim"
)

// Progress is how far a run has got, for a display outside the simulation
// (a progress bar, a log line). The run stores it where it already stops
// to look at its context, every checkEvery events (and every checkEvery
// lookups on the static engine, every 10 simulated seconds of runUntil),
// so keeping it costs three atomic stores per tens of thousands of events
// and nothing per event; any goroutine may read it at any time. It changes
// nothing the run computes.
type Progress struct {
	events  atomic.Uint64
	simTime atomic.Int64
	work    atomic.Int64
}

// Events is the number of events fired so far (on the static engine, those
// of the build and settle; its lookups' events are counted at the end).
func (p *Progress) Events() uint64 { return p.events.Load() }

// SimTime is the simulated time reached.
func (p *Progress) SimTime() sim.Time { return sim.Time(p.simTime.Load()) }

// Work is the run's work done so far, out of Work(cfg): the joins of a
// protocol bootstrap that have started, and the lookups and key-value
// requests issued.
func (p *Progress) Work() int64 { return p.work.Load() }

// Work is the work of a run of cfg that its Progress counts: with
// bootstrap protocol its n joins, then its lookups and key-value requests.
// A kv.file's requests are counted by the caller (requests is their
// number; 0 without a file).
func Work(cfg *config.Config, requests int) int64 {
	w := int64(cfg.Workload.Lookups) + int64(cfg.KV.Requests) + int64(requests)
	if cfg.Bootstrap == "protocol" {
		w += int64(cfg.N)
	}
	return w
}

// report stores the world's progress, if anyone asked for it.
func (w *World) report() {
	p := w.progress
	if p == nil {
		return
	}
	p.events.Store(w.Sched.Fired())
	p.simTime.Store(int64(w.Sched.Now()))
	work := int64(w.lookups.issued)
	if cfg := w.Config; cfg.Bootstrap == "protocol" {
		// Joins start every join_every from time 0 (see Build).
		joins := int64(cfg.N)
		if now := w.Sched.Now(); cfg.JoinEvery > 0 && now < sim.Time(cfg.N-1)*sim.Time(cfg.JoinEvery) {
			joins = int64(now)/int64(cfg.JoinEvery) + 1
		}
		work += joins
	}
	if w.kvd != nil {
		work += int64(w.kvd.issued)
	}
	p.work.Store(work)
}
