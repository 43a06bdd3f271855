package experiments

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/chordsim/chordsim/config"
	"github.com/chordsim/chordsim/internal/yamlconf"
)

// staticSweep is a config the static engine can run: keyed delays with a
// bounded latency, no maintenance, churn or service. Its axes cover the
// identifier size, the routing, retries (each answer checked by a ping),
// virtual nodes and a ring of one node.
const staticSweep = `
experiment: static
seed: 7
replicates: 2
n: [1, 300]
ids: uniform
chord:
  m: [16, 64]
  routing: [fingers, fingers+successors]
  lookup_retries: [0, 3]
  virtual_nodes: [1, 3]
  stabilize_every: 0s
  fix_fingers_every: 0s
  check_predecessor_every: 0s
network:
  latency: uniform:5ms,95ms
  draws: keyed
workload:
  keys_per_node: 5
  lookups: 3000
  lookup_rate: 2000
`

// The static engine and the event path give byte-identical results.csv and
// summary.json on the same config and seeds (every column: hops, latency,
// messages by kind, events, simulated time, load), and engine auto picks
// the static engine for such a config.
func TestStaticEngineOutputsMatchEvents(t *testing.T) {
	evR, evS := outputs(t, mustPlan(t, staticSweep, "engine=events"), 0)
	stR, stS := outputs(t, mustPlan(t, staticSweep, "engine=static"), 0)
	if !bytes.Equal(evR, stR) {
		el, sl := strings.Split(string(evR), "\n"), strings.Split(string(stR), "\n")
		for i := range min(len(el), len(sl)) {
			if el[i] != sl[i] {
				t.Fatalf("results.csv differs at line %d:\nevents: %s\nstatic: %s", i, el[i], sl[i])
			}
		}
		t.Fatal("results.csv differs in length")
	}
	if !bytes.Equal(evS, stS) {
		t.Fatal("summary.json differs between the engines")
	}
	if rows := strings.Count(string(evR), "\n"); rows != 1+2*2*2*2*2*2 {
		t.Fatalf("results.csv has %d lines, want a header and 64 runs", rows)
	}
	// Auto chooses the static engine here, and the event path when the
	// draws are a stream.
	for _, tc := range []struct {
		set    string
		static bool
	}{{"engine=auto", true}, {"engine=events", false}, {"network.draws=stream", false}} {
		p := mustPlan(t, staticSweep, tc.set, "n=[300]", "chord.m=[64]", "chord.routing=[fingers]", "chord.lookup_retries=[0]", "chord.virtual_nodes=[1]")
		res, err := RunPoint(context.Background(), &p.Points[0], 1)
		if err != nil {
			t.Fatal(err)
		}
		if res.Static != tc.static {
			t.Errorf("%s: static engine %v, want %v", tc.set, res.Static, tc.static)
		}
	}
}

// staticPoint is a single run of staticSweep.
const staticPoint = `
n: 300
ids: uniform
chord:
  stabilize_every: 0s
  fix_fingers_every: 0s
  check_predecessor_every: 0s
network:
  latency: uniform:5ms,95ms
  draws: keyed
workload:
  lookups: 3000
  lookup_rate: 2000
`

// engine static on a config it cannot run is refused at validation, with
// the reason and the fix.
func TestStaticEngineRefusals(t *testing.T) {
	for _, tc := range []struct{ set, want string }{
		{"network.draws=stream", "set it to keyed"},
		{"network.latency=exp:30ms", "no upper bound"},
		{"network.latency=uniform:100ms,300ms", "raise the timeout"},
		{"chord.stabilize_every=30s", "maintenance is on"},
		{"chord.lookup=recursive", "set it to iterative"},
		{"network.loss=0.01", "network.loss is 0.01"},
		{"churn.rate=1", "churn"},
		{"kv.requests=10", "key-value service"},
		{"check_invariants=true", "check_invariants"},
		{"bootstrap=protocol", "set it to ideal"},
	} {
		t.Run(tc.set, func(t *testing.T) {
			cfg, axes, err := config.Parse([]byte(staticPoint), "static.yaml")
			if err != nil {
				t.Fatal(err)
			}
			if err := cfg.Validate(); err != nil {
				t.Fatalf("the base config is refused: %v", err)
			}
			for _, s := range []string{"engine=static", tc.set} {
				path, values, err := yamlconf.ParseSet(s)
				if err != nil {
					t.Fatal(err)
				}
				if axes, err = yamlconf.Set(&cfg, axes, path, values); err != nil {
					t.Fatal(err)
				}
			}
			err = cfg.Validate()
			if err == nil || !strings.Contains(err.Error(), "engine: static cannot run this config") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate = %v, want a refusal of engine static naming %q", err, tc.want)
			}
		})
	}
}
