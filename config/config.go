package config

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/chord/kv"
	"github.com/chordsim/chordsim/churn"
	"github.com/chordsim/chordsim/internal/bounded"
	"github.com/chordsim/chordsim/internal/yamlconf"
	"github.com/chordsim/chordsim/sim"
	"github.com/chordsim/chordsim/topology"
	"github.com/chordsim/chordsim/workload"
)

// Config is one experiment: the simulated system (ring, chord), the
// simulator's environment (network, workload) and how to run it (seed,
// replicates). Any leaf may be given as a list in the YAML file or with
// --set path=[a,b] to make it a sweep axis, except those marked sweep:"no".
type Config struct {
	Experiment string         `yaml:"experiment" doc:"name of the experiment, copied into the outputs" sweep:"no"`
	Seed       uint64         `yaml:"seed" doc:"master random seed; each replicate's seed is derived from it and printed in results.csv" sweep:"no"`
	Replicates int            `yaml:"replicates" doc:"independent runs per sweep point, each with its own derived seed" sweep:"no" range:"1 to 1000000"`
	N          int            `yaml:"n" doc:"number of nodes in the ring, 1 to 2^25, and whose node state (616 bytes a member at the default m and r) fits in 16 GiB" unit:"nodes" range:"1 to 33554432 (2^25)"`
	Bootstrap  string         `yaml:"bootstrap" doc:"ideal: the oracle builds a fully stabilized ring; protocol: nodes join one by one and the ring converges by stabilization" enum:"ideal|protocol"`
	IDs        string         `yaml:"ids" doc:"sha1: an identifier is the top m bits of SHA-1 of the node's address or the key's name; uniform: drawn uniformly at random (faster, same distribution)" enum:"sha1|uniform"`
	JoinEvery  sim.Duration   `yaml:"join_every" doc:"bootstrap protocol: time between two joins" unit:"duration"`
	Settle     sim.Duration   `yaml:"settle" doc:"time the ring runs after it is built and before the first lookup (lets a protocol-built ring converge)" unit:"duration"`
	Engine     string         `yaml:"engine" doc:"events: every message is an event; static: lookups on a ring nothing changes are computed without the event queue, with the same results (needs network.draws keyed; see Engines); auto: static when the config allows it, else events" enum:"auto|events|static" sweep:"no"`
	Chord      chord.Config   `yaml:"chord" doc:"the Chord protocol's parameters"`
	Network    NetworkConfig  `yaml:"network" doc:"the simulated network"`
	Workload   WorkloadConfig `yaml:"workload" doc:"keys placed on the ring and lookups issued"`
	Churn      ChurnConfig    `yaml:"churn" doc:"membership changes while lookups run"`
	Failure    FailureConfig  `yaml:"failure" doc:"a mass failure of a fraction of the nodes at one instant"`
	KV         KVConfig       `yaml:"kv" doc:"the key-value service and the requests it serves (on when kv.requests > 0 or kv.file is set)"`
	// Costs is the message-size model behind the bytes columns; it
	// changes no protocol behaviour.
	Costs chord.Costs `yaml:"costs" doc:"message sizes in bytes, for the bandwidth columns (Li et al. 2005's model by default)"`
	// CheckInvariants checks the ring invariants on every membership change
	// and every stabilization period, and stops the run at the first
	// violation with a report.
	CheckInvariants bool `yaml:"check_invariants" doc:"check the ring invariants (correctness reference §1) on every membership change and once per stabilization period; stop at the first violation with a report" sweep:"no"`
	// Plots chooses the figures `chordsim run` draws; it changes no result
	// and is no part of a run's identity.
	Plots PlotsConfig `yaml:"plots" doc:"the figures chordsim run draws into plots/"`
	// TimeSeries samples a run's counters over simulated time into
	// timeseries.csv; off (every 0s) it schedules nothing, so a run is the
	// same events as without it.
	TimeSeries TimeSeriesConfig `yaml:"timeseries" doc:"per-run counters sampled over simulated time into timeseries.csv"`
	// Pointers samples the pointer state of the ring (wrong and dead
	// successors, dead fingers, finger age) as the oracle sees it; off
	// (every 0s) it schedules nothing and keeps no finger times.
	Pointers PointersConfig `yaml:"pointers" doc:"pointer-state statistics sampled over the measurement window (issue 18; Krishnamurthy et al., IPTPS 2005)"`
}

// PointersConfig sets the sampling of the pointer-state statistics.
type PointersConfig struct {
	Every sim.Duration `yaml:"every" doc:"simulated time between two samples of the live members' pointers (wrong and dead first successors, first two successors dead, dead fingers by level, finger age since the last refresh), averaged over the measurement window into results.csv and per interval into timeseries.csv; 0s: off (no columns, no finger times kept, 4·m bytes per node less)" unit:"duration" sweep:"no"`
}

// TimeSeriesConfig sets the sampling of a run's time series.
type TimeSeriesConfig struct {
	Every sim.Duration `yaml:"every" doc:"simulated time between two samples of the measurement window (live nodes, joins, failures, leaves, lookups, messages by kind) written to timeseries.csv; 0s: off, no file" unit:"duration" sweep:"no"`
}

// PlotsConfig chooses the figures of a run's folder: one per metric, its
// mean over the replicates with the 95% CI against a sweep axis.
type PlotsConfig struct {
	Metrics string `yaml:"metrics" doc:"comma-separated results.csv columns to plot, one figure each (mean over replicates, 95% CI); empty: no plots" sweep:"no"`
	X       string `yaml:"x" doc:"config path of the sweep axis on the x axis; empty: the first sweep axis. Each value of the other axes gets its own line" sweep:"no"`
}

