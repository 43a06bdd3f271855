package experiments

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/chordsim/chordsim/experiments/config"
	"github.com/chordsim/chordsim/sim"
)

// Plan is a validated experiment: the base config, its sweep axes, and one
// fully resolved config per sweep point.
type Plan struct {
	Base   Config
	Axes   []config.Axis
	Points []PlanPoint
}

// PlanPoint is one sweep point.
type PlanPoint struct {
	Index  int
	Assign []config.Assignment
	Config Config
}

// Runs is the number of runs the plan makes.
func (p *Plan) Runs() int { return len(p.Points) * p.Base.Replicates }

// maxRuns bounds a sweep so that a typo ("n: [1..100000]" style lists) does
// not start a week of work.
const maxRuns = 1_000_000

// NewPlan validates base with its axes and expands the sweep. Every problem
// of every point is reported, each line naming the point.
func NewPlan(base Config, axes []config.Axis) (*Plan, error) {
	p := &Plan{Base: base, Axes: axes}
	if n := config.Count(axes); n > maxRuns || (base.Replicates > 0 && n*base.Replicates > maxRuns) {
		return nil, fmt.Errorf("the sweep has too many runs (%d points × %d replicates); at most %d", n, base.Replicates, maxRuns)
	}
	var problems []string
	seen := map[string]bool{}
	for _, pt := range config.Expand(axes) {
		c := base
		for _, a := range pt.Assign {
			if err := config.Apply(&c, a.Path, a.Value); err != nil {
				return nil, fmt.Errorf("%s=%s: %v", a.Path, a.Value, err)
			}
		}
		if err := c.Validate(); err != nil {
			where := ""
			if len(pt.Assign) > 0 {
				var parts []string
				for _, a := range pt.Assign {
					parts = append(parts, a.Path+"="+a.Value)
				}
				where = " (sweep point " + strings.Join(parts, ", ") + ")"
			}
			for _, line := range strings.Split(err.Error(), "\n") {
				if !seen[line+where] {
					seen[line+where] = true
					problems = append(problems, line+where)
				}
			}
			continue
		}
		p.Points = append(p.Points, PlanPoint{Index: pt.Index, Assign: pt.Assign, Config: c})
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(problems, "\n"))
	}
	return p, nil
}

// ReplicateSeed is the seed of replicate k under master seed s. It does not
// depend on the sweep point, so points share random streams (common random
// numbers: differences between points are not noise from different draws),
// and adding a point never changes another point's results.
func ReplicateSeed(master uint64, k int) uint64 {
	return sim.Seed(master, "replicate", strconv.Itoa(k))
}

// Outcome of a sweep: Results[i] belongs to run i in (point, replicate)
// order; nil where the run did not finish (interrupted).
type Outcome struct {
	Plan    *Plan
	Results []*RunResult
}

// Finished counts the runs that completed.
func (o *Outcome) Finished() int {
	n := 0
	for _, r := range o.Results {
		if r != nil {
			n++
		}
	}
	return n
}

// Execute runs every run of the plan on up to workers goroutines (0 means
// GOMAXPROCS), one simulation per goroutine, and stores each result at its
// run's index, so the merged output does not depend on which finishes
// first. progress, if not nil, is called after each run with the count done.
// A cancelled ctx stops the sweep: Execute returns the runs that finished and
// ctx's error.
func Execute(ctx context.Context, plan *Plan, workers int, progress func(done int)) (*Outcome, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	out := &Outcome{Plan: plan, Results: make([]*RunResult, plan.Runs())}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	var mu sync.Mutex
	done := 0
	R := plan.Base.Replicates
	for i := range out.Results {
		if gctx.Err() != nil {
			break
		}
		pt := &plan.Points[i/R]
		k := i % R
		g.Go(func() error {
			seed := ReplicateSeed(plan.Base.Seed, k)
			res, err := Run(gctx, &pt.Config, seed)
			if err != nil {
				if gctx.Err() != nil {
					return gctx.Err()
				}
				return fmt.Errorf("run of point %d replicate %d (seed %d) failed: %w", pt.Index, k, seed, err)
			}
			out.Results[i] = res
			if progress != nil {
				mu.Lock()
				done++
				d := done
				mu.Unlock()
				progress(d)
			}
			return nil
		})
	}
	err := g.Wait()
	if err == nil {
		err = ctx.Err()
	}
	return out, err
}
