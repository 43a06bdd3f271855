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
		// A burst that comes before the ring has recovered from the one
		// before (stable, then two repair periods for the copies to be
		// pushed) can take, with it, more than k − 1 copies of a key (seed
		// 221: a key's fourth replica fails; 5 s later, while the ring
		// is still rebuilding its lists, the other three fail). A lost
		// write is excused, and counted, only if such a burst killed
		// every member still holding a copy of its key and an earlier
		// burst of the same window had killed one: the campaign test
		// waits for recovery instead. Such a key is still read and
		// checked; most survive (a copy in flight).
		hit := map[string]bool{}
		excused := map[string]bool{}
		var stableAt sim.Time = -1
		for w.sched.Now() < c.stop {
			for range 5 + rng.IntN(20) {
				w.run(sim.Second)
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
			for _, key := range c.keys {
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
}
