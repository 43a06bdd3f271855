package kv

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/metrics/lincheck"
	"github.com/chordsim/chordsim/sim"
)

var (
	campaignRuns = flag.Int("kv.campaign", 0, "runs of TestLinearizableCampaign (0: 40, or 12 with -short)")
	campaignSeed = flag.Uint64("kv.campaign.seed", 0, "run only this seed of TestLinearizableCampaign")
	campaignSlow = flag.Bool("kv.campaign.slow", false, "TestLinearizableCampaign: wide-area latency against the 500 ms timeout (false suspicions), reported, not failed")
)

// linClients are closed-loop clients that read, write (unique values) and
// delete a few keys from random members and record every operation as the
// client saw it, for the linearizability check.
type linClients struct {
	w       *world
	rng     *rand.Rand
	keys    []string
	stop    sim.Time
	seq     int
	history []lincheck.Op
	final   map[string]Result // the reads after the faults, by key
	reading bool
}

func (c *linClients) next(client int) {
	if c.reading || c.w.sched.Now() >= c.stop || c.w.ring.Oracle().Len() == 0 {
		return
	}
	o := c.w.ring.Oracle()
	_, origin := o.At(c.rng.IntN(o.Len()))
	key := c.keys[c.rng.IntN(len(c.keys))]
	switch x := c.rng.Float64(); {
	case x < 0.45:
		c.w.svc.Start(origin, Query, key, "", uint64(client))
	case x < 0.5:
		c.w.svc.Start(origin, Delete, key, "", uint64(client))
	default:
		c.seq++
		c.w.svc.Start(origin, Insert, key, fmt.Sprintf("c%d-%d", client, c.seq), uint64(client))
	}
}

func (c *linClients) OpDone(res *Result) {
	op := lincheck.Op{Client: int(res.Tag), Key: res.Key, Call: int64(res.Call), Return: int64(res.Return)}
	switch res.Kind {
	case Insert:
		op.Kind, op.Value = lincheck.Put, res.Value
	case Delete:
		op.Kind = lincheck.Delete
	case Query:
		op.Kind, op.Value, op.Found = lincheck.Get, res.Value, res.Found
	}
	if res.Outcome != OK {
		if res.Kind == Query {
			op.Kind = 255 // a read with no answer tells nothing: not recorded
		} else {
			op.Unknown = true
		}
	}
	if op.Kind != 255 {
		c.history = append(c.history, op)
	}
	if c.reading {
		c.final[res.Key] = *res
		return
	}
	c.next(int(res.Tag))
}

// lostWrites counts the acknowledged writes the final read of their key
// does not reflect: the value it returned (or its absence) comes only from
// writes acknowledged before they were called, or from none.
func lostWrites(history []lincheck.Op, final map[string]Result) int {
	lost := 0
	for key, res := range final {
		if res.Outcome != OK {
			continue // unavailable, reported on its own: it says nothing about what is stored
		}
		var explain []*lincheck.Op
		for i := range history {
			w := &history[i]
			if w.Key != key || w.Kind == lincheck.Get {
				continue
			}
			if (w.Kind == lincheck.Put && res.Found && w.Value == res.Value) || (w.Kind == lincheck.Delete && !res.Found) {
				explain = append(explain, w)
			}
		}
		for i := range history {
			w := &history[i]
			if w.Key != key || w.Kind == lincheck.Get || w.Unknown || w.Call >= int64(res.Call) {
				continue
			}
			ok := false
			for _, x := range explain {
				if x == w || x.Unknown || x.Return >= w.Call {
					ok = true
					break
				}
			}
			if !ok {
				lost++
			}
		}
	}
	return lost
}

// campaignRun is one randomized run: its parameters and what it found.
type campaignRun struct {
	seed                   uint64
	k, r, n                int
	loss                   float64
	crashes, joins, leaves int
	ops, acked             int
	verdict                lincheck.Verdict
	badKeys                []string
	lost                   int
	unavails               int  // final reads that did not succeed
	unsettled              bool // the ring never became stable after the faults (reported with -kv.campaign.slow)
}

func (c campaignRun) String() string {
	return fmt.Sprintf("seed %d (k = %d, r = %d, n = %d, loss %.3f; %d crashes, %d joins, %d leaves; %d ops, %d writes acknowledged)",
		c.seed, c.k, c.r, c.n, c.loss, c.crashes, c.joins, c.leaves, c.ops, c.acked)
}

