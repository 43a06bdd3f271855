package bench

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/chordsim/chordsim/chord/kv"
	"github.com/chordsim/chordsim/config"
	"github.com/chordsim/chordsim/experiments"
	"github.com/chordsim/chordsim/run"
	"github.com/chordsim/chordsim/sim"
)

// Result is what `chordsim bench` measures: wall-clock figures of the
// simulator itself (never of the simulated system).
type Result struct {
	Nodes, Lookups int
	Build          time.Duration // ideal bootstrap of the ring
	Lookup         time.Duration // issuing and answering the lookups
	// LookupCPU is the process's CPU time (user and system, every thread)
	// over the lookup phase; 0 where it is not measured (not Unix).
	LookupCPU     time.Duration
	Events        uint64  // events processed in the lookup phase
	StateBytes    uint64  // live heap held by the ring after the build
	BytesPerNode  float64 // StateBytes per node
	PeakRSS       uint64  // peak resident memory of the process so far (Linux), bytes
	MeanHops      float64
	Hops          uint64 // hops of all lookups that returned an answer
	FailedLookups int
	// MemLatencyNs is the machine's random-access memory latency over a
	// buffer of StateBytes (MemoryLatencyNs), measured after the run, when
	// the ring's memory is free again; MemLatencyTime is what measuring it
	// took (not part of Build or Lookup).
	MemLatencyNs   float64
	MemLatencyTime time.Duration
	// Topology names the network.topology of the run (none: i.i.d.
	// delays); TopologyBytes is the memory the topology itself holds (a
	// matrix, a graph's tables, the placement permutation), part of
	// StateBytes. Placing a node costs no memory of its own (a hash, or
	// its number modulo the hosts), so it adds nothing per node.
	Topology      string
	TopologyBytes int64
}

// Config is the fixed benchmark scenario: an ideal ring with m = 64,
// r = 16, uniform IDs, latency uniform on [10 ms, 90 ms] (mean 50 ms) drawn
// keyed, iterative lookups, no maintenance, and lookups arriving at 10^4 per
// simulated second, so that about 7,000 are in flight at once. engine is
// "static" (the lookups skip the event queue) or "events" (every message
// is an event); both give the same results. The
// longest round trip (180 ms) is shorter than the 500 ms timeout, so no live
// node is ever suspected: every lookup succeeds, and the figures measure
// routing, not recovery. For the same reason retries are off: with them,
// each lookup also checks that its owner is alive (one more round trip and
// two more events per lookup, about 25% more time), which protects against
// failures this scenario does not have.
func Config(nodes, lookups int, seed uint64, engine string) config.Config {
	return ConfigOn(nodes, lookups, seed, engine, "none")
}

// Topologies are the topologies ConfigOn takes: none and those that need
// no file, each at its defaults.
var Topologies = []string{"none", "euclidean", "transit-stub", "planetlab490"}

// ConfigOn is Config on a network topology (one of Topologies): the same
// scenario with each message's delay the topology's, with no jitter, and
// an RPC timeout of 2 s, above the longest round trip of every topology
// at its defaults (PlanetLab's 675 ms), so that still no request times
// out.
func ConfigOn(nodes, lookups int, seed uint64, engine, topology string) config.Config {
	return ConfigWith(nodes, lookups, seed, engine, topology, sim.Latency{})
}

// ConfigWith is ConfigOn with the i.i.d. latency model of topology none
// replaced by lat (the zero Latency keeps uniform on [10 ms, 90 ms]): to
// compare a topology with i.i.d. delays of the same mean, so that as many
// lookups are in flight (PlanetLab's one-way mean is 72.5 ms:
// uniform:0ms,145ms).
func ConfigWith(nodes, lookups int, seed uint64, engine, topology string, lat sim.Latency) config.Config {
	c := config.Defaults()
	c.Experiment = "bench"
	c.Engine = engine
	c.Network.Draws = "keyed"
	c.Seed = seed
	c.N = nodes
	c.IDs = "uniform"
	c.Chord.StabilizeEvery, c.Chord.FixFingersEvery, c.Chord.CheckPredecessorEvery = 0, 0, 0
	c.Chord.LookupRetries = 0
	c.Workload.Lookups = lookups
	c.Workload.LookupRate = 10_000
	c.Network.Latency = sim.Latency{Kind: sim.Uniform, A: 10 * sim.Millisecond, B: 90 * sim.Millisecond}
	if lat != (sim.Latency{}) {
		c.Network.Latency = lat
	}
	if topology != "none" {
		c.Network.Kind = topology
		c.Network.Latency = config.Defaults().Network.Latency
		c.Chord.RPCTimeout = 2 * sim.Second
	}
	return c
}

// NsPerHop is the lookup phase's wall time per lookup hop: the whole cost
// of a hop (its request, reply and timeout events, the routing decision,
// the workload and the measurement), in nanoseconds. It is +Inf if no
// lookup made a hop (a ring of one node).
func (b *Result) NsPerHop() float64 {
	return float64(b.Lookup.Nanoseconds()) / float64(b.Hops)
}

// CPUNsPerHop is NsPerHop in CPU time (LookupCPU): the figure to compare
// on a loaded machine.
func (b *Result) CPUNsPerHop() float64 {
	return float64(b.LookupCPU.Nanoseconds()) / float64(b.Hops)
}