// ChurnConfig describes continuous membership change (churn package).
type ChurnConfig struct {
	Rate      float64      `yaml:"rate" doc:"joins and departures each arrive as a Poisson process at this rate across the ring (S01 Fig. 12's R); departures are churn.depart" unit:"1/s"`
	JoinRate  float64      `yaml:"join_rate" doc:"extra Poisson joins (new nodes with fresh identifiers), on top of rate" unit:"1/s"`
	FailRate  float64      `yaml:"fail_rate" doc:"extra Poisson failures of random members, on top of rate" unit:"1/s"`
	LeaveRate float64      `yaml:"leave_rate" doc:"extra Poisson graceful leaves of random members, on top of rate" unit:"1/s"`
	Depart    string       `yaml:"depart" doc:"how rate's departures and ended sessions leave: fail (crash) or leave (graceful, with hand-over)" enum:"fail|leave"`
	LeaveWait sim.Duration `yaml:"leave_wait" doc:"every graceful leave (depart leave, leave_rate, traces) first waits this long: the node runs no maintenance of its own, still answers lookups and holds its keys, and a node whose stabilize finds it leaving drops it; then it hands over and departs, as S01's churn simulator's leave does (LEAVE_WAIT = 60 s, sim/new def.h:17, leave.c:12–17, stabilize.c:17, 26, 60–65, 113). Churn picks no node in its wait for another departure (the simulator's generator drops a node when it writes its leave, traffic_gen.c:240–243); the leaves column counts leaves begun. 0s leaves at once (ToN §IV-E.4)" unit:"duration"`
	Session   churn.Dist   `yaml:"session" doc:"session time of every node (empty: no sessions): exp:MEAN, pareto:MEAN,ALPHA, weibull:MEAN,K, const:D or uniform:A,B" unit:"distribution"`
	Downtime  churn.Dist   `yaml:"downtime" doc:"time a node whose session ended stays down before it rejoins (same forms as session)" unit:"distribution"`
	Rejoin    string       `yaml:"rejoin" doc:"after the down time, a node rejoins with a new identifier, the same identifier, or never" enum:"new|same|never"`
	Trace     string       `yaml:"trace" doc:"file of membership events to replay, one 'TIME join|leave|fail NODE' a line (relative to the config file's folder, or with --set to the working directory; #K names the K-th node of the initial ring)" unit:"path"`
	Start     sim.Duration `yaml:"start" doc:"when churn begins, after the measurement starts (the end of settle)" unit:"duration"`
	Duration  sim.Duration `yaml:"duration" doc:"how long churn lasts; 0s: until the last lookup is answered" unit:"duration"`
}

// FailureConfig describes a mass failure (S01 Fig. 11, T03 §V).
type FailureConfig struct {
	Fraction        float64      `yaml:"fraction" doc:"fraction of the members that fail at once (0: no mass failure)" unit:"fraction"`
	At              sim.Duration `yaml:"at" doc:"when they fail, after the measurement starts" unit:"duration"`
	StopMaintenance bool         `yaml:"stop_maintenance" doc:"stop stabilize, fix_fingers and check_predecessor just before the failure (T03 §V: lookups over the damaged tables)"`
}

// KVConfig describes the key-value service (chord/kv) and the requests it
// serves.
type KVConfig struct {
	// The service's own knobs (replicas, consistency, timeouts, repair),
	// declared and validated by package kv.
	kv.Config `yaml:",inline"`
	// The requests the service answers in a run.
	File                 string       `yaml:"file" doc:"requests from a file in the reference systems' format (see kv.request_type), relative to the config file's folder (with --set: to the working directory); replaces the generated requests" unit:"path"`
	RequestType          string       `yaml:"request_type" doc:"how to read kv.file: insert (KEY,VALUE lines), query (KEY lines) or mix (insert,KEY,VALUE / query,KEY / delete,KEY lines)" enum:"insert|query|mix"`
	Requests             int          `yaml:"requests" doc:"generated requests per run (0 with no kv.file: the service is off)" unit:"requests" range:"0 to 67108864 (2^26)"`
	Keys                 int          `yaml:"keys" doc:"generated requests: key population key0…key{keys−1}" unit:"keys"`
	KeyDist              string       `yaml:"key_dist" doc:"generated requests: how keys are picked" enum:"uniform|zipf"`
	ZipfExponent         float64      `yaml:"zipf_exponent" doc:"key_dist zipf: P(key i) ∝ 1/(i+1)^s" unit:"s"`
	ReadFraction         float64      `yaml:"read_fraction" doc:"generated requests: fraction that are queries" unit:"fraction"`
	DeleteFraction       float64      `yaml:"delete_fraction" doc:"generated requests: fraction that are deletes (the rest are inserts and updates)" unit:"fraction"`
	Preload              bool         `yaml:"preload" doc:"before the first request, store every key of the population (value v0) at its k owners, as a completed earlier run would have (the oracle places them)"`
	Clients              int          `yaml:"clients" doc:"closed loop: this many clients each issue a request as soon as their previous one is answered (the reference's file / fileparallel); ignored when kv.rate > 0" unit:"clients"`
	Rate                 float64      `yaml:"rate" doc:"open loop: requests arrive as a Poisson process at this rate, each from a random member (0: closed loop)" unit:"1/s"`
	CheckLinearizability bool         `yaml:"check_linearizability" doc:"check the run's history with porcupine (per key) and report kv_linearizable; costly on long contended histories, hence the budgets below"`
	CheckKeyTimeout      sim.Duration `yaml:"check_key_timeout" doc:"wall-clock budget of the linearizability check of one key; a key not decided in time makes the verdict unknown (kv_linearizability_unknown), never a guess; 0s: no limit" unit:"duration"`
	CheckTimeout         sim.Duration `yaml:"check_timeout" doc:"wall-clock budget of one run's whole linearizability check; 0s: no limit" unit:"duration"`
	CheckKeyMemoryMB     int          `yaml:"check_key_memory_mb" doc:"memory budget of the check of one key, estimated from the search states porcupine stores (deterministic: the same history and budget give the same verdict); 0: no limit" unit:"MiB"`
	CheckMemoryMB        int          `yaml:"check_memory_mb" doc:"memory budget of one run's check: keys are checked at most check_memory_mb / check_key_memory_mb at a time (runs in parallel each have their own); 0: no limit" unit:"MiB"`
}

