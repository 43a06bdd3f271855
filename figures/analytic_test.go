package figures

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/chordsim/chordsim/config"
	"github.com/chordsim/chordsim/experiments"
	"github.com/chordsim/chordsim/internal/yamlconf"
)

// paperScale reports whether the paper-scale analytic checks should run
// (CHORDSIM_PAPER=1): they take minutes, so `go test ./...` runs a small
// version of each.
func paperScale() bool { return os.Getenv("CHORDSIM_PAPER") == "1" }

// loadCase is one (N, K, v) setting of the keys-per-node checks, with the
// number of runs averaged.
type loadCase struct{ n, keys, v, runs int }

// checkLoadAgainstLaw runs the load experiment at c and compares what
// chordsim reports with the exact Beta-binomial law of keys per real node:
//
//   - keys_p1 and keys_p99 (each the mean over c.runs runs of one run's
//     nearest-rank percentile over the N real nodes) against the law's
//     expectation of that statistic, within 1.5 % (issue 18) or 4 standard
//     errors of a c.runs-run mean, whichever is larger; the standard error
//     also comes from the law, not from the runs, and the test says which
//     bar applied;
//   - the pooled empirical CDF (N·runs counts) at both sides of the law's
//     1st and 99th percentiles, within 4 binomial standard errors.
func checkLoadAgainstLaw(t *testing.T, c loadCase) (p1, p99 float64) {
	t.Helper()
	yaml := fmt.Sprintf("n: %d\nreplicates: %d\nchord:\n  virtual_nodes: %d\n  stabilize_every: 0s\n  fix_fingers_every: 0s\n  check_predecessor_every: 0s\nworkload:\n  keys: %d\n  lookups: 0\n", c.n, c.runs, c.v, c.keys)
	pts := loadPoints(execute(t, mustPlan(t, yaml), 0))
	if len(pts) != 1 {
		t.Fatalf("%+v: %d load points, want 1", c, len(pts))
	}
	lp := pts[0]
	law := ringLoad(c.n, c.keys, c.v)
	for _, q := range []struct {
		p        float64
		name     string
		measured float64
	}{{0.01, "keys_p1", lp.p1}, {0.99, "keys_p99", lp.p99}} {
		want, sd := law.sampleQuantile(q.p, c.n)
		se := sd / math.Sqrt(float64(c.runs))
		tol, bar := 0.015*want, "1.5%"
		if 4*se > tol {
			tol, bar = 4*se, "4 standard errors"
		}
		t.Logf("N=%d K=%d v=%d, %d runs: %s %.3f, law's expectation %.3f (law's percentile %d), bar %.3f (%s)",
			c.n, c.keys, c.v, c.runs, q.name, q.measured, want, law.quantile(q.p), tol, bar)
		if math.Abs(q.measured-want) > tol {
			t.Errorf("N=%d K=%d v=%d: %s = %.3f, the Beta-binomial law expects %.3f ± %.3f (%s)", c.n, c.keys, c.v, q.name, q.measured, want, tol, bar)
		}
		// Pooled CDF at the law's percentile and one below it.
		f := law.cdf(q.p)
		k := len(f) - 1
		pooled := float64(lp.pooled.N())
		for _, j := range []int{k - 1, k} {
			if j < 0 {
				continue
			}
			var below uint64
			for v := 0; v <= j; v++ {
				below += lp.pooled.Count(v)
			}
			emp := float64(below) / pooled
			sigma := math.Sqrt(f[j] * (1 - f[j]) / pooled)
			if math.Abs(emp-f[j]) > 4*sigma+1e-12 {
				t.Errorf("N=%d K=%d v=%d: pooled fraction of nodes with ≤ %d keys %.5f, law %.5f (4σ = %.5f)", c.n, c.keys, c.v, j, emp, f[j], 4*sigma)
			}
		}
	}
	return lp.p1, lp.p99
}

// Keys per node on an ideal ring follow the Beta-binomial law (issue 18
// item 4), at a few small settings: no virtual nodes (S01 Fig. 8) and with
// them (Fig. 9). CHORDSIM_PAPER=1 runs the paper's settings instead
// (TestLoadLawPaper).
func TestLoadFollowsBetaBinomial(t *testing.T) {
	for _, c := range []loadCase{
		{n: 10000, keys: 100000, v: 1, runs: 36},
		{n: 10000, keys: 200000, v: 5, runs: 10},
	} {
		checkLoadAgainstLaw(t, c)
	}
}

