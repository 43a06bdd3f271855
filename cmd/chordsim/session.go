package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/chordsim/chordsim/experiments"
	"github.com/chordsim/chordsim/figures"
	"github.com/chordsim/chordsim/run"
	"github.com/chordsim/chordsim/sim"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// execute runs a plan (or one shard of it) into dir and writes its outputs
// (and figures, if b is a built-in experiment and the sweep is whole). Runs
// already stored in dir/runs are reused, so rerunning an interrupted command
// resumes it.
func execute(ctx context.Context, plan *experiments.Plan, dir string, workers int, b *figures.Builtin, shard experiments.Shard, progressEvery time.Duration, stderr, stdout io.Writer) error {
	return executeWith(ctx, plan, dir, workers, b, shard, 0, nil, progressEvery, stderr, stdout)
}

// errViolation reports that a run broke a ring invariant (the report is
// already printed).
var errViolation = errors.New("a ring invariant was violated; see the report above")

// executeWith is execute with a replicate filter (1-based, 0 = all) and the
// rerun command for an invariant violation's report. The work is an
// experiments.Session's; this prints its progress and its end.
func executeWith(ctx context.Context, plan *experiments.Plan, dir string, workers int, b *figures.Builtin, shard experiments.Shard, replicate int, rerun func(*run.ViolationError) string, progressEvery time.Duration, stderr, stdout io.Writer) error {
	if m := experiments.MachineMemory(); m > 0 && m < math.MaxInt64 {
		// A soft limit: near it the collector works harder instead of
		// letting garbage grow the heap to twice the live data.
		debug.SetMemoryLimit(int64(m))
	}
	s := newSession(plan, dir, workers, b, shard, replicate)
	s.Warn = func(msg string) { fmt.Fprintln(stderr, "chordsim:", msg) }
	scale := ""
	if b != nil {
		scale = b.ScaleOf(plan)
	}
	s.Provenance = experiments.NewProvenance(commandLine(), scale)
	start := time.Now()
	inShard := s.InShard()
	s.Tracker = new(experiments.Tracker)
	stopProgress := startProgress(stderr, plan.Base.Experiment, s.Tracker, progressEvery)
	outcome, err := s.Run(ctx)
	stopProgress()
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
		fmt.Fprintf(stderr, "chordsim: interrupted: %d of %s finished; their results are in %s, and the same command resumes\n", outcome.Finished(), plural(inShard, "run"), dir)
		return errInterrupted
	}
	what := fmt.Sprintf("%s (%s × %s)", plural(plan.Runs(), "run"), plural(len(plan.Points), "point"), plural(plan.Base.Replicates, "replicate"))
	if shard.N > 0 {
		what = fmt.Sprintf("shard %s: %d of %s", shard, inShard, plural(plan.Runs(), "run"))
	}
	fmt.Fprintf(stdout, "%s: %s in %.1fs → %s\n", plan.Base.Experiment, what, time.Since(start).Seconds(), dir)
	return nil
}

