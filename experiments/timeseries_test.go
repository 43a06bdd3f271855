package experiments

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

const seriesSweep = `
experiment: series
seed: 9
replicates: 2
n: [32, 64]
workload:
  lookups: 300
  lookup_rate: 2
churn:
  join_rate: 0.04
  fail_rate: 0.04
timeseries:
  every: 40s
`

func readOut(t *testing.T, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// timeseries.csv is the same bytes whatever the parallelism (GOMAXPROCS 1
// or 2) and when rebuilt from the run records of a finished sweep, and
// its joins add up to results.csv's churn_joins per run.
func TestSeriesDeterministicAndFromRecords(t *testing.T) {
	var outs [][]byte
	dirs := []string{t.TempDir(), t.TempDir()}
	for i, procs := range []int{1, 2} {
		old := runtime.GOMAXPROCS(procs)
		s := &Session{Plan: mustPlan(t, seriesSweep), Dir: dirs[i]}
		_, err := s.Run(context.Background())
		runtime.GOMAXPROCS(old)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, readOut(t, dirs[i], "timeseries.csv"))
	}
	if !bytes.Equal(outs[0], outs[1]) {
		t.Fatal("timeseries.csv differs between GOMAXPROCS 1 and 2")
	}
	// A second session on the same folder makes no run: everything comes
	// from the records, which must carry the series.
	ran := 0
	p := mustPlan(t, seriesSweep)
	o, err := ExecuteWith(context.Background(), p, ExecOptions{RunsDir: RunsDir(dirs[0]), Ran: func(int) { ran++ }})
	if err != nil {
		t.Fatal(err)
	}
	if ran != 0 {
		t.Fatalf("%d runs made again instead of read from their records", ran)
	}
	rebuilt := t.TempDir()
	writeAll(t, rebuilt, o)
	if !bytes.Equal(readOut(t, rebuilt, "timeseries.csv"), outs[0]) {
		t.Fatal("timeseries.csv rebuilt from run records differs")
	}
	// Per run, the joins column sums to results.csv's churn_joins.
	ji, fi := MetricIndex("churn_joins"), MetricIndex("churn_fails")
	for i, r := range o.Results {
		var joins, fails int
		for _, s := range r.Series {
			joins += s.Joins
			fails += s.Fails
		}
		if joins != int(r.Values[ji]) || fails != int(r.Values[fi]) {
			t.Errorf("run %d: series has %d joins, %d fails; results.csv %v, %v", i, joins, fails, r.Values[ji], r.Values[fi])
		}
		if joins == 0 {
			t.Errorf("run %d: no joins; the test needs churn", i)
		}
	}
	rows := bytes.Count(outs[0], []byte("\n")) - 1
	if want := seriesRows(o); rows != want || rows < 4*3 {
		t.Errorf("timeseries.csv has %d rows, the runs %d samples", rows, want)
	}
}

func seriesRows(o *Outcome) int {
	n := 0
	for _, r := range o.Results {
		n += len(r.Series)
	}
	return n
}

// Off (the default), no timeseries.csv is written, and the other outputs
// are those of the same sweep with the series on.
func TestSeriesOffWritesNoFile(t *testing.T) {
	on, off := t.TempDir(), t.TempDir()
	onR, onS := writeAll(t, on, execute(t, mustPlan(t, seriesSweep), 0))
	offR, offS := writeAll(t, off, execute(t, mustPlan(t, seriesSweep, "timeseries.every=0s"), 0))
	if _, err := os.Stat(filepath.Join(off, "timeseries.csv")); !os.IsNotExist(err) {
		t.Fatalf("timeseries.csv written with timeseries.every 0s (%v)", err)
	}
	if !bytes.Equal(onR, offR) || !bytes.Equal(onS, offS) {
		t.Fatal("results.csv or summary.json changed with the time series on")
	}
	for _, f := range []string{"summary.csv", "hops.csv"} {
		if !bytes.Equal(readOut(t, on, f), readOut(t, off, f)) {
			t.Errorf("%s changed with the time series on", f)
		}
	}
}
