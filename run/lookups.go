package run

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/sim"
)

// lookupDriver issues the run's lookups as a Poisson process and watches them
// finish. It is the run's only other event owner besides the ring and the
// network.
type lookupDriver struct {
	ring     *chord.Ring
	layer    chord.LayerID // the driver's layer on the ring: its lookups' Tags name it
	sched    *sim.Scheduler
	owner    sim.OwnerID
	rng      *rand.Rand
	keys     []chord.ID
	rate     float64
	perNode  float64 // workload.lookup_rate_per_node; 0: rate is the ring's
	total    int
	issued   int
	pending  int // this driver's lookups not yet answered (the ring's InFlight also counts the kv service's)
	done     bool
	res      *Result
	nameBuf  []byte
	uniform  bool
	book     *keyBook  // which placed keys are lost; nil without failures
	progress *Progress // nil unless the run reports progress
	trace    *tracer   // nil unless the run is traced
	// net is the run's network; with a topology the driver measures
	// successful lookups' latency and stretch (Result.OKLatency, Stretch)
	net sim.NetConfig

	// The lookups whose S01 path is still to count, counted in batches
	// (chord.Ring.S01Paths walks them side by side) on the membership of
	// their issue: a batch is counted when full, just before the
	// membership changes (chord.Ring.BeforeMembershipChange), and when the
	// lookups are over.
	s01P   []int
	s01Key []chord.ID
	s01Out []int
	batch  int // s01Batch (tests set 1: each lookup counted at its issue)
	// s01Left is how many more lookups the S01 counting takes
	// (workload.s01_lookups); negative: every lookup.
	s01Left int
}

// s01Batch is how many lookups the S01 counting batches at most.
const s01Batch = 1024

// batchS01 queues the lookup of key from the member at position p for the
// S01 counting.
func (w *lookupDriver) batchS01(p int, key chord.ID) {
	if w.s01Left == 0 {
		return
	}
	w.s01Left--
	if w.s01P == nil {
		if w.batch == 0 {
			w.batch = s01Batch
		}
		w.s01P, w.s01Key, w.s01Out = make([]int, 0, w.batch), make([]chord.ID, 0, w.batch), make([]int, w.batch)
		w.ring.BeforeMembershipChange(w.countS01)
	}
	w.s01P, w.s01Key = append(w.s01P, p), append(w.s01Key, key)
	if len(w.s01P) == w.batch {
		w.countS01()
	}
}

// countS01 adds the S01 paths of the batched lookups to the result.
func (w *lookupDriver) countS01() {
	if len(w.s01P) == 0 {
		return
	}
	w.s01Out = w.s01Out[:len(w.s01P)]
	w.ring.S01Paths(w.s01P, w.s01Key, w.s01Out)
	for _, x := range w.s01Out {
		w.res.S01Path.Add(x)
	}
	w.s01P, w.s01Key = w.s01P[:0], w.s01Key[:0]
}

func (w *lookupDriver) Fire(ev *sim.Event) {
	o := w.ring.Oracle()
	if o.Len() > 0 {
		p := w.rng.IntN(o.Len())
		origin, key := o.HandleAt(p), w.key()
		w.batchS01(p, key)
		w.pending++ // before the call: a lookup may finish inside it
		w.ring.Lookup(origin, key, chord.Tag{Layer: w.layer, Op: uint64(w.issued)})
	}
	w.issued++
	if w.issued < w.total {
		w.sched.After(w.gap(), w.owner, 0, 0, 0)
	} else if w.pending == 0 {
		w.done = true
	}
}

// gap draws the time to the next lookup. With a per-node rate the ring's
// rate is that times the members now: the superposition of the members'
// exponential gaps is a Poisson process of that rate while membership
// holds still. A membership change between two lookups does not redraw the
// pending gap; it takes effect from the next lookup on (the rate lags by
// the members that came or went during one gap, a small share of all
// members when lookups are frequent beside membership changes).
func (w *lookupDriver) gap() sim.Duration {
	rate := w.rate
	if w.perNode > 0 {
		rate = w.perNode * float64(max(w.ring.Oracle().Len(), 1))
	}
	return sim.Duration(w.rng.ExpFloat64() / rate * 1e9)
}

// key picks a placed key at random, or a fresh one if none are placed.
func (w *lookupDriver) key() chord.ID {
	if len(w.keys) > 0 {
		return w.keys[w.rng.IntN(len(w.keys))]
	}
	return w.newKey(w.rng)
}

// newKey names a key "k<random base-36>" and hashes the name, or draws the
// identifier directly with ids: uniform.
func (w *lookupDriver) newKey(rng *rand.Rand) chord.ID {
	sp := w.ring.Space()
	if w.uniform {
		return sp.FromUint64(rng.Uint64())
	}
	w.nameBuf = strconv.AppendUint(append(w.nameBuf[:0], 'k'), rng.Uint64(), 36)
	return sp.HashBytes(w.nameBuf)
}

// LookupDone is the driver's chord.Hooks.LookupDone.
func (w *lookupDriver) LookupDone(r *chord.LookupResult) {
	res := w.res
	if w.trace != nil {
		w.trace.lookup(r, w.book != nil && w.book.isLost(r.Key))
	}
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
	if w.net.Topology != nil && r.Outcome == chord.Correct && (w.book == nil || !w.book.isLost(r.Key)) {
		res.OKLatency.Add(r.Latency.Milliseconds())
		if rtt := w.net.BaseRTT(r.Origin, r.Owner); r.Owner != r.Origin && rtt > 0 {
			res.Stretch.Add(float64(r.Latency) / float64(rtt))
		}
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
func (w *lookupDriver) runStatic(ctx context.Context, first sim.Time) error {
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
			if p := w.progress; p != nil {
				p.work.Store(int64(w.issued))
				p.simTime.Store(int64(at))
			}
			if stopped = ctx.Err(); stopped != nil {
				return chord.StaticLookup{}, false
			}
		}
		o := w.ring.Oracle()
		p := w.rng.IntN(o.Len())
		l := chord.StaticLookup{Origin: o.HandleAt(p), Key: w.key(), At: at, Scheduled: scheduled, Tag: chord.Tag{Layer: w.layer, Op: uint64(w.issued)}}
		w.batchS01(p, l.Key)
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
	w.countS01()
	w.done = true
	w.res.Events = w.sched.Fired() + sum.Events()
	w.res.SimTime = sum.End
	return nil
}
