package experiments

import (
	"context"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chordsim/chordsim/run"
)

// A tracker counts the work of every run of the session, weights runs by
// their lookups (not one per run), never goes backwards while polled, and
// ends with all the work done; runs loaded from their records count as
// done at once.
func TestTracker(t *testing.T) {
	p := mustPlan(t, smallSweep, "replicates=2", "workload.lookups=[100,2000]")
	want := int64(0)
	for i := range p.Points {
		want += int64(p.Base.Replicates) * run.Work(&p.Points[i].Config, 0)
	}
	dir := t.TempDir()
	tr := new(Tracker)
	var stop atomic.Bool
	var wg sync.WaitGroup
	var backwards atomic.Int32
	wg.Add(1)
	go func() {
		defer wg.Done()
		var last Snapshot
		for !stop.Load() {
			s := tr.Snapshot()
			if s.WorkDone < last.WorkDone || s.Finished < last.Finished || s.Events < last.Events {
				backwards.Add(1)
			}
			if s.Work > 0 && s.Work != want {
				t.Errorf("tracker work %d, want %d", s.Work, want)
			}
			last = s
			time.Sleep(200 * time.Microsecond)
		}
	}()
	o, err := ExecuteWith(context.Background(), p, ExecOptions{Workers: 2, Tracker: tr, RunsDir: filepath.Join(dir, "runs")})
	stop.Store(true)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if backwards.Load() > 0 {
		t.Errorf("the tracker went backwards %d times", backwards.Load())
	}
	s := tr.Snapshot()
	var events uint64
	for _, r := range o.Results {
		events += r.Events
	}
	if s.Runs != p.Runs() || s.Finished != p.Runs() || s.Running != 0 || s.Work != want || s.WorkDone != want || s.Events != events || s.Fraction() != 1 {
		t.Errorf("at the end: %+v; want %d runs finished, work %d done, %d events", s, p.Runs(), want, events)
	}

	// Resumed: every run is loaded, and counts as done.
	tr2 := new(Tracker)
	if _, err := ExecuteWith(context.Background(), p, ExecOptions{Workers: 2, Tracker: tr2, RunsDir: filepath.Join(dir, "runs"), Ran: func(int) { t.Error("a stored run was made again") }}); err != nil {
		t.Fatal(err)
	}
	if s2 := tr2.Snapshot(); s2 != s {
		t.Errorf("resumed: %+v, want %+v", s2, s)
	}
}

// Fraction weights the work, not the runs.
func TestSnapshotFraction(t *testing.T) {
	for _, c := range []struct {
		s    Snapshot
		want float64
	}{
		{Snapshot{}, 0},
		{Snapshot{Runs: 2, Finished: 1, Work: 1000, WorkDone: 100}, 0.1},
		{Snapshot{Work: 10, WorkDone: 10}, 1},
		{Snapshot{Work: 10, WorkDone: 12}, 1},
	} {
		if got := c.s.Fraction(); got != c.want {
			t.Errorf("%+v: fraction %v, want %v", c.s, got, c.want)
		}
	}
}
