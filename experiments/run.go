package experiments

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/churn"
	kvload "github.com/chordsim/chordsim/experiments/workload"
	"github.com/chordsim/chordsim/metrics"
	"github.com/chordsim/chordsim/sim"
)

// RunResult is what one run measured.
type RunResult struct {
	Seed     uint64
	Members  int             // live members at the end
	Keys     int             // keys placed
	Hops     metrics.IntHist // hops of lookups that returned an answer
	Timeouts metrics.IntHist // timeouts per lookup, all lookups
	Outcomes [chord.NumOutcomes]int
	Latency  metrics.Samples // milliseconds, lookups that returned an answer
	Messages uint64          // messages sent by lookups
	Load     metrics.IntHist // keys per member
	Sent     [chord.NumMsgKinds]uint64
	Events   uint64
	SimTime  sim.Time
	Lookups  int
	LostKey  int      // lookups of keys lost with failed nodes (not in Outcomes)
	KeysLost int      // placed keys lost with failed nodes
	Joins    int      // churn: joins started
	Fails    int      // churn and mass failure: members and joining nodes crashed
	Leaves   int      // churn: graceful departures
	Checks   int      // invariant checks made
	Static   bool     // the lookups ran on the static engine (not an output: the results are the same)
	KV       *kvStats // the key-value service's figures; nil when it is off
	// Values holds every metric of results.csv, in column order, computed
	// once when the run ends. Outputs are built from Values and the
	// histograms only, which is what a stored run record keeps.
	Values []float64
}

// finalize computes Values and drops the per-lookup samples, which are
// large and no longer needed.
func (r *RunResult) finalize() {
	r.Values = make([]float64, len(metricsList))
	for i, m := range metricsList {
		r.Values[i] = m.value(r)
	}
	r.Latency = metrics.Samples{}
	r.KV = nil
}

// workload issues the run's lookups as a Poisson process and watches them
// finish. It is the run's only other event owner besides the ring and the
// network.
type workload struct {
	ring    *chord.Ring
	sched   *sim.Scheduler
	owner   sim.OwnerID
	rng     *rand.Rand
	keys    []chord.ID
	rate    float64
	total   int
	issued  int
	pending int // this workload's lookups not yet answered (the ring's InFlight also counts the kv service's)
	done    bool
	res     *RunResult
	nameBuf []byte
	uniform bool
	book    *keyBook // which placed keys are lost; nil without failures
}

func (w *workload) Fire(ev *sim.Event) {
	o := w.ring.Oracle()
	if o.Len() > 0 {
		origin := o.HandleAt(w.rng.IntN(o.Len()))
		w.pending++ // before the call: a lookup may finish inside it
		w.ring.Lookup(origin, w.key(), uint64(w.issued))
	}
	w.issued++
	if w.issued < w.total {
		w.sched.After(w.gap(), w.owner, 0, 0, 0)
	} else if w.pending == 0 {
		w.done = true
	}
}

func (w *workload) gap() sim.Duration {
	return sim.Duration(w.rng.ExpFloat64() / w.rate * 1e9)
}

// key picks a placed key at random, or a fresh one if none are placed.
func (w *workload) key() chord.ID {
	if len(w.keys) > 0 {
		return w.keys[w.rng.IntN(len(w.keys))]
	}
	return w.newKey(w.rng)
}

// newKey names a key "k<random base-36>" and hashes the name, or draws the
// identifier directly with ids: uniform.
func (w *workload) newKey(rng *rand.Rand) chord.ID {
	sp := w.ring.Space()
	if w.uniform {
		return sp.FromUint64(rng.Uint64())
	}
	w.nameBuf = strconv.AppendUint(append(w.nameBuf[:0], 'k'), rng.Uint64(), 36)
	return sp.HashBytes(w.nameBuf)
}

// LookupDone implements chord.Observer.
func (w *workload) LookupDone(r *chord.LookupResult) {
	res := w.res
	if w.book != nil && w.book.isLost(r.Key) {
		// The key went down with a failed node: no route can find it
		// (S01 Fig. 11 counts these as failed lookups).
		res.LostKey++
	} else {
		res.Outcomes[r.Outcome]++
	}
	res.Timeouts.Add(r.Timeouts)
	res.Messages += uint64(r.Messages)
	if r.Outcome == chord.Correct || r.Outcome == chord.WrongOwner {
		res.Hops.Add(r.Hops)
		res.Latency.Add(r.Latency.Milliseconds())
	}
	w.pending--
	if w.issued == w.total && w.pending == 0 {
		w.done = true
	}
}