// runCampaign runs seed: a ring of n members with r successors and k
// copies; clients read and write a few keys for 200 s while, every 5–25 s,
// a burst of 1…k−1 consecutive members crashes (once the ring is stable
// and the replicas repaired after the previous burst), or 1–2 nodes join,
// or one member leaves gracefully, over a network that loses a fraction
// ≤ 1 % of the messages; then the faults stop, the ring settles and every key is
// read once more. The history (final reads included) is checked with
// porcupine, and the final reads for lost acknowledged writes.
func runCampaign(t *testing.T, seed uint64, slow bool) campaignRun {
	rng := rand.New(rand.NewPCG(seed, 17))
	c := campaignRun{seed: seed}
	c.k = 2 + rng.IntN(4)
	c.r = c.k + rng.IntN(4)
	c.n = 2*c.k + 2 + rng.IntN(30)
	c.loss = []float64{0, 0.001, 0.005, 0.01}[rng.IntN(4)]
	cc := chord.DefaultConfig()
	cc.Successors = c.r
	cc.StabilizeEvery, cc.FixFingersEvery, cc.CheckPredecessorEvery = sim.Second, sim.Second, sim.Second
	kc := DefaultConfig()
	kc.Replicas = c.k
	kc.RepairEvery, kc.ReplicaTTL = 2*sim.Second, 8*sim.Second
	net := sim.NetConfig{Latency: sim.Latency{Kind: sim.Uniform, A: 5 * sim.Millisecond, B: 40 * sim.Millisecond}, Loss: c.loss}
	if slow {
		net.Latency = sim.Latency{Kind: sim.Exponential, A: 100 * sim.Millisecond}
	}
	w := newWorldNet(t, seed, cc, kc, net, c.n)
	cl := &linClients{w: w, rng: rand.New(rand.NewPCG(seed, 18)), stop: sim.Time(0).Add(200 * sim.Second), final: map[string]Result{}}
	for i := range 1 + rng.IntN(20) {
		cl.keys = append(cl.keys, fmt.Sprintf("key%d", i))
	}
	w.svc.SetClient(cl)
	for i := range 1 + rng.IntN(8) {
		cl.next(i)
	}
	crashed := false
	for w.sched.Now() < cl.stop {
		w.run(sim.Duration(5+rng.IntN(20)) * sim.Second)
		o := w.ring.Oracle()
		switch x := rng.IntN(3); {
		case x == 0: // a burst of fewer than k consecutive crashes
			// Only once the ring and the replicas have recovered from the
			// previous burst: two bursts of k − 1 inside one repair window
			// are 2k − 2 consecutive failures of some chain, which k
			// copies cannot survive (seed 923: 4 + 4 crashes 11 s apart
			// at k = 5, before the ring had given the survivor a
			// predecessor).
			for i := 0; crashed && !stable(w) && i < 120; i++ {
				w.run(sim.Second)
			}
			if crashed {
				w.run(2*kc.RepairEvery + sim.Second)
			}
			crashed = true
			o = w.ring.Oracle()
			burst := 1 + rng.IntN(c.k-1)
			if o.Len()-burst < c.k+1 {
				continue
			}
			first := rng.IntN(o.Len())
			var dead []chord.Handle
			for j := range burst {
				_, h := o.At((first + j) % o.Len())
				dead = append(dead, h)
			}
			for _, h := range dead {
				w.ring.Fail(h)
				c.crashes++
			}
		case x == 1:
			for range 1 + rng.IntN(2) {
				nh, _ := w.ring.AddNode()
				w.ring.Join(nh)
				c.joins++
			}
		default:
			if o.Len() <= c.k+2 {
				continue
			}
			_, h := o.At(rng.IntN(o.Len()))
			w.ring.Leave(h)
			c.leaves++
		}
	}
	w.run(30 * sim.Second) // the last operations finish
	for i := 0; !stable(w); i++ {
		if i > 3600 {
			if !slow {
				t.Errorf("%v: the ring did not stabilize within an hour (the ring layer, not the key-value service; rerun: go test ./chord/kv -run 'TestLinearizableCampaign$' -kv.campaign.seed %d)", c, seed)
			}
			c.unsettled = true
			break
		}
		w.run(sim.Second)
	}
	w.run(2*kc.RepairEvery + 10*sim.Second)
	// The final reads: each key until a read is answered (a request can
	// still be refused while message loss keeps the ring moving), for at
	// most 10 minutes. Only the answered read enters the history.
	cl.reading = true
	for end := w.sched.Now().Add(600 * sim.Second); w.sched.Now() < end; {
		pending := 0
		for i, key := range cl.keys {
			if res, ok := cl.final[key]; ok && res.Outcome == OK {
				continue
			}
			pending++
			delete(cl.final, key)
			_, origin := w.ring.Oracle().At(i % w.ring.Oracle().Len())
			w.svc.Start(origin, Query, key, "", uint64(1000+i))
		}
		if pending == 0 {
			break
		}
		for len(cl.final) < len(cl.keys) && w.sched.Now() < end {
			w.run(sim.Second)
		}
	}
	for _, key := range cl.keys {
		if res, ok := cl.final[key]; !ok || res.Outcome != OK {
			c.unavails++
			if !slow {
				t.Errorf("%v: the final read of %s did not succeed (%v)", c, key, res.Outcome)
			}
		}
	}
	for _, op := range cl.history {
		c.ops++
		if op.Kind != lincheck.Get && !op.Unknown {
			c.acked++
		}
	}
	// The memory estimate counts every successful step as a stored state,
	// far above the real use (seed 97 decides in 170 MB), hence 4 GiB.
	res, err := lincheck.CheckContext(context.Background(), cl.history, lincheck.Budget{KeyTime: 60 * time.Second, KeyMemory: 4 << 30, Memory: 4 << 30})
	if err != nil {
		t.Fatal(err)
	}
	c.verdict, c.badKeys = res.Verdict, res.BadKeys
	c.lost = lostWrites(cl.history, cl.final)
	return c
}