// NetworkConfig holds the network model.
type NetworkConfig struct {
	Latency sim.Latency `yaml:"latency" doc:"topology none: every message's one-way delay, drawn independently of who sends it to whom: const:D, uniform:D1,D2, exp:MEAN or lognormal:MEDIAN,SIGMA (with a topology, leave it at its default and give network.jitter)" unit:"distribution"`
	Loss    float64     `yaml:"loss" doc:"probability that a message is lost" unit:"fraction"`
	Draws   string      `yaml:"draws" doc:"stream: each message's delay and loss is the next draw of the run's random stream, in the order messages are sent; keyed: a hash of the seed, the sender, the receiver, the send time and the direction, independent of the order of events (same distributions, other values)" enum:"stream|keyed"`
	// The topology (network.topology and its sections), declared and
	// validated by package topology.
	topology.Config `yaml:",inline"`
	Jitter          sim.Latency `yaml:"jitter" doc:"with a topology: a draw of this distribution (same forms as network.latency, drawn as network.draws says) is added to each message's base delay from the topology; const:0s: none, the topology's delay alone. Must stay const:0s with topology none" unit:"distribution"`
	// DrainEvery models T03's per-node request queue (sim.Drain).
	DrainEvery sim.Drain `yaml:"drain_every" doc:"off: a message is handled when it arrives; a distribution (forms of network.latency, mean at least 1ms): each node handles the messages that reached it, requests and replies, in arrival order, only at drain instants whose gaps are draws of it, the first when the node comes up; a message waiting at a node that is down by its drain is dropped. T03's simulator drains every uniform:250ms,750ms (sit/dht sim/no-rpc request.c:91–93, def.h:47), and decides liveness from the simulator (chord.detect oracle): with chord.detect timeout, chord.rpc_timeout must outlast two drain gaps and a round trip, or live peers time out. Not with the key-value service or engine static" unit:"distribution"`
}

// WorkloadConfig holds what the ring is asked to do.
type WorkloadConfig struct {
	Keys        int     `yaml:"keys" doc:"keys placed on the ring, for the load statistics; lookups pick among them" unit:"keys" range:"0 to 67108864 (2^26)"`
	KeysPerNode float64 `yaml:"keys_per_node" doc:"keys placed per node (keys = keys_per_node·n); use instead of keys when sweeping n" unit:"keys/node"`
	Lookups     int     `yaml:"lookups" doc:"lookups per run, from uniformly random members" unit:"lookups" range:"0 to 134217728 (2^27)"`
	LookupRate  float64 `yaml:"lookup_rate" doc:"rate of the Poisson process of lookups across the whole ring" unit:"1/s"`
	// PerNodeRate is Li et al.'s workload (every live node issues lookups
	// with exponential gaps); it replaces LookupRate when set.
	PerNodeRate float64      `yaml:"lookup_rate_per_node" doc:"when above 0: lookups per second per live member (Li et al. 2005: 1/600, a lookup every 10 minutes on average), replacing lookup_rate; the gap to the next lookup is drawn at each lookup at this rate times the members then" unit:"1/s"`
	Start       sim.Duration `yaml:"start" doc:"when the first lookup is issued, after the measurement starts (e.g. to let the ring recover from a mass failure first)" unit:"duration"`
	// S01Lookups bounds the cost of the *_s01_path columns: counting a
	// lookup in S01's way walks a second route over the ideal ring, as
	// costly as the lookup itself on the static engine.
	S01Lookups int `yaml:"s01_lookups" doc:"the *_s01_path columns count the first s01_lookups lookups of each run (S01 Fig. 10's simulator's path, a second walk per lookup); 0: every lookup. The default covers Fig. 10's 10^5 lookups a ring whole; a mean from 10^5 lookups is within about ±0.01 hop (95%)" unit:"lookups" range:"0 to 134217728 (2^27)"`
}

// Defaults returns the configuration every field falls back to.
func Defaults() Config {
	return Config{
		Experiment: "custom",
		Seed:       1,
		Replicates: 1,
		N:          1024,
		Bootstrap:  "ideal",
		IDs:        "sha1",
		Engine:     "auto",
		JoinEvery:  sim.Second,
		Settle:     0,
		Chord:      chord.DefaultConfig(),
		Costs:      chord.DefaultCosts(),
		Network: NetworkConfig{
			Latency: sim.Latency{Kind: sim.Exponential, A: 50 * sim.Millisecond},
			Draws:   "stream",
			Config:  topology.Default(),
		},
		Workload: WorkloadConfig{
			Lookups:    10_000,
			LookupRate: 100,
			S01Lookups: 100_000,
		},
		Churn: ChurnConfig{Depart: "fail", Rejoin: "new"},
		Plots: PlotsConfig{Metrics: "mean_hops, failed_fraction, mean_latency_ms"},
		KV: KVConfig{
			Config:       kv.DefaultConfig(),
			RequestType:  "mix",
			Keys:         100,
			KeyDist:      "uniform",
			ZipfExponent: 1,
			ReadFraction: 0.5,
			Clients:      1,
			// A contended key decides in milliseconds; these budgets only
			// stop a pathological search (issue 17: one grew past 8 GB).
			CheckKeyTimeout:  10 * sim.Second,
			CheckTimeout:     60 * sim.Second,
			CheckKeyMemoryMB: 512,
			CheckMemoryMB:    2048,
		},
	}
}

// KVService is the kv package's config of the service.
func (c *Config) KVService() kv.Config { return c.KV.Config }

// KVOn reports whether the run uses the key-value service.
func (c *Config) KVOn() bool { return c.KV.Requests > 0 || c.KV.File != "" }

// KVSpec is the generated-request description.
func (c *Config) KVSpec() workload.Spec {
	d, _ := workload.ParseKeyDist(c.KV.KeyDist)
	return workload.Spec{Keys: c.KV.Keys, Dist: d, ZipfExponent: c.KV.ZipfExponent, ReadFraction: c.KV.ReadFraction, DeleteFraction: c.KV.DeleteFraction}
}

// Protocol is the chord package's config of the ring.
func (c *Config) Protocol() chord.Config { return c.Chord }

// PlacedKeys is the number of keys a run places.
func (c *Config) PlacedKeys() int {
	if c.Workload.KeysPerNode > 0 {
		k := math.Round(c.Workload.KeysPerNode * float64(c.N))
		if !(k <= 1<<40) {
			// Saturate: converting a float beyond int's range gives an
			// arbitrary int; Validate refuses anything above MaxKeys.
			return 1 << 40
		}
		return int(k)
	}
	return c.Workload.Keys
}