// runStatic issues the run's lookups, first at time first, and computes
// them on the static engine. It draws exactly what Fire draws, in the same
// order, so the lookups are those the event path would issue; it sets the
// result's event count and end time to the event path's.
func (w *workload) runStatic(ctx context.Context, first sim.Time) error {
	if w.sched.Pending() != 0 {
		return fmt.Errorf("engine static: %d events are scheduled besides the lookups", w.sched.Pending())
	}
	at, scheduled := first, w.sched.Now()
	var stopped error
	sum, err := w.ring.RunStatic(func() (chord.StaticLookup, bool) {
		if w.issued == w.total || stopped != nil {
			return chord.StaticLookup{}, false
		}
		if w.issued%checkEvery == 0 {
			if stopped = ctx.Err(); stopped != nil {
				return chord.StaticLookup{}, false
			}
		}
		o := w.ring.Oracle()
		origin := o.HandleAt(w.rng.IntN(o.Len()))
		l := chord.StaticLookup{Origin: origin, Key: w.key(), At: at, Scheduled: scheduled, Tag: uint64(w.issued)}
		w.issued++
		if w.issued < w.total {
			scheduled, at = at, at.Add(w.gap())
		}
		return l, true
	})
	if err != nil {
		return fmt.Errorf("engine static: %v", err)
	}
	if stopped != nil {
		return stopped
	}
	w.done = true
	w.res.Events = w.sched.Fired() + sum.Events()
	w.res.SimTime = sum.End
	return nil
}

// checkEvery is how many events a run processes between looks at its
// context, so that cancelling costs nothing measurable.
const checkEvery = 1 << 16

// Run executes one run of cfg (a single sweep point, already validated)
// with the given seed.
// A config with a churn.trace must go through NewPlan, which reads the file:
// use RunPoint.
func Run(ctx context.Context, cfg *Config, seed uint64) (*RunResult, error) {
	if cfg.Churn.Trace != "" {
		return nil, fmt.Errorf("churn.trace %s: a config with a trace runs through NewPlan and RunPoint", cfg.Churn.Trace)
	}
	if cfg.KV.File != "" {
		return nil, fmt.Errorf("kv.file %s: a config with a request file runs through NewPlan and RunPoint", cfg.KV.File)
	}
	return run(ctx, cfg, seed, nil, nil, nil)
}

// RunPoint executes one run of a plan's sweep point with the given seed.
func RunPoint(ctx context.Context, pt *PlanPoint, seed uint64) (*RunResult, error) {
	return run(ctx, &pt.Config, seed, nil, pt.trace, pt.requests)
}

