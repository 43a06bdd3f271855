package chord

import (
	"fmt"
	"testing"

	"github.com/chordsim/chordsim/sim"
)

// s01PathNaive is Stoica's counting written the dumb way, straight from the
// rule (S01 Fig. 10's simulator): the ring as a plain sorted list of
// identifiers, each node's quadrant finger found by trying every member.
func s01PathNaive(ids []ID, s Space, origin, key ID) int {
	// succ is the first member at or after x (the owner of x).
	succ := func(x ID) ID {
		best, bestD := ID(0), uint64(0)
		for i, y := range ids {
			if d := s.Dist(x, y); i == 0 || d < bestD {
				best, bestD = y, d
			}
		}
		return best
	}
	count := 0
	n := origin
	for {
		d := s.Dist(n, key)
		if d == 0 {
			return count
		}
		count++
		k := 0
		for uint64(1)<<(k+1) <= d {
			k++
		}
		f := succ(s.Add(n, uint64(1)<<k))
		df := s.Dist(n, f)
		if f == n {
			df = uint64(s.Max()) + 1 // n itself: the whole circle
		}
		if df >= d {
			return count
		}
		n = f
		if count > len(ids)+1 {
			panic("s01PathNaive does not end")
		}
	}
}

// TestS01PathMatchesNaive checks S01Path and S01Paths (with and without
// the finger table's guess, and with tables that are not ideal) against the naive
// rule on small rings, for every member as origin and keys that include
// every member's identifier and its neighbours.
func TestS01PathMatchesNaive(t *testing.T) {
	for _, tc := range []struct{ m, n int }{{1, 1}, {1, 2}, {3, 1}, {3, 5}, {3, 8}, {5, 7}, {6, 64}, {8, 40}, {12, 300}, {20, 600}, {40, 300}, {48, 500}} {
		for _, reference := range []bool{false, true} {
			name := fmt.Sprintf("m=%d/n=%d/reference=%v", tc.m, tc.n, reference)
			t.Run(name, func(t *testing.T) {
				cfg := staticConfig(tc.m)
				r, err := New(sim.NewScheduler(), Options{Config: cfg, Seed: uint64(tc.n), UniformIDs: true, reference: reference,
					Net: sim.NetConfig{Latency: sim.Latency{Kind: sim.Constant, A: sim.Millisecond}}})
				if err != nil {
					t.Fatal(err)
				}
				if err := r.BootstrapIdeal(tc.n); err != nil {
					t.Fatal(err)
				}
				check := func(what string) {
					o := r.Oracle()
					ids := make([]ID, o.Len())
					for i := range ids {
						ids[i], _ = o.At(i)
					}
					sp := r.Space()
					var keys []ID
					for _, id := range ids {
						keys = append(keys, id, sp.Add(id, 1), sp.Add(id, uint64(sp.Max())))
					}
					rng := sim.Stream(uint64(tc.m), "keys")
					for range 50 {
						keys = append(keys, sp.FromUint64(rng.Uint64()))
					}
					origins := make([]int, len(ids))
					for i := range origins {
						origins[i] = i
					}
					if len(ids) > 64 {
						// Every member is an origin of a few keys only:
						// the naive rule costs O(N) a node.
						origins = origins[:0]
						for range 40 {
							origins = append(origins, rng.IntN(len(ids)))
						}
						rng.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
						keys = keys[:300]
					}
					longest := 0
					var bp []int
					var bk []ID
					var bwant []int
					for _, p := range origins {
						for _, key := range keys {
							want := s01PathNaive(ids, sp, ids[p], key)
							bp, bk, bwant = append(bp, p), append(bk, key), append(bwant, want)
							if got := r.S01Path(p, key); got != want {
								t.Fatalf("%s: from %d (member %d) to key %d: S01Path %d, naive %d", what, ids[p], p, key, got, want)
							}
							if got := o.S01Path(sp, p, key); got != want {
								t.Fatalf("%s: from %d to key %d: Oracle.S01Path %d, naive %d", what, ids[p], key, got, want)
							}
							longest = max(longest, want)
						}
					}
					got := make([]int, len(bp))
					r.S01Paths(bp, bk, got)
					for i := range got {
						if got[i] != bwant[i] {
							t.Fatalf("%s: from member %d to key %d: S01Paths %d, naive %d", what, bp[i], bk[i], got[i], bwant[i])
						}
					}
					if tc.n >= 64 && longest < 4 {
						t.Fatalf("%s: the longest path is %d: the test exercises too little", what, longest)
					}
				}
				check("ideal tables")
				// Tables that are not ideal: every finger shifted to the
				// next member. The guess is then wrong and the search
				// must answer alone.
				M := r.cfg.Bits
				for h := range r.ids {
					for i := range M {
						if f := r.fingers[h*M+i].h; f != None {
							r.fingers[h*M+i] = r.fingerTo(Handle((int(f) + 1) % len(r.ids)))
						}
					}
				}
				check("shifted fingers")
			})
		}
	}
}

// TestS01PathHand checks the rule on a ring small enough to follow by
// hand: m = 4 (identifiers 0–15), members 1, 4, 9 and 12.
func TestS01PathHand(t *testing.T) {
	sp, _ := NewSpace(4)
	o := &Oracle{ids: []ID{1, 4, 9, 12}, handles: []Handle{0, 1, 2, 3}}
	for _, tc := range []struct {
		origin int // position
		key    ID
		want   int
		why    string
	}{
		{0, 1, 0, "the key is the origin's identifier: the lookup runs nowhere"},
		{0, 2, 1, "d = 1: quadrant finger succ(2) = 4 is at or after 2"},
		{0, 4, 1, "d = 3: finger succ(1+2) = 4 reaches the key"},
		{0, 5, 1, "d = 4: finger succ(5) = 9 is past 5: the owner"},
		{0, 10, 2, "d = 9: finger succ(9) = 9 precedes 10; from 9, d = 1: succ(10) = 12 owns it"},
		{0, 0, 2, "d = 15: succ(9) = 9 precedes 0; from 9, d = 7: succ(13) = 1, at distance 8 ≥ 7, owns it"},
		{1, 3, 3, "d = 15: succ(12) = 12; from 12, d = 7: succ(0) = 1 precedes 3; from 1, d = 2: succ(3) = 4 owns it"},
	} {
		if got := o.S01Path(sp, tc.origin, tc.key); got != tc.want {
			t.Errorf("from member %d to key %d: %d, want %d (%s)", o.ids[tc.origin], tc.key, got, tc.want, tc.why)
		}
		if got := s01PathNaive(o.ids, sp, o.ids[tc.origin], tc.key); got != tc.want {
			t.Errorf("naive: from member %d to key %d: %d, want %d", o.ids[tc.origin], tc.key, got, tc.want)
		}
	}
}
