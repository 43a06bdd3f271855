package kv

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/sim"
)

// chainOf is the oracle's chain for key: its owner and the k−1 members
// after it.
func chainOf(w *world, key string, k int) []chord.Handle {
	o := w.ring.Oracle()
	h := o.Successor(w.ring.Space().Hash(key))
	var out []chord.Handle
	for len(out) < k && len(out) < o.Len() {
		out = append(out, h)
		h = o.Successor(w.ring.Space().Add(w.ring.ID(h), 1))
	}
	return out
}

// holders is every member holding a live copy of key with value.
func holders(w *world, key, value string) []chord.Handle {
	var out []chord.Handle
	o := w.ring.Oracle()
	for i := 0; i < o.Len(); i++ {
		_, h := o.At(i)
		if e, ok := w.svc.Stored(h, key); ok && !e.Deleted && e.Value == value {
			out = append(out, h)
		}
	}
	return out
}

func sameSet(a, b []chord.Handle) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func TestChainReplication(t *testing.T) {
	for _, k := range []int{1, 2, 3, 5} {
		t.Run(fmt.Sprintf("k=%d", k), func(t *testing.T) {
			kc := DefaultConfig()
			kc.Replicas = k
			w := newWorld(t, uint64(k), chord.DefaultConfig(), kc, 20)
			for i := range 50 {
				key := fmt.Sprintf("song%d", i)
				_, origin := w.ring.Oracle().At(i % 20)
				res := w.do(t, origin, Insert, key, "v1")
				chain := chainOf(w, key, k)
				if res.Outcome != OK || res.Primary != chain[0] || res.Server != chain[k-1] {
					t.Fatalf("insert %s: %s, primary %v server %v; want primary %v and the tail %v to acknowledge", key, res.Outcome, res.Primary, res.Server, chain[0], chain[k-1])
				}
				// The tail acknowledges only after every chain member applied it.
				if got := holders(w, key, "v1"); !sameSet(got, chain) {
					t.Fatalf("insert %s acknowledged with copies at %v, want exactly %v", key, got, chain)
				}
				res = w.do(t, origin, Insert, key, "v2")
				if res.Version != 2 {
					t.Fatalf("update %s: version %d, want 2", key, res.Version)
				}
				res = w.do(t, origin, Query, key, "")
				if !res.Found || res.Value != "v2" || res.Server != chain[k-1] {
					t.Fatalf("query %s = %q (found %v) served by %v; want v2 from the tail %v", key, res.Value, res.Found, res.Server, chain[k-1])
				}
			}
		})
	}
}

func TestEventualReplication(t *testing.T) {
	kc := DefaultConfig()
	kc.Replicas = 3
	kc.Consistency = Eventual
	w := newWorld(t, 4, chord.DefaultConfig(), kc, 20)
	servers := map[int]int{}
	for i := range 200 {
		key := fmt.Sprintf("song%d", i)
		_, origin := w.ring.Oracle().At(i % 20)
		res := w.do(t, origin, Insert, key, "v1")
		chain := chainOf(w, key, 3)
		if res.Outcome != OK || res.Server != chain[0] {
			t.Fatalf("insert %s: %s, acknowledged by %v; eventual mode acknowledges at the primary %v", key, res.Outcome, res.Server, chain[0])
		}
		w.run(5 * sim.Second) // lazy propagation: two hops
		if got := holders(w, key, "v1"); !sameSet(got, chain) {
			t.Fatalf("insert %s propagated to %v, want %v", key, got, chain)
		}
		res = w.do(t, origin, Query, key, "")
		pos := slices.Index(chain, res.Server)
		if !res.Found || res.Value != "v1" || pos < 0 {
			t.Fatalf("query %s = %q from %v; want v1 from one of %v", key, res.Value, res.Server, chain)
		}
		servers[pos]++
	}
	// Reads spread over the replicas: each position serves about a third.
	for pos := range 3 {
		if servers[pos] < 40 {
			t.Fatalf("replica %d served %d of 200 reads; eventual reads should pick replicas uniformly: %v", pos, servers[pos], servers)
		}
	}
}

// TestRepairRecreatesReplicas: after k−1 consecutive members fail, the
// ring stabilizes and repair re-creates the copies, so every key is held by
// exactly the oracle's k successors again (the extra copies expire).
func TestRepairRecreatesReplicas(t *testing.T) {
	for seed := uint64(1); seed <= 10; seed++ {
		rng := rand.New(rand.NewPCG(seed, 3))
		k := 2 + rng.IntN(3)
		cc := chord.DefaultConfig()
		cc.Successors = 6
		kc := DefaultConfig()
		kc.Replicas = k
		w := newWorld(t, seed, cc, kc, 12+rng.IntN(20))
		var keys []string
		for i := range 300 {
			keys = append(keys, fmt.Sprintf("k%d", i))
			w.svc.Preload(keys[i], "v")
		}
		o := w.ring.Oracle()
		first := rng.IntN(o.Len())
		var dead []chord.Handle
		for j := range k - 1 {
			_, h := o.At((first + j) % o.Len())
			dead = append(dead, h)
		}
		for _, h := range dead {
			if err := w.ring.Fail(h); err != nil {
				t.Fatal(err)
			}
		}
		settle(t, w, "after the failures")
		w.run(kc.ReplicaTTL + 2*kc.RepairEvery)
		for _, key := range keys {
			if got, want := holders(w, key, "v"), chainOf(w, key, k); !sameSet(got, want) {
				t.Fatalf("seed %d (k = %d, %d failed): %s held by %v, want exactly %v", seed, k, len(dead), key, got, want)
			}
		}
	}
}
