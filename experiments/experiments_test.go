package experiments

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/config"
	"github.com/chordsim/chordsim/internal/yamlconf"
)

func mustPlan(t testing.TB, yaml string, sets ...string) *Plan {
	t.Helper()
	cfg, axes, err := config.Parse([]byte(yaml), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sets {
		path, values, err := yamlconf.ParseSet(s)
		if err != nil {
			t.Fatal(err)
		}
		if axes, err = yamlconf.Set(&cfg, axes, path, values); err != nil {
			t.Fatal(err)
		}
	}
	p, err := NewPlan(cfg, axes)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func execute(t *testing.T, p *Plan, workers int) *Outcome {
	t.Helper()
	o, err := Execute(context.Background(), p, workers, nil)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

const smallSweep = `
experiment: determinism
seed: 42
replicates: 3
n: [50, 200]
chord:
  lookup: [iterative, recursive]
  stabilize_every: 2s
  fix_fingers_every: 2s
  check_predecessor_every: 2s
network:
  latency: exp:30ms
  loss: 0.01
workload:
  keys: 1000
  lookups: 2000
  lookup_rate: 200
`

func outputs(t *testing.T, p *Plan, workers int) (results, summary []byte) {
	t.Helper()
	dir := t.TempDir()
	if err := PrepareOutDir(dir); err != nil {
		t.Fatal(err)
	}
	if err := WriteOutputs(dir, execute(t, p, workers)); err != nil {
		t.Fatal(err)
	}
	r, err := os.ReadFile(filepath.Join(dir, "results.csv"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	return r, s
}

// The same config and seed give byte-identical results.csv and summary.json
// whatever GOMAXPROCS and the number of workers; another seed gives
// different results.
func TestDeterminism(t *testing.T) {
	p := mustPlan(t, smallSweep)
	prev := runtime.GOMAXPROCS(1)
	r1, s1 := outputs(t, p, 0)
	runtime.GOMAXPROCS(2)
	r2, s2 := outputs(t, p, 0)
	runtime.GOMAXPROCS(prev)
	r3, s3 := outputs(t, p, 3)
	if !bytes.Equal(r1, r2) || !bytes.Equal(r1, r3) {
		t.Fatalf("results.csv differs between GOMAXPROCS=1, 2 and 3 workers")
	}
	if !bytes.Equal(s1, s2) || !bytes.Equal(s1, s3) {
		t.Fatalf("summary.json differs between GOMAXPROCS=1, 2 and 3 workers")
	}
	other := mustPlan(t, smallSweep, "seed=43")
	r4, s4 := outputs(t, other, 0)
	if bytes.Equal(r1, r4) || bytes.Equal(s1, s4) {
		t.Fatal("seed 43 gave the same outputs as seed 42")
	}
	if !strings.Contains(string(r1), "chord.lookup") || strings.Count(string(r1), "\n") != 1+2*2*3 {
		t.Fatalf("results.csv does not have one row per run and a column per axis:\n%s", r1)
	}
}

// Outputs must not drift silently: a tiny run's files are compared with
// golden copies. Update them with `go test ./experiments -run Golden -rewrite`
// only after understanding the diff.
func TestGoldenOutputs(t *testing.T) {
	p := mustPlan(t, smallSweep, "n=[30]", "chord.lookup=[iterative]", "replicates=2")
	r, s := outputs(t, p, 0)
	for name, got := range map[string][]byte{"results.csv": r, "summary.json": s} {
		path := filepath.Join("testdata", "golden", name)
		if *rewrite {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (create it with -rewrite)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s drifted from %s; if the change is intended, rerun with -rewrite and review the diff", name, path)
		}
	}
}

// A ring grown through the protocol and given time to settle answers every
// lookup correctly, like an ideal ring.
func TestProtocolBootstrapRun(t *testing.T) {
	p := mustPlan(t, `
n: 200
bootstrap: protocol
join_every: 1s
settle: 40s
chord:
  successors: 8
  stabilize_every: 1s
  fix_fingers_every: 1s
  check_predecessor_every: 1s
network:
  latency: const:10ms
workload:
  lookups: 3000
  lookup_rate: 100
`)
	o := execute(t, p, 0)
	r := o.Results[0]
	if r.Members != 200 || r.Outcomes[chord.Correct] != 3000 {
		t.Fatalf("members %d, outcomes %v; want 200 members and 3000 correct lookups", r.Members, r.Outcomes)
	}
}
