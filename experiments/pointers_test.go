package experiments

import (
	"bytes"
	"context"
	"math"
	"reflect"
	"strings"
	"testing"
)

// pointerSweep is a small ring under churn and a mass failure, so that
// successors and fingers go wrong and dead while lookups run.
const pointerSweep = `
experiment: pointers
seed: 5
replicates: 2
n: [40, 80]
chord:
  m: 16
  successors: 3
workload:
  lookups: 400
  lookup_rate: 2
churn:
  join_rate: 0.05
  fail_rate: 0.05
failure:
  fraction: 0.1
  at: 60s
`

// Sampling the pointer state is the oracle measuring: with pointers.every
// on, every other column of results.csv and every other cell of
// timeseries.csv are those of the same runs with it off, the statistics
// show the damage the churn does, and the pointer columns come back
// unchanged from the run records.
func TestPointerSamplingDoesNotPerturb(t *testing.T) {
	off := mustPlan(t, pointerSweep, "timeseries.every=50s")
	on := mustPlan(t, pointerSweep, "timeseries.every=50s", "pointers.every=7s")
	oOff, oOn := execute(t, off, 0), execute(t, on, 0)
	for i := range oOn.Results {
		a, b := oOff.Results[i], oOn.Results[i]
		for mi, m := range metricsList {
			if ptr, _ := pointerMetric(mi); ptr {
				continue
			}
			x, y := a.Values[mi], b.Values[mi]
			if x != y && !(math.IsNaN(x) && math.IsNaN(y)) {
				t.Errorf("run %d: %s is %v with pointer sampling off, %v with it on", i, m.name, x, y)
			}
		}
		if len(a.Series) != len(b.Series) {
			t.Fatalf("run %d: %d samples off, %d on", i, len(a.Series), len(b.Series))
		}
		taken := 0
		for si := range a.Series {
			sa, sb := a.Series[si], b.Series[si]
			taken += sb.Pointers.Samples
			sb.Pointers = sa.Pointers
			if !reflect.DeepEqual(sa, sb) {
				t.Errorf("run %d, sample %d: %+v off, %+v on", i, si, sa, sb)
			}
		}
		s := b.Pointers
		if s == nil || taken != s.Samples || s.Samples < 20 {
			t.Fatalf("run %d: pointer samples %+v, %d in the series", i, s, taken)
		}
		if s.WrongSuccessor == 0 || s.DeadSuccessor == 0 || s.DeadFinger == 0 || s.WrongSuccessor < s.DeadSuccessor {
			t.Errorf("run %d: churn and a mass failure left no wrong or dead pointers, or fewer wrong than dead: %+v", i, s)
		}
	}
	// Off, the plan has no pointer columns and no finger times.
	for _, c := range off.Columns() {
		if strings.Contains(c, "successor_fraction") || strings.HasPrefix(c, "dead_finger") || c == "pointer_samples" {
			t.Errorf("pointer sampling off, yet results.csv has column %s", c)
		}
	}
	cols := strings.Join(on.Columns(), ",")
	if !strings.Contains(cols, "dead_finger_l15,") || strings.Contains(cols, "dead_finger_l16") {
		t.Errorf("m = 16 wants per-level columns 1 … 15: %s", cols)
	}
	// From the records: the same bytes.
	dir := t.TempDir()
	s := &Session{Plan: on, Dir: dir}
	if _, err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	o, err := ExecuteWith(context.Background(), mustPlan(t, pointerSweep, "timeseries.every=50s", "pointers.every=7s"), ExecOptions{RunsDir: RunsDir(dir)})
	if err != nil {
		t.Fatal(err)
	}
	rebuilt := t.TempDir()
	writeAll(t, rebuilt, o)
	for _, f := range []string{"results.csv", "timeseries.csv", "summary.json"} {
		if !bytes.Equal(readOut(t, rebuilt, f), readOut(t, dir, f)) {
			t.Errorf("%s rebuilt from the run records differs", f)
		}
	}
}
