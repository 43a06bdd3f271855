package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime/debug"
	"time"

	"github.com/chordsim/chordsim/experiments"
	"github.com/chordsim/chordsim/figures"
	"github.com/chordsim/chordsim/run"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// execute runs a plan (or one shard of it) into dir and writes its outputs
// (and figures, if b is a built-in experiment and the sweep is whole). Runs
// already stored in dir/runs are reused, so rerunning an interrupted command
// resumes it.
func execute(ctx context.Context, plan *experiments.Plan, dir string, workers int, b *figures.Builtin, shard experiments.Shard, stderr, stdout io.Writer) error {
	return executeWith(ctx, plan, dir, workers, b, shard, 0, nil, stderr, stdout)
}

// errViolation reports that a run broke a ring invariant (the report is
// already printed).
var errViolation = errors.New("a ring invariant was violated; see the report above")

// executeWith is execute with a replicate filter (1-based, 0 = all) and the
// rerun command for an invariant violation's report. The work is an
// experiments.Session's; this prints its progress and its end.
func executeWith(ctx context.Context, plan *experiments.Plan, dir string, workers int, b *figures.Builtin, shard experiments.Shard, replicate int, rerun func(*run.ViolationError) string, stderr, stdout io.Writer) error {
	if m := experiments.MachineMemory(); m > 0 && m < math.MaxInt64 {
		// A soft limit: near it the collector works harder instead of
		// letting garbage grow the heap to twice the live data.
		debug.SetMemoryLimit(int64(m))
	}
	s := newSession(plan, dir, workers, b, shard, replicate)
	s.Warn = func(msg string) { fmt.Fprintln(stderr, "chordsim:", msg) }
	start := time.Now()
	inShard := s.InShard()
	progress, finish := newProgress(stderr, inShard, plan.Base.Experiment)
	s.Progress = progress
	outcome, err := s.Run(ctx)
	finish()
	var ve *run.ViolationError
	if errors.As(err, &ve) {
		cmd := ""
		if rerun != nil {
			cmd = rerun(ve)
		}
		fmt.Fprint(stderr, ve.Report(cmd))
		return errViolation
	}
	// Session.Run returns the finished runs with ctx's error when
	// interrupted, after writing them.
	interrupted := err != nil && ctx.Err() != nil && outcome != nil
	if err != nil && !interrupted {
		return inputError(err)
	}
	if interrupted {
		fmt.Fprintf(stderr, "chordsim: interrupted: %d of %d runs finished; their results are in %s, and the same command resumes\n", outcome.Finished(), inShard, dir)
		return errInterrupted
	}
	what := fmt.Sprintf("%d runs (%d points × %d replicates)", plan.Runs(), len(plan.Points), plan.Base.Replicates)
	if shard.N > 0 {
		what = fmt.Sprintf("shard %s: %d of %d runs", shard, inShard, plan.Runs())
	}
	fmt.Fprintf(stdout, "%s: %s in %.1fs → %s\n", plan.Base.Experiment, what, time.Since(start).Seconds(), dir)
	return nil
}

// newSession is the session that runs plan into dir.
func newSession(plan *experiments.Plan, dir string, workers int, b *figures.Builtin, shard experiments.Shard, replicate int) *experiments.Session {
	s := &experiments.Session{Plan: plan, Dir: dir, Workers: workers, Shard: shard, Replicate: replicate}
	if b != nil {
		s.Builtin, s.Figures = b.Name, b.Figures
	}
	return s
}

// inputError turns an experiments.InputError into a usage error (exit
// status 2) and returns any other error as it is.
func inputError(err error) error {
	var in *experiments.InputError
	if errors.As(err, &in) {
		return usageError{in.Err}
	}
	return err
}

// newProgress shows a progress bar on stderr when it is a terminal, and
// nothing otherwise (logs and CI stay clean).
func newProgress(stderr io.Writer, total int, name string) (func(int), func()) {
	f, ok := stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil, func() {}
	}
	bar := progressbar.NewOptions(total,
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionSetDescription(name),
		progressbar.OptionShowCount(),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionClearOnFinish(),
	)
	return func(done int) { bar.Set(done) }, func() { bar.Finish() }
}
