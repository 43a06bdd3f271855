package run

import (
	"context"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/churn"
	"github.com/chordsim/chordsim/config"
	"github.com/chordsim/chordsim/metrics"
	"github.com/chordsim/chordsim/sim"
	"github.com/chordsim/chordsim/topology"
	"github.com/chordsim/chordsim/workload"
)

// Result is what one run measured.
type Result struct {
	Seed    uint64
	Nodes   int             // the config's n: real nodes, the bytes columns' "per node"
	Members int             // live members at the end
	Keys    int             // keys placed
	Hops    metrics.IntHist // hops of lookups that returned an answer
	// S01Path is every issued lookup's path in the counting of S01 Fig. 10's
	// simulator, on the ideal ring of the members at its issue
	// (chord.Oracle.S01Path): a reference for Hops, not the route taken.
	S01Path  metrics.IntHist
	Timeouts metrics.IntHist // timeouts per lookup, all lookups
	Outcomes [chord.NumOutcomes]int
	Latency  metrics.Samples // milliseconds, lookups that returned an answer
	Messages uint64          // messages sent by lookups
	Load     metrics.IntHist // keys per member
	Sent     [chord.NumMsgKinds]uint64
	// Bytes sent by kind (the costs section's model), and those of user
	// lookups; the rest is maintenance.
	Bytes       [chord.NumMsgKinds]uint64
	LookupBytes uint64
	Events      uint64
	SimTime     sim.Time
	Lookups     int
	LostKey     int      // lookups of keys lost with failed nodes (not in Outcomes)
	KeysLost    int      // placed keys lost with failed nodes
	Joins       int      // churn: joins started
	Fails       int      // churn and mass failure: members and joining nodes crashed
	Leaves      int      // churn: graceful departures
	Checks      int      // invariant checks made
	Static      bool     // the lookups ran on the static engine (not an output: the results are the same)
	KV          *KVStats // the key-value service's figures; nil when it is off
	Series      []Sample // the time series (timeseries.every); nil when it is off
	// Pointers are the pointer-state statistics (pointers.every); nil
	// when it is off.
	Pointers *PointerStats
	// With a topology only (empty otherwise, so that a run without one
	// keeps no more samples than before): OKLatency is the latency in
	// milliseconds of each successful lookup (outcome correct), and
	// Stretch each one's latency over the direct round trip from its
	// initiator to the owner (World.RTT), where the owner is another
	// node and that round trip is not 0.
	OKLatency metrics.Samples
	Stretch   metrics.Samples
}

// Failed counts the lookups that did not find their key: wrong owner,
// timed out, hop limit, or the key was lost with a failed node.
func (r *Result) Failed() int {
	return r.Outcomes[chord.WrongOwner] + r.Outcomes[chord.TimedOut] + r.Outcomes[chord.HopLimit] + r.LostKey
}

// checkEvery is how many events a run processes between looks at its
// context, so that cancelling costs nothing measurable.
const checkEvery = 1 << 16

// Inputs are what a run reads from files, parsed once per plan by the
// caller: the churn.trace, the kv.file requests and the
// network.matrix.file (nil when not set).
type Inputs struct {
	Trace    *churn.Trace
	Requests []workload.Request
	// Matrix is the parsed network.matrix.file (nil: the run reads it
	// when it needs it).
	Matrix *topology.Matrix
	// Progress, if set, is kept up to date as the run goes (see Progress).
	Progress *Progress
	// AfterBuild, if set, is called once the ring is built, before the
	// workload starts: a traced run resolves its chosen nodes and opens
	// its trace files there (World.Trace). An error ends the run.
	AfterBuild func(*World) error
}

// Run executes one run of cfg (a single sweep point, already validated)
// with the given seed, through its phases in order: New, Build,
// StartKV, PlaceKeys, StartChurn, Drive and Collect.
func Run(ctx context.Context, cfg *config.Config, seed uint64, in Inputs) (*Result, error) {
	w, err := newWorld(cfg, seed, in.Matrix)
	if err != nil {
		return nil, err
	}
	w.progress, w.lookups.progress = in.Progress, in.Progress
	if err := w.Build(ctx); err != nil {
		return nil, err
	}
	if in.AfterBuild != nil {
		if err := in.AfterBuild(w); err != nil {
			return nil, err
		}
		defer w.FlushTraces()
	}
	return w.Finish(ctx, in)
}

// Finish runs the phases after Build: StartKV, PlaceKeys, StartChurn, Drive
// and Collect. The benchmark calls it after timing Build.
func (w *World) Finish(ctx context.Context, in Inputs) (*Result, error) {
	if err := w.StartKV(in.Requests); err != nil {
		return nil, err
	}
	w.PlaceKeys()
	if err := w.StartChurn(in.Trace); err != nil {
		return nil, err
	}
	if err := w.Drive(ctx); err != nil {
		return nil, err
	}
	return w.Collect(ctx)
}

// runUntil advances the simulation to t, looking at ctx (and reporting
// progress) every 10 simulated seconds.
func (w *World) runUntil(ctx context.Context, t sim.Time) error {
	s := w.Sched
	for s.Now() < t {
		next := s.Now().Add(10 * sim.Second)
		if next > t {
			next = t
		}
		if !s.RunUntil(next) {
			return nil // stopped by an owner (the invariant watcher); the caller asks why
		}
		w.report()
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}
