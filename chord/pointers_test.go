package chord

import (
	"slices"
	"testing"

	"github.com/chordsim/chordsim/sim"
)

// pointerStateNaive counts PointerState the dumb way: the live members and
// the dead nodes are given as plain sets, the correct successor of a member
// is found by trying every live member.
func pointerStateNaive(r *Ring, live []Handle, deadSet map[Handle]bool) PointerState {
	M, R := r.cfg.Bits, r.cfg.Successors
	s := PointerState{DeadFingers: make([]int, M)}
	isDead := func(x Handle) bool { return x == None || deadSet[x] }
	for _, h := range live {
		s.Members++
		// The correct successor: the live member at the least clockwise
		// distance (the member itself when it is alone).
		want, best := h, uint64(0)
		for _, x := range live {
			if d := r.space.Dist(r.ids[h], r.ids[x]); x != h && (want == h || d < best) {
				want, best = x, d
			}
		}
		l := r.succ[int(h)*R : int(h)*R+R]
		if l[0] != want {
			s.WrongSuccessor++
		}
		if isDead(l[0]) {
			s.DeadSuccessor++
		}
		if isDead(l[0]) && (R == 1 || isDead(l[1])) {
			s.DeadSuccessors2++
		}
		for i := 1; i < M; i++ {
			if x := r.fingers[int(h)*M+i].h; x != None && deadSet[x] {
				s.DeadFingers[i]++
			}
		}
	}
	return s
}

// TestPointerStateMatchesNaive builds wrong and dead pointers by hand on
// small ideal rings (crashed nodes that others still name, successors that
// skip a live member, fingers shifted to a dead node or cleared) and checks
// every count against the naive version and, on the first ring, against
// numbers worked out by hand.
func TestPointerStateMatchesNaive(t *testing.T) {
	for _, tc := range []struct{ m, n, r int }{{8, 16, 3}, {8, 16, 1}, {6, 20, 2}, {16, 200, 4}} {
		cfg := staticConfig(tc.m)
		cfg.Successors = tc.r
		r, _, _ := testRing(t, cfg, 7)
		if err := r.BootstrapIdeal(tc.n); err != nil {
			t.Fatal(err)
		}
		var s PointerState
		r.PointerState(&s)
		if s.Members != tc.n || s.WrongSuccessor != 0 || s.DeadSuccessor != 0 || s.DeadSuccessors2 != 0 || slices.Max(s.DeadFingers) != 0 {
			t.Fatalf("%+v: an ideal ring has wrong or dead pointers: %+v", tc, s)
		}
		// Handles are in identifier order after the ideal bootstrap.
		deadSet := map[Handle]bool{}
		for _, h := range []Handle{3, 4, 9} {
			if err := r.Fail(h); err != nil {
				t.Fatal(err)
			}
			deadSet[h] = true
		}
		R := tc.r
		// Member 6 skips the live member 7: wrong but alive.
		r.succ[6*R] = 8
		// Member 10 names a dead node that is not its old successor.
		r.succ[10*R] = 4
		// Member 12's finger 2 names dead node 9; member 13's finger 1 is
		// cleared (no node: neither dead nor counted).
		r.fingers[12*tc.m+2] = r.fingerTo(9)
		r.fingers[13*tc.m+1] = noFinger
		var live []Handle
		for h := range Handle(tc.n) {
			if !deadSet[h] {
				live = append(live, h)
			}
		}
		r.PointerState(&s)
		want := pointerStateNaive(r, live, deadSet)
		if s.Members != want.Members || s.WrongSuccessor != want.WrongSuccessor || s.DeadSuccessor != want.DeadSuccessor ||
			s.DeadSuccessors2 != want.DeadSuccessors2 || !slices.Equal(s.DeadFingers, want.DeadFingers) {
			t.Fatalf("%+v: PointerState %+v, naive %+v", tc, s, want)
		}
		if tc.n == 16 {
			// By hand: 13 members. Wrong successors: 2 (names dead 3),
			// 6 (skips 7), 8 (names dead 9), 10 (names dead 4) = 4. Dead:
			// 2, 8, 10 = 3. Both first two dead: member 2 (3 and 4 are
			// dead) with r ≥ 2; with r = 1, every dead first successor.
			both := 1
			if R == 1 {
				both = 3
			}
			if s.Members != 13 || s.WrongSuccessor != 4 || s.DeadSuccessor != 3 || s.DeadSuccessors2 != both {
				t.Fatalf("%+v: %+v, by hand 13 members, 4 wrong, 3 dead, %d both dead", tc, s, both)
			}
			if s.DeadFingers[2] == 0 {
				t.Fatalf("%+v: member 12's dead finger 2 is not counted: %v", tc, s.DeadFingers)
			}
		}
	}
}

// TestFingerAge checks the fingers' ages: with maintenance off nothing
// rewrites a finger, so every age is the time since the ideal bootstrap;
// with fix_fingers running every second every finger gets rewritten, so
// no finger is as old as the run; and a ring that does not track ages
// reports none.
func TestFingerAge(t *testing.T) {
	for _, maint := range []bool{false, true} {
		cfg := staticConfig(12)
		if maint {
			cfg.StabilizeEvery, cfg.FixFingersEvery = sim.Second, sim.Second
		}
		r, sched, _ := testRing(t, cfg, 3)
		r.TrackFingerAge()
		if err := r.BootstrapIdeal(50); err != nil {
			t.Fatal(err)
		}
		end := sim.Time(0).Add(100 * sim.Second)
		sched.RunUntil(end)
		if sched.Now() != end {
			t.Fatalf("the clock is at %v, want %v", sched.Now(), end)
		}
		var s PointerState
		r.PointerState(&s)
		// Naive: every finger of levels 1..m−1 that names a node.
		fingers := 0
		for h := range Handle(50) {
			for i := 1; i < 12; i++ {
				if r.Finger(h, i) != None {
					fingers++
				}
			}
		}
		if s.Aged != fingers || fingers == 0 {
			t.Fatalf("maintenance %v: %d fingers aged, %d name a node", maint, s.Aged, fingers)
		}
		mean := s.AgeSum / float64(s.Aged)
		if !maint && mean != r.tr.Now().Seconds() {
			t.Fatalf("maintenance off: mean finger age %v s, want the time since the bootstrap %v s", mean, r.tr.Now().Seconds())
		}
		if maint && (mean <= 0 || mean >= 10) {
			t.Fatalf("fix_fingers every second: mean finger age %v after 100 s", mean)
		}
	}
	r, _, _ := testRing(t, staticConfig(8), 1)
	if err := r.BootstrapIdeal(10); err != nil {
		t.Fatal(err)
	}
	var s PointerState
	r.PointerState(&s)
	if s.Aged != 0 || s.AgeSum != 0 {
		t.Fatalf("a ring that does not track ages reports %+v", s)
	}
}
