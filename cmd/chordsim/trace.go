package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/experiments"
	"github.com/chordsim/chordsim/run"
	"github.com/chordsim/chordsim/sim"
	"github.com/spf13/pflag"
)

// traceMaxLines is --trace-max-lines' default: an event line is about 300
// bytes and a lookup line about 1 KB, so some 300 MB of events (minutes of
// a 1,000-node ring's messages) or 1 GB of lookups.
const traceMaxLines = 1_000_000

// traceFlags are run's trace flags.
type traceFlags struct {
	lookups, events, from, to *string
	nodes                     *[]string
	point, replicate, max     *int
}

func addTraceFlags(fs *pflag.FlagSet) *traceFlags {
	return &traceFlags{
		lookups:   fs.String("trace-lookups", "", "write one JSON line per lookup of the traced run to this file (see the manual: Traces)"),
		events:    fs.String("trace-events", "", "write one JSON line per message event and state change of the traced run to this file"),
		from:      fs.String("trace-from", "0s", "trace events from this simulated time after the end of settle"),
		to:        fs.String("trace-to", "", "trace events until this simulated time after the end of settle (default: the end of the run)"),
		nodes:     fs.StringSlice("trace-nodes", nil, "trace only the events of these nodes: names or #i (the i-th member by identifier at the end of settle), comma-separated or repeated"),
		point:     fs.Int("trace-point", -1, "the sweep point to trace (the point column of results.csv); needed when the config sweeps"),
		replicate: fs.Int("trace-replicate", 0, "the replicate to trace (0-based)"),
		max:       fs.Int("trace-max-lines", traceMaxLines, "stop each trace file at this many lines"),
	}
}

// traceSpec is a checked request for traces.
type traceSpec struct {
	lookups, events  string
	from, to         sim.Duration
	nodes            []string
	point, replicate int
	max              int
}

// check validates the trace flags against plan. It returns nil when no
// trace is asked for. Nothing is written.
func (f *traceFlags) check(fs *pflag.FlagSet, plan *experiments.Plan) (*traceSpec, error) {
	on := *f.lookups != "" || *f.events != ""
	if !on {
		for _, name := range []string{"trace-from", "trace-to", "trace-nodes", "trace-point", "trace-replicate", "trace-max-lines"} {
			if fs.Changed(name) {
				return nil, usagef("--%s: no trace asked for; add --trace-lookups FILE or --trace-events FILE", name)
			}
		}
		return nil, nil
	}
	s := &traceSpec{lookups: *f.lookups, events: *f.events, nodes: *f.nodes, point: *f.point, replicate: *f.replicate, max: *f.max}
	var err error
	if s.from, err = sim.ParseDuration(*f.from); err != nil || s.from < 0 {
		return nil, usagef("--trace-from %q: not a duration of 0s or more; give a Go duration such as 90s or 10m", *f.from)
	}
	s.to = sim.Duration(1<<63 - 1)
	if *f.to != "" {
		if s.to, err = sim.ParseDuration(*f.to); err != nil || s.to < 0 {
			return nil, usagef("--trace-to %q: not a duration of 0s or more; give a Go duration such as 90s or 10m", *f.to)
		}
	}
	if s.from > s.to {
		return nil, usagef("--trace-from %v is after --trace-to %v; give a window with from ≤ to", s.from, s.to)
	}
	if s.max < 1 {
		return nil, usagef("--trace-max-lines %d: give 1 or more (default %d)", s.max, traceMaxLines)
	}
	if n := len(plan.Points); s.point == -1 {
		if n > 1 {
			return nil, usagef("--trace-point: the config sweeps %d points and a trace follows one run; say which with --trace-point 0 to %d (the point column of results.csv)", n, n-1)
		}
		s.point = 0
	} else if s.point < 0 || s.point >= n {
		return nil, usagef("--trace-point %d: the config has %s; give 0 to %d", s.point, plural(n, "sweep point"), n-1)
	}
	if R := plan.Base.Replicates; s.replicate < 0 || s.replicate >= R {
		return nil, usagef("--trace-replicate %d: the config has %s; give 0 to %d", s.replicate, plural(R, "replicate"), R-1)
	}
	if plan.Points[s.point].Config.Engine == "static" {
		return nil, usagef("engine static: the static engine sends no messages, so there is nothing to trace; trace with --set engine=auto (the results are the same)")
	}
	for _, p := range []struct{ flag, path string }{{"--trace-lookups", s.lookups}, {"--trace-events", s.events}} {
		if p.path == "" {
			continue
		}
		if st, err := os.Stat(p.path); err == nil && st.IsDir() {
			return nil, usagef("%s %q: a folder; give a file name", p.flag, p.path)
		}
		if st, err := os.Stat(filepath.Dir(p.path)); err != nil || !st.IsDir() {
			return nil, usagef("%s %q: folder %q does not exist; create it first", p.flag, p.path, filepath.Dir(p.path))
		}
	}
	if s.lookups != "" && s.lookups == s.events {
		return nil, usagef("--trace-lookups and --trace-events name the same file %q; give two files", s.lookups)
	}
	for _, n := range s.nodes {
		if strings.TrimSpace(n) == "" {
			return nil, usagef("--trace-nodes: an empty name; give names or #i, comma-separated")
		}
	}
	return s, nil
}

