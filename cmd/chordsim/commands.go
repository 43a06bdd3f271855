package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/chordsim/chordsim/bench"
	"github.com/chordsim/chordsim/config"
	"github.com/chordsim/chordsim/experiments"
	"github.com/chordsim/chordsim/internal/yamlconf"
	"github.com/chordsim/chordsim/run"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/pflag"
	"golang.org/x/term"
)

var errHelp = errors.New("help shown")

// newFlags returns a flag set that reports its own errors as usage errors.
func newFlags(name, usage string, stdout io.Writer) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprint(stdout, usage)
		fmt.Fprintln(stdout, "\nFlags:")
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

func parseFlags(fs *pflag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return errHelp // pflag has printed the usage (fs.Usage)
		}
		return usagef("%s: %v; run 'chordsim %s --help'", fs.Name(), err, fs.Name())
	}
	return nil
}

const runUsage = `Usage: chordsim run CONFIG.yaml [flags]

Runs an experiment config: every sweep point (list-valued fields) × replicates,
in parallel, and writes results.csv, hops.csv, summary.json, config.yaml (the
resolved config), manifest.json and runs/ (one record per finished run) into
--out. Rerunning the same command reuses the stored runs, so an interrupted
sweep resumes where it stopped. --shard i/n runs one slice of the sweep;
'chordsim merge' combines the slices.
`

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("run", runUsage, stdout)
	out := fs.String("out", "results", "output folder")
	seed := fs.String("seed", "", "master seed (overrides the config's seed)")
	sets := fs.StringArray("set", nil, "override a config field: path=value, or path=[v1,v2] for a sweep (repeatable)")
	workers := fs.Int("workers", 0, "parallel runs (0: one per core)")
	shardFlag := fs.String("shard", "", "run only the i-th of n deterministic slices of the sweep, i/n (merge the folders with 'chordsim merge')")
	fields := fs.Bool("fields", false, "list every config field with its default and unit, and exit")
	checkInv := fs.Bool("check-invariants", false, "check the ring invariants on every membership change and stabilization period; stop at the first violation with a report (same as check_invariants: true)")
	replicate := fs.Int("replicate", -1, "run only this replicate (0-based) of every sweep point, e.g. to rerun one that broke an invariant")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *fields {
		d := config.Defaults()
		fmt.Fprint(stdout, yamlconf.MarkdownTable(&d))
		return nil
	}
	if fs.NArg() != 1 {
		return usagef("run needs exactly one config file, got %d arguments; usage: chordsim run CONFIG.yaml [--out DIR]", fs.NArg())
	}
	path := fs.Arg(0)
	src, err := os.ReadFile(path)
	if err != nil {
		return usagef("config file %s cannot be read: %v", path, errors.Unwrap(err))
	}
	cfg, axes, err := config.Parse(src, path)
	if err != nil {
		return usageError{err}
	}
	var shard experiments.Shard
	if *shardFlag != "" {
		if shard, err = experiments.ParseShard(*shardFlag); err != nil {
			return usageError{err}
		}
	}
	if *checkInv {
		cfg.CheckInvariants = true
	}
	plan, err := overrides(cfg, axes, *seed, *sets)
	if err != nil {
		return err
	}
	if *replicate < -1 || *replicate >= plan.Base.Replicates {
		return usagef("--replicate %d: the config has %d replicates; use 0 to %d", *replicate, plan.Base.Replicates, plan.Base.Replicates-1)
	}
	rerun := func(v *run.ViolationError) string {
		parts := []string{"chordsim run", shellQuote(path), "--seed", strconv.FormatUint(plan.Base.Seed, 10)}
		for _, a := range v.Assign {
			parts = append(parts, "--set", shellQuote(a.Path+"="+a.Value))
		}
		parts = append(parts, "--replicate", strconv.Itoa(v.Replicate), "--check-invariants", "--out", shellQuote(*out+"-rerun"))
		return strings.Join(parts, " ")
	}
	return executeWith(ctx, plan, *out, *workers, nil, shard, *replicate+1, rerun, stderr, stdout)
}

