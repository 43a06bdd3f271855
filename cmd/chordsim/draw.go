package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/experiments"
	"github.com/chordsim/chordsim/ringdraw"
	"github.com/chordsim/chordsim/run"
	"github.com/chordsim/chordsim/sim"
)

const drawUsage = `Usage: chordsim draw CONFIG.yaml [--set path=value ...] [--seed N] [--node NAME|#i]
                     [--lookup KEY] [--at DURATION] [--out FILE.svg|FILE.png] [--max-dots N]

Builds the config's ring (one sweep point, replicate 0), runs it --at past
the end of settle (with its churn and failures, without the workload's
lookups) and draws it as SVG or PNG (by --out's extension): every node on
a circle at the angle of its identifier (clockwise from the top, 2πx/2^m
for identifier x), members as
dots, joining nodes as orange rings, failed nodes as red crosses, departed
ones as grey rings; one node's fingers (blue), successor list (green) and
predecessor (dashed) as chords; and with --lookup, the path of a lookup of
KEY from that node, each hop numbered with its round trip or its timeout.

The path is walked on the nodes' tables as they stand at --at (the
iterative search of ToN Fig. 5; a recursive lookup visits the same nodes):
no message is sent and nothing changes. Its delays are the keyed network's
for those messages, or the latency model's mean when delays are drawn from
a stream (the picture says which).

--node is a node's name (as the shell and the reports print it) or #i, the
i-th member in identifier order from 0; the default is #0. KEY is an
identifier (0 to 2^m−1) or any other text, hashed with SHA-1 as the
key-value service hashes its keys. Above --max-dots nodes (default 4096)
the dots are a sample, every k-th node by identifier (the chosen node and
those it points to are always drawn), and the picture says so. Labels
that would overlap are left out, the lookup's first, and the picture says
how many; above 64 dots only the chosen node and the lookup's nodes are
labelled with their identifiers.

The shell's draw command draws the same picture of its own ring as it
stands: 'chordsim shell', then 'help draw'.
`