// run is Run with a hook called once the ring is built and has settled,
// before keys are placed and lookups start (the benchmark times the phases).
func run(ctx context.Context, cfg *Config, seed uint64, built func(*sim.Scheduler), trace *churn.Trace, requests []kvload.Request) (*RunResult, error) {
	sched := sim.NewScheduler()
	res := &RunResult{Seed: seed, Lookups: cfg.Workload.Lookups}
	w := &workload{
		sched: sched, rng: sim.Stream(seed, "workload"), rate: cfg.Workload.LookupRate,
		total: cfg.Workload.Lookups, res: res, uniform: cfg.IDs == "uniform",
	}
	ring, err := chord.New(sched, chord.Options{
		Config:     cfg.chordConfig(),
		Net:        sim.NetConfig{Latency: cfg.Network.Latency, Loss: cfg.Network.Loss, Keyed: cfg.Network.Draws == "keyed"},
		Seed:       seed,
		UniformIDs: cfg.IDs == "uniform",
		Observer:   w,
	})
	if err != nil {
		return nil, err
	}
	w.ring = ring
	w.owner = sched.Register(w)
	var watch *watcher
	if cfg.CheckInvariants {
		period := cfg.Chord.StabilizeEvery
		if period == 0 {
			period = 30 * sim.Second
		}
		watch = newWatcher(ring, sched, period, seed)
		watch.start(0)
	}
	stopped := func() error {
		if watch != nil && watch.err != nil {
			return watch.err
		}
		return nil
	}

	// Build the ring.
	var ready sim.Time
	switch cfg.Bootstrap {
	case "ideal":
		if err := ring.BootstrapIdeal(cfg.N); err != nil {
			return nil, err
		}
	case "protocol":
		first, err := ring.AddNode()
		if err != nil {
			return nil, err
		}
		if err := ring.Create(first); err != nil {
			return nil, err
		}
		for i := 1; i < cfg.N; i++ {
			h, err := ring.AddNode()
			if err != nil {
				return nil, err
			}
			ring.ScheduleJoin(sim.Time(i)*sim.Time(cfg.JoinEvery), h)
		}
		ready = sim.Time(cfg.N-1) * sim.Time(cfg.JoinEvery)
	default:
		return nil, fmt.Errorf("bootstrap %q is not ideal or protocol", cfg.Bootstrap)
	}
	start := ready.Add(cfg.Settle)
	if err := runUntil(ctx, sched, start); err != nil {
		return nil, err
	}
	if err := stopped(); err != nil {
		return nil, err
	}
	if built != nil {
		built(sched)
	}
	// The key-value service starts on the built ring (its members start
	// ready; later joiners fetch their pairs).
	var kvd *kvDriver
	if cfg.kvOn() {
		res.KV = &kvStats{}
		if kvd, err = newKVDriver(cfg, sched, ring, seed, requests, res.KV); err != nil {
			return nil, err
		}
	}

	// Place keys and measure the load they put on each member.
	keyRng := sim.Stream(seed, "keys")
	w.keys = make([]chord.ID, cfg.keys())
	for i := range w.keys {
		w.keys[i] = w.newKey(keyRng)
	}
	res.Keys = len(w.keys)
	if len(w.keys) > 0 {
		// Load is counted per real node: with virtual nodes, a real node
		// holds the keys of all its members (S01 Fig. 9).
		o := ring.Oracle()
		perMember := o.Owners(w.keys)
		if cfg.Chord.VirtualNodes == 1 {
			for _, c := range perMember {
				res.Load.Add(c)
			}
		} else {
			perReal := make([]int, cfg.N)
			for p, c := range perMember {
				_, h := o.At(p)
				perReal[ring.Host(h)] += c
			}
			for _, c := range perReal {
				res.Load.Add(c)
			}
		}
	}

	// Failures and churn.
	var tgt *target
	var end sim.Time // the run lasts at least until then
	if cfg.Failure.Fraction > 0 || cfg.Failure.StopMaintenance || cfg.churning() {
		w.book = newKeyBook(w.keys)
		tgt = newTarget(ring, w.book, func() {
			if watch != nil {
				watch.check("membership change")
			}
		})
		if err := startChurn(cfg, trace, sched, ring, tgt, seed, start); err != nil {
			return nil, err
		}
		end = start.Add(cfg.Failure.At)
		if cfg.Churn.Duration > 0 {
			end = max(end, start.Add(cfg.Churn.Start+cfg.Churn.Duration))
		}
	}

	res.Latency.Grow(w.total)

	// The static engine, when the config allows it and nothing is
	// scheduled that it would skip.
	if cfg.Engine == "static" || (cfg.Engine == "auto" && cfg.staticBlocker() == "" && sched.Pending() == 0 && ring.StaticReady() == nil) {
		if err := w.runStatic(ctx, start.Add(cfg.Workload.Start)); err != nil {
			return nil, err
		}
		res.Static = true
		res.Members = ring.Oracle().Len()
		res.Sent = ring.MessagesSent()
		res.finalize()
		return res, nil
	}

	// Issue the lookups and requests and run until the last one is answered.
	if w.total > 0 {
		sched.At(start.Add(cfg.Workload.Start), w.owner, 0, 0, 0)
	} else {
		w.done = true
	}
	if kvd != nil {
		if err := kvd.start(cfg, start.Add(cfg.Workload.Start)); err != nil {
			return nil, err
		}
	}
	busy := func() bool { return !w.done || (kvd != nil && !kvd.done) }
	for busy() {
		for i := 0; i < checkEvery && busy(); i++ {
			if !sched.Step() {
				if err := stopped(); err != nil {
					return nil, err
				}
				return nil, fmt.Errorf("simulation ran out of events with %d lookups unanswered (seed %d)", ring.InFlight(), seed)
			}
			if watch != nil && watch.err != nil {
				return nil, watch.err
			}
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	if sched.Now() < end {
		if err := runUntil(ctx, sched, end); err != nil {
			return nil, err
		}
	}
	if err := stopped(); err != nil {
		return nil, err
	}
	if tgt != nil {
		res.Joins, res.Fails, res.Leaves = tgt.joins, tgt.fails, tgt.leaves
		res.KeysLost = w.book.nLost
	}
	if watch != nil {
		res.Checks = watch.checks
	}
	if kvd != nil {
		if err := kvd.finish(ctx, cfg); err != nil {
			return nil, err
		}
	}
	res.Members = ring.Oracle().Len()
	res.Sent = ring.MessagesSent()
	res.Events = sched.Fired()
	res.SimTime = sched.Now()
	res.finalize()
	return res, nil
}

// runUntil advances the simulation to t, looking at ctx now and then.
func runUntil(ctx context.Context, s *sim.Scheduler, t sim.Time) error {
	for s.Now() < t {
		next := s.Now().Add(10 * sim.Second)
		if next > t {
			next = t
		}
		if !s.RunUntil(next) {
			return nil // stopped by an owner (the invariant watcher); the caller asks why
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}
