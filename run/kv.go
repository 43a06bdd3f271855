package run

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/chord/kv"
	"github.com/chordsim/chordsim/config"
	"github.com/chordsim/chordsim/metrics"
	"github.com/chordsim/chordsim/metrics/lincheck"
	"github.com/chordsim/chordsim/sim"
	"github.com/chordsim/chordsim/workload"
)

// KVStats is what a run measured of the key-value service.
type KVStats struct {
	Ops       [kv.NumKinds][kv.NumOutcomes]int
	Latency   [2]metrics.Samples // milliseconds of answered requests: [0] writes (insert, delete), [1] reads
	First     sim.Time           // first request issued
	Last      sim.Time           // last answer
	Attempts  int                // over answered and failed requests
	Reads     int                // answered queries checked for freshness
	Stale     int                // of those, reads that missed the latest written value
	Linear    float64            // 1 linearizable, 0 not, NaN not checked or unknown
	Unknown   float64            // 1 the check ran out of its budget undecided, 0 it decided, NaN not checked
	BadKeys   int                // keys whose history is not linearizable
	Undecided int                // keys the check could not decide within its budget
	LostAcked int                // acknowledged writes no live copy holds at the end (nor a write that followed them)
	Messages  uint64             // service messages
	Refused   uint64             // requests a node refused
	Copies    metrics.IntHist    // pairs (with replicas) held per member at the end
	HandedOff uint64             // pairs moved by joins and departures
}

// Outcome counts the requests of every kind that ended with outcome o.
func (k *KVStats) Outcome(o kv.OpOutcome) int {
	n := 0
	for kind := range k.Ops {
		n += k.Ops[kind][o]
	}
	return n
}

// Done counts the requests that ended, whatever their outcome.
func (k *KVStats) Done() int {
	n := 0
	for o := 0; o < kv.NumOutcomes; o++ {
		n += k.Outcome(kv.OpOutcome(o))
	}
	return n
}

// kvDriver issues a run's key-value requests and records the answers. In
// the closed loop each of Clients clients sends its next request when the
// previous one is answered; in the open loop requests arrive as a Poisson
// process. Each request starts at a random member, as the reference
// clients' random_select did.
type kvDriver struct {
	svc      *kv.Service
	ring     *chord.Ring
	sched    *sim.Scheduler
	owner    sim.OwnerID
	rng      *rand.Rand // origins and arrival gaps
	genRng   *rand.Rand // generated requests
	gen      *workload.Generator
	file     []workload.Request
	total    int
	issued   int
	finished int
	rate     float64
	done     bool
	st       *KVStats
	history  []lincheck.Op
}

// newKVDriver makes the clients of svc: kv.file's requests, or generated
// ones.
func newKVDriver(cfg *config.Config, svc *kv.Service, sched *sim.Scheduler, ring *chord.Ring, seed uint64, requests []workload.Request, st *KVStats) (*kvDriver, error) {
	var err error
	d := &kvDriver{
		svc: svc, ring: ring, sched: sched, st: st, rate: cfg.KV.Rate,
		rng: sim.Stream(seed, "kv-clients"), genRng: sim.Stream(seed, "kv-requests"),
	}
	if cfg.KV.File != "" {
		d.file = requests
		d.total = len(requests)
	} else {
		d.total = cfg.KV.Requests
	}
	if cfg.KV.Requests > 0 || cfg.KV.Preload {
		if d.gen, err = workload.NewGenerator(cfg.KVSpec()); err != nil {
			return nil, err
		}
	}
	svc.SetClient(d)
	d.owner = sched.Register(d)
	return d, nil
}

// start preloads the key population if asked and issues the first
// requests at time at.
func (d *kvDriver) start(cfg *config.Config, at sim.Time) error {
	if cfg.KV.Preload {
		for i := 0; i < cfg.KV.Keys; i++ {
			key := d.gen.KeyName(i)
			if err := d.svc.Preload(key, "v0"); err != nil {
				return err
			}
			// The preloaded value is a write completed before the run.
			d.history = append(d.history, lincheck.Op{Client: -1, Kind: lincheck.Put, Key: key, Value: "v0", Call: int64(at) - 2, Return: int64(at) - 1})
		}
	}
	if d.total == 0 {
		d.done = true
		return nil
	}
	if d.rate > 0 {
		d.sched.At(at, d.owner, 0, 0, 0)
		return nil
	}
	clients := min(cfg.KV.Clients, d.total)
	for c := 0; c < clients; c++ {
		d.sched.At(at, d.owner, 1, int32(c), 0)
	}
	return nil
}