func cmdDraw(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("draw", drawUsage, stdout)
	seed := addSeed(fs, 0, "master seed (default: the config's seed)")
	sets := fs.StringArray("set", nil, "override a config field: path=value (one value: draw needs one sweep point)")
	node := fs.String("node", "#0", "the node whose fingers, successors and lookup are drawn: its name, or #i for the i-th member by identifier")
	key := fs.String("lookup", "", "draw the path of a lookup of this key from --node: an identifier, or text hashed with SHA-1")
	atText := fs.String("at", "0s", "simulated time after the end of settle at which to draw the ring")
	out := fs.String("out", "ring.svg", "the picture to write: FILE.svg or FILE.png (2400 × 1720 pixels)")
	maxDots := fs.Int("max-dots", ringdraw.DefaultMaxDots, "draw at most this many nodes' dots; above, a sample by identifier")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("draw needs exactly one config file, got %d arguments; usage: chordsim draw CONFIG.yaml [--out FILE.svg]", fs.NArg())
	}
	at, err := sim.ParseDuration(*atText)
	if err != nil || at < 0 {
		return usagef("--at %q: not a duration of 0s or more; give a Go duration such as 90s or 2h", *atText)
	}
	if *maxDots < ringdraw.MinDots || *maxDots > ringdraw.MaxDots {
		return usagef("--max-dots %d: outside %d to %d; the default is %d", *maxDots, ringdraw.MinDots, ringdraw.MaxDots, ringdraw.DefaultMaxDots)
	}
	if err := ringdraw.CheckPath(*out); err != nil {
		return usagef("--out %q: %v", *out, err)
	}
	format, _ := ringdraw.FormatOf(*out)
	path := fs.Arg(0)
	cfg, axes, src, err := readConfigFile(path)
	if err != nil {
		return err
	}
	plan, err := fileOverrides(cfg, axes, seed, *sets, path, src)
	if err != nil {
		return err
	}
	if len(plan.Points) != 1 {
		return usagef("%s: a sweep of %d points (%s has %d values); draw pictures one point: give it one value with --set %s=VALUE", path, len(plan.Points), plan.Axes[0].Path, len(plan.Axes[0].Values), plan.Axes[0].Path)
	}
	pc := plan.Points[0].Config
	if pc.Churn.Trace != "" {
		return usagef("%s: churn.trace: draw does not replay traces; remove churn.trace (or draw with --set churn.trace=)", path)
	}
	w, err := run.New(&pc, experiments.ReplicateSeed(plan.Base.Seed, 0))
	if err != nil {
		return usageError{err}
	}
	if err := w.Build(ctx); err != nil {
		return err
	}
	start := w.Sched.Now()
	w.PlaceKeys()
	if err := w.StartChurn(nil); err != nil {
		return err
	}
	if !w.Sched.RunUntil(start.Add(at)) {
		return fmt.Errorf("the simulation stopped before --at %v (an invariant broke); 'chordsim run %s --check-invariants' reports it", at, shellQuote(path))
	}
	r := w.Ring
	h, err := findDrawNode(r, *node)
	if err != nil {
		return usageError{err}
	}
	spec := ringdraw.Spec{
		Node:    h,
		MaxDots: *maxDots,
		Title:   fmt.Sprintf("%s: %d members, m = %d, r = %d, seed %d, t = settle + %v", pc.Experiment, r.Oracle().Len(), r.Space().Bits(), pc.Chord.Successors, plan.Base.Seed, at),
	}
	if fs.Changed("lookup") {
		id, err := parseDrawKey(r.Space(), *key)
		if err != nil {
			return usageError{err}
		}
		if r.State(h) != chord.Member {
			return usagef("--lookup: node %s is %s at --at %v; a lookup starts at a member: choose another --node", r.Name(h), r.State(h), at)
		}
		tr := r.TraceLookup(h, id)
		spec.Trace = &tr
	}
	pic, err := ringdraw.Render(r, spec, format)
	if err != nil {
		return fmt.Errorf("--out %q: %v", *out, err)
	}
	if err := ringdraw.WriteFile(*out, pic); err != nil {
		return usagef("--out %q: %v", *out, err)
	}
	return nil
}

// findDrawNode resolves --node: #i, the i-th member by identifier, or a
// node's name.
func findDrawNode(r *chord.Ring, s string) (chord.Handle, error) {
	o := r.Oracle()
	if o.Len() == 0 {
		return 0, fmt.Errorf("--node %q: the ring has no members at this time; draw it earlier with a smaller --at", s)
	}
	if rest, ok := strings.CutPrefix(s, "#"); ok {
		i, err := strconv.Atoi(rest)
		if err != nil || i < 0 || i >= o.Len() {
			return 0, fmt.Errorf("--node %q: the ring has %d members at this time; give #0 to #%d or a node's name", s, o.Len(), o.Len()-1)
		}
		_, h := o.At(i)
		return h, nil
	}
	for h := range chord.Handle(r.Nodes()) {
		if r.State(h) != chord.Idle && r.Name(h) == s {
			return h, nil
		}
	}
	return 0, fmt.Errorf("--node %q: no node has this name; give #i (the i-th member by identifier) or a name such as %q", s, r.Name(firstMember(r)))
}

func firstMember(r *chord.Ring) chord.Handle {
	_, h := r.Oracle().At(0)
	return h
}

// parseDrawKey reads --lookup: an identifier of the space, or text hashed
// as the key-value service hashes its keys.
func parseDrawKey(sp chord.Space, s string) (chord.ID, error) {
	if s == "" {
		return 0, fmt.Errorf("--lookup: empty key; give an identifier (0 to %d) or a key's text", uint64(sp.Max()))
	}
	if v, err := strconv.ParseUint(s, 10, 64); err == nil {
		if v > uint64(sp.Max()) {
			return 0, fmt.Errorf("--lookup %s: identifier above 2^%d−1 = %d; give a smaller one", s, sp.Bits(), uint64(sp.Max()))
		}
		return chord.ID(v), nil
	}
	return sp.Hash(s), nil
}
