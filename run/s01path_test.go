package run

import (
	"context"
	"testing"

	"github.com/chordsim/chordsim/sim"
)

// The S01 path of a lookup is counted on the membership of its issue,
// although lookups are counted in batches: under churn and a mass failure,
// batches of 1,024 (flushed just before each membership change) give the
// histogram of counting each lookup at its issue.
func TestS01PathBatchesCountAtIssue(t *testing.T) {
	cfg := seriesConfig(t)
	cfg.Failure.Fraction, cfg.Failure.At = 0.2, 100*sim.Second
	cfg.Churn.JoinRate, cfg.Churn.FailRate, cfg.Churn.LeaveRate = 0.05, 0.03, 0.02
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	run := func(batch int) *Result {
		w, err := New(cfg, 11)
		if err != nil {
			t.Fatal(err)
		}
		w.lookups.batch = batch
		if err := w.Build(context.Background()); err != nil {
			t.Fatal(err)
		}
		res, err := w.Finish(context.Background(), Inputs{})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	at, batched := run(1), run(s01Batch)
	if at.S01Path.N() != uint64(cfg.Workload.Lookups) || at.Joins == 0 || at.Fails == 0 {
		t.Fatalf("%d paths counted for %d lookups, %d joins, %d fails: the test needs churn", at.S01Path.N(), cfg.Workload.Lookups, at.Joins, at.Fails)
	}
	for v := range max(at.S01Path.Len(), batched.S01Path.Len()) {
		if a, b := at.S01Path.Count(v), batched.S01Path.Count(v); a != b {
			t.Errorf("%d lookups of path %d counted at issue, %d in batches", a, v, b)
		}
	}
}
