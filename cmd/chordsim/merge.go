package main

import (
	"fmt"
	"io"

	"github.com/chordsim/chordsim/experiments"
	"github.com/chordsim/chordsim/figures"
)

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
	plan, builtin, err := experiments.OpenShards(dirs)
	if err != nil {
		return inputError(err)
	}
	var b *figures.Builtin
	if builtin != "" {
		if b, err = figures.FindBuiltin(builtin); err != nil {
			return usageError{err}
		}
	}
	s := &experiments.Session{Plan: plan, Dir: *out, Builtin: builtin}
	scale := ""
	if b != nil {
		s.Figures = b.Figures
		scale = b.ScaleOf(plan)
	} else {
		s.Figures = figures.RunPlots
	}
	s.Provenance = experiments.NewProvenance(commandLine(), scale)
	if _, err := s.Merge(dirs); err != nil {
		return inputError(err)
	}
	if b != nil {
		if err := figures.WriteIndex(*out, []figures.IndexEntry{{Builtin: b, Dir: "."}}); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "%s: merged %s from %s → %s\n", plan.Base.Experiment, plural(plan.Runs(), "run"), plural(len(dirs), "folder"), *out)
	return nil
}