// TestLinearizableCampaign: chain replication (linearizable mode) stays
// linearizable, and loses no acknowledged write, in randomized runs with
// k = 2…5 under crashes of fewer than k consecutive members, joins,
// graceful leaves and message loss up to 1 % (issue 17). The latency
// (5–40 ms) stays far below the 500 ms timeout, so a timeout means a lost
// message or a dead node, never a slow one; -kv.campaign.slow measures the
// wide-area case instead (exp:100ms: some round trips exceed the timeout,
// live nodes are suspected) and reports what it finds without failing.
//
// go test ./chord/kv -run TestLinearizableCampaign -kv.campaign 1000 runs
// the campaign; a failing seed reruns with -kv.campaign.seed N.
func TestLinearizableCampaign(t *testing.T) {
	runs := *campaignRuns
	if runs == 0 {
		runs = 40
		if testing.Short() {
			runs = 12
		}
	}
	seeds := make([]uint64, 0, runs)
	if *campaignSeed != 0 {
		seeds = append(seeds, *campaignSeed)
	} else {
		for s := uint64(1); s <= uint64(runs); s++ {
			seeds = append(seeds, s)
		}
	}
	start := time.Now()
	var bad, unknown, lost, lostRuns, acked, unsettled, unavailRuns int
	var failures []string
	for _, seed := range seeds {
		c := runCampaign(t, seed, *campaignSlow)
		acked += c.acked
		if c.unsettled {
			unsettled++
		}
		if c.unavails > 0 {
			unavailRuns++
		}
		if c.verdict == lincheck.Inconclusive {
			unknown++
			t.Logf("%v: unknown: the check ran out of its budget", c)
		}
		if c.verdict == lincheck.NotLinearizable || c.lost > 0 {
			if c.verdict == lincheck.NotLinearizable {
				bad++
			}
			if c.lost > 0 {
				lostRuns++
				lost += c.lost
			}
			failures = append(failures, fmt.Sprintf("%v: %v (bad keys %v), %d acknowledged writes lost; rerun: go test ./chord/kv -run 'TestLinearizableCampaign$' -kv.campaign.seed %d%s",
				c, c.verdict, c.badKeys, c.lost, seed, map[bool]string{true: " -kv.campaign.slow"}[*campaignSlow]))
		}
	}
	t.Logf("%d runs in %v: %d not linearizable, %d unknown (check budget), %d with lost acknowledged writes (%d of %d writes); %d rings never stable again, %d runs with a final read unanswered",
		len(seeds), time.Since(start).Round(time.Millisecond), bad, unknown, lostRuns, lost, acked, unsettled, unavailRuns)
	if len(failures) > 0 {
		msg := strings.Join(failures, "\n")
		if *campaignSlow {
			t.Logf("under false suspicion (reported, not failed):\n%s", msg)
		} else {
			t.Errorf("%d of %d runs failed:\n%s", len(failures), len(seeds), msg)
		}
	}
	if acked == 0 {
		t.Fatal("no write was acknowledged: the campaign checked nothing")
	}
}

// TestNewTailHasStateBeforeItServes: when a chain member crashes, the node
// that enters the chain at its end answers reads only with what the
// members before it hold (van Renesse and Schneider §3: a new tail gets
// the state first). Before, it served from its own empty store: an
// acknowledged write read "not found" until the next repair.
func TestNewTailHasStateBeforeItServes(t *testing.T) {
	for _, k := range []int{2, 3, 4} {
		for _, victim := range []int{1, k - 1} {
			t.Run(fmt.Sprintf("k=%d/member=%d", k, victim), func(t *testing.T) {
				cc := chord.DefaultConfig()
				cc.StabilizeEvery, cc.CheckPredecessorEvery = sim.Second, sim.Second
				kc := DefaultConfig()
				kc.Replicas = k
				w := newWorld(t, uint64(10*k+victim), cc, kc, 20)
				_, origin := w.ring.Oracle().At(0)
				for i := range 5 {
					key := fmt.Sprintf("song%d", i)
					if res := w.do(t, origin, Insert, key, "v1"); res.Outcome != OK {
						t.Fatalf("insert %s: %s", key, res.Outcome)
					}
					chain := chainOf(w, key, k)
					if chain[victim] == origin {
						continue
					}
					if err := w.ring.Fail(chain[victim]); err != nil {
						t.Fatal(err)
					}
					w.run(5 * sim.Second) // the ring repairs; the kv repair (every 30 s) has not run
					res := w.do(t, origin, Query, key, "")
					if res.Outcome != OK || !res.Found || res.Value != "v1" {
						t.Errorf("%s after chain member %d crashed: %s found %v %q (server %v); want v1", key, victim, res.Outcome, res.Found, res.Value, res.Server)
					}
				}
			})
		}
	}
}