// shellQuote quotes s for a POSIX shell if it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '-' || r == '_' || r == '=' || r == ':' || r == ',' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// overrides applies --seed and --set to a decoded config and validates the
// resulting sweep.
func overrides(cfg config.Config, axes []yamlconf.Axis, seed string, sets []string) (*experiments.Plan, error) {
	if seed != "" {
		v, err := strconv.ParseUint(seed, 10, 64)
		if err != nil {
			return nil, usagef("--seed %q is not a whole number between 0 and 18446744073709551615", seed)
		}
		cfg.Seed = v
	}
	for _, s := range sets {
		path, values, err := yamlconf.ParseSet(s)
		if err == nil {
			axes, err = yamlconf.Set(&cfg, axes, path, values)
		}
		if err != nil {
			return nil, usagef("--set %s: %v", s, err)
		}
	}
	plan, err := experiments.NewPlan(cfg, axes)
	if err != nil {
		return nil, usageError{err}
	}
	return plan, nil
}

// execute runs a plan (or one shard of it) into dir and writes its outputs
// (and figures, if b is a built-in experiment and the sweep is whole). Runs
// already stored in dir/runs are reused, so rerunning an interrupted command
// resumes it.
func execute(ctx context.Context, plan *experiments.Plan, dir string, workers int, b *experiments.Builtin, shard experiments.Shard, stderr, stdout io.Writer) error {
	return executeWith(ctx, plan, dir, workers, b, shard, 0, nil, stderr, stdout)
}

// errViolation reports that a run broke a ring invariant (the report is
// already printed).
var errViolation = errors.New("a ring invariant was violated; see the report above")

