package bench

import (
	"math/rand/v2"
	"runtime/debug"
	"time"

	"github.com/chordsim/chordsim/internal/hugepage"
	"github.com/chordsim/chordsim/sim"
)

// cacheLine is one line of the pointer-chasing buffer; word 0 holds the
// index of the next line to visit.
type cacheLine [lineBytes / 8]uint64

// lineBytes is the cache line size of x86-64 and of most ARM64 cores.
const lineBytes = 64

// Steps of one timed pass of MemoryLatencyNs, and how many passes it takes
// the best of. 2^20 dependent loads take 0.1 s at 100 ns each and 2 ms in
// L1, long enough for the clock's resolution; the best of three discards a
// pass slowed by another process on the machine.
const (
	memLatSteps  = 1 << 20
	memLatPasses = 3
	memLatWarmup = 1 << 14
)

// MemoryLatencyNs measures the machine's random-access memory latency, in
// nanoseconds, for a working set of the given size: the mean wall time of
// one load whose address depends on the value of the previous load, the
// loads going through a buffer of that many bytes in an order the processor
// can neither predict nor overlap.
//
// `chordsim bench` divides its wall time per lookup hop by this figure,
// measured over a buffer as large as the ring's node state: a hop reads a
// node whose state is not in cache, so the ratio says how many such misses
// (and how much other work) a hop costs. Over a buffer that fits in a cache
// the figure is that cache's latency; over a larger one it includes the TLB
// misses that the simulator's hops pay as well. The buffer gets huge pages
// where the ring's tables do (package hugepage), so that both pay the same
// TLB misses.
//
// The buffer holds one index per 64-byte line, and the indices form a
// single cycle through every line (Sattolo's algorithm, from a fixed seed),
// so no line is seen twice before all have been. The cycle is drawn in a
// compact array of 4 bytes per line (its random swaps then stay within a
// sixteenth of the memory) and copied into the buffer in one sequential
// pass, which also touches every page before timing starts. The result is
// the best of a few passes. The call runs a garbage collection first, so
// that memory the caller has dropped is reused, and returns the buffer to
// the operating system when it is done. Sizes below two lines are raised to
// two lines; sizes of 2^32 lines (256 GiB) or more panic.
func MemoryLatencyNs(bytes int) float64 {
	n := max(bytes/lineBytes, 2)
	if uint64(n) > 1<<32 {
		panic("bench: memory latency buffer of 2^32 lines or more")
	}
	debug.FreeOSMemory()
	next := make([]uint32, n)
	fillCycle(next, sim.Stream(1, "memory latency"))
	buf := make([]cacheLine, n)
	hugepage.Advise(buf) // the page size the ring's tables get
	for i, x := range next {
		buf[i][0] = uint64(x)
	}
	next = nil
	at := chase(buf, 0, memLatWarmup)
	best := 0.0
	for pass := 0; pass < memLatPasses; pass++ {
		start := time.Now()
		at = chase(buf, at, memLatSteps)
		ns := float64(time.Since(start).Nanoseconds()) / memLatSteps
		if pass == 0 || ns < best {
			best = ns
		}
	}
	if at >= uint64(n) {
		panic("bench: pointer chase left its buffer")
	}
	buf = nil
	debug.FreeOSMemory()
	return best
}

// fillCycle sets next[i] to the index that follows i on one random cycle
// through all of 0..len(next)−1 (Sattolo's algorithm: the Fisher–Yates
// shuffle with j < i strictly, which yields only permutations with a single
// cycle, each with equal probability).
func fillCycle(next []uint32, rng *rand.Rand) {
	for i := range next {
		next[i] = uint32(i)
	}
	for i := len(next) - 1; i > 0; i-- {
		j := rng.IntN(i)
		next[i], next[j] = next[j], next[i]
	}
}

// chase follows the cycle for the given number of steps from line at and
// returns where it stopped. Each load's address is the previous load's
// value, so the loads cannot overlap.
func chase(buf []cacheLine, at uint64, steps int) uint64 {
	for ; steps > 0; steps-- {
		at = buf[at][0]
	}
	return at
}
