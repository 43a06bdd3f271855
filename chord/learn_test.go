package chord

import (
	"math/rand/v2"
	"slices"
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

// TestPurgeToFingerRewrite checks the whole of the simulator's purge
// (sim/new leave.c:76–105) on scrambled tables, entry by entry, against
// the rule written out from the source: from the top level down, an entry
// naming the departed node takes the (already rewritten) entry above it,
// the top one none; a departed successor becomes finger 1's new value, or
// the node itself if that is empty; a departed predecessor becomes the
// departed node's own predecessor; a node left naming itself as its
// successor takes its predecessor as successor and as every finger.
func TestPurgeToFingerRewrite(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Bits, cfg.Successors = 10, 1
	cfg.StabilizeEvery, cfg.FixFingersEvery, cfg.CheckPredecessorEvery = 0, 0, 0
	cfg.Variant, cfg.PurgeDeparted, cfg.PurgeToFinger = Original, true, true
	rng := rand.New(rand.NewPCG(5, 6))
	selfFallbacks := 0
	for c := range 200 {
		r, _ := knobRing(t, cfg, 12)
		hs := slices.Clone(r.oracle.handles)
		gone := hs[rng.IntN(len(hs))]
		// Scramble every member's fingers, with gone and empty entries
		// more likely than in a real table.
		for _, n := range hs {
			f := r.fingerTable(n)
			for i := 1; i < len(f); i++ {
				switch rng.IntN(4) {
				case 0:
					f[i] = noFinger
				case 1:
					f[i] = r.fingerTo(gone)
				default:
					f[i] = r.fingerTo(hs[rng.IntN(len(hs))])
				}
			}
			if n != gone && rng.IntN(3) == 0 {
				r.setSuccessors(n, gone, nil)
			}
			if n != gone && rng.IntN(3) == 0 {
				r.setPred(n, gone)
			}
		}
		type want struct {
			f    []Handle
			s, p Handle
		}
		wants := map[Handle]want{}
		for _, n := range hs {
			if n == gone {
				continue
			}
			f := r.fingerTable(n)
			w := want{f: make([]Handle, len(f)), s: r.succList(n)[0], p: r.pred[n]}
			for i := range f {
				w.f[i] = f[i].h
			}
			for i := len(f) - 1; i >= 1; i-- {
				if w.f[i] == gone {
					if i == len(f)-1 {
						w.f[i] = None
					} else {
						w.f[i] = w.f[i+1]
					}
				}
			}
			if w.p == gone {
				w.p = r.pred[gone]
				if w.p == n || w.p == gone {
					w.p = None
				}
			}
			if w.s == gone {
				w.s = w.f[1]
				if w.s == None {
					w.s = n
				}
			}
			if w.s == n && w.p != None && w.p != n {
				selfFallbacks++
				w.s = w.p
				for i := 1; i < len(f); i++ {
					w.f[i] = w.p
				}
			}
			wants[n] = w
		}
		if err := r.Fail(gone); err != nil {
			t.Fatal(err)
		}
		for _, n := range hs {
			if n == gone {
				continue
			}
			w := wants[n]
			f := r.fingerTable(n)
			for i := 1; i < len(f); i++ {
				if f[i].h != w.f[i] {
					t.Fatalf("case %d, member %d, departed %d: finger %d is %d, want %d", c, n, gone, i, f[i].h, w.f[i])
				}
			}
			if s := r.succList(n)[0]; s != w.s || f[0].h != s {
				t.Fatalf("case %d, member %d: successor %d (finger 0 %d), want %d", c, n, s, f[0].h, w.s)
			}
			if r.pred[n] != w.p {
				t.Fatalf("case %d, member %d: predecessor %d, want %d", c, n, r.pred[n], w.p)
			}
		}
	}
	if selfFallbacks == 0 {
		t.Error("no member fell back to its predecessor; the test does not reach leave.c:98–102")
	}
}

// TestFingerLookupRandomStart: a node whose successor skips live nodes
// (as the simulator's purge leaves it) cannot learn of them from its own
// finger lookups, which its own wrong successor answers, but it can from a
// lookup started at a member the simulator draws (sim/new
// stabilize.c:131–132), by learning from the answer (node.c:135–147).
// Stabilize is off, so nothing else repairs it. The node chosen is the
// first whose level-7 start lies after its next live node and at or
// before the one after that: the random-start lookup for level 7 then
// names that second node, closer than the wrong successor.
func TestFingerLookupRandomStart(t *testing.T) {
	for _, tc := range []struct {
		k      int
		learn  bool
		closer bool
	}{{8, true, true}, {0, true, false}, {8, false, false}} {
		cfg := DefaultConfig()
		cfg.Bits, cfg.Successors = 16, 1
		cfg.Variant, cfg.SuspectConfirm, cfg.Routing = Original, 0, FingersOnly
		cfg.StabilizeEvery, cfg.CheckPredecessorEvery = 0, 0
		cfg.FixFingers, cfg.FixFingersEvery = FixRandom, sim.Second
		cfg.Learn, cfg.FingerLookupRandomStart = tc.learn, tc.k
		r, s := knobRing(t, cfg, 64)
		hs := r.oracle.handles
		j := -1
		for c := range len(hs) - 3 {
			start := r.fingerStart(r.ids[hs[c]], 7)
			if r.space.Between(r.ids[hs[c+1]], start, r.ids[hs[c+2]]) || start == r.ids[hs[c+2]] {
				j = c
				break
			}
		}
		if j < 0 {
			t.Fatal("no node fits; change the ring")
		}
		n, wrong := hs[j], hs[j+3]
		r.setSuccessors(n, wrong, nil)
		f := r.fingerTable(n)
		for i := 1; i < len(f); i++ {
			if h := f[i].h; h == hs[j+1] || h == hs[j+2] {
				f[i] = r.fingerTo(wrong)
			}
		}
		s.RunUntil(s.Now().Add(600 * sim.Second))
		got := r.succList(n)[0]
		if closer := got != wrong; closer != tc.closer {
			t.Errorf("random start %d, learn %v: successor %d (live after it: %d %d, the wrong one %d); want a closer one: %v", tc.k, tc.learn, got, hs[j+1], hs[j+2], wrong, tc.closer)
		}
	}
}

// A node still joining is never learned: it has no successor to route
// with. Here a joiner sits between a member and that member's successor,
// so learning it would make it the member's successor; once it is a
// member, the same call does. Planted without the Joining test, the
// member adopts the joiner at once.
func TestLearnSkipsJoiningNodes(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Bits, cfg.Successors = 16, 3
	cfg.StabilizeEvery, cfg.FixFingersEvery, cfg.CheckPredecessorEvery = 0, 0, 0
	cfg.Learn = true
	r, s := knobRing(t, cfg, 8)
	n := r.oracle.handles[0]
	succ := r.Successors(n)[0]
	gap := r.space.Dist(r.ids[n], r.ids[succ])
	if gap < 2 {
		t.Fatalf("no identifier between %d and its successor", r.ids[n])
	}
	j, err := r.AddNodeWithID(r.space.Add(r.ids[n], gap/2), "joiner")
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Join(j); err != nil {
		t.Fatal(err)
	}
	if r.State(j) != Joining {
		t.Fatalf("joiner in state %v right after Join, want Joining", r.State(j))
	}
	r.learn(n, j)
	if got := r.Successors(n)[0]; got != succ {
		t.Fatalf("learned a joining node: successor %s, want %s", r.Name(got), r.Name(succ))
	}
	s.RunUntil(s.Now() + sim.Time(5*sim.Second))
	if r.State(j) != Member {
		t.Fatalf("joiner in state %v after 5 s, want Member", r.State(j))
	}
	r.learn(n, j)
	if got := r.Successors(n)[0]; got != j {
		t.Errorf("after the join, learn left the successor %s, want the joiner", r.Name(got))
	}
}