// executeWith is execute with a replicate filter (1-based, 0 = all) and the
// rerun command for an invariant violation's report.
func executeWith(ctx context.Context, plan *experiments.Plan, dir string, workers int, b *experiments.Builtin, shard experiments.Shard, replicate int, rerun func(*run.ViolationError) string, stderr, stdout io.Writer) error {
	if err := experiments.PrepareOutDir(dir); err != nil {
		return usageError{err}
	}
	start := time.Now()
	inShard := shard.Count(plan.Runs())
	if replicate > 0 {
		inShard = 0
		for i := 0; i < plan.Runs(); i++ {
			if shard.Includes(i) && i%plan.Base.Replicates == replicate-1 {
				inShard++
			}
		}
	}
	progress, finish := newProgress(stderr, inShard, plan.Base.Experiment)
	outcome, runErr := experiments.ExecuteWith(ctx, plan, experiments.ExecOptions{Workers: workers, Progress: progress, RunsDir: experiments.RunsDir(dir), Shard: shard, Replicate: replicate})
	finish()
	interrupted := runErr != nil && ctx.Err() != nil
	var ve *run.ViolationError
	if errors.As(runErr, &ve) {
		cmd := ""
		if rerun != nil {
			cmd = rerun(ve)
		}
		fmt.Fprint(stderr, ve.Report(cmd))
		return errViolation
	}
	if runErr != nil && !interrupted {
		return runErr
	}
	if err := experiments.WriteOutputs(dir, outcome); err != nil {
		return err
	}
	m := experiments.Manifest{Experiment: plan.Base.Experiment, Shard: shard.String(), Runs: plan.Runs(), InShard: inShard, Finished: outcome.Finished()}
	if b != nil {
		m.Builtin = b.Name
	}
	if err := experiments.WriteManifest(dir, m); err != nil {
		return err
	}
	if b != nil && !interrupted && shard.N == 0 {
		if err := b.Figures(dir, outcome); err != nil {
			return err
		}
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

const mergeUsage = `Usage: chordsim merge --out DIR SHARD_DIR...

Combines the output folders of 'chordsim run --shard i/n' (all shards of one
sweep) into the results.csv, summary.json, hops.csv, config.yaml and plots
that the unsharded run writes, byte for byte. Refuses folders that are not
chordsim outputs, shards of different configs, and sweeps with runs missing,
before writing anything.
`

func cmdMerge(args []string, stdout io.Writer) error {
	fs := newFlags("merge", mergeUsage, stdout)
	out := fs.String("out", "", "output folder for the merged results (required)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() == 0 {
		return usagef("merge needs --out DIR and at least one shard folder; usage: chordsim merge --out DIR SHARD_DIR...")
	}
	dirs := fs.Args()
	var cfgText []byte
	var first experiments.Manifest
	for i, d := range dirs {
		m, err := experiments.ReadManifest(d)
		if err != nil {
			return usageError{err}
		}
		b, err := os.ReadFile(filepath.Join(d, "config.yaml"))
		if err != nil {
			return usagef("%s has no config.yaml: %v", d, errors.Unwrap(err))
		}
		if i == 0 {
			cfgText, first = b, m
			continue
		}
		if !bytes.Equal(b, cfgText) || m.Builtin != first.Builtin {
			return usagef("%s holds a different sweep from %s (config.yaml differs); merge only shards of one config", d, dirs[0])
		}
	}
	cfg, axes, err := config.Parse(cfgText, filepath.Join(dirs[0], "config.yaml"))
	if err != nil {
		return usageError{err}
	}
	plan, err := experiments.NewPlan(cfg, axes)
	if err != nil {
		return usageError{err}
	}
	outcome, err := experiments.Gather(plan, dirs)
	if err != nil {
		return usageError{err}
	}
	var b *experiments.Builtin
	if first.Builtin != "" {
		if b, err = experiments.FindBuiltin(first.Builtin); err != nil {
			return usageError{err}
		}
	}
	if err := experiments.PrepareOutDir(*out); err != nil {
		return usageError{err}
	}
	if err := experiments.CopyRuns(*out, outcome); err != nil {
		return err
	}
	if err := experiments.WriteOutputs(*out, outcome); err != nil {
		return err
	}
	if err := experiments.WriteManifest(*out, experiments.Manifest{Experiment: plan.Base.Experiment, Builtin: first.Builtin, Runs: plan.Runs(), InShard: plan.Runs(), Finished: plan.Runs()}); err != nil {
		return err
	}
	if b != nil {
		if err := b.Figures(*out, outcome); err != nil {
			return err
		}
		if err := experiments.WriteIndex(*out, []experiments.IndexEntry{{Builtin: b, Dir: "."}}); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "%s: merged %d runs from %d folders → %s\n", plan.Base.Experiment, plan.Runs(), len(dirs), *out)
	return nil
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

const reproUsage = `Usage: chordsim repro [FIGURE ...] [flags]

Reproduces figures of the Chord paper (all of them if none is named; see
'chordsim list'). With one figure, its outputs go into --out; with several,
each goes into --out/FIGURE. Besides the run outputs, each figure writes its
plots into plots/ and paper_comparison.csv (ours against the paper's
numbers), and --out/index.md shows every plot with that table and a verdict
per point.
`

func cmdRepro(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("repro", reproUsage, stdout)
	out := fs.String("out", "results", "output folder")
	scale := fs.String("scale", "paper", "size of the runs: quick (reduced, seconds) or paper (the paper's sizes)")
	seed := fs.String("seed", "", "master seed (overrides the built-in seed)")
	workers := fs.Int("workers", 0, "parallel runs (0: one per core)")
	shardFlag := fs.String("shard", "", "run only the i-th of n deterministic slices of each figure's sweep, i/n (merge each figure's folders with 'chordsim merge')")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var shard experiments.Shard
	if *shardFlag != "" {
		var err error
		if shard, err = experiments.ParseShard(*shardFlag); err != nil {
			return usageError{err}
		}
	}
	var builtins []*experiments.Builtin
	if fs.NArg() == 0 {
		builtins = experiments.Builtins
	}
	for _, name := range fs.Args() {
		b, err := experiments.FindBuiltin(name)
		if err != nil {
			return usageError{err}
		}
		builtins = append(builtins, b)
	}
	// Validate everything before running anything.
	plans := make([]*experiments.Plan, len(builtins))
	for i, b := range builtins {
		cfg, axes, err := b.Load(*scale)
		if err != nil {
			return usageError{err}
		}
		if plans[i], err = overrides(cfg, axes, *seed, nil); err != nil {
			return err
		}
	}
	var index []experiments.IndexEntry
	for i, b := range builtins {
		rel := "."
		if len(builtins) > 1 {
			rel = b.Name
		}
		if err := execute(ctx, plans[i], filepath.Join(*out, rel), *workers, b, shard, stderr, stdout); err != nil {
			return err
		}
		index = append(index, experiments.IndexEntry{Builtin: b, Dir: rel})
	}
	if shard.N > 0 {
		return nil // figures and the index come with 'chordsim merge'
	}
	return experiments.WriteIndex(*out, index)
}

func cmdList(args []string, stdout io.Writer) error {
	fs := newFlags("list", "Usage: chordsim list\n\nNames the built-in experiments that 'chordsim repro' runs.\n", stdout)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("list takes no arguments")
	}
	for _, b := range experiments.Builtins {
		fmt.Fprintf(stdout, "%-10s %s\n", b.Name, b.Description)
	}
	return nil
}

const benchUsage = `Usage: chordsim bench [flags]

Measures the simulator on a fixed scenario: an ideal ring (m = 64, r = 16,
uniform IDs) answering lookups with latency uniform on [10ms, 90ms], drawn
keyed. --engine static (the default) computes the lookups without the event
queue; --engine events makes every message an event; the results are the
same (see the README's Engines). Events are those of the event path. Prints the
build time, bytes per node, events and lookups per wall-clock second, the wall
time per lookup hop, the machine's random-access memory latency over a buffer
as large as the ring's node state (measured after the run, by pointer
chasing), the ratio of the two, and the process's peak memory.

--nodes takes one ring size or a comma-separated list (--nodes
65536,1048576,16777216): each size is measured in turn, and a table sums them
up at the end. Peak memory is the process's so far, so list sizes in
increasing order.
`

// nodeCounts is bench's --nodes: one ring size or a comma-separated list. The
// first --nodes replaces the default; more of them add to the list.
type nodeCounts struct {
	n       []int
	changed bool
}

func (c *nodeCounts) String() string {
	parts := make([]string, len(c.n))
	for i, n := range c.n {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ",")
}

// Set parses a ring size or a list of them; on error c is unchanged.
func (c *nodeCounts) Set(s string) error {
	var list []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		n, err := strconv.Atoi(f)
		switch {
		case f == "":
			return fmt.Errorf("a ring size is missing from the list")
		case err != nil:
			return fmt.Errorf("%q is not a whole number of nodes", f)
		case n < 1:
			return fmt.Errorf("%d nodes: a ring needs at least one node", n)
		case n > config.MaxNodes:
			return fmt.Errorf("%d nodes: more than the largest ring bench builds; use at most 2^25 = %d", n, config.MaxNodes)
		}
		list = append(list, n)
	}
	if !c.changed {
		c.n, c.changed = nil, true
	}
	c.n = append(c.n, list...)
	return nil
}

func (c *nodeCounts) Type() string { return "N[,N...]" }

func cmdBench(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("bench", benchUsage, stdout)
	nodes := &nodeCounts{n: []int{1 << 16}}
	fs.Var(nodes, "nodes", "ring size, or a comma-separated list of sizes to measure in turn (1 to 2^25)")
	lookups := fs.Int("lookups", 1_000_000, "lookups to answer")
	kvRequests := fs.Int("kv", 0, "instead of lookups, answer this many key-value requests (k = 3 chain replication, 100 clients; --nodes defaults to 1000)")
	seed := fs.Uint64("seed", 1, "master seed")
	engine := fs.String("engine", "static", "static: lookups computed without the event queue; events: every message an event (same results)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *engine != "static" && *engine != "events" {
		return usagef("bench --engine %q: use static or events", *engine)
	}
	if fs.NArg() > 0 {
		return usagef("bench takes no arguments, got %q", strings.Join(fs.Args(), " "))
	}
	if *kvRequests != 0 {
		if !fs.Changed("nodes") {
			nodes.n = []int{1000}
		}
		for _, n := range nodes.n {
			cfg := bench.KVConfig(n, *kvRequests, *seed)
			if err := cfg.Validate(); err != nil || *kvRequests < 0 {
				return usagef("bench --kv %d --nodes %d: %v", *kvRequests, n, err)
			}
		}
		for i, n := range nodes.n {
			r, err := bench.RunKV(ctx, n, *kvRequests, *seed)
			if err != nil {
				return err
			}
			if i > 0 {
				fmt.Fprintln(stdout)
			}
			fmt.Fprintf(stdout, "nodes            %d\n", r.Nodes)
			fmt.Fprintf(stdout, "kv requests      %d in %.3f s (%.0f requests/s), %d answered\n", r.Requests, r.Run.Seconds(), float64(r.Requests)/r.Run.Seconds(), r.Answered)
			fmt.Fprintf(stdout, "events           %d (%.0f events/s)\n", r.Events, float64(r.Events)/r.Run.Seconds())
			fmt.Fprintf(stdout, "peak memory      %.1f MiB\n", float64(bench.PeakRSS())/(1<<20))
		}
		return nil
	}
	for _, n := range nodes.n {
		cfg := bench.Config(n, *lookups, *seed, *engine)
		if err := cfg.Validate(); err != nil {
			return usagef("bench --nodes %d: %v", n, err)
		}
	}
	var results []*bench.Result
	for i, n := range nodes.n {
		r, err := bench.Run(ctx, n, *lookups, *seed, *engine)
		if err != nil {
			return err
		}
		results = append(results, r)
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		fmt.Fprintf(stdout, "nodes            %d\n", r.Nodes)
		fmt.Fprintf(stdout, "engine           %s\n", *engine)
		fmt.Fprintf(stdout, "build            %.3f s\n", r.Build.Seconds())
		fmt.Fprintf(stdout, "bytes/node       %.0f\n", r.BytesPerNode)
		fmt.Fprintf(stdout, "lookups          %d in %.3f s (%.0f lookups/s), mean %.2f hops, %d failed\n", r.Lookups, r.Lookup.Seconds(), float64(r.Lookups)/r.Lookup.Seconds(), r.MeanHops, r.FailedLookups)
		fmt.Fprintf(stdout, "events           %d (%.0f events/s)\n", r.Events, float64(r.Events)/r.Lookup.Seconds())
		fmt.Fprintf(stdout, "ns/hop           %s (%d hops)\n", fmtFinite(r.NsPerHop(), 1), r.Hops)
		fmt.Fprintf(stdout, "memory latency   %.1f ns (random access over %.1f MiB, the ring's node state; measured in %.1f s)\n", r.MemLatencyNs, float64(r.StateBytes)/(1<<20), r.MemLatencyTime.Seconds())
		fmt.Fprintf(stdout, "latency ratio    %s (ns/hop ÷ memory latency)\n", fmtFinite(r.LatencyRatio(), 2))
		fmt.Fprintf(stdout, "total            %.3f s\n", (r.Build + r.Lookup).Seconds())
		fmt.Fprintf(stdout, "peak memory      %.1f MiB\n", float64(r.PeakRSS)/(1<<20))
	}
	if len(results) > 1 {
		fmt.Fprintln(stdout)
		fmt.Fprintln(stdout, "| nodes | build s | bytes/node | lookups/s | events/s | ns/hop | memory latency ns | ratio | total s | peak MiB |")
		fmt.Fprintln(stdout, "|---|---|---|---|---|---|---|---|---|---|")
		for _, r := range results {
			fmt.Fprintf(stdout, "| %d | %.3f | %.0f | %.0f | %.0f | %s | %.1f | %s | %.3f | %.1f |\n",
				r.Nodes, r.Build.Seconds(), r.BytesPerNode, float64(r.Lookups)/r.Lookup.Seconds(), float64(r.Events)/r.Lookup.Seconds(),
				fmtFinite(r.NsPerHop(), 1), r.MemLatencyNs, fmtFinite(r.LatencyRatio(), 2), (r.Build + r.Lookup).Seconds(), float64(r.PeakRSS)/(1<<20))
		}
	}
	return nil
}

// fmtFinite formats x with the given decimals, or "-" if it is infinite or
// not a number (a ring of one node makes no hops).
func fmtFinite(x float64, decimals int) string {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return "-"
	}
	return strconv.FormatFloat(x, 'f', decimals, 64)
}