// LatencyRatio is NsPerHop over MemLatencyNs: about how many cache misses
// to memory of the ring's size a hop costs. A hop must read at least one
// node whose state is not in cache, so 1 is the floor for a ring that does
// not fit in cache.
func (b *Result) LatencyRatio() float64 { return b.NsPerHop() / b.MemLatencyNs }

// Run runs the benchmark scenario once on the given engine and measures
// it, then measures the machine's memory latency over a buffer as large as
// the ring's state (see Result.MemLatencyNs).
func Run(ctx context.Context, nodes, lookups int, seed uint64, engine string) (*Result, error) {
	return RunOn(ctx, nodes, lookups, seed, engine, "none")
}

// RunOn is Run on a topology (see ConfigOn).
func RunOn(ctx context.Context, nodes, lookups int, seed uint64, engine, topology string) (*Result, error) {
	return RunWith(ctx, ConfigOn(nodes, lookups, seed, engine, topology))
}

// RunWith runs the benchmark on cfg, a config of ConfigWith.
func RunWith(ctx context.Context, cfg config.Config) (*Result, error) {
	nodes, lookups, seed := cfg.N, cfg.Workload.Lookups, cfg.Seed
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	w, err := run.New(&cfg, experiments.ReplicateSeed(seed, 0))
	if err != nil {
		return nil, err
	}
	if err := w.Build(ctx); err != nil {
		return nil, err
	}
	built := time.Now()
	eventsAtBuild := w.Sched.Fired()
	// Collect the build's temporary tables so that only the ring's own
	// state is counted; the collection is timed in neither phase.
	runtime.GC()
	runtime.ReadMemStats(&after)
	lookupStart, cpuStart := time.Now(), cpuTime()
	res, err := w.Finish(ctx, run.Inputs{})
	if err != nil {
		return nil, err
	}
	end, cpuEnd := time.Now(), cpuTime()
	state := uint64(max(int64(after.HeapAlloc)-int64(before.HeapAlloc), 0))
	b := &Result{
		Nodes: nodes, Lookups: lookups,
		Build: built.Sub(start), Lookup: end.Sub(lookupStart), LookupCPU: cpuEnd - cpuStart,
		Events:        res.Events - eventsAtBuild,
		StateBytes:    state,
		BytesPerNode:  float64(state) / float64(nodes),
		PeakRSS:       peakRSS(),
		MeanHops:      res.Hops.Mean(),
		Hops:          res.Hops.Sum(),
		FailedLookups: res.Failed(),
		Topology:      cfg.Network.Kind,
	}
	if w.Net.Topology != nil {
		b.TopologyBytes = w.Net.Topology.Bytes()
	}
	t := time.Now()
	b.MemLatencyNs = MemoryLatencyNs(int(state))
	b.MemLatencyTime = time.Since(t)
	return b, nil
}

// peakRSS reads the process's high-water resident set size from Linux's
// /proc; elsewhere it reports the Go runtime's reservation instead.
func peakRSS() uint64 {
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
				if kb, err := strconv.ParseUint(f[1], 10, 64); err == nil {
					return kb * 1024
				}
			}
		}
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.Sys
}

// KVConfig is the key-value benchmark scenario: an ideal ring of
// nodes with uniform IDs and the latency of Config, k = 3 chain
// replication, 10,000 preloaded keys, half inserts and half queries from
// 100 closed-loop clients, no maintenance (so that the figure measures the
// service, not stabilization).
func KVConfig(nodes, requests int, seed uint64) config.Config {
	c := Config(nodes, 0, seed, "events")
	c.Experiment = "bench-kv"
	c.Network.Draws = "stream"
	c.KV.Replicas = 3
	c.KV.Requests = requests
	c.KV.Keys = 10_000
	c.KV.Preload = true
	c.KV.ReadFraction = 0.5
	c.KV.Clients = 100
	c.KV.RepairEvery = 0
	return c
}

// KVResult is what `chordsim bench --kv` measures.
type KVResult struct {
	Nodes, Requests int
	Run             time.Duration // issuing and answering the requests (ring built, keys preloaded)
	Events          uint64
	Answered        int
}

// RunKV runs the key-value benchmark scenario once and measures it.
func RunKV(ctx context.Context, nodes, requests int, seed uint64) (*KVResult, error) {
	cfg := KVConfig(nodes, requests, seed)
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	w, err := run.New(&cfg, experiments.ReplicateSeed(seed, 0))
	if err != nil {
		return nil, err
	}
	if err := w.Build(ctx); err != nil {
		return nil, err
	}
	built := time.Now()
	eventsAtBuild := w.Sched.Fired()
	res, err := w.Finish(ctx, run.Inputs{})
	if err != nil {
		return nil, err
	}
	return &KVResult{
		Nodes: nodes, Requests: requests, Run: time.Since(built),
		Events: res.Events - eventsAtBuild, Answered: res.KV.Outcome(kv.OK),
	}, nil
}

// PeakRSS is the process's peak resident memory in bytes (see peakRSS).
func PeakRSS() uint64 { return peakRSS() }