// Fire implements sim.Owner: kind 0 is an open-loop arrival, kind 1 a
// closed-loop client's first request.
func (d *kvDriver) Fire(ev *sim.Event) {
	switch ev.Kind {
	case 0:
		d.issue(d.issued)
		if d.issued < d.total {
			gap := sim.Duration(d.rng.ExpFloat64() / d.rate * 1e9)
			d.sched.After(gap, d.owner, 0, 0, 0)
		}
	case 1:
		d.issue(int(ev.Ref))
	}
}

// issue starts the next request for client c.
func (d *kvDriver) issue(c int) {
	if d.issued >= d.total {
		return
	}
	var req workload.Request
	if d.file != nil {
		req = d.file[d.issued]
	} else {
		req = d.gen.Next(d.genRng)
	}
	d.issued++
	if d.issued == 1 {
		d.st.First = d.sched.Now()
	}
	o := d.ring.Oracle()
	if o.Len() == 0 {
		// No member to send it from: it fails at once.
		d.st.Ops[kindOf(req)][kv.Unavailable]++
		d.finished++
		d.checkDone()
		return
	}
	_, origin := o.At(d.rng.IntN(o.Len()))
	d.svc.Start(origin, kindOf(req), req.Key, req.Value, uint64(c))
}

func kindOf(r workload.Request) kv.Kind {
	switch r.Kind {
	case workload.Insert:
		return kv.Insert
	case workload.Delete:
		return kv.Delete
	}
	if r.Key == "*" {
		return kv.QueryAll
	}
	return kv.Query
}

// OpDone implements kv.Client.
func (d *kvDriver) OpDone(res *kv.Result) {
	st := d.st
	st.Ops[res.Kind][res.Outcome]++
	st.Attempts += res.Attempts
	st.Last = res.Return
	d.finished++
	if res.Outcome == kv.OK {
		ms := float64(res.Latency()) / float64(sim.Millisecond)
		if res.Kind == kv.Query {
			st.Latency[1].Add(ms)
		} else if res.Kind != kv.QueryAll {
			st.Latency[0].Add(ms)
		}
	}
	d.record(res)
	if d.rate == 0 {
		d.issue(int(res.Tag))
	}
	d.checkDone()
}

// record adds the operation to the history: a read that was not answered
// tells nothing and is left out; a write that was not answered may or may
// not have taken effect (Unknown).
func (d *kvDriver) record(res *kv.Result) {
	op := lincheck.Op{Client: int(res.Tag), Key: res.Key, Call: int64(res.Call), Return: int64(res.Return)}
	switch res.Kind {
	case kv.Insert:
		op.Kind, op.Value = lincheck.Put, res.Value
	case kv.Delete:
		op.Kind = lincheck.Delete
	case kv.Query:
		if res.Outcome != kv.OK {
			return
		}
		op.Kind, op.Value, op.Found = lincheck.Get, res.Value, res.Found
	default:
		return
	}
	if res.Outcome != kv.OK && res.Kind != kv.Query {
		op.Unknown = true
	}
	d.history = append(d.history, op)
}

func (d *kvDriver) checkDone() {
	if d.finished >= d.total && d.issued >= d.total {
		d.done = true
	}
}

// finish computes the run's key-value figures at its end. The
// linearizability check honours ctx (Ctrl-C) and the config's budgets.
func (d *kvDriver) finish(ctx context.Context, cfg *config.Config) error {
	st := d.st
	s := d.svc.Stats()
	for _, n := range s.Sent {
		st.Messages += n
	}
	st.Refused, st.HandedOff = s.Refused, s.HandedOff
	o := d.ring.Oracle()
	for i := 0; i < o.Len(); i++ {
		_, h := o.At(i)
		st.Copies.Add(d.svc.Held(h))
	}
	st.Reads, st.Stale = freshness(d.history)
	st.LostAcked = lostAcked(d.history, func(key string) (kv.Entry, bool) {
		var best kv.Entry
		found := false
		for i := 0; i < o.Len(); i++ {
			_, h := o.At(i)
			if e, ok := d.svc.Stored(h, key); ok && (!found || e.Version > best.Version || (e.Version == best.Version && e.Op > best.Op)) {
				best, found = e, true
			}
		}
		return best, found
	})
	st.Linear, st.Unknown = math.NaN(), math.NaN()
	if cfg.KV.CheckLinearizability {
		k := &cfg.KV
		res, err := lincheck.CheckContext(ctx, d.history, lincheck.Budget{
			KeyTime:   time.Duration(k.CheckKeyTimeout),
			Time:      time.Duration(k.CheckTimeout),
			KeyMemory: int64(k.CheckKeyMemoryMB) << 20,
			Memory:    int64(k.CheckMemoryMB) << 20,
		})
		if err := ctx.Err(); err != nil {
			return err
		}
		if err != nil {
			return fmt.Errorf("linearizability check: %v", err)
		}
		st.Unknown = 0
		st.BadKeys, st.Undecided = len(res.BadKeys), len(res.Undecided)
		switch res.Verdict {
		case lincheck.Linearizable:
			st.Linear = 1
		case lincheck.NotLinearizable:
			st.Linear = 0
		case lincheck.Inconclusive:
			st.Unknown = 1
		}
	}
	return nil
}

