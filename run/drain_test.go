package run

import (
	"context"
	"reflect"
	"testing"

	"github.com/chordsim/chordsim/config"
)

// network.drain_every end to end, metamorphic: with stabilization stopped
// after a mass failure and liveness from the simulator (T03 Table II's
// setting), no routing table changes while the lookups run, so T03's
// per-node queue may change only when things happen: every lookup's hops,
// timeouts and outcome stay the same, and the latency grows by about the
// two waits per ask (each a residual of uniform [250, 750] ms, 271 ms on
// average). Then the same with churn (joins and leaves): the queue makes
// the runs differ, and two runs with the same seed are the same.
func TestDrainChangesOnlyTimingOnAFrozenRing(t *testing.T) {
	run := func(drain string, churn bool) *Result {
		t.Helper()
		src := `experiment: drain
n: 300
bootstrap: ideal
chord:
  protocol: ton-sim
  successors: 8
  lookup_retries: 64
network:
  latency: exp:50ms
  drain_every: ` + drain + `
workload:
  lookups: 600
  lookup_rate: 10
`
		if churn {
			src += "churn:\n  rate: 0.2\n  depart: leave\n"
		} else {
			src += "failure:\n  fraction: 0.3\n  stop_maintenance: true\n"
		}
		cfg, _, err := config.Parse([]byte(src), "drain.yaml")
		if err != nil {
			t.Fatal(err)
		}
		if err := cfg.Validate(); err != nil {
			t.Fatal(err)
		}
		res, err := Run(context.Background(), &cfg, 5, Inputs{})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	off, on := run("off", false), run("uniform:250ms,750ms", false)
	if !reflect.DeepEqual(off.Hops, on.Hops) || !reflect.DeepEqual(off.Timeouts, on.Timeouts) || off.Outcomes != on.Outcomes {
		t.Fatalf("frozen ring: the queue changed what lookups found: hops %v/%v, timeouts %v/%v, outcomes %v/%v",
			off.Hops.Mean(), on.Hops.Mean(), off.Timeouts.Mean(), on.Timeouts.Mean(), off.Outcomes, on.Outcomes)
	}
	if off.Timeouts.Mean() == 0 {
		t.Fatal("no timeouts: the test does not exercise the dead hops")
	}
	// Each answered ask is a request and its reply, each waiting about
	// 271 ms; a request to a dead node is dropped on arrival and waits for
	// nothing. Lookups send 2·asks − timeouts messages.
	lookups := float64(on.Timeouts.N())
	answered := (float64(on.Messages)/lookups - on.Timeouts.Mean()) / 2
	extra := on.Latency.Mean() - off.Latency.Mean()
	t.Logf("frozen ring: %.0f ms per lookup off, %.0f on, %.2f answered asks", off.Latency.Mean(), on.Latency.Mean(), answered)
	if want := 2 * 0.271e3 * answered; extra < 0.9*want || extra > 1.1*want {
		t.Errorf("the queue added %.0f ms per lookup; want about %.0f (two waits of 271 ms per answered ask, %.2f of them)", extra, want, answered)
	}
	a, b, c := run("uniform:250ms,750ms", true), run("uniform:250ms,750ms", true), run("off", true)
	if !reflect.DeepEqual(a.Hops, b.Hops) || !reflect.DeepEqual(a.Timeouts, b.Timeouts) || a.Outcomes != b.Outcomes || a.Events != b.Events {
		t.Fatal("churn: two runs with the same seed differ")
	}
	if a.Events == c.Events && a.Latency.Mean() == c.Latency.Mean() {
		t.Fatal("churn: the queue changed nothing")
	}
}
