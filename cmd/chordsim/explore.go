package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"time"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/explore"
)

const exploreUsage = `Usage: chordsim explore [flags]
       chordsim explore --replay FILE

Runs randomized fault campaigns against the Chord protocol: a small random
ring (4-8 identifier bits, r 1-4, a few nodes) and a random schedule of
faults played message by message on the interaction harness, with the
invariants checked after every step, then a bounded convergence phase after
which the ring must be ideal and every lookup correct. Each failure is
shrunk to a minimal harness script, written into --out with the command
that replays it. Campaign i is derived from (--seed, i): the same flags
give the same report.

Exit status: 0 nothing found, 1 a counterexample was found, 2 bad flags,
130 interrupted (what was found is written).
`

func cmdExplore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("explore", exploreUsage, stdout)
	variant := fs.String("variant", "zave", "protocol variant: zave (the corrected protocol) or original (ToN's)")
	campaigns := fs.Int("campaigns", 1000, "number of campaigns")
	seed := fs.String("seed", "1", "master seed; campaign i uses a seed derived from (seed, i)")
	faults := fs.String("faults", "crash,join,leave,loss,slow", "faults to inject, comma-separated: crash, join, leave, loss, slow, partition (partitions and dead links, reported apart)")
	out := fs.String("out", "explore-out", "folder for report.txt and the shrunk scripts")
	budget := fs.Duration("budget", 0, "stop starting campaigns after this wall-clock time (e.g. 10m; 0: no limit); what ran is reported")
	workers := fs.Int("workers", 0, "parallel campaigns (0: one per core)")
	replay := fs.String("replay", "", "replay a script the explorer wrote: print its transcript and say whether every output is still the file's (exit 1 if not)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("explore: unexpected argument %q; explore takes flags only (run 'chordsim explore --help')", fs.Arg(0))
	}
	if *replay != "" {
		return exploreReplay(*replay, stdout)
	}
	v, err := chord.ParseVariant(*variant)
	if err != nil {
		return usagef("explore: --variant %q: want zave or original", *variant)
	}
	if *campaigns < 1 {
		return usagef("explore: --campaigns %d: want at least 1", *campaigns)
	}
	s, err := strconv.ParseUint(*seed, 10, 64)
	if err != nil {
		return usagef("explore: --seed %q is not a whole number between 0 and 18446744073709551615", *seed)
	}
	fset, err := explore.ParseFaults(*faults)
	if err != nil {
		return usagef("explore: %v", err)
	}
	if *budget < 0 {
		return usagef("explore: --budget %v: want a positive duration such as 10m, or 0 for no limit", *budget)
	}
	if *workers < 0 {
		return usagef("explore: --workers %d: want 0 (one per core) or more", *workers)
	}
	if *out == "" {
		return usagef("explore: --out is empty; name a folder")
	}
	if st, err := os.Stat(*out); err == nil && !st.IsDir() {
		return usagef("explore: --out %q is a file; name a folder", *out)
	}
	w := *workers
	if w == 0 {
		w = runtime.NumCPU()
	}
	runCtx := ctx
	if *budget > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(ctx, *budget)
		defer cancel()
	}
	start := time.Now()
	rep, err := explore.Run(runCtx, ctx, explore.Options{Variant: v, Campaigns: *campaigns, Seed: s, Faults: fset, Workers: w, Progress: stderr})
	if err != nil {
		return err
	}
	text, err := rep.Write(*out)
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, text)
	fmt.Fprintf(stderr, "explore: %d campaigns in %.1fs; report in %s\n", rep.Run, time.Since(start).Seconds(), *out)
	if len(rep.Findings) > 0 {
		return fmt.Errorf("explore: %d counterexample(s) found", len(rep.Findings))
	}
	if ctx.Err() != nil {
		return errInterrupted
	}
	return nil
}

func exploreReplay(path string, stdout io.Writer) error {
	t, differs, err := explore.Replay(path)
	if err != nil {
		return usagef("explore: --replay: %v", err)
	}
	fmt.Fprint(stdout, t)
	if differs {
		fmt.Fprintf(stdout, "# the outputs above differ from %s: the protocol changed since it was written\n", path)
		return fmt.Errorf("explore: replay of %s differs from the file", path)
	}
	fmt.Fprintf(stdout, "# replayed %s: every output as in the file\n", path)
	return nil
}
