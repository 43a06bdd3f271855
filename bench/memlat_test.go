package bench

import (
	"testing"

	"github.com/chordsim/chordsim/sim"
)

// fillCycle must link every line into one cycle: following it from 0
// visits each index exactly once before coming back. Otherwise the chase
// would loop in a small part of the buffer and measure a cache instead.
func TestFillCycleIsOneCycle(t *testing.T) {
	for _, n := range []int{1, 2, 3, 7, 64, 1000, 4097} {
		for seed := uint64(1); seed <= 5; seed++ {
			next := make([]uint32, n)
			fillCycle(next, sim.Stream(seed, "test"))
			seen := make([]bool, n)
			at := uint32(0)
			for step := 0; step < n; step++ {
				if int(at) >= n {
					t.Fatalf("n=%d seed=%d: index %d outside the buffer", n, seed, at)
				}
				if seen[at] {
					t.Fatalf("n=%d seed=%d: line %d visited twice within %d steps: more than one cycle", n, seed, at, step)
				}
				seen[at] = true
				at = next[at]
			}
			if at != 0 {
				t.Fatalf("n=%d seed=%d: after %d steps the chase is at %d, not back at 0", n, seed, n, at)
			}
		}
	}
}

// The same seed gives the same cycle (the measurement is repeatable up to
// the machine's timing).
func TestFillCycleDeterministic(t *testing.T) {
	a, b := make([]uint32, 500), make([]uint32, 500)
	fillCycle(a, sim.Stream(7, "test"))
	fillCycle(b, sim.Stream(7, "test"))
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("index %d: %d then %d from the same seed", i, a[i], b[i])
		}
	}
}

// MemoryLatencyNs runs on sizes from below one line to a few MiB. What it
// returns depends on the machine and its load, so no test asserts it.
func TestMemoryLatencyRuns(t *testing.T) {
	for _, size := range []int{0, 100, 1 << 20} {
		t.Logf("%d bytes: %.1f ns", size, MemoryLatencyNs(size))
	}
}