// fig8Keys and the Fig. 8/9 tables (fig8, fig9) hold the paper's numbers.
// At the paper's settings (N = 10^4, 20 runs each) chordsim's percentiles
// are checked against the law, and the paper's against both (logged, not
// asserted: the paper's values are what they are).
func TestLoadLawPaper(t *testing.T) {
	if !paperScale() {
		t.Skip("paper scale: set CHORDSIM_PAPER=1 (several minutes)")
	}
	for _, f := range fig8 {
		p1, p99 := checkLoadAgainstLaw(t, loadCase{n: 10000, keys: f.x, v: 1, runs: 20})
		law := ringLoad(10000, f.x, 1)
		e1, _ := law.sampleQuantile(0.01, 10000)
		e99, _ := law.sampleQuantile(0.99, 10000)
		t.Logf("Fig. 8 K=%d: paper p1/p99 %d/%d; law's expectation %.2f/%.2f (percentiles %d/%d); chordsim %.2f/%.2f",
			f.x, f.p1, f.p99, e1, e99, law.quantile(0.01), law.quantile(0.99), p1, p99)
	}
	for _, f := range fig9 {
		p1, p99 := checkLoadAgainstLaw(t, loadCase{n: 10000, keys: 1000000, v: f.x, runs: 20})
		law := ringLoad(10000, 1000000, f.x)
		e1, _ := law.sampleQuantile(0.01, 10000)
		e99, _ := law.sampleQuantile(0.99, 10000)
		t.Logf("Fig. 9 v=%d: paper p1/p99 %d/%d; law's expectation %.2f/%.2f (percentiles %d/%d); chordsim %.2f/%.2f",
			f.x, f.p1, f.p99, e1, e99, law.quantile(0.01), law.quantile(0.99), p1, p99)
	}
}

// S01 Fig. 11: when a random fraction p of the nodes fails and keys are
// not replicated, the keys lost are those the failed nodes owned; each
// node's arc has mean 1/N, so the expected share of keys lost, and of
// lookups of a uniformly chosen placed key that fail, is exactly p. The
// failures built-in (lost keys count, the ring re-stabilizes first) must
// hold p inside its confidence interval over runs (99 % for all points
// together), at a reduced scale
// here (and at the paper's with CHORDSIM_PAPER=1), and its routing-only
// failures must be 0.
func TestFailuresMatchLostKeys(t *testing.T) {
	b, err := FindBuiltin("failures")
	if err != nil {
		t.Fatal(err)
	}
	scale := "quick"
	sets := []string{"n=2000", "workload.keys=200000", "workload.lookups=4000", "workload.start=10m", "replicates=10", "failure.fraction=[0.05, 0.2]"}
	if paperScale() {
		scale, sets = "paper", nil
	}
	cfg, axes, err := b.Load(scale)
	if err != nil {
		t.Fatal(err)
	}
	p := mustPlanFrom(t, cfg, axes, sets...)
	o := execute(t, p, 0)
	pts := summarizeBy(o, func(c *config.Config) float64 { return c.Failure.Fraction }, "failed_fraction", "failed_routing_fraction")
	if len(pts) == 0 {
		t.Fatal("no points")
	}
	// The check is made at every point at once, so each point's interval
	// is a Bonferroni one: a family-wise confidence of 99 %, i.e. each
	// point at 1 − 0.01/k. Six separate 95 % intervals would reject a
	// correct simulator about one time in four (1 − 0.95^6); the paper
	// scale did exactly that once (p = 0.025 missed by 0.0001, seed 1),
	// while seed 2 held every point.
	conf := 1 - 0.01/float64(len(pts))
	for _, pt := range pts {
		m := pt.s["failed_fraction"]
		tq := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(m.N - 1)}.Quantile(1 - (1-conf)/2)
		half := tq * m.Stddev / math.Sqrt(float64(m.N))
		t.Logf("p=%.3f: failed fraction %.4f (%.2f%% CI %.4f–%.4f, %d runs); routing failures %.5f", pt.x, m.Mean, 100*conf, m.Mean-half, m.Mean+half, m.N, pt.s["failed_routing_fraction"].Mean)
		if math.Abs(m.Mean-pt.x) > half {
			t.Errorf("p=%.3f: failed fraction %.4f, %.2f%% CI %.4f–%.4f does not hold the exact expectation p", pt.x, m.Mean, 100*conf, m.Mean-half, m.Mean+half)
		}
		if r := pt.s["failed_routing_fraction"].Mean; r != 0 {
			t.Errorf("p=%.3f: routing failures %.5f after re-stabilization, want 0", pt.x, r)
		}
	}
}

// mustPlanFrom is mustPlan for a config already loaded (a built-in at some
// scale), with further overrides.
// quickBuiltin is built-in name at quick scale, with the --set
// overrides sets: the built-in, its config before the overrides, and the
// plan after them.
func quickBuiltin(t *testing.T, name string, sets ...string) (*Builtin, config.Config, *experiments.Plan) {
	t.Helper()
	b, err := FindBuiltin(name)
	if err != nil {
		t.Fatal(err)
	}
	cfg, axes, err := b.Load("quick")
	if err != nil {
		t.Fatal(err)
	}
	return b, cfg, mustPlanFrom(t, cfg, axes, sets...)
}

// drawFigures draws b's figures of o into dir (which gets a plots
// folder), as repro does after a run.
func drawFigures(t *testing.T, b *Builtin, o *experiments.Outcome, dir string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, "plots"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := b.Figures(dir, o); err != nil {
		t.Fatalf("%s: %v", b.Name, err)
	}
}

func mustPlanFrom(t *testing.T, cfg config.Config, axes []yamlconf.Axis, sets ...string) *experiments.Plan {
	t.Helper()
	for _, s := range sets {
		path, values, err := yamlconf.ParseSet(s)
		if err == nil {
			axes, err = yamlconf.Set(&cfg, axes, path, values)
		}
		if err != nil {
			t.Fatalf("%s: --set %s: %v", cfg.Experiment, s, err)
		}
	}
	p, err := experiments.NewPlan(cfg, axes)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