// StaticBlocker says why the config's lookups cannot run on the static
// engine (chord.Ring.RunStatic), and how to allow it, or returns "" if
// they can: nothing may change the ring or delay a lookup past a timeout
// while they run. The protocol's and the network's part of the rules is
// chord's list (chord.BrokenStaticRule); the rest is about the run.
func (c *Config) StaticBlocker() string {
	if rule, broken := chord.BrokenStaticRule(c.Chord, c.Net()); broken {
		switch rule {
		case chord.KeyedDraws:
			return "network.draws is " + c.Network.Draws + "; set it to keyed"
		case chord.NoLoss:
			return fmt.Sprintf("network.loss is %v; set it to 0", c.Network.Loss)
		case chord.IterativeLookups:
			return "chord.lookup is " + c.Chord.Lookup.String() + "; set it to iterative"
		case chord.NoMaintenance:
			return "maintenance is on; set chord.stabilize_every, chord.fix_fingers_every and chord.check_predecessor_every to 0s"
		case chord.BoundedLatency:
			return fmt.Sprintf("network.latency %s has no upper bound, so a request could time out; use const or uniform", c.Network.Latency)
		case chord.FixedTimeouts:
			return fmt.Sprintf("chord.rtt_timeout is %v, so a request could time out; set it to 0", c.Chord.RTTTimeout)
		case chord.NoDrain:
			return fmt.Sprintf("network.drain_every is %s (messages wait in the nodes' queues); set it to off", c.Network.DrainEvery)
		default:
			worst, _ := c.Net().MaxDelay()
			return fmt.Sprintf("a round trip can take %s, not less than chord.rpc_timeout %s; raise the timeout or lower the latency", 2*worst, c.Chord.RPCTimeout)
		}
	}
	if why := c.topologyBlocker(); why != "" {
		return why
	}
	switch {
	case c.Workload.Lookups == 0:
		return "workload.lookups is 0; there is nothing to compute"
	case c.Bootstrap != "ideal":
		return "bootstrap is " + c.Bootstrap + "; set it to ideal"
	case c.Churning() || c.Failure.Fraction > 0 || c.Failure.StopMaintenance:
		return "churn or a mass failure is configured; remove it"
	case c.KVOn():
		return "the key-value service is on; set kv.requests to 0 and kv.file to \"\""
	case c.CheckInvariants:
		return "check_invariants is on; turn it off"
	case c.TimeSeries.Every > 0:
		return "timeseries.every is on (the static engine has no simulated time to sample); set it to 0s"
	case c.Pointers.Every > 0:
		return "pointers.every is on (the static engine has no simulated time to sample); set it to 0s"
	}
	return ""
}

// topologyBlocker is StaticBlocker's check of the topology's longest
// delay, where it is known before the run (not for a matrix file, which
// the ring checks when the run starts: chord.Ring.StaticReady).
func (c *Config) topologyBlocker() string {
	if !c.Network.On() {
		return ""
	}
	base, ok := c.Network.Bound()
	if !ok {
		if c.Network.Kind == "euclidean" {
			return fmt.Sprintf("network.euclidean.access %s has no upper bound, so a request could time out; use const or uniform", c.Network.Euclidean.Access)
		}
		return ""
	}
	jit, _ := c.Network.Jitter.Max()
	if rtt := 2 * (base + jit); rtt >= c.Chord.RPCTimeout {
		return fmt.Sprintf("a round trip on network.topology %s can take %s, not less than chord.rpc_timeout %s; raise the timeout", c.Network.Kind, rtt, c.Chord.RPCTimeout)
	}
	return ""
}

// Net is the network model of the ring and the key-value service, without
// its topology: that depends on the run's seed (and may need a matrix
// file), so the run builds it (topology.Config.Build) and sets
// NetConfig.Topology. With a topology the latency model is the jitter.
func (c *Config) Net() sim.NetConfig {
	lat := c.Network.Latency
	if c.Network.On() {
		lat = c.Network.Jitter
	}
	return sim.NetConfig{Latency: lat, Loss: c.Network.Loss, Keyed: c.Network.Draws == "keyed", Drain: c.Network.DrainEvery}
}

// Churning reports whether any continuous churn is configured.
func (c *Config) Churning() bool {
	return c.Churn.Rate > 0 || c.Churn.JoinRate > 0 || c.Churn.FailRate > 0 || c.Churn.LeaveRate > 0 ||
		!c.Churn.Session.IsZero() || c.Churn.Trace != ""
}

// MaxNodes bounds n (and `chordsim bench --nodes`): no ring of more members
// is simulated, whatever its settings. MaxRingBytes bounds the memory a
// ring's node state may take, estimated from n, m and r before anything is
// allocated (chord.StateBytes), so that a config too large for the machine
// is refused with the estimate instead of crashing out of memory: at the
// default m = 64 and r = 16 a member takes 616 bytes, so the
// 2^24-member ring of the scale targets (9.7 GiB) fits, and 2^25 does not.
const (
	MaxNodes     = 1 << 25
	MaxRingBytes = 16 << 30
)

// Bounds on the other quantities of a run, each from what the simulator
// can do. MaxKeys keys take 1 GiB of identifiers and names; MaxLookups
// lookups keep 1 GiB of latency samples (8 bytes each). MaxDuration bounds
// every duration field: the clock ends after 292 years (int64
// nanoseconds), and a run adds up several of them (settle, start, duration,
// n·join_every), so each is held far below that. MinPeriod bounds the
// maintenance periods from below: a node that starts a round more often
// than its messages travel piles up requests without bound.
const (
	MaxKeys     = 1 << 26
	MaxLookups  = 1 << 27
	MaxDuration = 10 * 365 * 24 * sim.Hour
	MinPeriod   = sim.Millisecond
)

// RunBytes estimates the memory one run of c holds live, in bytes, before
// anything is allocated: the ring's node state (chord.StateBytes) and 128
// bytes a member for the event queue and the network's bookkeeping
// (measured: 722 bytes a member live at 2^22 members with maintenance on,
// 616 of them node state), an 8-byte latency sample per lookup, and about
// 32 bytes per placed key
// (identifier, name, bookkeeping) and 128 per key-value request (the
// request, its history entry and the client's state), plus 4 bytes a
// finger with pointers.every on, and with a topology two more samples per
// lookup and the topology's tables. A sweep is checked against the
// machine's memory with it.
func (c *Config) RunBytes() uint64 {
	members := uint64(max(c.N, 0)) * uint64(max(c.Chord.VirtualNodes, 1))
	if members > MaxNodes {
		members = MaxNodes
	}
	r := c.Chord.Successors
	if r < 1 || r > 1<<16 {
		r = 16
	}
	b := chord.StateBytes(int(members), c.fingerSlots(), r) + (128+chord.RTTBytesPerMember(c.Chord))*members
	if c.Pointers.Every > 0 {
		b += 4 * uint64(c.fingerSlots()) * members // the fingers' refresh times (chord.Ring.TrackFingerAge)
	}
	b += 8 * uint64(min(max(c.Workload.Lookups, 0), MaxLookups))
	b += 32 * uint64(min(max(c.PlacedKeys(), 0), MaxKeys))
	b += 128 * uint64(min(max(c.KV.Requests, 0), 1<<26))
	if c.Network.On() {
		// Two more samples per lookup (successful latency, stretch) and
		// the topology's own tables (a matrix file's are counted by its
		// size when it is read: at most 256 MiB).
		b += 16 * uint64(min(max(c.Workload.Lookups, 0), MaxLookups))
		b += c.Network.EstimateBytes()
	}
	return b
}

