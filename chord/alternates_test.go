package chord

import (
	"fmt"
	"slices"
	"testing"

	"github.com/chordsim/chordsim/sim"
)

// TestAlternatesMatchPlain checks the event path's ranking of a lookup
// step's fallbacks (alternates) against the plain one it replaced
// (alternatesPlain, which the reference paths keep) on tables no protocol
// would produce: finger rows and successor lists scrambled with random
// nodes, the node itself, repeats far apart and early ends, identifiers
// reused by several handles (ties of distance), random silent sets, and
// every combination of done, next, routing and FallbackOwners, with the
// full fallback array and a short one (so that candidates fall off its
// end).
func TestAlternatesMatchPlain(t *testing.T) {
	for _, tc := range []struct{ m, base int }{{64, 2}, {16, 2}, {7, 2}, {64, 4}} {
		for _, routing := range []Routing{FingersAndSuccessors, FingersOnly} {
			for _, owners := range []bool{false, true} {
				name := fmt.Sprintf("m=%d/base=%d/routing=%d/owners=%v", tc.m, tc.base, routing, owners)
				t.Run(name, func(t *testing.T) {
					cfg := staticConfig(tc.m)
					cfg.Base = tc.base
					cfg.Routing = routing
					cfg.FallbackOwners = owners
					cfg.Successors = 6
					r, _, _ := testRing(t, cfg, 3)
					const n = 90
					if err := r.BootstrapIdeal(n); err != nil {
						t.Fatal(err)
					}
					rng := sim.Stream(uint64(tc.m*10+tc.base), "alternates")
					keys := edgeKeys(r, 50)
					// Half the nodes keep their ideal tables (the walks'
					// usual shapes); the other half are scrambled.
					pick := func() Handle {
						if rng.IntN(8) == 0 {
							return None
						}
						return Handle(rng.IntN(n))
					}
					for h := Handle(0); h < n; h += 2 {
						f := r.fingerTable(h)
						for i := range f {
							switch rng.IntN(4) {
							case 0:
								f[i] = r.fingerTo(pick())
							case 1:
								f[i] = f[rng.IntN(len(f))]
							}
						}
						l := r.succList(h)
						for j := range l {
							if rng.IntN(3) == 0 {
								if x := pick(); x != None || j > 0 {
									l[j] = x
								}
							}
						}
					}
					for range 10 { // identifier reuse: ties of distance
						r.ids[rng.IntN(n)] = r.ids[rng.IntN(n)]
					}
					var fast, plain [maxAlts]Handle
					checked, full, ties := 0, 0, 0
					for range 40000 {
						node, key := Handle(rng.IntN(n)), keys[rng.IntN(len(keys))]
						var silent []Handle
						for range rng.IntN(4) {
							silent = append(silent, Handle(rng.IntN(n)))
						}
						done, next := r.decideAvoiding(node, key, silent)
						if rng.IntN(4) == 0 {
							done, next = rng.IntN(2) == 0, Handle(rng.IntN(n))
						}
						L := maxAlts
						if rng.IntN(3) == 0 {
							L = 1 + rng.IntN(maxAlts)
						}
						kf, of := r.alternates(node, key, done, next, fast[:L], silent)
						kp, op := r.alternatesPlain(node, key, done, next, plain[:L], silent)
						if kf != kp || of != op || !slices.Equal(fast[:kf], plain[:kp]) {
							t.Fatalf("node %d key %v done %v next %d silent %v len %d: alternates %v (owners %b), plain %v (owners %b)",
								node, key, done, next, silent, L, fast[:kf], of, plain[:kp], op)
						}
						checked++
						if kf == L {
							full++
						}
						for a := 0; a < kf; a++ {
							for b := a + 1; b < kf; b++ {
								if fast[a] != fast[b] && r.ids[fast[a]] == r.ids[fast[b]] {
									ties++
								}
							}
						}
					}
					if full < checked/10 || ties == 0 {
						t.Fatalf("too little exercised: %d checks, %d full, %d ties", checked, full, ties)
					}
				})
			}
		}
	}
}
