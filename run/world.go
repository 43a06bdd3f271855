package run

import (
	"context"
	"fmt"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/chord/kv"
	"github.com/chordsim/chordsim/churn"
	"github.com/chordsim/chordsim/config"
	"github.com/chordsim/chordsim/sim"
	"github.com/chordsim/chordsim/topology"
	"github.com/chordsim/chordsim/workload"
)

// World is one simulated system: the scheduler, the ring, the network
// model, and the drivers and watchers of a run (lookups, the key-value
// service and its clients, churn, the invariant watcher). It is built from
// a config and a seed by New and advanced by the phases below; runs, the
// shell and the benchmark all assemble their worlds here, so they cannot
// drift apart.
type World struct {
	Config *config.Config
	Seed   uint64
	Sched  *sim.Scheduler
	Ring   *chord.Ring
	// Net is the network model, the same for the ring's messages and the
	// key-value service's; its Topology (nil for network.topology none)
	// places the run's endpoints (see RTT).
	Net sim.NetConfig

	lookups *lookupDriver
	watch   *watcher
	svc     *kv.Service
	kvd     *kvDriver
	sampler *sampler // nil unless timeseries.every > 0
	// pointers samples the pointer state; nil unless pointers.every > 0.
	pointers *pointerSampler
	tgt      *target
	res      *Result
	start    sim.Time // the end of settle, when measurement starts
	end      sim.Time // the run lasts at least until then (churn and failures)
	static   bool     // Drive ran the lookups on the static engine

	progress *Progress // nil unless the caller asked for it
	tracer   *tracer   // nil unless the run is traced (Trace)
}

// New assembles the world's fixed parts: the scheduler, an empty ring whose
// user lookups the lookup driver observes, and, with check_invariants, the
// invariant watcher, which checks from time 0 on. cfg is not validated
// here (the shell uses a ring of no nodes); a run's config must have been.
// A network.matrix.file is read here; Run takes it parsed (Inputs.Matrix).
func New(cfg *config.Config, seed uint64) (*World, error) {
	return newWorld(cfg, seed, nil)
}

func newWorld(cfg *config.Config, seed uint64, matrix *topology.Matrix) (*World, error) {
	net := cfg.Net()
	topo, err := cfg.Network.Build(seed, matrix)
	if err != nil {
		return nil, fmt.Errorf("network.topology %s: %v", cfg.Network.Kind, err)
	}
	net.Topology = topo
	sched := sim.NewScheduler()
	res := &Result{Seed: seed, Lookups: cfg.Workload.Lookups, Nodes: cfg.N}
	lk := &lookupDriver{
		sched: sched, rng: sim.Stream(seed, "workload"), rate: cfg.Workload.LookupRate,
		perNode: cfg.Workload.PerNodeRate,
		total:   cfg.Workload.Lookups, res: res, uniform: cfg.IDs == "uniform",
		s01Left: cfg.Workload.S01Lookups,
	}
	if lk.s01Left == 0 {
		lk.s01Left = -1 // every lookup
	}
	lk.net = net
	w := &World{
		Config: cfg, Seed: seed, Sched: sched, res: res, lookups: lk,
		Net: net,
	}
	ring, err := chord.New(sched, chord.Options{
		Config:     cfg.Protocol(),
		Net:        w.Net,
		Seed:       seed,
		UniformIDs: cfg.IDs == "uniform",
		RTT:        w.RTT,
		Costs:      &cfg.Costs,
	})
	if err != nil {
		return nil, err
	}
	w.Ring = ring
	if cfg.Pointers.Every > 0 {
		ring.TrackFingerAge()
	}
	lk.ring = ring
	lk.layer = ring.Attach(chord.Hooks{LookupDone: lk.LookupDone})
	lk.owner = sched.Register(lk)
	if cfg.CheckInvariants {
		period := cfg.Chord.StabilizeEvery
		if period == 0 {
			period = 30 * sim.Second
		}
		w.watch = newWatcher(ring, sched, period, seed)
		w.watch.start(0)
	}
	return w, nil
}

