package experiments

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
)

// MachineMemory is the memory a sweep may use, in bytes: the physical
// memory (MemTotal of /proc/meminfo), or the cgroup's limit if that is
// lower, less an eighth for the operating system and chordsim's own
// working set. It returns 0 where neither can be read (then no sweep is
// refused for memory; each run is still bounded by config.MaxRingBytes).
func MachineMemory() uint64 {
	var total uint64
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			if f := strings.Fields(sc.Text()); len(f) >= 2 && f[0] == "MemTotal:" {
				if kb, err := strconv.ParseUint(f[1], 10, 64); err == nil {
					total = kb << 10
				}
			}
		}
	}
	if b, err := os.ReadFile("/sys/fs/cgroup/memory.max"); err == nil {
		if lim, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64); err == nil && (total == 0 || lim < total) {
			total = lim
		}
	}
	return total - total/8
}

// bigRun is the estimated size above which a finished run's memory is
// handed back to the operating system before the next run starts: the Go
// collector would otherwise let the next run grow to twice the last one's
// heap before collecting.
const bigRun = 256 << 20

// checkMemory refuses a sweep whose runs, workers at a time, would need
// more than budget bytes (0: no check). The estimate takes the largest runs
// the shard holds, as many as run at once.
func checkMemory(plan *Plan, selected func(int) bool, workers int, budget uint64) error {
	if budget == 0 {
		return nil
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	R := plan.Base.Replicates
	var sizes []uint64
	for i := 0; i < plan.Runs(); i++ {
		if selected(i) {
			sizes = append(sizes, plan.Points[i/R].Config.RunBytes())
		}
	}
	if len(sizes) == 0 {
		return nil
	}
	slices.Sort(sizes)
	slices.Reverse(sizes)
	at := min(workers, len(sizes))
	var need uint64
	for _, b := range sizes[:at] {
		need += b
	}
	if need <= budget {
		return nil
	}
	if sizes[0] > budget {
		return fmt.Errorf("the largest run of the sweep needs about %s, more than the %s this machine has for chordsim; use smaller rings (n) or fewer lookups or keys", gib(sizes[0]), gib(budget))
	}
	fit, sum := 0, uint64(0)
	for _, b := range sizes {
		if sum+b > budget {
			break
		}
		sum += b
		fit++
	}
	return fmt.Errorf("the sweep needs about %s at once with --workers %d (its %d largest runs together, the largest %s), more than the %s this machine has for chordsim; use --workers %d, which fits", gib(need), workers, at, gib(sizes[0]), gib(budget), fit)
}

func gib(b uint64) string { return fmt.Sprintf("%.1f GiB", float64(b)/(1<<30)) }

// release hands a finished big run's memory back before the next starts.
func release(bytes uint64) {
	if bytes >= bigRun {
		debug.FreeOSMemory()
	}
}