// fingerSlots is the number of finger entries per member that c's ring
// has (chord.FingerSlots), or m's if chord.base is not a valid base (the
// base's own check reports it).
func (c *Config) fingerSlots() int {
	m, b := c.Chord.Bits, c.Chord.Base
	if m < 1 || m > 64 {
		m = 64
	}
	if b < 2 || b > chord.MaxBase || b&(b-1) != 0 || b > 1<<min(m, 16) {
		return m
	}
	return chord.FingerSlots(m, b)
}

// Validate lists every problem with c, one line each, naming the field, the
// value and how to fix it.
func (c *Config) Validate() error {
	var bad problems
	c.validateRing(&bad)
	c.validateEngineAndNetwork(&bad)
	c.validateWorkload(&bad)
	c.validateChurn(&bad)
	c.validateKV(&bad)
	if c.Churning() && c.Workload.Lookups == 0 && !c.KVOn() && c.Churn.Duration == 0 {
		bad.add("churn.duration", "is 0s (until the last lookup or request) but workload.lookups and kv.requests are 0; give churn a duration")
	}
	if !(c.Failure.Fraction >= 0 && c.Failure.Fraction < 1) {
		bad.add("failure.fraction", "%v is outside [0, 1); it is the fraction of members that fail at once", c.Failure.Fraction)
	}
	if c.Failure.At < 0 {
		bad.add("failure.at", "%v is negative; the failure happens at or after the measurement start", c.Failure.At)
	}
	if c.Bootstrap == "protocol" && c.Chord.StabilizeEvery == 0 {
		bad.add("chord.stabilize_every", "0s with bootstrap: protocol: a ring that grows by joins needs stabilization; set a period such as 30s")
	}
	return errors.Join(bad...)
}

// validateRing checks the run's shape and the ring: replicates, n, the
// chord section (package chord's own checks, then how it fits n: members,
// identifier space, memory) and the build's timings.
func (c *Config) validateRing(bad *problems) {
	if c.Replicates < 1 {
		bad.add("replicates", "%d is less than 1; run at least one replicate", c.Replicates)
	}
	if c.N < 1 {
		bad.add("n", "%d is less than 1; a ring needs at least one node", c.N)
	} else if c.N > MaxNodes {
		bad.add("n", "%d nodes is more than this build simulates; use at most %d (2^25)", c.N, MaxNodes)
	}
	// The protocol's own knobs, checked by package chord.
	bad.section("chord", c.Chord.Validate())
	bad.section("costs", c.Costs.Validate())
	v := max(c.Chord.VirtualNodes, 1)
	if v > 1 && c.Bootstrap != "ideal" {
		bad.add("chord.virtual_nodes", "%d needs bootstrap: ideal; virtual nodes are not yet joined through the protocol", v)
	}
	// The product is checked by division first, so that it cannot overflow.
	members := 0
	if c.N >= 1 && c.N <= MaxNodes {
		if v > MaxNodes/c.N {
			bad.add("chord.virtual_nodes", "%d with n = %d makes more than %d (2^25) ring members, the most this build simulates; lower n or virtual_nodes so that n·virtual_nodes is at most %d", v, c.N, MaxNodes, MaxNodes)
		} else {
			members = c.N * v
		}
	}
	m := c.Chord.Bits
	if m >= 1 && m < 63 && members > 1<<uint(m) {
		bad.add("n", "%d ring members do not fit in a %d-bit identifier space (at most %d); raise chord.m or lower n", members, m, 1<<uint(m))
	}
	if members >= 1 && members <= MaxNodes && m >= 1 && m <= 64 && c.Chord.Successors >= 1 {
		rtt := chord.RTTBytesPerMember(c.Chord)
		if need := chord.StateBytes(members, c.fingerSlots(), c.Chord.Successors) + rtt*uint64(members); need > MaxRingBytes {
			per := chord.StateBytes(1, c.fingerSlots(), c.Chord.Successors) + rtt
			bad.add("n", "%d ring members with chord.m = %d, chord.base = %d and chord.successors = %d need %d bytes (%.1f GiB) of node state (%d bytes each), more than the %d GiB limit; use at most %d members at these settings, or lower chord.m, chord.base or chord.successors",
				members, m, c.Chord.Base, c.Chord.Successors, need, float64(need)/(1<<30), per, MaxRingBytes>>30, MaxRingBytes/per)
		}
	}
	for _, p := range []struct {
		path string
		d    sim.Duration
	}{{"join_every", c.JoinEvery}, {"settle", c.Settle}} {
		if p.d < 0 {
			bad.add(p.path, "%v is negative; use a positive duration, or 0s to turn it off", p.d)
		}
	}
	if c.Bootstrap == "protocol" && c.N > 1 && c.JoinEvery > 0 && c.JoinEvery <= MaxDuration && c.JoinEvery > MaxDuration/sim.Duration(c.N) {
		bad.add("join_every", "%v for each of n = %d joins makes the build last more than %v, the longest time a run may span; lower join_every or n", c.JoinEvery, c.N, MaxDuration)
	}
	c.validateDurations(bad)
}

