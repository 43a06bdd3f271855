package chord

import (
	"testing"

	"github.com/chordsim/chordsim/sim"
)

// TestLeaveAfter: a node leaving with a wait (churn.leave_wait, S01's
// churn simulator's LEAVE_WAIT, sim/new leave.c:12–17) stays a member that
// answers and owns its keys for the wait, runs no maintenance of its own,
// is dropped by its predecessor's first stabilize (stabilize.c:60–65), which
// takes the leaver's successor, and departs when the wait is over. With
// no wait it departs at once.
func TestLeaveAfter(t *testing.T) {
	for _, tc := range []struct {
		name          string
		purge, finger bool
	}{{"plain", false, false}, {"purge", true, false}, {"purge_to_finger+learn", true, true}} {
		cfg := DefaultConfig()
		cfg.Bits, cfg.Successors = 16, 1
		cfg.Variant, cfg.SuspectConfirm = Original, 0
		cfg.Routing = FingersOnly
		cfg.PurgeDeparted, cfg.PurgeToFinger, cfg.Learn = tc.purge, tc.finger, tc.finger
		r, s := knobRing(t, cfg, 32)
		hs := r.oracle.handles // in identifier order
		p, x, next := hs[9], hs[10], hs[11]
		if err := r.LeaveAfter(x, 0); err != nil || r.State(x) != Left {
			t.Fatalf("%s: no wait: state %v, err %v; want it gone at once", tc.name, r.State(x), err)
		}
		r, s = knobRing(t, cfg, 32)
		hs = r.oracle.handles
		p, x, next = hs[9], hs[10], hs[11]
		start := s.Now()
		if err := r.LeaveAfter(x, 60*sim.Second); err != nil {
			t.Fatal(err)
		}
		if err := r.LeaveAfter(x, 60*sim.Second); err == nil {
			t.Errorf("%s: a second LeaveAfter was accepted", tc.name)
		}
		// The predecessor stabilizes within 45 s (uniform [15, 45] s
		// periods from a phase in [0, 30 s)); it drops the leaver then.
		// Its next round adopts the leaver again, since the leaver's
		// successor still names it as predecessor, as in the simulator
		// (stabilize.c:66–68), so watch event by event.
		dropped := false
		for s.Now() < start.Add(59*sim.Second) && s.Step() {
			dropped = dropped || r.succList(p)[0] == next
		}
		if r.State(x) != Member || !r.Leaving(x) || r.oracle.Successor(r.ids[x]) != x {
			t.Errorf("%s: during the wait: state %v, leaving %v; want a member that still owns its identifier", tc.name, r.State(x), r.Leaving(x))
		}
		if !dropped {
			t.Errorf("%s: the predecessor never took the leaver's successor %d in the wait", tc.name, next)
		}
		s.RunUntil(start.Add(61 * sim.Second))
		if r.State(x) != Left {
			t.Errorf("%s: after the wait: state %v, want left", tc.name, r.State(x))
		}
	}
}
