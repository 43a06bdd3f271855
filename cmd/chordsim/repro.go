package main

import (
	"context"
	"io"
	"path/filepath"

	"github.com/chordsim/chordsim/experiments"
	"github.com/chordsim/chordsim/figures"
)

const reproUsage = `Usage: chordsim repro [FIGURE ...] [flags]

Reproduces figures of the Chord paper (all of them if none is named; see
'chordsim list'). With one figure, its outputs go into --out; with several,
each goes into --out/FIGURE. Besides the run outputs, each figure writes its
plots into plots/ and paper_comparison.csv (ours against the paper's
numbers), and --out/index.md and --out/index.html (self-contained, offline)
show every plot with that table and a verdict per point.
`

func cmdRepro(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("repro", reproUsage, stdout)
	out := fs.String("out", "results", "output folder")
	scale := fs.String("scale", "paper", "size of the runs: quick (reduced, seconds) or paper (the paper's sizes)")
	seed := addSeed(fs, 0, "master seed (default: the built-in's seed)")
	workers := fs.Int("workers", 0, "parallel runs (0: one per core)")
	progressEvery := addProgressFlag(fs)
	shardFlag := fs.String("shard", "", "run only the i-th of n deterministic slices of each figure's sweep, i/n (merge each figure's folders with 'chordsim merge')")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkRunFlags(*workers); err != nil {
		return err
	}
	var shard experiments.Shard
	if *shardFlag != "" {
		var err error
		if shard, err = experiments.ParseShard(*shardFlag); err != nil {
			return usageError{err}
		}
	}
	var builtins []*figures.Builtin
	if fs.NArg() == 0 {
		builtins = figures.Builtins
	}
	for _, name := range fs.Args() {
		b, err := figures.FindBuiltin(name)
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
		if plans[i], err = overrides(cfg, axes, seed, nil); err != nil {
			return err
		}
	}
	rels := make([]string, len(builtins))
	for i, b := range builtins {
		rels[i] = "."
		if len(builtins) > 1 {
			rels[i] = b.Name
		}
		if len(builtins) > 1 && i == 0 {
			if m, err := experiments.ReadManifest(*out); err == nil {
				return usagef("output folder %s holds the results of experiment %q; the built-ins go into subfolders of a folder of their own: write to another folder (--out), or delete %s first", *out, m.Experiment, *out)
			}
		}
		// Every figure's folder is checked before any is written.
		if err := newSession(plans[i], filepath.Join(*out, rels[i]), *workers, b, shard, 0).CheckDir(); err != nil {
			return inputError(err)
		}
	}
	var index []figures.IndexEntry
	for i, b := range builtins {
		rel := rels[i]
		if err := execute(ctx, plans[i], filepath.Join(*out, rel), *workers, b, shard, *progressEvery, stderr, stdout); err != nil {
			return err
		}
		index = append(index, figures.IndexEntry{Builtin: b, Dir: rel})
	}
	if shard.N > 0 {
		return nil // figures and the index come with 'chordsim merge'
	}
	return figures.WriteIndex(*out, index)
}
