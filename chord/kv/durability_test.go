package kv

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/sim"
)

var (
	durabilitySeeds = flag.Int("kv.seeds", 0, "seeds for TestNoAcknowledgedWriteLost (0: 200, also with -short)")
	durabilitySeed  = flag.Uint64("kv.seed", 0, "run only this seed of TestNoAcknowledgedWriteLost (the rerun command a failure prints)")
)

// write is one write as its client saw it.
type write struct {
	value        string
	call, ret    sim.Time
	acknowledged bool
}

// writers is a set of closed-loop clients that write unique values to a
// few keys from random members until stop.
type writers struct {
	w      *world
	rng    *rand.Rand
	keys   []string
	stop   sim.Time
	seq    int
	writes map[string][]write
}

func (c *writers) next() {
	if c.w.sched.Now() >= c.stop || c.w.ring.Oracle().Len() == 0 {
		return
	}
	o := c.w.ring.Oracle()
	_, origin := o.At(c.rng.IntN(o.Len()))
	c.seq++
	c.w.svc.Start(origin, Insert, c.keys[c.rng.IntN(len(c.keys))], fmt.Sprintf("v%d", c.seq), 0)
}

func (c *writers) OpDone(res *Result) {
	c.writes[res.Key] = append(c.writes[res.Key], write{value: res.Value, call: res.Call, ret: res.Return, acknowledged: res.Outcome == OK})
	c.next()
}

// durabilityRegressions are seeds beyond the default range, run with
// every default run. 2504, 3296 and 4344 lost acknowledged writes once
// the ring confirmed suspicions before acting (three pings): replicas
// dropped pairs by the TTL while the chain above them was still being
// repaired, and a last copy was not passed on before the next burst (see
// rescue). 221 and 1224 lose writes with rescue alone (see restartTTL).
var durabilityRegressions = []uint64{221, 1224, 2504, 3296, 4344}

