package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/chordsim/chordsim/bench"
	"github.com/chordsim/chordsim/config"
	"github.com/chordsim/chordsim/sim"
)

const benchUsage = `Usage: chordsim bench [flags]

Measures the simulator on a fixed scenario: an ideal ring (m = 64, r = 16,
uniform IDs) answering lookups with latency uniform on [10ms, 90ms], drawn
keyed. --engine static (the default) computes the lookups without the event
queue; --engine events makes every message an event; the results are the
same (see Engines in docs/manual.md). --topology places the nodes on a
network topology at its defaults instead (each message then takes the
topology's delay, no jitter; the RPC timeout is 2s) and adds the
topology's own memory to the report. Events are those of the event path. Prints the
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
	seed := addSeed(fs, 1, "master seed")
	engine := fs.String("engine", "static", "static: lookups computed without the event queue; events: every message an event (same results)")
	latency := fs.String("latency", "", "with --topology none: the i.i.d. one-way latency instead of uniform:10ms,90ms (to compare a topology with i.i.d. delays of the same mean, e.g. uniform:0ms,145ms for planetlab490)")
	topo := fs.String("topology", "none", "network topology at its defaults: none (i.i.d. delays), euclidean, transit-stub or planetlab490; delays come from it with no jitter, and the RPC timeout is 2s")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *engine != "static" && *engine != "events" {
		return usagef("bench --engine %q: use static or events", *engine)
	}
	if !slices.Contains(bench.Topologies, *topo) {
		return usagef("bench --topology %q: use %s", *topo, strings.Join(bench.Topologies, ", "))
	}
	var lat sim.Latency
	if *latency != "" {
		var err error
		if lat, err = sim.ParseLatency(*latency); err != nil {
			return usagef("bench --latency: %v", err)
		}
		if *topo != "none" {
			return usagef("bench --latency %s: the i.i.d. latency is for --topology none; a topology's delays are its own", *latency)
		}
	}
	if fs.NArg() > 0 {
		return usagef("bench takes no arguments, got %q", strings.Join(fs.Args(), " "))
	}
	if *kvRequests != 0 {
		if !fs.Changed("nodes") {
			nodes.n = []int{1000}
		}
		for _, n := range nodes.n {
			cfg := bench.KVConfig(n, *kvRequests, seed.v)
			if err := cfg.Validate(); err != nil || *kvRequests < 0 {
				return usagef("bench --kv %d --nodes %d: %v", *kvRequests, n, err)
			}
		}
		for i, n := range nodes.n {
			r, err := bench.RunKV(ctx, n, *kvRequests, seed.v)
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
		cfg := bench.ConfigWith(n, *lookups, seed.v, *engine, *topo, lat)
		if err := cfg.Validate(); err != nil {
			return usagef("bench --nodes %d: %v", n, err)
		}
	}
	var results []*bench.Result
	for i, n := range nodes.n {
		r, err := bench.RunWith(ctx, bench.ConfigWith(n, *lookups, seed.v, *engine, *topo, lat))
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
		if r.Topology != "none" {
			fmt.Fprintf(stdout, "topology         %s: %d bytes of its own (%.1f MiB), 0 bytes/node (placement is a hash or a node's number modulo the hosts)\n", r.Topology, r.TopologyBytes, float64(r.TopologyBytes)/(1<<20))
		}
		fmt.Fprintf(stdout, "lookups          %d in %.3f s (%.0f lookups/s), mean %.2f hops, %d failed\n", r.Lookups, r.Lookup.Seconds(), float64(r.Lookups)/r.Lookup.Seconds(), r.MeanHops, r.FailedLookups)
		fmt.Fprintf(stdout, "events           %d (%.0f events/s)\n", r.Events, float64(r.Events)/r.Lookup.Seconds())
		fmt.Fprintf(stdout, "ns/hop           %s (%d hops)\n", fmtFinite(r.NsPerHop(), 1), r.Hops)
		if r.LookupCPU > 0 {
			fmt.Fprintf(stdout, "cpu ns/hop       %s (CPU time of the process over the lookups, %.3f s: on a loaded machine, the figure to compare)\n", fmtFinite(r.CPUNsPerHop(), 1), r.LookupCPU.Seconds())
		}
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