// validateDurations bounds every duration field: none may exceed
// MaxDuration, and a maintenance period that is on may not be shorter than
// MinPeriod.
func (c *Config) validateDurations(bad *problems) {
	k := c.KV.Config
	for _, p := range []struct {
		path   string
		d      sim.Duration
		period bool
	}{
		{"join_every", c.JoinEvery, false}, {"settle", c.Settle, false},
		{"chord.stabilize_every", c.Chord.StabilizeEvery, true}, {"chord.fix_fingers_every", c.Chord.FixFingersEvery, true},
		{"chord.check_predecessor_every", c.Chord.CheckPredecessorEvery, true},
		{"chord.rpc_timeout", c.Chord.RPCTimeout, false}, {"chord.lookup_timeout", c.Chord.LookupTimeout, false},
		{"kv.request_timeout", k.RequestTimeout, false}, {"kv.retry_backoff", k.RetryBackoff, false},
		{"kv.repair_every", k.RepairEvery, true}, {"kv.replica_ttl", k.ReplicaTTL, false}, {"kv.propagate_delay", k.PropagateDelay, false},
		{"churn.start", c.Churn.Start, false}, {"churn.duration", c.Churn.Duration, false},
		{"workload.start", c.Workload.Start, false}, {"failure.at", c.Failure.At, false},
	} {
		switch {
		case p.d > MaxDuration:
			bad.add(p.path, "%v is longer than %v (10 years), the longest a duration may be: the clock ends after 292 years and a run adds several durations up; use at most 87600h", p.d, MaxDuration)
		case p.period && p.d > 0 && p.d < MinPeriod:
			bad.add(p.path, "%v is shorter than %v: a node starting a maintenance round more often than its messages travel piles up requests without bound; use at least 1ms, or 0s to turn it off", p.d, MinPeriod)
		}
	}
}

// validateEngineAndNetwork checks engine static against what it can run,
// and the network.
func (c *Config) validateEngineAndNetwork(bad *problems) {
	if c.TimeSeries.Every < 0 {
		bad.add("timeseries.every", "%v is negative; give the sampling interval, such as 60s, or 0s for no time series", c.TimeSeries.Every)
	} else if c.TimeSeries.Every > 0 && c.TimeSeries.Every < MinPeriod {
		bad.add("timeseries.every", "%v is shorter than %v; sample at most once a millisecond of simulated time", c.TimeSeries.Every, MinPeriod)
	}
	if c.Pointers.Every < 0 {
		bad.add("pointers.every", "%v is negative; give the sampling interval, such as 30s, or 0s for no pointer statistics", c.Pointers.Every)
	} else if c.Pointers.Every > 0 && c.Pointers.Every < MinPeriod {
		bad.add("pointers.every", "%v is shorter than %v; sample at most once a millisecond of simulated time", c.Pointers.Every, MinPeriod)
	}
	if c.Engine == "static" {
		if why := c.StaticBlocker(); why != "" {
			bad.add("engine", "static cannot run this config: %s (or use engine auto or events)", why)
		}
	}
	if !(c.Network.Loss >= 0 && c.Network.Loss < 1) {
		bad.add("network.loss", "%v is outside [0, 1); it is the probability that a message is lost", c.Network.Loss)
	}
	// The topology's own knobs, checked by package topology.
	bad.section("network", c.Network.Config.Validate())
	if c.Network.On() && c.Network.Latency != Defaults().Network.Latency {
		bad.add("network.latency", "%s is the delay of topology none; with network.topology %s a message takes the topology's delay plus network.jitter, so move the distribution to network.jitter (or remove it)", c.Network.Latency, c.Network.Kind)
	}
	if c.Network.On() && c.Chord.VirtualNodes > 1 {
		bad.add("network.topology", "%s with chord.virtual_nodes = %d: a topology places each ring member on its own, so one host's virtual nodes would sit apart; use virtual_nodes 1 with a topology", c.Network.Kind, c.Chord.VirtualNodes)
	}
	if c.Network.DrainEvery.On && c.KVOn() {
		bad.add("network.drain_every", "%s with the key-value service on: the service's messages do not pass through the nodes' queues; set network.drain_every to off, or kv.requests to 0 and kv.file to \"\"", c.Network.DrainEvery)
	}
	if !c.Network.On() && c.Network.Jitter != (sim.Latency{}) {
		bad.add("network.jitter", "%s is added to a topology's delay, but network.topology is none; put the distribution in network.latency, or choose a topology", c.Network.Jitter)
	}
}

// validateWorkload checks the keys and lookups.
func (c *Config) validateWorkload(bad *problems) {
	if c.Workload.Keys < 0 {
		bad.add("workload.keys", "%d is negative", c.Workload.Keys)
	}
	if !(c.Workload.KeysPerNode >= 0) || math.IsInf(c.Workload.KeysPerNode, 0) {
		bad.add("workload.keys_per_node", "%v must be a finite number ≥ 0", c.Workload.KeysPerNode)
	} else if c.Workload.KeysPerNode > MaxKeys {
		bad.add("workload.keys_per_node", "%v is more keys per node than this build places in all (%d); use at most %d divided by n", c.Workload.KeysPerNode, MaxKeys, MaxKeys)
	} else if c.Workload.KeysPerNode > 0 && c.N >= 1 && c.PlacedKeys() > MaxKeys {
		bad.add("workload.keys_per_node", "%v with n = %d places about %.4g keys, more than this build places (%d); lower keys_per_node or n", c.Workload.KeysPerNode, c.N, c.Workload.KeysPerNode*float64(c.N), MaxKeys)
	}
	if c.Workload.Keys > 0 && c.Workload.KeysPerNode > 0 {
		bad.add("workload.keys", "set either keys (%d) or keys_per_node (%v), not both", c.Workload.Keys, c.Workload.KeysPerNode)
	}
	if c.Workload.Keys > MaxKeys {
		bad.add("workload.keys", "%d keys is more than this build places; use at most %d (2^26)", c.Workload.Keys, MaxKeys)
	}
	if c.Workload.S01Lookups < 0 {
		bad.add("workload.s01_lookups", "%d is negative; give 0 to count every lookup, or a positive count", c.Workload.S01Lookups)
	}
	if c.Workload.Lookups < 0 {
		bad.add("workload.lookups", "%d is negative", c.Workload.Lookups)
	} else if c.Workload.Lookups > MaxLookups {
		bad.add("workload.lookups", "%d lookups is more than a run makes (each keeps an 8-byte latency sample); use at most %d (2^27), or more replicates", c.Workload.Lookups, MaxLookups)
	}
	if !(c.Workload.LookupRate > 0) || math.IsInf(c.Workload.LookupRate, 0) {
		bad.add("workload.lookup_rate", "%v must be a positive number of lookups per second", c.Workload.LookupRate)
	}
	if !(c.Workload.PerNodeRate >= 0) || math.IsInf(c.Workload.PerNodeRate, 0) {
		bad.add("workload.lookup_rate_per_node", "%v must be 0 (off: lookup_rate applies) or a positive number of lookups per second per member, such as 0.00167 for one every 10 minutes", c.Workload.PerNodeRate)
	}
	if c.Workload.Start < 0 {
		bad.add("workload.start", "%v is negative; lookups start at or after the measurement start", c.Workload.Start)
	}
}