// traceRun runs the traced run: the sweep point and replicate of s, the
// same run the session makes (same config and seed, so the same results),
// with its traces written as it goes. Bad nodes and unwritable files are
// usage errors, found before any line is written; an interrupted run
// leaves files that end on a whole line.
func traceRun(ctx context.Context, plan *experiments.Plan, s *traceSpec, stderr io.Writer) error {
	pt := &plan.Points[s.point]
	var files []*os.File
	var rep run.TraceReport
	closeAll := func() error {
		var first error
		for _, f := range files {
			if err := f.Close(); err != nil && first == nil {
				first = err
			}
		}
		files = nil
		return first
	}
	afterBuild := func(w *run.World) error {
		nodes, err := resolveTraceNodes(w.Ring, s.nodes)
		if err != nil {
			return usageError{err}
		}
		opts := run.TraceOptions{From: s.from, To: s.to, Nodes: nodes, MaxLines: s.max, Point: s.point, Replicate: s.replicate}
		open := func(flag, path string) (io.Writer, error) {
			if path == "" {
				return nil, nil
			}
			f, err := os.Create(path)
			if err != nil {
				return nil, usagef("%s %q: cannot write: %v", flag, path, err)
			}
			files = append(files, f)
			return f, nil
		}
		if opts.Lookups, err = open("--trace-lookups", s.lookups); err == nil {
			opts.Events, err = open("--trace-events", s.events)
		}
		if err != nil {
			// Remove only what this run created: the file that could
			// not be opened may be someone else's.
			created := make([]string, 0, len(files))
			for _, f := range files {
				created = append(created, f.Name())
			}
			closeAll()
			for _, p := range created {
				os.Remove(p)
			}
			return err
		}
		w.Trace(opts, &rep)
		return nil
	}
	_, err := experiments.TracePoint(ctx, pt, experiments.ReplicateSeed(plan.Base.Seed, s.replicate), afterBuild)
	cerr := closeAll()
	var ue usageError
	if errors.As(err, &ue) {
		return ue
	}
	for _, w := range []struct {
		flag, path string
		lines      int
		capped     bool
		at         sim.Duration
		err        error
	}{
		{"--trace-lookups", s.lookups, rep.LookupLines, rep.LookupsCapped, rep.LookupsCappedAt, rep.LookupsErr},
		{"--trace-events", s.events, rep.EventLines, rep.EventsCapped, rep.EventsCappedAt, rep.EventsErr},
	} {
		if w.path == "" {
			continue
		}
		if w.err != nil {
			return fmt.Errorf("%s %q: writing failed: %v", w.flag, w.path, w.err)
		}
		if w.capped {
			fmt.Fprintf(stderr, "chordsim: %s %s: stopped at the cap of %d lines, at simulated time %v after settle; narrow the trace with --trace-from, --trace-to or --trace-nodes, or raise --trace-max-lines\n", w.flag, w.path, s.max, w.at)
		}
	}
	if ctx.Err() != nil {
		fmt.Fprintf(stderr, "chordsim: interrupted while tracing; the trace files hold whole lines up to the interrupt\n")
		return errInterrupted
	}
	if err != nil {
		return err
	}
	if cerr != nil {
		return fmt.Errorf("trace files: %v", cerr)
	}
	return nil
}

// resolveTraceNodes finds --trace-nodes' nodes on the built ring.
func resolveTraceNodes(r *chord.Ring, names []string) ([]chord.Handle, error) {
	if len(names) == 0 {
		return nil, nil
	}
	out := make([]chord.Handle, 0, len(names))
	for _, n := range names {
		h, err := findDrawNode(r, strings.TrimSpace(n))
		if err != nil {
			return nil, fmt.Errorf("--trace-nodes: %s", strings.TrimPrefix(err.Error(), "--node "))
		}
		out = append(out, h)
	}
	return out, nil
}
