package chord

import (
	"math/rand/v2"
	"testing"

	"github.com/chordsim/chordsim/sim"
)

// TestLearnAgainstWalk checks learn (Config.Learn, sim/new node.c:135–147)
// against a deliberately dumb version: for each finger, walk the ring
// clockwise from the finger's start one identifier at a time and keep
// whichever of the learned node and the current finger (an empty one
// standing for the node itself) comes first; for the successor, walk from
// the node; for the predecessor, walk counter-clockwise from the node. The
// tables are scrambled at random first, so that stale and wrapped entries
// are covered. With Learn off, nothing changes.
func TestLearnAgainstWalk(t *testing.T) {
	const bitsM, members = 10, 16
	const size = 1 << bitsM
	for _, on := range []bool{true, false} {
		cfg := DefaultConfig()
		cfg.Bits, cfg.Successors = bitsM, 3
		cfg.StabilizeEvery, cfg.FixFingersEvery, cfg.CheckPredecessorEvery = 0, 0, 0
		cfg.Learn = on
		cfg.Variant = Original // keeps a scrambled successor list as it is (zave cuts it where it turns back)
		r, _ := knobRing(t, cfg, members)
		rng := rand.New(rand.NewPCG(3, 4))
		hs := r.oracle.handles
		pick := func() Handle { return hs[rng.IntN(len(hs))] }
		changedAny := 0
		for range 300 {
			n := pick()
			f := r.fingerTable(n)
			for i := 1; i < len(f); i++ {
				if rng.IntN(4) == 0 {
					f[i] = noFinger
				} else {
					f[i] = r.fingerTo(pick())
				}
			}
			other := func() Handle { // a member other than n (a list never holds its owner)
				y := pick()
				for y == n {
					y = pick()
				}
				return y
			}
			r.setSuccessors(n, other(), []Handle{other(), other()})
			if rng.IntN(4) == 0 {
				r.setPred(n, None)
			} else {
				r.setPred(n, pick())
			}
			x := other()
			beforeF := append([]fingerEntry(nil), f...)
			beforeS := append([]Handle(nil), r.succList(n)...)
			beforeP := r.pred[n]

			// The walk.
			at := func(id uint64) Handle { // the member with identifier id, or None
				for _, h := range hs {
					if uint64(r.ids[h]) == id {
						return h
					}
				}
				return None
			}
			first := func(from uint64, step int, a, b Handle) Handle {
				for k := 0; k < size; k++ {
					h := at((from + uint64(size+step*k)) % size)
					if h == a || h == b {
						return h
					}
				}
				t.Fatal("walk found neither")
				return None
			}
			nid := uint64(r.ids[n])
			wantF := make([]Handle, len(f))
			wantF[0] = beforeF[0].h
			for i := 1; i < len(f); i++ {
				cur := beforeF[i].h
				if cur == None {
					cur = n
				}
				wantF[i] = first((nid+1<<i)%size, 1, x, cur)
				if wantF[i] == n && beforeF[i].h == None {
					wantF[i] = None
				}
			}
			wantS := first((nid+1)%size, 1, x, beforeS[0])
			p := beforeP
			if p == None {
				p = n
			}
			wantP := first((nid+size-1)%size, -1, x, p)
			if !on {
				for i := range wantF {
					wantF[i] = beforeF[i].h
				}
				wantS, wantP = beforeS[0], beforeP
			}

			r.learn(n, x)

			for i := 1; i < len(f); i++ {
				if f[i].h != wantF[i] {
					t.Fatalf("learn=%v: node %d learns %d: finger %d is %d, the walk says %d (was %d)", on, n, x, i, f[i].h, wantF[i], beforeF[i].h)
				}
			}
			l := r.succList(n)
			if l[0] != wantS {
				t.Fatalf("learn=%v: node %d learns %d: successor %d, the walk says %d (was %v)", on, n, x, l[0], wantS, beforeS)
			}
			if wantS == x && beforeS[0] != x && (l[1] != beforeS[0] || f[0].h != x) {
				t.Fatalf("learn=%v: a learned successor goes in front of the old list %v: got %v, finger 0 %d", on, beforeS, l, f[0].h)
			}
			if r.pred[n] != wantP {
				t.Fatalf("learn=%v: node %d learns %d: predecessor %d, the walk says %d (was %d)", on, n, x, r.pred[n], wantP, beforeP)
			}
			if wantS != beforeS[0] || wantP != beforeP {
				changedAny++
			}
		}
		if on && changedAny == 0 {
			t.Error("learning changed no successor or predecessor in 300 cases")
		}
	}
}

// BenchmarkLearn times learn on a 1,000-member ring with 64-bit
// identifiers (one call is m finger comparisons, a successor and a
// predecessor check); it must allocate nothing.
func BenchmarkLearn(b *testing.B) {
	cfg := DefaultConfig()
	cfg.StabilizeEvery, cfg.FixFingersEvery, cfg.CheckPredecessorEvery = 0, 0, 0
	cfg.Learn, cfg.Variant = true, Original
	s := sim.NewScheduler()
	r, err := New(s, Options{Config: cfg, Seed: 7})
	if err != nil {
		b.Fatal(err)
	}
	if err := r.BootstrapIdeal(1000); err != nil {
		b.Fatal(err)
	}
	hs := r.oracle.handles
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		r.learn(hs[i%len(hs)], hs[(i*7+3)%len(hs)])
	}
}