// freshness counts the answered reads and those that were stale: a read
// is fresh if it returned the value (or the absence) left by a write that
// was not yet superseded when the read began. A write W is superseded by
// then if another write that was acknowledged started after W was
// acknowledged and was itself acknowledged before the read began; a write
// whose outcome is unknown is never superseded (it may take effect late).
// Writes concurrent with the read are all acceptable.
func freshness(history []lincheck.Op) (reads, stale int) {
	byKey := map[string][]int{}
	var keys []string
	for i, op := range history {
		if _, ok := byKey[op.Key]; !ok {
			keys = append(keys, op.Key)
		}
		byKey[op.Key] = append(byKey[op.Key], i)
	}
	sort.Strings(keys)
	for _, key := range keys {
		var writes, gets []int
		for _, i := range byKey[key] {
			if history[i].Kind == lincheck.Get {
				gets = append(gets, i)
			} else {
				writes = append(writes, i)
			}
		}
		for _, g := range gets {
			r := &history[g]
			reads++
			ok := false
			// The initial absence is a candidate until some write was
			// acknowledged before the read began.
			initial := true
			for _, wi := range writes {
				if w := &history[wi]; !w.Unknown && w.Return < r.Call {
					initial = false
					break
				}
			}
			if initial && !r.Found {
				ok = true
			}
			for _, wi := range writes {
				if ok {
					break
				}
				w := &history[wi]
				if w.Call >= r.Return || !matches(w, r) {
					continue // started after the read ended, or a different value
				}
				superseded := false
				if !w.Unknown {
					for _, vi := range writes {
						v := &history[vi]
						if vi != wi && !v.Unknown && v.Call > w.Return && v.Return < r.Call {
							superseded = true
							break
						}
					}
				}
				ok = !superseded
			}
			if !ok {
				stale++
			}
		}
	}
	return reads, stale
}

// matches reports whether write w explains what read r returned.
func matches(w, r *lincheck.Op) bool {
	if w.Kind == lincheck.Delete {
		return !r.Found
	}
	return r.Found && r.Value == w.Value
}

// lostAcked counts the acknowledged writes (puts and deletes) that are
// lost at the end of the run: the key's final state, as final gives it
// (the newest copy any live member holds), is explained by no write that
// could follow them. The final state is explained by the put of its value,
// or, if the key is absent or deleted, by a delete or by the key's initial
// absence; a write W survives if one of those is W itself or a write that
// was not acknowledged before W was called (a concurrent or later write,
// or one whose outcome is unknown and may have landed late). The newest
// copy is the best any read could still return, so a write lost by this
// count is never readable again.
func lostAcked(history []lincheck.Op, final func(key string) (kv.Entry, bool)) int {
	byKey := map[string][]int{}
	var keys []string
	for i, op := range history {
		if op.Kind == lincheck.Get {
			continue
		}
		if _, ok := byKey[op.Key]; !ok {
			keys = append(keys, op.Key)
		}
		byKey[op.Key] = append(byKey[op.Key], i)
	}
	sort.Strings(keys)
	lost := 0
	for _, key := range keys {
		e, ok := final(key)
		present := ok && !e.Deleted
		var explain []*lincheck.Op
		for _, i := range byKey[key] {
			w := &history[i]
			if (w.Kind == lincheck.Put && present && w.Value == e.Value) || (w.Kind == lincheck.Delete && !present) {
				explain = append(explain, w)
			}
		}
		for _, i := range byKey[key] {
			w := &history[i]
			if w.Unknown {
				continue
			}
			survives := false
			for _, x := range explain {
				if x == w || x.Unknown || x.Return >= w.Call {
					survives = true
					break
				}
			}
			if !survives { // the initial absence precedes every write: it explains nothing that W followed
				lost++
			}
		}
	}
	return lost
}
