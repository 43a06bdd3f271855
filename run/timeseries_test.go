package run

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/churn"
	"github.com/chordsim/chordsim/config"
	"github.com/chordsim/chordsim/sim"
)

// seriesConfig is a small ring under churn with maintenance on.
func seriesConfig(t *testing.T) *config.Config {
	t.Helper()
	cfg := config.Defaults()
	cfg.N = 48
	cfg.Workload.Lookups = 600
	cfg.Workload.LookupRate = 2
	cfg.Churn.Duration = 290 * sim.Second
	return &cfg
}

// checkSums checks that the series adds up to the run's own totals and
// covers the measurement window in steps of every, the last one partial.
func checkSums(t *testing.T, res *Result, every sim.Duration) {
	t.Helper()
	var joins, fails, leaves, started, done, failed int
	for i, s := range res.Series {
		joins += s.Joins
		fails += s.Fails
		leaves += s.Leaves
		started += s.Started
		done += s.Done
		failed += s.Failed()
		if i < len(res.Series)-1 && s.At != sim.Duration(i+1)*every {
			t.Errorf("sample %d at %v, want %v", i, s.At, sim.Duration(i+1)*every)
		}
	}
	if len(res.Series) == 0 {
		t.Fatal("no samples")
	}
	last := res.Series[len(res.Series)-1]
	if last.Live != res.Members {
		t.Errorf("last sample has %d live members, the run ends with %d", last.Live, res.Members)
	}
	outcomes := res.LostKey
	for _, c := range res.Outcomes {
		outcomes += c
	}
	for _, c := range []struct {
		name      string
		got, want int
	}{
		{"joins", joins, res.Joins}, {"fails", fails, res.Fails}, {"leaves", leaves, res.Leaves},
		{"lookups started", started, res.Lookups}, {"lookups done", done, outcomes}, {"failed", failed, res.Failed()},
	} {
		if c.got != c.want {
			t.Errorf("%s: the samples sum to %d, the run counted %d", c.name, c.got, c.want)
		}
	}
	// The configs here build an ideal ring, which sends nothing, and have
	// no settle: the window is the whole run, so every message and byte
	// is in some sample.
	var sent, bytes [chord.NumMsgKinds]uint64
	for _, s := range res.Series {
		for k := range sent {
			sent[k] += s.Sent[k]
			bytes[k] += s.Bytes[k]
		}
	}
	if sent != res.Sent || bytes != res.Bytes {
		t.Errorf("messages and bytes by kind: the samples sum to %v and %v, the run counted %v and %v", sent, bytes, res.Sent, res.Bytes)
	}
	if bytes == ([chord.NumMsgKinds]uint64{}) {
		t.Error("no bytes counted")
	}
}

// Under Poisson churn, the per-interval joins, failures, leaves and
// lookups add up to the run's counts, and turning the series on changes
// nothing else the run measures (same events, same outcomes).
func TestSeriesSumsToRunTotals(t *testing.T) {
	cfg := seriesConfig(t)
	cfg.Churn.JoinRate, cfg.Churn.FailRate, cfg.Churn.LeaveRate = 0.05, 0.03, 0.02
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	off, err := Run(context.Background(), cfg, 5, Inputs{})
	if err != nil {
		t.Fatal(err)
	}
	if off.Series != nil {
		t.Fatal("timeseries.every 0s took samples")
	}
	on := *cfg
	on.TimeSeries.Every = 30 * sim.Second
	res, err := Run(context.Background(), &on, 5, Inputs{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Joins == 0 || res.Fails == 0 || res.Leaves == 0 {
		t.Fatalf("churn too light to test: %d joins, %d fails, %d leaves", res.Joins, res.Fails, res.Leaves)
	}
	checkSums(t, res, on.TimeSeries.Every)
	series := res.Series
	res.Series = nil
	if !reflect.DeepEqual(res, off) {
		t.Errorf("the series changed the run's results:\n on  %+v\n off %+v", res, off)
	}
	// Same seed, same series.
	again, err := Run(context.Background(), &on, 5, Inputs{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again.Series, series) {
		t.Error("the same config and seed gave another series")
	}
}

// A churn trace fixes when each change happens, so each interval's joins,
// failures and leaves are known exactly.
func TestSeriesCountsTraceEventsPerInterval(t *testing.T) {
	cfg := seriesConfig(t)
	trace := `10s join a
70s join b
75s join c
130s fail #3
131s leave #5
200s join d
250s fail b
`
	cfg.Churn.Trace = "trace.txt"
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	tr, err := churn.ParseTrace(strings.NewReader(trace), "trace.txt", cfg.N)
	if err != nil {
		t.Fatal(err)
	}
	cfg.TimeSeries.Every = 60 * sim.Second
	res, err := Run(context.Background(), cfg, 3, Inputs{Trace: tr})
	if err != nil {
		t.Fatal(err)
	}
	checkSums(t, res, cfg.TimeSeries.Every)
	// (0,60]: a; (60,120]: b, c; (120,180]: #3 fails, #5 leaves;
	// (180,240]: d; (240,300]: b fails.
	want := [][3]int{{1, 0, 0}, {2, 0, 0}, {0, 1, 1}, {1, 0, 0}, {0, 1, 0}}
	if len(res.Series) < len(want) {
		t.Fatalf("%d samples, want at least %d", len(res.Series), len(want))
	}
	live := cfg.N
	for i, s := range res.Series {
		var w [3]int
		if i < len(want) {
			w = want[i]
		}
		if got := [3]int{s.Joins, s.Fails, s.Leaves}; got != w {
			t.Errorf("interval %d (to %v): joins, fails, leaves %v, want %v", i, s.At, got, w)
		}
		live += w[0] - w[1] - w[2]
		// Joins finish long before the next sample (1 s stabilization at
		// most a few rounds), so live members follow the trace.
		if s.Live != live {
			t.Errorf("interval %d: %d live, want %d", i, s.Live, live)
		}
	}
	var sent uint64
	for _, s := range res.Series {
		sent += s.Sent[chord.MsgNotify]
	}
	if sent == 0 {
		t.Error("no notify messages counted in the series while nodes joined")
	}
}