// RTT is the round trip between two endpoints (a ring's node handles) that
// the run's network gives, without jitter: the topology's one-way delay
// there and back (sim.NetConfig.BaseRTT), or with topology none twice the
// mean of network.latency, the same for every pair. It is a pure function
// of the two endpoints and the run's seed, so proximity routing may read
// it to fill an ideal ring's tables ("as if every node had measured every
// other") without changing any other draw of the run.
func (w *World) RTT(a, b sim.Endpoint) sim.Duration { return w.Net.BaseRTT(a, b) }

// stopped returns the invariant watcher's violation, if it stopped the
// simulation.
func (w *World) stopped() error {
	if w.watch != nil && w.watch.err != nil {
		return w.watch.err
	}
	return nil
}

// Build grows the ring to n nodes (ideal: the oracle builds it stabilized;
// protocol: one join every join_every) and runs the simulation until
// settle has passed since the last join. That instant is the measurement
// start, from which churn, failures and lookups are timed.
func (w *World) Build(ctx context.Context) error {
	cfg, ring := w.Config, w.Ring
	var ready sim.Time
	switch cfg.Bootstrap {
	case "ideal":
		if err := ring.BootstrapIdeal(cfg.N); err != nil {
			return err
		}
	case "protocol":
		first, err := ring.AddNode()
		if err != nil {
			return err
		}
		if err := ring.Create(first); err != nil {
			return err
		}
		for i := 1; i < cfg.N; i++ {
			h, err := ring.AddNode()
			if err != nil {
				return err
			}
			ring.ScheduleJoin(sim.Time(i)*sim.Time(cfg.JoinEvery), h)
		}
		ready = sim.Time(cfg.N-1) * sim.Time(cfg.JoinEvery)
	default:
		return fmt.Errorf("bootstrap %q is not ideal or protocol", cfg.Bootstrap)
	}
	w.start = ready.Add(cfg.Settle)
	if err := w.runUntil(ctx, w.start); err != nil {
		return err
	}
	return w.stopped()
}

// Service starts the key-value service on the ring as it stands (its
// members start ready; later joiners fetch their pairs), on the world's
// network model, or returns the one already started.
func (w *World) Service() (*kv.Service, error) {
	if w.svc == nil {
		svc, err := kv.New(w.Sched, w.Ring, w.Net, w.Seed, w.Config.KVService())
		if err != nil {
			return nil, err
		}
		w.svc = svc
	}
	return w.svc, nil
}

// StartKV starts the key-value service and its clients when the config
// turns it on (kv.requests > 0 or kv.file); requests are kv.file's.
func (w *World) StartKV(requests []workload.Request) error {
	if !w.Config.KVOn() {
		return nil
	}
	svc, err := w.Service()
	if err != nil {
		return err
	}
	w.res.KV = &KVStats{}
	w.kvd, err = newKVDriver(w.Config, svc, w.Sched, w.Ring, w.Seed, requests, w.res.KV)
	return err
}

// PlaceKeys draws the run's keys and measures the load they put on each
// real node (with virtual nodes, a real node holds the keys of all its
// members, S01 Fig. 9).
func (w *World) PlaceKeys() {
	cfg, res, lk := w.Config, w.res, w.lookups
	keyRng := sim.Stream(w.Seed, "keys")
	lk.keys = make([]chord.ID, cfg.PlacedKeys())
	for i := range lk.keys {
		lk.keys[i] = lk.newKey(keyRng)
	}
	res.Keys = len(lk.keys)
	if len(lk.keys) == 0 {
		return
	}
	o := w.Ring.Oracle()
	perMember := o.Owners(lk.keys)
	if cfg.Chord.VirtualNodes == 1 {
		for _, c := range perMember {
			res.Load.Add(c)
		}
		return
	}
	perReal := make([]int, cfg.N)
	for p, c := range perMember {
		_, h := o.At(p)
		perReal[w.Ring.Host(h)] += c
	}
	for _, c := range perReal {
		res.Load.Add(c)
	}
}