// validateChurn checks the churn section.
func (c *Config) validateChurn(bad *problems) {
	for _, r := range []struct {
		path string
		v    float64
	}{{"churn.rate", c.Churn.Rate}, {"churn.join_rate", c.Churn.JoinRate}, {"churn.fail_rate", c.Churn.FailRate}, {"churn.leave_rate", c.Churn.LeaveRate}} {
		if !(r.v >= 0) || math.IsInf(r.v, 0) {
			bad.add(r.path, "%v must be a finite rate ≥ 0 in events per second (0 turns it off)", r.v)
		} else if r.v > 1e6 {
			bad.add(r.path, "%v events per second is more than this simulator accepts (10^6)", r.v)
		}
	}
	if c.Churn.Start < 0 {
		bad.add("churn.start", "%v is negative; churn starts at or after the measurement start", c.Churn.Start)
	}
	if c.Churn.LeaveWait < 0 {
		bad.add("churn.leave_wait", "%v is negative; use 0s to leave at once, or a wait such as 60s (S01's churn simulator)", c.Churn.LeaveWait)
	}
	if c.Churn.Duration < 0 {
		bad.add("churn.duration", "%v is negative; use 0s for \"until the last lookup\"", c.Churn.Duration)
	}
	if !c.Churn.Session.IsZero() && c.Churn.Downtime.IsZero() && c.Churn.Rejoin != "never" {
		bad.add("churn.downtime", "is empty but sessions end and nodes rejoin; give a down time such as exp:10m, or set churn.rejoin: never")
	}
	if c.Churn.Trace != "" {
		var random []string
		for _, r := range []struct {
			name string
			on   bool
		}{{"churn.rate", c.Churn.Rate > 0}, {"churn.fail_rate", c.Churn.FailRate > 0}, {"churn.leave_rate", c.Churn.LeaveRate > 0},
			{"churn.session", !c.Churn.Session.IsZero()}, {"failure.fraction", c.Failure.Fraction > 0}} {
			if r.on {
				random = append(random, r.name)
			}
		}
		if len(random) > 0 {
			bad.add("churn.trace", "is replayed together with random departures (%s), which may remove a node the trace later fails or removes, and that event could not happen; replay the trace alone (churn.join_rate may stay), or write those departures into the trace", strings.Join(random, ", "))
		}
	}
	if c.Churn.Session.IsZero() && !c.Churn.Downtime.IsZero() {
		bad.add("churn.downtime", "is set but churn.session is empty; down times follow sessions, so give a session distribution such as exp:1h")
	}
}

// validateKV checks the kv section.
func (c *Config) validateKV(bad *problems) {
	k := c.KV
	// The service's own knobs, checked by package kv.
	bad.section("kv", k.Config.Validate(c.Chord.Successors))
	if _, err := workload.ParseMode(k.RequestType); err != nil {
		bad.add("kv.request_type", "%q is not insert, query or mix", k.RequestType)
	}
	if k.Requests < 0 || k.Requests > 1<<26 {
		bad.add("kv.requests", "%d is outside 0..%d", k.Requests, 1<<26)
	}
	if k.File != "" && k.Requests > 0 {
		bad.add("kv.requests", "%d is set together with kv.file %s; the file gives the requests, so set kv.requests to 0", k.Requests, k.File)
	}
	if k.Requests > 0 || k.Preload {
		if _, err := workload.ParseKeyDist(k.KeyDist); err != nil {
			bad.add("kv.key_dist", "%q is not uniform or zipf", k.KeyDist)
		} else if err := c.KVSpec().Validate(); err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				bad.add("kv", "%s", line)
			}
		}
	}
	for _, p := range []struct {
		path string
		d    sim.Duration
	}{{"kv.check_key_timeout", k.CheckKeyTimeout}, {"kv.check_timeout", k.CheckTimeout}} {
		if p.d < 0 {
			bad.add(p.path, "%v is negative; use a positive duration or 0s", p.d)
		}
	}
	for _, p := range []struct {
		path string
		mb   int
	}{{"kv.check_key_memory_mb", k.CheckKeyMemoryMB}, {"kv.check_memory_mb", k.CheckMemoryMB}} {
		if p.mb < 0 || p.mb > 1<<24 {
			bad.add(p.path, "%d is outside 0..%d MiB; 0 means no limit", p.mb, 1<<24)
		}
	}
	if k.CheckKeyMemoryMB > 0 && k.CheckMemoryMB > 0 && k.CheckKeyMemoryMB > k.CheckMemoryMB {
		bad.add("kv.check_key_memory_mb", "%d is more than kv.check_memory_mb = %d, the whole check's budget; lower it or raise kv.check_memory_mb", k.CheckKeyMemoryMB, k.CheckMemoryMB)
	}
	if k.Clients < 1 || k.Clients > 1<<20 {
		bad.add("kv.clients", "%d is outside 1..%d", k.Clients, 1<<20)
	}
	if !(k.Rate >= 0) || math.IsInf(k.Rate, 0) || k.Rate > 1e7 {
		bad.add("kv.rate", "%v must be a finite rate between 0 (closed loop) and 10^7 requests per second", k.Rate)
	}
	if c.Chord.VirtualNodes > 1 && c.KVOn() {
		bad.add("kv.requests", "the key-value service does not run with virtual nodes yet (chord.virtual_nodes = %d); use 1", c.Chord.VirtualNodes)
	}
}

// MaxFileBytes bounds a config file. The largest config that makes sense
// (every field set, sweep lists of a few hundred values) is a few KiB, so
// anything near this limit is not a config: it is a device, a data file
// or a generator picked by mistake, and it is refused before it is read
// whole.
const MaxFileBytes = 4 << 20

