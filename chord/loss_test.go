package chord

import (
	"flag"
	"fmt"
	"testing"

	"github.com/chordsim/chordsim/chord/invariant"
	"github.com/chordsim/chordsim/sim"
)

var lossSeeds = flag.Int("loss.seeds", 0, "seeds per successor-list length in TestLossAlone (0: 20, enough lookups, 40,000, to measure a rate of 1 in 1,000; the issue's campaign is 200)")

// lossRun is one run of TestLossAlone's setup: 64 nodes, an ideal start,
// 1 s maintenance, exp:100ms latency, 5 % loss, no node ever fails; 100 s
// of lookups at 20/s from random members. The invariants (the Default
// set) are checked once per simulated second; it returns the first
// violation (nil if none), the lookups and how many named a wrong owner.
func lossRun(t testing.TB, cfg Config, seed uint64) (bad []invariant.Violation, at sim.Time, lookups, wrong int) {
	s := sim.NewScheduler()
	c := &collector{}
	net := sim.NetConfig{Latency: sim.Latency{Kind: sim.Exponential, A: 100 * sim.Millisecond}, Loss: 0.05}
	r, err := newObserved(s, Options{Config: cfg, Net: net, Seed: seed}, c)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.BootstrapIdeal(64); err != nil {
		t.Fatal(err)
	}
	rng := sim.Stream(seed, "loss-test")
	var chk invariant.Checker
	var snap invariant.Snapshot
	for sec := 1; sec <= 100; sec++ {
		for range 20 {
			_, h := r.Oracle().At(rng.IntN(r.Oracle().Len()))
			r.Lookup(h, r.Space().FromUint64(rng.Uint64()), userTag(0))
			s.RunUntil(s.Now().Add(50 * sim.Millisecond))
		}
		if vs := checkAfter(r, &chk, &snap, invariant.Default); len(vs) > 0 {
			return vs, s.Now(), len(c.res), wrongOwners(c.res)
		}
	}
	for r.InFlight() > 0 && s.Step() {
	}
	return nil, s.Now(), len(c.res), wrongOwners(c.res)
}

func wrongOwners(res []LookupResult) int {
	n := 0
	for _, x := range res {
		if x.Outcome == WrongOwner {
			n++
		}
	}
	return n
}

// Issue 17, symptom 4: loss alone split the ring. With 5 % loss and
// exp:100ms latency against the 500 ms timeout, about one request in seven
// goes unanswered although its peer is alive; a node that dropped a peer at
// the first timeout soon dropped all its successors and made itself a ring
// of one (20 of 20 seeds broke an invariant within seconds at r = 2; at
// r = 4, 40 % of lookups named a wrong owner). With the default failure
// detector (a suspicion is confirmed by three more pings before a node
// acts on it; a lookup re-checks an owner candidate as often) and variant
// zave (a node that has lost every successor looks for one through another
// node instead of becoming a ring of one), no invariant breaks and fewer
// than 1 lookup in 1,000 names a wrong owner. The original behaviour
// (variant original, suspect_confirm 0) is run as a negative control: it
// must still break, or this test could not tell.
//
// The campaign is 200 seeds: go test ./chord -run TestLossAlone
// -loss.seeds 200 (about 30 s; measured: no violation, 193 and 189 wrong owners in 400,000 lookups at r = 2 and 4).
func TestLossAlone(t *testing.T) {
	seeds := *lossSeeds
	if seeds == 0 {
		seeds = 20
	}
	base := DefaultConfig()
	base.StabilizeEvery, base.FixFingersEvery, base.CheckPredecessorEvery = sim.Second, sim.Second, sim.Second
	for _, R := range []int{2, 4} {
		t.Run(fmt.Sprintf("r=%d", R), func(t *testing.T) {
			cfg := base
			cfg.Successors = R
			lookups, wrong := 0, 0
			for seed := uint64(1); seed <= uint64(seeds); seed++ {
				vs, at, n, w := lossRun(t, cfg, seed)
				if len(vs) > 0 {
					t.Fatalf("seed %d: at %v: %v\nrerun: go test ./chord -run 'TestLossAlone/r=%d$' -loss.seeds %d", seed, at, vs, R, seed)
				}
				lookups += n
				wrong += w
			}
			t.Logf("r=%d: %d seeds, no invariant violation; %d of %d lookups named a wrong owner", R, seeds, wrong, lookups)
			if wrong*1000 >= lookups {
				t.Fatalf("%d of %d lookups named a wrong owner, want fewer than 1 in 1,000", wrong, lookups)
			}
		})
	}
	t.Run("original", func(t *testing.T) {
		cfg := base
		cfg.Successors = 2
		cfg.Variant, cfg.SuspectConfirm = Original, 0
		if vs, _, _, _ := lossRun(t, cfg, 1); len(vs) == 0 {
			t.Fatal("the original protocol kept every invariant under 5 % loss: the test cannot tell the detector from its absence")
		}
	})
}

// Variant zave cuts a list copied from a successor where it stops running
// clockwise from its owner (seen in TestRandomizedChurn seed 9864 before:
// a joiner into a ring of r members copied a list that wrapped past it,
// [7.6 11.5 13.1 13.8 7.48] ×10^18 for a joiner at 4.0 ×10^18, and broke
// OrderedSuccessorLists); the original variant keeps ToN's copy, cut only
// where the list reaches its owner.
func TestZaveListsRunClockwise(t *testing.T) {
	for _, v := range []Variant{Zave, Original} {
		cfg := staticConfig(6)
		cfg.Successors = 5
		cfg.Variant = v
		r, _, _ := testRing(t, cfg, 1)
		var hs []Handle
		for _, id := range []ID{4, 8, 12, 16, 20, 6} {
			h, err := r.AddNodeWithID(id, "")
			if err != nil {
				t.Fatal(err)
			}
			hs = append(hs, h)
		}
		// Node 4 takes successor 8, whose list wraps round to 6.
		r.setSuccessors(hs[0], hs[1], []Handle{hs[2], hs[3], hs[4], hs[5]})
		got := r.Successors(hs[0])
		want := 4
		if v == Original {
			want = 5
		}
		if len(got) != want {
			t.Fatalf("%v: list %v, want its first %d entries", v, got, want)
		}
	}
}
