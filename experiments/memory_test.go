package experiments

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A sweep whose largest runs, --workers at a time, need more than the
// memory is refused before anything is run or written, with the estimate
// and the --workers that fits; with that many workers it runs.
func TestSweepMemoryCheckedUpFront(t *testing.T) {
	plan := mustPlan(t, "n: [4096, 2048, 1024]\nworkload:\n  lookups: 10\n")
	var sizes []uint64
	for _, pt := range plan.Points {
		sizes = append(sizes, pt.Config.RunBytes())
	}
	// Room for the two largest runs together, not for all three.
	budget := sizes[0] + sizes[1] + sizes[2]/2
	dir := filepath.Join(t.TempDir(), "out")
	s := &Session{Plan: plan, Dir: dir, Workers: 3, Memory: budget}
	_, err := s.Run(context.Background())
	var in *InputError
	if !errors.As(err, &in) {
		t.Fatalf("err = %v, want an InputError", err)
	}
	for _, m := range []string{"--workers 3", "use --workers 2"} {
		if !strings.Contains(err.Error(), m) {
			t.Errorf("%q does not say %q", err, m)
		}
	}
	if e := dirEntries(dir); len(e) != 0 {
		t.Fatalf("a refused sweep wrote %v", e)
	}
	s.Workers = 2
	if _, err := s.Run(context.Background()); err != nil {
		t.Fatalf("with --workers 2: %v", err)
	}
	// A single run larger than the memory is refused whatever the workers.
	s = &Session{Plan: plan, Dir: filepath.Join(t.TempDir(), "o"), Workers: 1, Memory: sizes[0] - 1}
	if _, err := s.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "the largest run") {
		t.Fatalf("one run too large: %v", err)
	}
}

// RunBytes grows with what a run holds: members (times virtual nodes),
// lookups and keys.
func TestRunBytesGrowsWithTheRun(t *testing.T) {
	a := mustPlan(t, "n: 1024\nworkload:\n  lookups: 10\n").Points[0].Config
	b := a
	b.N *= 2
	c := a
	c.Workload.Lookups *= 1000
	d := a
	d.Workload.Keys = 1 << 20
	for _, x := range []uint64{b.RunBytes(), c.RunBytes(), d.RunBytes()} {
		if x <= a.RunBytes() {
			t.Errorf("RunBytes %d is not above the base run's %d", x, a.RunBytes())
		}
	}
}

func dirEntries(dir string) []string {
	es, _ := os.ReadDir(dir)
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}