// ReadFile reads the config file at path, refusing a file (or device) of
// more than MaxFileBytes with a message that says so.
func ReadFile(path string) ([]byte, error) {
	src, err := bounded.ReadFile(path, MaxFileBytes)
	var tl *bounded.TooLargeError
	switch {
	case errors.As(err, &tl):
		return nil, fmt.Errorf("config file %s is larger than %s, more than any config needs; give the path of a YAML config file", path, bounded.Size(MaxFileBytes))
	case err != nil:
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("config file %s cannot be read: %v; check the path", path, err)
	}
	return src, nil
}

// Parse decodes a YAML config onto the defaults, strictly (see yamlconf):
// a list where a single value is expected becomes a sweep axis. A file
// with no field at all (empty, or only comments) is refused: running the
// default experiment from it would hide a wrong or truncated file.
func Parse(src []byte, filename string) (Config, []yamlconf.Axis, error) {
	if !hasContent(src) {
		return Config{}, nil, &yamlconf.Error{Problems: []yamlconf.Problem{{File: filename,
			Message: "the config sets no field (the file is empty or holds only comments); write at least one field, such as \"experiment: my-test\", to run the defaults on purpose"}}}
	}
	cfg := Defaults()
	axes, err := yamlconf.DecodePartial(src, filename, &cfg)
	if err != nil {
		var e *yamlconf.Error
		if errors.As(err, &e) {
			// Report what the values mean in the same pass as how they
			// are written, so that a config is fixed in one round.
			e.Problems = append(e.Problems, cfg.Problems(filename, yamlconf.Lines(src), e.Problems)...)
			sort.SliceStable(e.Problems, func(i, j int) bool { return e.Problems[i].Line < e.Problems[j].Line })
		}
		return Config{}, nil, err
	}
	if lines := yamlconf.Lines(src); lines != nil {
		if _, ok := lines["chord.protocol"]; ok {
			// The preset fills the choices the file leaves out; the
			// file's own (decoded above) stay.
			chord.ApplyPreset(&cfg.Chord, cfg.Chord.Protocol, func(key string) bool {
				_, set := lines["chord."+key]
				return set
			})
		}
	}
	return cfg, axes, nil
}

// Set applies one command-line override (yamlconf.Set) to cfg and axes.
// Setting chord.protocol applies the preset's choices over the config's,
// except those swept; overrides given after it change them again.
func Set(cfg *Config, axes []yamlconf.Axis, path string, values []string) ([]yamlconf.Axis, error) {
	axes, err := yamlconf.Set(cfg, axes, path, values)
	if err != nil || path != "chord.protocol" {
		return axes, err
	}
	chord.ApplyPreset(&cfg.Chord, cfg.Chord.Protocol, func(key string) bool {
		return slices.ContainsFunc(axes, func(a yamlconf.Axis) bool { return a.Path == "chord."+key })
	})
	return axes, nil
}

// pathFields are the fields that name input files.
var pathFields = []string{"churn.trace", "kv.file", "network.matrix.file"}

// ResolvePaths makes the relative input paths of a config read from a file
// (churn.trace, kv.file and network.matrix.file, in the base config and in sweep lists) relative
// to dir, the config file's folder, so that a config names the files beside
// it whatever the working directory. Paths given later with --set stay
// relative to the working directory, like any path on a command line.
func ResolvePaths(c *Config, axes []yamlconf.Axis, dir string) {
	resolve := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
	c.Churn.Trace = resolve(c.Churn.Trace)
	c.KV.File = resolve(c.KV.File)
	c.Network.Matrix.File = resolve(c.Network.Matrix.File)
	for i := range axes {
		if slices.Contains(pathFields, axes[i].Path) {
			vals := make([]string, len(axes[i].Values))
			for j, v := range axes[i].Values {
				vals[j] = resolve(v)
			}
			axes[i].Values = vals
		}
	}
}

// Problems returns Validate's problems as yamlconf problems of the file
// filename, each with the line of its field from lines (see
// yamlconf.Lines), leaving out those about a field already in known (its
// value was not read, so the default Validate saw says nothing).
func (c *Config) Problems(filename string, lines map[string]int, known []yamlconf.Problem) []yamlconf.Problem {
	err := c.Validate()
	if err == nil {
		return nil
	}
	var out []yamlconf.Problem
	for _, msg := range strings.Split(err.Error(), "\n") {
		path, _, _ := strings.Cut(msg, ": ")
		skip := false
		for _, k := range known {
			if k.Path != "" && (k.Path == path || strings.HasPrefix(path, k.Path+".") || strings.HasPrefix(k.Path, path+".")) {
				skip = true
			}
		}
		if !skip {
			out = append(out, yamlconf.Problem{File: filename, Line: lines[path], Path: path, Message: msg})
		}
	}
	return out
}

// WithLines prefixes each line of a validation error (as NewPlan returns
// it: "path: problem", one a line) with "filename:LINE: " when lines (see
// yamlconf.Lines) knows where its field is written and the field was not
// overridden (overridden lists the paths given on the command line).
func WithLines(err error, filename string, lines map[string]int, overridden []string) error {
	if err == nil || len(lines) == 0 {
		return err
	}
	var out []string
	for _, msg := range strings.Split(err.Error(), "\n") {
		path, _, _ := strings.Cut(msg, ": ")
		if l := lines[path]; l > 0 && !slices.Contains(overridden, path) && !strings.HasPrefix(msg, filename+":") {
			msg = fmt.Sprintf("%s:%d: %s", filename, l, msg)
		}
		out = append(out, msg)
	}
	return errors.New(strings.Join(out, "\n"))
}

// hasContent reports whether src holds anything but blank lines, comments
// and document markers.
func hasContent(src []byte) bool {
	for _, l := range strings.Split(string(src), "\n") {
		t := strings.TrimSpace(strings.TrimPrefix(l, "\uFEFF"))
		if t != "" && !strings.HasPrefix(t, "#") && t != "---" && t != "..." {
			return true
		}
	}
	return false
}

// problems collects a config's problems, one error a line, each naming its
// field path.
type problems []error

// add adds the problem of the field at path.
func (p *problems) add(path string, format string, args ...any) {
	*p = append(*p, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...)))
}

// section adds the problems a subsystem found with its own config section
// (each "key: problem", joined), each with the section's path in front, so
// that every line names the field as the config file does.
func (p *problems) section(path string, err error) {
	if err == nil {
		return
	}
	list := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	}
	for _, e := range list {
		*p = append(*p, fmt.Errorf("%s.%w", path, e))
	}
}