// StartChurn schedules the mass failure and churn of the config (trace is
// churn.trace's, parsed), with the book of lost keys they need, and sets
// the earliest end of the run. It does nothing when neither is configured.
func (w *World) StartChurn(trace *churn.Trace) error {
	cfg := w.Config
	if !(cfg.Failure.Fraction > 0 || cfg.Failure.StopMaintenance || cfg.Churning()) {
		return nil
	}
	w.lookups.book = newKeyBook(w.lookups.keys)
	w.tgt = newTarget(w.Ring, w.lookups.book, func() {
		if w.watch != nil {
			w.watch.check("membership change")
		}
	})
	w.tgt.wait = cfg.Churn.LeaveWait
	if err := startChurn(cfg, trace, w.Sched, w.Ring, w.tgt, w.Seed, w.start); err != nil {
		return err
	}
	w.end = w.start.Add(cfg.Failure.At)
	if cfg.Churn.Duration > 0 {
		w.end = max(w.end, w.start.Add(cfg.Churn.Start+cfg.Churn.Duration))
	}
	return nil
}

// Drive issues the lookups and requests and runs the simulation until the
// last one is answered and the churn and failures are over. The lookups
// run on the static engine instead when the config asks for it, or allows
// it (engine auto) and nothing is scheduled that the engine would skip.
func (w *World) Drive(ctx context.Context) error {
	cfg, sched, lk := w.Config, w.Sched, w.lookups
	lk.res.Latency.Grow(lk.total)
	if w.Net.Topology != nil {
		lk.res.OKLatency.Grow(lk.total)
		lk.res.Stretch.Grow(lk.total)
	}
	first := w.start.Add(cfg.Workload.Start)
	if w.tracer == nil && (cfg.Engine == "static" || (cfg.Engine == "auto" && cfg.StaticBlocker() == "" && sched.Pending() == 0 && w.Ring.StaticReady() == nil)) {
		if err := lk.runStatic(ctx, first); err != nil {
			return err
		}
		w.static = true
		return nil
	}
	if cfg.TimeSeries.Every > 0 {
		w.startSampler()
	}
	if cfg.Pointers.Every > 0 {
		w.startPointers()
	}
	if lk.total > 0 {
		sched.At(first, lk.owner, 0, 0, 0)
	} else {
		lk.done = true
	}
	if w.kvd != nil {
		if err := w.kvd.start(cfg, first); err != nil {
			return err
		}
	}
	busy := func() bool { return !lk.done || (w.kvd != nil && !w.kvd.done) }
	for busy() {
		for i := 0; i < checkEvery && busy(); i++ {
			if !sched.Step() {
				if err := w.stopped(); err != nil {
					return err
				}
				return fmt.Errorf("simulation ran out of events with %d lookups unanswered (seed %d)", w.Ring.InFlight(), w.Seed)
			}
			if err := w.stopped(); err != nil {
				return err
			}
		}
		w.report()
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	if sched.Now() < w.end {
		if err := w.runUntil(ctx, w.end); err != nil {
			return err
		}
	}
	return w.stopped()
}

// Collect gathers what the run measured once Drive has returned. With
// kv.check_linearizability it checks the history, within the config's
// budgets, and honours ctx (Ctrl-C) while it does.
func (w *World) Collect(ctx context.Context) (*Result, error) {
	res := w.res
	w.lookups.countS01() // the last batch
	if w.static {
		res.Static = true
		res.Members = w.Ring.Oracle().Len()
		res.Sent = w.Ring.MessagesSent()
		res.Bytes, res.LookupBytes = w.Ring.BytesSent(), w.Ring.LookupBytes()
		return res, nil
	}
	if w.tgt != nil {
		res.Joins, res.Fails, res.Leaves = w.tgt.joins, w.tgt.fails, w.tgt.leaves
		res.KeysLost = w.lookups.book.nLost
	}
	if w.watch != nil {
		res.Checks = w.watch.checks
	}
	if w.kvd != nil {
		if err := w.kvd.finish(ctx, w.Config); err != nil {
			return nil, err
		}
	}
	res.Members = w.Ring.Oracle().Len()
	res.Sent = w.Ring.MessagesSent()
	res.Bytes, res.LookupBytes = w.Ring.BytesSent(), w.Ring.LookupBytes()
	res.Events = w.Sched.Fired()
	if w.sampler != nil {
		w.sampler.finish()
		res.Events -= w.sampler.fired
	}
	if w.pointers != nil {
		res.Events -= w.pointers.fired
	}
	res.SimTime = w.Sched.Now()
	return res, nil
}
