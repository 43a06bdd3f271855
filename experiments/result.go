package experiments

import (
	"context"
	"fmt"

	"github.com/chordsim/chordsim/config"
	"github.com/chordsim/chordsim/metrics"
	"github.com/chordsim/chordsim/run"
)

// RunResult is one run as the outputs keep it: what the run measured, and
// Values, every metric of results.csv in column order, computed once when
// the run ends. Outputs are built from Values and the histograms only,
// which is what a stored run record keeps.
type RunResult struct {
	run.Result
	Values []float64
}

// finalize computes Values and drops the per-lookup samples and the
// key-value figures, which are large and no longer needed.
func finalize(r *run.Result) *RunResult {
	out := &RunResult{Result: *r, Values: make([]float64, len(metricsList))}
	for i, m := range metricsList {
		out.Values[i] = m.value(out)
	}
	out.Latency = metrics.Samples{}
	out.KV = nil
	return out
}

// Run executes one run of cfg (a single sweep point, already validated)
// with the given seed.
// A config with a churn.trace must go through NewPlan, which reads the file:
// use RunPoint.
func Run(ctx context.Context, cfg *config.Config, seed uint64) (*RunResult, error) {
	if cfg.Churn.Trace != "" {
		return nil, fmt.Errorf("churn.trace %s: a config with a trace runs through NewPlan and RunPoint", cfg.Churn.Trace)
	}
	if cfg.KV.File != "" {
		return nil, fmt.Errorf("kv.file %s: a config with a request file runs through NewPlan and RunPoint", cfg.KV.File)
	}
	return finish(run.Run(ctx, cfg, seed, run.Inputs{}))
}

// RunPoint executes one run of a plan's sweep point with the given seed.
func RunPoint(ctx context.Context, pt *PlanPoint, seed uint64) (*RunResult, error) {
	return runPoint(ctx, pt, seed, nil)
}

// runPoint is RunPoint keeping p up to date (if not nil).
func runPoint(ctx context.Context, pt *PlanPoint, seed uint64, p *run.Progress) (*RunResult, error) {
	return finish(run.Run(ctx, &pt.Config, seed, run.Inputs{Trace: pt.trace, Requests: pt.requests, Matrix: pt.matrix, Progress: p}))
}

// TracePoint executes one run of a plan's sweep point with the given
// seed, as RunPoint does, calling afterBuild once the ring is built (to
// turn on traces, run.World.Trace). Its results are RunPoint's.
func TracePoint(ctx context.Context, pt *PlanPoint, seed uint64, afterBuild func(*run.World) error) (*RunResult, error) {
	return finish(run.Run(ctx, &pt.Config, seed, run.Inputs{Trace: pt.trace, Requests: pt.requests, AfterBuild: afterBuild}))
}

func finish(r *run.Result, err error) (*RunResult, error) {
	if err != nil {
		return nil, err
	}
	return finalize(r), nil
}
