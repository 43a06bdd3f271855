package chord

import (
	"math/rand/v2"
	"testing"

	"github.com/chordsim/chordsim/sim"
)

// On a ring in its ideal state, TraceLookup names the owner the oracle
// names and asks as many nodes as the protocol's own lookup counts hops:
// the walk and the lookup that runs take the same route.
func TestTraceLookupMatchesLookups(t *testing.T) {
	for _, mode := range []LookupMode{Iterative, Recursive} {
		cfg := DefaultConfig()
		cfg.Bits, cfg.Lookup = 32, mode
		cfg.StabilizeEvery, cfg.FixFingersEvery, cfg.CheckPredecessorEvery = 0, 0, 0
		lat, err := sim.ParseLatency("const:10ms")
		if err != nil {
			t.Fatal(err)
		}
		sched := sim.NewScheduler()
		r, err := New(sched, Options{Config: cfg, Net: sim.NetConfig{Latency: lat}, Seed: 9})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.BootstrapIdeal(300); err != nil {
			t.Fatal(err)
		}
		var got []LookupResult
		layer := r.Attach(Hooks{LookupDone: func(res *LookupResult) { got = append(got, *res) }})
		rng := rand.New(rand.NewPCG(1, 2))
		var traces []LookupTrace
		for i := range 200 {
			_, origin := r.Oracle().At(rng.IntN(r.Oracle().Len()))
			key := ID(rng.Uint32())
			traces = append(traces, r.TraceLookup(origin, key))
			r.Lookup(origin, key, Tag{Layer: layer, Op: uint64(i)})
			sched.Run()
		}
		for i, tr := range traces {
			res := got[i]
			if tr.Owner != res.Owner || tr.Outcome != Correct || res.Outcome != Correct {
				t.Fatalf("%v lookup %d of %d: trace names %d (%s), the lookup %d (%s)", mode, i, tr.Key, tr.Owner, tr.Outcome, res.Owner, res.Outcome)
			}
			if len(tr.Hops) != res.Hops {
				t.Errorf("%v lookup %d of %d: trace asks %d nodes, the lookup took %d hops", mode, i, tr.Key, len(tr.Hops), res.Hops)
			}
			for _, h := range tr.Hops {
				if h.TimedOut || h.Latency != 20*sim.Millisecond {
					t.Errorf("%v lookup %d: hop %+v, want answered in 20ms", mode, i, h)
				}
			}
		}
	}
}
