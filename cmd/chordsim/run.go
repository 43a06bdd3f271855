package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/chordsim/chordsim/config"
	"github.com/chordsim/chordsim/experiments"
	"github.com/chordsim/chordsim/internal/yamlconf"
	"github.com/chordsim/chordsim/run"
)

const runUsage = `Usage: chordsim run CONFIG.yaml [flags]

Runs an experiment config: every sweep point (list-valued fields) × replicates,
in parallel, and writes results.csv, hops.csv, summary.json, summary.csv,
config.yaml (the resolved config), manifest.json, runs/ (one record per
finished run) and plots/ (the config's plots section) into --out. Rerunning the same command reuses the stored runs, so an interrupted
sweep resumes where it stopped. --shard i/n runs one slice of the sweep;
'chordsim merge' combines the slices.

--trace-lookups FILE writes a JSON line per lookup of one run
(--trace-point, --trace-replicate; a sweep must say which point);
--trace-events FILE a line per message event and state change within a
window of simulated time after settle (--trace-from, --trace-to) and of
chosen nodes (--trace-nodes); at most --trace-max-lines lines per file.
The traced run is run first, then the sweep as without the flags: the
other outputs do not change. The formats are in the manual (Traces).
`

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("run", runUsage, stdout)
	out := fs.String("out", "results", "output folder")
	seed := addSeed(fs, 0, "master seed (default: the config's seed)")
	sets := fs.StringArray("set", nil, "override a config field: path=value, or path=[v1,v2] for a sweep (repeatable)")
	workers := fs.Int("workers", 0, "parallel runs (0: one per core)")
	shardFlag := fs.String("shard", "", "run only the i-th of n deterministic slices of the sweep, i/n (merge the folders with 'chordsim merge')")
	fields := fs.Bool("fields", false, "list every config field with its default and unit, and exit")
	checkInv := fs.Bool("check-invariants", false, "check the ring invariants on every membership change and stabilization period; stop at the first violation with a report (same as check_invariants: true)")
	progressEvery := addProgressFlag(fs)
	tf := addTraceFlags(fs)
	replicate := fs.Int("replicate", -1, "run only this replicate (0-based) of every sweep point, e.g. to rerun one that broke an invariant")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkRunFlags(*workers); err != nil {
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
	cfg, axes, src, err := readConfigFile(path)
	if err != nil {
		return err
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
	plan, err := fileOverrides(cfg, axes, seed, *sets, path, src)
	if err != nil {
		return err
	}
	if *replicate < -1 || *replicate >= plan.Base.Replicates {
		return usagef("--replicate %d: the config has %s; use 0 to %d", *replicate, plural(plan.Base.Replicates, "replicate"), plan.Base.Replicates-1)
	}
	trace, err := tf.check(fs, plan)
	if err != nil {
		return err
	}
	if trace != nil {
		// The output folder is checked first, so that a refusal there
		// writes no trace either; the traced run comes before the sweep,
		// whose results it leaves as they are.
		if err := inputError(newSession(plan, *out, *workers, nil, shard, *replicate+1).CheckDir()); err != nil {
			return err
		}
		if err := traceRun(ctx, plan, trace, stderr); err != nil {
			return err
		}
	}
	rerun := func(v *run.ViolationError) string {
		parts := []string{"chordsim run", shellQuote(path), "--seed", strconv.FormatUint(plan.Base.Seed, 10)}
		for _, a := range v.Assign {
			parts = append(parts, "--set", shellQuote(a.Path+"="+a.Value))
		}
		parts = append(parts, "--replicate", strconv.Itoa(v.Replicate), "--check-invariants", "--out", shellQuote(*out+"-rerun"))
		return strings.Join(parts, " ")
	}
	return executeWith(ctx, plan, *out, *workers, nil, shard, *replicate+1, rerun, *progressEvery, stderr, stdout)
}
