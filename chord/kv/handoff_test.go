package kv

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/sim"
)

// placement is, for every member, the sorted keys it holds.
func placement(w *world) map[chord.Handle][]string {
	out := map[chord.Handle][]string{}
	o := w.ring.Oracle()
	for i := 0; i < o.Len(); i++ {
		_, h := o.At(i)
		var keys []string
		for _, e := range w.svc.Pairs(h) {
			keys = append(keys, e.Key)
		}
		slices.Sort(keys)
		out[h] = keys
	}
	return out
}

// oraclePlacement is where the oracle says each key belongs (k = 1).
func oraclePlacement(w *world, keys []string) map[chord.Handle][]string {
	out := map[chord.Handle][]string{}
	o := w.ring.Oracle()
	for i := 0; i < o.Len(); i++ {
		_, h := o.At(i)
		out[h] = nil
	}
	for _, k := range keys {
		h := o.Successor(w.ring.Space().Hash(k))
		out[h] = append(out[h], k)
	}
	for h := range out {
		slices.Sort(out[h])
	}
	return out
}

func samePlacement(t *testing.T, what string, got, want map[chord.Handle][]string, w *world) {
	t.Helper()
	for h, keys := range want {
		if !slices.Equal(got[h], keys) {
			t.Fatalf("%s: node %s holds %d keys %v, the oracle says %d keys %v", what, w.ring.Name(h), len(got[h]), clip(got[h]), len(keys), clip(keys))
		}
	}
	for h := range got {
		if _, ok := want[h]; !ok {
			t.Fatalf("%s: node %s is a member the oracle does not know", what, w.ring.Name(h))
		}
	}
}

func clip(s []string) []string {
	if len(s) > 6 {
		return append(slices.Clip(s[:6]), "…")
	}
	return s
}

// TestHandOffMovesExactlyTheOraclesKeys is the hand-off property: with one
// copy per key, after a node joins (once it has its successor's answer)
// and after a node leaves gracefully (once its hand-off arrived), every
// member holds exactly the keys the oracle assigns it: the joiner's
// successor gave it (predecessor, joiner] and nothing else, the leaver's
// successor got the leaver's keys, and no other node changed.
func TestHandOffMovesExactlyTheOraclesKeys(t *testing.T) {
	seeds := 300
	if testing.Short() {
		seeds = 60
	}
	immediate, moved := 0, uint64(0)
	for seed := uint64(1); seed <= uint64(seeds); seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		cfg := chord.DefaultConfig()
		cfg.Bits = 12 + rng.IntN(53) // small spaces too: keys collide with node IDs
		n := 1 + rng.IntN(30)
		w := newWorld(t, seed, cfg, DefaultConfig(), n)
		var keys []string
		for i := range 20 + rng.IntN(400) {
			k := fmt.Sprintf("key-%d-%d", seed, i)
			keys = append(keys, k)
			if err := w.svc.Preload(k, "v"); err != nil {
				t.Fatal(err)
			}
		}
		samePlacement(t, fmt.Sprintf("seed %d, preload", seed), placement(w), oraclePlacement(w, keys), w)

		for step := range 6 {
			wasStable := stable(w)
			if rng.IntN(2) == 0 || w.ring.Oracle().Len() == 1 {
				h, err := w.ring.AddNode()
				if err != nil {
					t.Fatal(err)
				}
				_, via := w.ring.Oracle().At(rng.IntN(w.ring.Oracle().Len()))
				if err := w.ring.JoinVia(h, via); err != nil {
					t.Fatal(err)
				}
				for w.ring.State(h) != chord.Member || !w.svc.Ready(h) {
					w.run(sim.Second)
				}
				w.run(10 * sim.Second)
				what := fmt.Sprintf("seed %d step %d: %s joined", seed, step, w.ring.Name(h))
				if wasStable && w.ring.Predecessor(w.ring.Successors(h)[0]) == h {
					// The joiner found its true successor, which has
					// accepted it: the hand-off is complete.
					samePlacement(t, what, placement(w), oraclePlacement(w, keys), w)
					immediate++
				}
				settle(t, w, what)
				samePlacement(t, what+", ring stable again", placement(w), oraclePlacement(w, keys), w)
			} else {
				_, h := w.ring.Oracle().At(rng.IntN(w.ring.Oracle().Len()))
				if err := w.ring.Leave(h); err != nil {
					t.Fatal(err)
				}
				w.run(10 * sim.Second) // the hand-off is one message: 50 ms on average
				what := fmt.Sprintf("seed %d step %d: %s left", seed, step, w.ring.Name(h))
				if wasStable {
					samePlacement(t, what, placement(w), oraclePlacement(w, keys), w)
					immediate++
				}
				settle(t, w, what)
				samePlacement(t, what+", ring stable again", placement(w), oraclePlacement(w, keys), w)
			}
			w.run(sim.Duration(rng.IntN(120)) * sim.Second)
		}
		moved += w.svc.Stats().HandedOff
	}
	// The property must have been checked right after hand-offs, not only
	// after the repairs, and keys must have moved.
	if immediate < seeds || moved == 0 {
		t.Fatalf("only %d immediate checks over %d seeds (%d entries handed off): the test lost its teeth", immediate, seeds, moved)
	}
	t.Logf("%d checks right after a hand-off, %d entries handed off", immediate, moved)
}

// stable reports whether every member's successor and predecessor are the
// oracle's.
func stable(w *world) bool {
	o := w.ring.Oracle()
	n := o.Len()
	for i := 0; i < n; i++ {
		_, h := o.At(i)
		_, succ := o.At((i + 1) % n)
		_, pred := o.At((i + n - 1) % n)
		l := w.ring.Successors(h)
		if n == 1 {
			if len(l) > 0 && l[0] != h {
				return false
			}
			continue
		}
		if len(l) == 0 || l[0] != succ || w.ring.Predecessor(h) != pred {
			return false
		}
	}
	return true
}

// settle runs until the ring is stable, then two repair periods more so
// that pairs that reached a wrong node are handed on.
func settle(t *testing.T, w *world, what string) {
	t.Helper()
	for i := 0; !stable(w); i++ {
		if i > 3600 {
			t.Fatalf("%s: the ring did not stabilize within an hour", what)
		}
		w.run(sim.Second)
	}
	w.run(2*w.svc.Config().RepairEvery + 10*sim.Second)
}