// newSession is the session that runs plan into dir.
func newSession(plan *experiments.Plan, dir string, workers int, b *figures.Builtin, shard experiments.Shard, replicate int) *experiments.Session {
	s := &experiments.Session{Plan: plan, Dir: dir, Workers: workers, Shard: shard, Replicate: replicate}
	if b != nil {
		s.Builtin, s.Figures = b.Name, b.Figures
	} else {
		s.Figures = figures.RunPlots // the config's plots section
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

// progressDefault is --progress-every's default: often enough that a log
// shows a job is alive, rarely enough that a day-long job logs a few
// thousand lines.
const progressDefault = 10 * time.Second

// progressTick is how often the terminal display redraws (a variable so
// that a test can make it redraw often on a short run).
var progressTick = 250 * time.Millisecond

// startProgress shows a session's progress on stderr until stop is
// called. On a terminal it draws a bar of the work done (lookups and
// requests, see experiments.Tracker) that redraws every progressTick, with
// the facts of progressFacts after it; elsewhere (a log, a pipe, a batch
// job) it prints one progressLine every `every`, or nothing if every is 0.
// It only reads the tracker, so the runs compute the same whatever it shows.
func startProgress(stderr io.Writer, name string, t *experiments.Tracker, every time.Duration) (stop func()) {
	f, isFile := stderr.(*os.File)
	tty := isFile && term.IsTerminal(int(f.Fd()))
	if !tty && every <= 0 {
		return func() {}
	}
	start := time.Now()
	done, finished := make(chan struct{}), make(chan struct{})
	var bar *progressbar.ProgressBar
	if tty {
		width := 100
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
			width = w
		}
		bar = progressbar.NewOptions(1000,
			progressbar.OptionSetWriter(stderr),
			progressbar.OptionSetWidth(20),
			progressbar.OptionSetElapsedTime(true),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionShowDescriptionAtLineEnd(),
			progressbar.OptionClearOnFinish(),
			progressbar.OptionSetMaxDetailRow(0),
		)
		every = progressTick
		// The bar, the percentage and the times take about 45 columns.
		budget := max(10, width-48)
		go func() {
			defer close(finished)
			tick := time.NewTicker(every)
			defer tick.Stop()
			for {
				select {
				case <-done:
					bar.Finish()
					return
				case <-tick.C:
					s := t.Snapshot()
					desc := name + " · " + progressFacts(s)
					if r := []rune(desc); len(r) > budget {
						desc = string(r[:budget-1]) + "…"
					}
					bar.Describe(desc)
					bar.Set(int(1000 * s.Fraction()))
				}
			}
		}()
	} else {
		go func() {
			defer close(finished)
			tick := time.NewTicker(every)
			defer tick.Stop()
			for {
				select {
				case <-done:
					return
				case <-tick.C:
					fmt.Fprintln(stderr, progressLine(name, t.Snapshot(), time.Since(start)))
				}
			}
		}()
	}
	return func() {
		close(done)
		<-finished
	}
}

// progressFacts is what the progress shows besides the fraction: the
// work in ops (joins of a protocol bootstrap, lookups and key-value
// requests; see run.Work), the runs, the simulated time inside the running runs and the events.
func progressFacts(s experiments.Snapshot) string {
	parts := []string{fmt.Sprintf("%s/%s ops", count(s.WorkDone), count(s.Work)),
		fmt.Sprintf("%d/%s", s.Finished, plural(s.Runs, "run"))}
	if s.Running > 0 {
		parts = append(parts, fmt.Sprintf("%d running, sim %s", s.Running, roundSim(s.SimTime)))
	}
	parts = append(parts, count(int64(s.Events))+" events")
	return strings.Join(parts, " · ")
}

// progressLine is one line of the plain progress: the fraction of the work,
// the facts, the wall time so far and an estimate of the time left.
func progressLine(name string, s experiments.Snapshot, elapsed time.Duration) string {
	f := s.Fraction()
	left := "time left unknown yet"
	if f > 0 {
		rest := time.Duration(float64(elapsed) * (1 - f) / f)
		left = "about " + rest.Round(time.Second).String() + " left"
	}
	return fmt.Sprintf("chordsim: %s: %.1f%% · %s · %s elapsed, %s", name, 100*f, progressFacts(s), elapsed.Round(time.Second), left)
}

// count writes n with a k, M or G suffix above ten thousand.
func count(n int64) string {
	switch {
	case n >= 1_000_000_000:
		return fmt.Sprintf("%.1fG", float64(n)/1e9)
	case n >= 1_000_000:
		return fmt.Sprintf("%.1fM", float64(n)/1e6)
	case n >= 10_000:
		return fmt.Sprintf("%.1fk", float64(n)/1e3)
	}
	return strconv.FormatInt(n, 10)
}

// roundSim is a simulated time rounded for display: to the second above a
// minute, else to the millisecond.
func roundSim(t sim.Time) string {
	d := time.Duration(t)
	if d >= time.Minute {
		d = d.Round(time.Second)
	} else {
		d = d.Round(time.Millisecond)
	}
	return d.String()
}

// plural is "1 run", "2 runs": n and the noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// commandLine is the command as the user typed it, for the manifest's
// provenance.
func commandLine() []string {
	return append([]string{"chordsim"}, os.Args[1:]...)
}
