package experiments

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Cancelling a sweep (what Ctrl-C does) keeps every run that finished: the
// outcome holds them, and the outputs written from it are whole files with
// one row per finished run.
func TestInterruptKeepsFinishedRuns(t *testing.T) {
	p := mustPlan(t, smallSweep, "replicates=4")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	o, err := Execute(ctx, p, 1, func(done int) {
		if done == 2 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Execute returned %v, want context.Canceled", err)
	}
	if f := o.Finished(); f < 2 || f >= p.Runs() {
		t.Fatalf("%d of %d runs finished; want at least the 2 before the cancel and not all", f, p.Runs())
	}
	dir := t.TempDir()
	if err := WriteOutputs(dir, o); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "results.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if rows := strings.Count(string(b), "\n") - 1; rows != o.Finished() {
		t.Fatalf("results.csv has %d rows for %d finished runs", rows, o.Finished())
	}
	// The finished rows are exactly those of an uninterrupted run.
	full := execute(t, p, 1)
	for i, r := range o.Results {
		if r != nil && (r.Events != full.Results[i].Events || r.Hops.Mean() != full.Results[i].Hops.Mean()) {
			t.Fatalf("run %d differs from the uninterrupted sweep", i)
		}
	}
}