// TestNoAcknowledgedWriteLost: in linearizable mode with k ≥ 2, while
// bursts of up to k−1 consecutive members fail (and as many new nodes
// join) with stabilization running, no acknowledged write is lost: once
// the ring has settled, every key reads back the value of a write that no
// acknowledged write followed.
func TestNoAcknowledgedWriteLost(t *testing.T) {
	seeds := *durabilitySeeds
	if seeds == 0 {
		seeds = 200 // with -short too: fewer would miss the rare seeds (the first failure of the hand-off bug was seed 305)
	}
	first, last := uint64(1), uint64(seeds)
	var list []uint64
	if *durabilitySeed != 0 {
		first, last = *durabilitySeed, *durabilitySeed
	} else {
		list = durabilityRegressions
	}
	for seed := first; seed <= last; seed++ {
		list = append(list, seed)
	}
	acked, excusedKeys := 0, 0
	var excusedAt []string // seed:key
	// How long the service takes to hold k copies again after a burst
	// kills a copy-holder (sampled every second), and how often a burst
	// kills a holder of a key that has not yet got its k copies back:
	// the figures that say whether re-replicating faster could close the
	// excused case (see the comment on hit below).
	var restore []sim.Duration
	keyHits, hitsBeforeRestore := 0, 0
	for _, seed := range list {
		rng := rand.New(rand.NewPCG(seed, 11))
		k := 2 + rng.IntN(3)
		cc := chord.DefaultConfig()
		cc.Successors = 6
		cc.StabilizeEvery, cc.FixFingersEvery, cc.CheckPredecessorEvery = sim.Second, sim.Second, sim.Second
		kc := DefaultConfig()
		kc.Replicas = k
		kc.RepairEvery, kc.ReplicaTTL = 2*sim.Second, 8*sim.Second
		n := 2*k + rng.IntN(30)
		w := newWorld(t, seed, cc, kc, n)
		c := &writers{w: w, rng: rand.New(rand.NewPCG(seed, 12)), stop: sim.Time(0).Add(200 * sim.Second), writes: map[string][]write{}}
		for i := range 1 + rng.IntN(20) {
			c.keys = append(c.keys, fmt.Sprintf("key%d", i))
		}
		w.svc.SetClient(c)
		for range 1 + rng.IntN(8) {
			c.next()
		}
		// The service claims to keep a key while fewer than k of its
		// copy-holders crash before it has k copies again (the manual's
		// "What it survives"). A burst that comes before the ring has
		// recovered from the one before (stable, then two repair periods
		// for the copies to be pushed) can take, with it, k or more
		// holders of a key. Seed 221, k = 4: at 3m9s a burst of 3 kills
		// one holder of key6 and two of key2's and key13's; at 3m14s,
		// the ring not yet stable, a burst of 3 kills key6's other three
		// holders and two more of key2's and key13's; at 3m22s, one
		// second after the ring is stable again and before the repair
		// has pushed the copies, a burst of 1 kills their last holder.
		// That case, and only it, is excused: a lost write is counted,
		// not failed, only if a burst killed every member still holding
		// a copy of its key and an earlier burst of the same window had
		// killed one (the campaign test waits for recovery instead).
		// Such a key is still read and checked; most survive (a copy in
		// flight). A crash cannot be acted on sooner than the failure
		// detector confirms it, (1 + suspect_confirm)·rpc_timeout = 2 s,
		// so no push, however prompt, closes the window: the log gives
		// how long the service takes to hold k copies again.
		hit := map[string]bool{}
		excused := map[string]bool{}
		var stableAt sim.Time = -1
		hitAt := make([]sim.Time, len(c.keys)) // first kill of a holder since the key last had k copies, or -1
		for i := range hitAt {
			hitAt[i] = -1
		}
		for w.sched.Now() < c.stop {
			for range 5 + rng.IntN(20) {
				w.run(sim.Second)
				for i, key := range c.keys {
					if hitAt[i] >= 0 && ownersHolding(w, key) == k {
						restore = append(restore, w.sched.Now().Sub(hitAt[i]))
						hitAt[i] = -1
					}
				}
				if !stable(w) {
					stableAt = -1
				} else if stableAt < 0 {
					stableAt = w.sched.Now()
				}
				if stableAt >= 0 && w.sched.Now().Sub(stableAt) >= 2*kc.RepairEvery {
					clear(hit)
				}
			}
			o := w.ring.Oracle()
			burst := 1 + rng.IntN(k-1)
			if o.Len()-burst < k {
				continue
			}
			first := rng.IntN(o.Len())
			var dead []chord.Handle
			for j := range burst {
				_, h := o.At((first + j) % o.Len())
				dead = append(dead, h)
			}
			recovered := stableAt >= 0 && w.sched.Now().Sub(stableAt) >= 2*kc.RepairEvery
			for i, key := range c.keys {
				holders, killed := 0, 0
				for h := range w.svc.stores {
					if w.ring.State(chord.Handle(h)) == chord.Member && w.svc.stores[h][key] != nil {
						holders++
						if slices.Contains(dead, chord.Handle(h)) {
							killed++
						}
					}
				}
				if holders > 0 && killed == holders && hit[key] && !recovered {
					excused[key] = true
				}
				if killed > 0 {
					hit[key] = true
					keyHits++
					if hitAt[i] >= 0 {
						hitsBeforeRestore++
					} else {
						hitAt[i] = w.sched.Now()
					}
				}
			}
			for _, h := range dead {
				w.ring.Fail(h)
				nh, _ := w.ring.AddNode()
				w.ring.Join(nh)
			}
		}
		w.run(30 * sim.Second) // the last operations finish
		settle(t, w, fmt.Sprintf("seed %d (rerun: go test ./chord/kv -run 'TestNoAcknowledgedWriteLost$' -kv.seed %d)", seed, seed))
		w.svc.SetClient(w.rec)
		_, origin := w.ring.Oracle().At(0)
		for _, key := range c.keys {
			ws := c.writes[key]
			res := w.do(t, origin, Query, key, "")
			if res.Outcome != OK {
				t.Fatalf("seed %d: final read of %s: %s (%s); rerun: go test ./chord/kv -run 'TestNoAcknowledgedWriteLost$' -kv.seed %d", seed, key, res.Outcome, res.Cause, seed)
			}
			var from *write
			for i := range ws {
				if ws[i].acknowledged {
					acked++
				}
				if res.Found && ws[i].value == res.Value {
					from = &ws[i]
				}
			}
			for i := range ws {
				lost := ws[i].acknowledged && (from == nil || (from.acknowledged && from.ret < ws[i].call))
				if lost && excused[key] {
					excusedKeys++
					excusedAt = append(excusedAt, fmt.Sprintf("%d:%s", seed, key))
					break
				}
				if lost {
					t.Fatalf("seed %d (k = %d, n = %d): acknowledged write %s = %s (at %v–%v) is lost: the key reads %q (found %v); rerun: go test ./chord/kv -run 'TestNoAcknowledgedWriteLost$' -kv.seed %d", seed, k, n, key, ws[i].value, ws[i].call, ws[i].ret, res.Value, res.Found, seed)
				}
			}
		}
	}
	if acked == 0 {
		t.Fatal("no write was acknowledged: the test checked nothing")
	}
	t.Logf("%d acknowledged writes over seeds %d..%d and %v; %d keys lost and excused (a burst before the ring had recovered killed their last copies): %v", acked, first, last, list[:len(list)-int(last-first+1)], excusedKeys, excusedAt)
	if len(restore) > 0 {
		slices.Sort(restore)
		q := func(p float64) sim.Duration { return restore[int(p*float64(len(restore)-1))] }
		t.Logf("k copies again after a burst killed a holder (sampled each second): median %v, p90 %v, p99 %v, max %v over %d restorations; %d of %d kills of a key's holder came before the key had its k copies back", q(0.5), q(0.9), q(0.99), restore[len(restore)-1], len(restore), hitsBeforeRestore, keyHits)
	}
}

// ownersHolding counts the key's k owners by the oracle (its successor and
// the k − 1 members after it) that hold a copy of it.
func ownersHolding(w *world, key string) int {
	o := w.ring.Oracle()
	k := w.svc.Config().Replicas
	h := o.Successor(w.svc.space.Hash(key))
	n := 0
	for i := 0; i < k && i < o.Len(); i++ {
		if _, ok := w.svc.Stored(h, key); ok {
			n++
		}
		h = o.Successor(w.svc.space.Add(w.ring.ID(h), 1))
	}
	return n
}
