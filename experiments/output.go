package experiments

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/chord/kv"
	"github.com/chordsim/chordsim/internal/yamlconf"
	"github.com/chordsim/chordsim/metrics"
	"github.com/chordsim/chordsim/run"
)

// A metric is one per-run number: a column of results.csv and an entry of
// summary.json.
type metric struct {
	name  string
	isInt bool
	value func(r *RunResult) float64
}

// failed counts the lookups that did not find their key (run.Result.Failed).
func failed(r *RunResult) int { return r.Failed() }

func quantile(h *metrics.IntHist, p float64) float64 {
	if h.N() == 0 {
		return math.NaN()
	}
	return float64(h.Quantile(p))
}

func sampleQuantile(s *metrics.Samples, p float64) float64 {
	if s.N() == 0 {
		return math.NaN()
	}
	return s.Quantile(p)
}

// MetricIndex is the position of the named metric in a RunResult's Values
// (its column among the metrics of results.csv). It panics if there is no
// such metric: names are the program's own.
func MetricIndex(name string) int {
	for i, m := range metricsList {
		if m.name == name {
			return i
		}
	}
	panic("experiments: no metric " + name)
}

// metricsList is the fixed order of the metric columns.
var metricsList = []metric{
	{"members", true, func(r *RunResult) float64 { return float64(r.Members) }},
	{"lookups", true, func(r *RunResult) float64 { return float64(r.Lookups) }},
	{"mean_hops", false, func(r *RunResult) float64 { return r.Hops.Mean() }},
	{"stddev_hops", false, func(r *RunResult) float64 { return r.Hops.Stddev() }},
	{"p1_hops", false, func(r *RunResult) float64 { return quantile(&r.Hops, 0.01) }},
	{"p50_hops", false, func(r *RunResult) float64 { return quantile(&r.Hops, 0.50) }},
	{"p99_hops", false, func(r *RunResult) float64 { return quantile(&r.Hops, 0.99) }},
	{"max_hops", false, func(r *RunResult) float64 { return quantile(&r.Hops, 1) }},
	{"mean_s01_path", false, func(r *RunResult) float64 { return r.S01Path.Mean() }},
	{"stddev_s01_path", false, func(r *RunResult) float64 { return r.S01Path.Stddev() }},
	{"p1_s01_path", false, func(r *RunResult) float64 { return quantile(&r.S01Path, 0.01) }},
	{"p50_s01_path", false, func(r *RunResult) float64 { return quantile(&r.S01Path, 0.50) }},
	{"p99_s01_path", false, func(r *RunResult) float64 { return quantile(&r.S01Path, 0.99) }},
	{"max_s01_path", false, func(r *RunResult) float64 { return quantile(&r.S01Path, 1) }},
	{"mean_latency_ms", false, func(r *RunResult) float64 { return r.Latency.Mean() }},
	{"p50_latency_ms", false, func(r *RunResult) float64 { return sampleQuantile(&r.Latency, 0.50) }},
	{"p99_latency_ms", false, func(r *RunResult) float64 { return sampleQuantile(&r.Latency, 0.99) }},
	{"mean_messages", false, func(r *RunResult) float64 { return perLookup(float64(r.Messages), r) }},
	{"mean_timeouts", false, func(r *RunResult) float64 { return r.Timeouts.Mean() }},
	{"p99_timeouts", false, func(r *RunResult) float64 { return quantile(&r.Timeouts, 0.99) }},
	{"failed_lookups", true, func(r *RunResult) float64 { return float64(failed(r)) }},
	{"failed_fraction", false, func(r *RunResult) float64 { return perLookup(float64(failed(r)), r) }},
	{"failed_wrong_owner", true, func(r *RunResult) float64 { return float64(r.Outcomes[chord.WrongOwner]) }},
	{"failed_timeout", true, func(r *RunResult) float64 { return float64(r.Outcomes[chord.TimedOut]) }},
	{"failed_hop_limit", true, func(r *RunResult) float64 { return float64(r.Outcomes[chord.HopLimit]) }},
	{"failed_lost_key", true, func(r *RunResult) float64 { return float64(r.LostKey) }},
	{"failed_routing_fraction", false, func(r *RunResult) float64 { return perLookup(float64(failed(r)-r.LostKey), r) }},
	{"abandoned", true, func(r *RunResult) float64 { return float64(r.Outcomes[chord.Abandoned]) }},
	{"keys", true, func(r *RunResult) float64 { return float64(r.Keys) }},
	{"keys_mean", false, func(r *RunResult) float64 { return r.Load.Mean() }},
	{"keys_p1", false, func(r *RunResult) float64 { return quantile(&r.Load, 0.01) }},
	{"keys_p99", false, func(r *RunResult) float64 { return quantile(&r.Load, 0.99) }},
	{"keys_max", false, func(r *RunResult) float64 { return quantile(&r.Load, 1) }},
	{"keys_lost", true, func(r *RunResult) float64 { return float64(r.KeysLost) }},
	{"churn_joins", true, func(r *RunResult) float64 { return float64(r.Joins) }},
	{"churn_fails", true, func(r *RunResult) float64 { return float64(r.Fails) }},
	{"churn_leaves", true, func(r *RunResult) float64 { return float64(r.Leaves) }},
	{"invariant_checks", true, func(r *RunResult) float64 { return float64(r.Checks) }},
	{"events", true, func(r *RunResult) float64 { return float64(r.Events) }},
	{"sim_seconds", false, func(r *RunResult) float64 { return r.SimTime.Seconds() }},
	{"messages", true, func(r *RunResult) float64 { return float64(total(r.Sent[:])) }},
}

// pointerMetrics are the pointer-state statistics (pointers.every): means
// over the run's samples, empty when it is off. The per-level columns
// dead_finger_l1 … follow them (init).
var pointerMetrics = []metric{
	{"pointer_samples", true, func(r *RunResult) float64 { return float64(ptrSamples(r)) }},
	{"wrong_successor_fraction", false, ptrMean(func(p *run.PointerStats) float64 { return p.WrongSuccessor })},
	{"dead_successor_fraction", false, ptrMean(func(p *run.PointerStats) float64 { return p.DeadSuccessor })},
	{"dead_successors2_fraction", false, ptrMean(func(p *run.PointerStats) float64 { return p.DeadSuccessors2 })},
	{"dead_finger_fraction", false, ptrMean(func(p *run.PointerStats) float64 { return p.DeadFinger })},
	{"mean_finger_age_s", false, func(r *RunResult) float64 {
		if r.Pointers == nil || r.Pointers.AgeSamples == 0 {
			return math.NaN()
		}
		return r.Pointers.FingerAge / float64(r.Pointers.AgeSamples)
	}},
}

// maxFingerLevels is the number of per-level dead-finger columns: levels
// 1 … 63 (m is at most 64; finger 0 is the successor).
const maxFingerLevels = 63

func ptrSamples(r *RunResult) int {
	if r.Pointers == nil {
		return 0
	}
	return r.Pointers.Samples
}

// ptrMean is the mean over the run's pointer samples of one sum.
func ptrMean(sum func(*run.PointerStats) float64) func(*RunResult) float64 {
	return func(r *RunResult) float64 {
		if ptrSamples(r) == 0 {
			return math.NaN()
		}
		return sum(r.Pointers) / float64(r.Pointers.Samples)
	}
}

// pointerMetric reports whether metric i is a pointer-state column, and
// for a per-level column its level (0 otherwise).
func pointerMetric(i int) (bool, int) {
	name := metricsList[i].name
	if lv, ok := strings.CutPrefix(name, "dead_finger_l"); ok {
		n := 0
		fmt.Sscan(lv, &n)
		return true, n
	}
	for _, m := range pointerMetrics {
		if m.name == name {
			return true, 0
		}
	}
	return false, 0
}

// kvMetrics are the key-value service's columns: empty when it is off.
var kvMetrics = []metric{
	{"kv_requests", false, kvf(func(k *run.KVStats) float64 { return float64(kvDone(k)) })},
	{"kv_ok", false, kvf(func(k *run.KVStats) float64 { return float64(kvOutcome(k, kv.OK)) })},
	{"kv_unavailable", false, kvf(func(k *run.KVStats) float64 { return float64(kvOutcome(k, kv.Unavailable)) })},
	{"kv_abandoned", false, kvf(func(k *run.KVStats) float64 { return float64(kvOutcome(k, kv.Abandoned)) })},
	{"kv_failed_fraction", false, kvf(func(k *run.KVStats) float64 {
		return ratio(float64(kvOutcome(k, kv.Unavailable)+kvOutcome(k, kv.Abandoned)), float64(kvDone(k)))
	})},
	{"kv_throughput", false, kvf(func(k *run.KVStats) float64 { return kvRate(k, float64(kvOutcome(k, kv.OK))) })},
	{"kv_write_throughput", false, kvf(func(k *run.KVStats) float64 {
		return kvRate(k, float64(k.Ops[kv.Insert][kv.OK]+k.Ops[kv.Delete][kv.OK]))
	})},
	{"kv_read_throughput", false, kvf(func(k *run.KVStats) float64 { return kvRate(k, float64(k.Ops[kv.Query][kv.OK])) })},
	{"kv_mean_latency_ms", false, kvf(func(k *run.KVStats) float64 {
		all := kvAllLatency(k)
		return all.Mean()
	})},
	{"kv_p50_latency_ms", false, kvf(func(k *run.KVStats) float64 {
		all := kvAllLatency(k)
		return sampleQuantile(&all, 0.5)
	})},
	{"kv_p99_latency_ms", false, kvf(func(k *run.KVStats) float64 {
		all := kvAllLatency(k)
		return sampleQuantile(&all, 0.99)
	})},
	{"kv_write_latency_ms", false, kvf(func(k *run.KVStats) float64 { return k.Latency[0].Mean() })},
	{"kv_read_latency_ms", false, kvf(func(k *run.KVStats) float64 { return k.Latency[1].Mean() })},
	{"kv_mean_attempts", false, kvf(func(k *run.KVStats) float64 { return ratio(float64(k.Attempts), float64(kvDone(k))) })},
	{"kv_reads_checked", false, kvf(func(k *run.KVStats) float64 { return float64(k.Reads) })},
	{"kv_stale_reads", false, kvf(func(k *run.KVStats) float64 { return float64(k.Stale) })},
	{"kv_stale_fraction", false, kvf(func(k *run.KVStats) float64 { return ratio(float64(k.Stale), float64(k.Reads)) })},
	{"kv_linearizable", false, kvf(func(k *run.KVStats) float64 { return k.Linear })},
	{"kv_nonlinearizable_keys", false, kvf(func(k *run.KVStats) float64 {
		if math.IsNaN(k.Unknown) {
			return math.NaN()
		}
		return float64(k.BadKeys)
	})},
	{"kv_linearizability_unknown", false, kvf(func(k *run.KVStats) float64 { return k.Unknown })},
	{"kv_undecided_keys", false, kvf(func(k *run.KVStats) float64 {
		if math.IsNaN(k.Unknown) {
			return math.NaN()
		}
		return float64(k.Undecided)
	})},
	{"kv_lost_acked_writes", false, kvf(func(k *run.KVStats) float64 { return float64(k.LostAcked) })},
	{"kv_messages", false, kvf(func(k *run.KVStats) float64 { return float64(k.Messages) })},
	{"kv_refused", false, kvf(func(k *run.KVStats) float64 { return float64(k.Refused) })},
	{"kv_handed_off", false, kvf(func(k *run.KVStats) float64 { return float64(k.HandedOff) })},
	{"kv_copies_mean", false, kvf(func(k *run.KVStats) float64 { return k.Copies.Mean() })},
	{"kv_copies_max", false, kvf(func(k *run.KVStats) float64 { return quantile(&k.Copies, 1) })},
}

// topologyMetrics are the latency columns of proximity studies, measured
// only on a topology (network.topology not none): the latency of
// successful lookups, and their stretch, latency over the direct round
// trip from the initiator to the owner (run.Result.Stretch). They are left
// out of results.csv, summary.csv and summary.json when no sweep point has
// a topology, so a run without one writes what it wrote before they came.
var topologyMetrics = []metric{
	{"mean_ok_latency_ms", false, func(r *RunResult) float64 { return r.OKLatency.Mean() }},
	{"p10_ok_latency_ms", false, func(r *RunResult) float64 { return sampleQuantile(&r.OKLatency, 0.10) }},
	{"p50_ok_latency_ms", false, func(r *RunResult) float64 { return sampleQuantile(&r.OKLatency, 0.50) }},
	{"p90_ok_latency_ms", false, func(r *RunResult) float64 { return sampleQuantile(&r.OKLatency, 0.90) }},
	{"p99_ok_latency_ms", false, func(r *RunResult) float64 { return sampleQuantile(&r.OKLatency, 0.99) }},
	{"stretch_lookups", true, func(r *RunResult) float64 { return float64(r.Stretch.N()) }},
	{"mean_stretch", false, func(r *RunResult) float64 { return r.Stretch.Mean() }},
	{"p10_stretch", false, func(r *RunResult) float64 { return sampleQuantile(&r.Stretch, 0.10) }},
	{"p50_stretch", false, func(r *RunResult) float64 { return sampleQuantile(&r.Stretch, 0.50) }},
	{"p90_stretch", false, func(r *RunResult) float64 { return sampleQuantile(&r.Stretch, 0.90) }},
}

// topologyMetric reports whether metric i is one of topologyMetrics.
func topologyMetric(i int) bool { return i >= topologyFirst && i < topologyFirst+len(topologyMetrics) }

// topologyFirst is the index of the first of topologyMetrics in metricsList.
var topologyFirst int

// kvf makes a kv metric: NaN (an empty field) when the service is off.
func kvf(f func(k *run.KVStats) float64) func(r *RunResult) float64 {
	return func(r *RunResult) float64 {
		if r.KV == nil {
			return math.NaN()
		}
		return f(r.KV)
	}
}

func kvOutcome(k *run.KVStats, o kv.OpOutcome) int { return k.Outcome(o) }

func kvDone(k *run.KVStats) int { return k.Done() }

// kvRate is n per simulated second between the first request and the last
// answer.
func kvRate(k *run.KVStats, n float64) float64 {
	span := k.Last.Sub(k.First).Seconds()
	if span <= 0 {
		return math.NaN()
	}
	return n / span
}

func kvAllLatency(k *run.KVStats) metrics.Samples {
	var all metrics.Samples
	all.Merge(&k.Latency[0])
	all.Merge(&k.Latency[1])
	return all
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return math.NaN()
	}
	return a / b
}

func init() {
	metricsList = append(metricsList, kvMetrics...)
	metricsList = append(metricsList, pointerMetrics...)
	for lv := 1; lv <= maxFingerLevels; lv++ {
		metricsList = append(metricsList, metric{fmt.Sprintf("dead_finger_l%d", lv), false,
			ptrMean(func(p *run.PointerStats) float64 {
				if lv >= len(p.DeadFingers) {
					return math.NaN()
				}
				return p.DeadFingers[lv]
			})})
	}
	topologyFirst = len(metricsList)
	metricsList = append(metricsList, topologyMetrics...)
	// One column per message kind: the protocol's traffic broken down.
	for k := 0; k < chord.NumMsgKinds; k++ {
		k := k
		metricsList = append(metricsList, metric{"messages_" + chord.MsgKind(k).String(), true,
			func(r *RunResult) float64 { return float64(r.Sent[k]) }})
	}
	// Bandwidth (issue 19): bytes from the costs section's model, per node
	// (the config's n) per simulated second of the whole run, all of them,
	// user lookups' and maintenance's (everything else); then per kind.
	metricsList = append(metricsList,
		metric{"bytes", true, func(r *RunResult) float64 { return float64(total(r.Bytes[:])) }},
		metric{"bytes_per_node_per_s", false, func(r *RunResult) float64 { return perNodeSecond(float64(total(r.Bytes[:])), r) }},
		metric{"lookup_bytes_per_node_per_s", false, func(r *RunResult) float64 { return perNodeSecond(float64(r.LookupBytes), r) }},
		metric{"maintenance_bytes_per_node_per_s", false, func(r *RunResult) float64 {
			return perNodeSecond(float64(total(r.Bytes[:])-r.LookupBytes), r)
		}})
	for k := 0; k < chord.NumMsgKinds; k++ {
		metricsList = append(metricsList, metric{"bytes_" + chord.MsgKind(k).String(), true,
			func(r *RunResult) float64 { return float64(r.Bytes[k]) }})
	}
}

// perNodeSecond is x per node (the config's n) per simulated second of
// the run; NaN for a run that took no time.
func perNodeSecond(x float64, r *RunResult) float64 {
	s := r.SimTime.Seconds()
	if s <= 0 || r.Nodes <= 0 {
		return math.NaN()
	}
	return x / (float64(r.Nodes) * s)
}

func total(xs []uint64) uint64 {
	var t uint64
	for _, x := range xs {
		t += x
	}
	return t
}

func perLookup(x float64, r *RunResult) float64 {
	n := r.LostKey
	for _, c := range r.Outcomes {
		n += c
	}
	if n == 0 {
		return math.NaN()
	}
	return x / float64(n)
}

// Columns returns results.csv's header for a plan: run identity, the swept
// parameters by config path, then the metrics.
func (p *Plan) Columns() []string {
	cols := p.idColumns("point", "replicate", "seed")
	for i, m := range metricsList {
		if p.Applies(i) {
			cols = append(cols, m.name)
		}
	}
	return cols
}

// Applies reports whether metric i (in results.csv's full order) applies
// to the plan: the kv_ columns only when some sweep point runs the
// key-value service (kv.requests > 0 or a kv.file); otherwise they would
// be empty in every row, and results.csv and summary.csv leave them out.
// summary.json keeps every metric but the pointer-state ones and the
// topology's. The pointer-state ones apply only with pointers.every > 0
// (the per-level ones up to the last finger slot of the largest table
// swept: level m − 1 at base 2): there are 69 of them, empty in every
// other run. The topology's (topologyMetrics) apply when some sweep point
// has a network.topology.
func (p *Plan) Applies(i int) bool {
	if ptr, level := pointerMetric(i); ptr {
		if p.Base.Pointers.Every <= 0 {
			return false
		}
		for pi := range p.Points {
			if c := p.Points[pi].Config.Chord; level < chord.FingerSlots(c.Bits, c.Base) {
				return true
			}
		}
		return false
	}
	if topologyMetric(i) {
		for pi := range p.Points {
			if p.Points[pi].Config.Network.On() {
				return true
			}
		}
		return false
	}
	if !strings.HasPrefix(metricsList[i].name, "kv_") {
		return true
	}
	for pi := range p.Points {
		if p.Points[pi].Config.KVOn() {
			return true
		}
	}
	return false
}

// idColumns is the header's identity part: lead, then every sweep axis by
// its config path, then n when n is not swept (rowID and the tables' rows
// give the same cells).
func (p *Plan) idColumns(lead ...string) []string {
	cols := append([]string{}, lead...)
	for _, a := range p.Axes {
		cols = append(cols, a.Path)
	}
	if !p.sweeps("n") {
		cols = append(cols, "n")
	}
	return cols
}

// sweeps reports whether path is a sweep axis (then it already has a column).
func (p *Plan) sweeps(path string) bool {
	for _, a := range p.Axes {
		if a.Path == path {
			return true
		}
	}
	return false
}

// rowID is the first cells of run i's rows in results.csv and
// timeseries.csv: point, replicate, seed, the swept values, and n when n
// is not swept.
func (p *Plan) rowID(i int, res *RunResult) []metrics.Cell {
	R := p.Base.Replicates
	pt := &p.Points[i/R]
	id := []metrics.Cell{metrics.Int(int64(pt.Index)), metrics.Int(int64(i % R)), metrics.Str(fmt.Sprint(res.Seed))}
	for _, a := range pt.Assign {
		id = append(id, metrics.Str(a.Value))
	}
	if !p.sweeps("n") {
		id = append(id, metrics.Int(int64(pt.Config.N)))
	}
	return id
}

// Table builds results.csv: one row per finished run, in (point, replicate)
// order.
func (o *Outcome) Table() *metrics.Table {
	p := o.Plan
	t := &metrics.Table{Columns: p.Columns()}
	for i, res := range o.Results {
		if res == nil {
			continue
		}
		row := p.rowID(i, res)
		for mi, m := range metricsList {
			if !p.Applies(mi) {
				continue
			}
			v := res.Values[mi]
			if m.isInt {
				row = append(row, metrics.Int(int64(v)))
			} else {
				row = append(row, metrics.Float(v))
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// PointSummary is summary.json's entry for one sweep point.
type PointSummary struct {
	Point   int                        `json:"point"`
	Params  map[string]string          `json:"params"`
	N       int                        `json:"n"`
	Runs    int                        `json:"runs"`
	Metrics map[string]metrics.Summary `json:"metrics"`
	Pooled  Pooled                     `json:"pooled"`
}

// Pooled are statistics of all the point's lookups together (all
// replicates): the percentiles of an integer distribution are better
// estimated from the pooled sample than averaged over runs.
type Pooled struct {
	Lookups  uint64              `json:"lookups"`
	MeanHops metrics.JSONFloat   `json:"mean_hops"`
	P1Hops   metrics.JSONFloat   `json:"p1_hops"`
	P99Hops  metrics.JSONFloat   `json:"p99_hops"`
	HopsPDF  []metrics.JSONFloat `json:"hops_pdf"`
	KeysP1   metrics.JSONFloat   `json:"keys_p1"`
	KeysP99  metrics.JSONFloat   `json:"keys_p99"`
	// The path in S01 Fig. 10's counting (run.Result.S01Path), pooled.
	MeanS01Path metrics.JSONFloat `json:"mean_s01_path"`
	P1S01Path   metrics.JSONFloat `json:"p1_s01_path"`
	P99S01Path  metrics.JSONFloat `json:"p99_s01_path"`
}

// Summary is summary.json.
type Summary struct {
	Experiment string         `json:"experiment"`
	Seed       uint64         `json:"seed"`
	Replicates int            `json:"replicates"`
	Axes       []string       `json:"axes"`
	Runs       int            `json:"runs"`
	Finished   int            `json:"finished"`
	Points     []PointSummary `json:"points"`
}

// PooledHops merges the hop histograms of a point's finished runs.
func (o *Outcome) PooledHops(point int) *metrics.IntHist {
	return o.pooled(point, func(r *RunResult) *metrics.IntHist { return &r.Hops })
}

// PooledS01Path merges the histograms of the path in S01 Fig. 10's
// counting (run.Result.S01Path) of a point's finished runs.
func (o *Outcome) PooledS01Path(point int) *metrics.IntHist {
	return o.pooled(point, func(r *RunResult) *metrics.IntHist { return &r.S01Path })
}

func (o *Outcome) pooled(point int, of func(*RunResult) *metrics.IntHist) *metrics.IntHist {
	var h metrics.IntHist
	R := o.Plan.Base.Replicates
	for k := 0; k < R; k++ {
		if r := o.Results[point*R+k]; r != nil {
			h.Merge(of(r))
		}
	}
	return &h
}

// Summary computes summary.json: per sweep point, the mean, standard
// deviation and 95% confidence interval of every metric over its finished
// replicates, and the pooled hop statistics.
func (o *Outcome) Summary() *Summary {
	p := o.Plan
	s := &Summary{Experiment: p.Base.Experiment, Seed: p.Base.Seed, Replicates: p.Base.Replicates, Axes: []string{}, Runs: p.Runs(), Finished: o.Finished()}
	for _, a := range p.Axes {
		s.Axes = append(s.Axes, a.Path)
	}
	R := p.Base.Replicates
	for pi := range p.Points {
		pt := &p.Points[pi]
		ps := PointSummary{Point: pt.Index, Params: map[string]string{}, N: pt.Config.N, Metrics: map[string]metrics.Summary{}}
		for _, a := range pt.Assign {
			ps.Params[a.Path] = a.Value
		}
		var runs []*RunResult
		var load metrics.IntHist
		for k := 0; k < R; k++ {
			if r := o.Results[pi*R+k]; r != nil {
				runs = append(runs, r)
				load.Merge(&r.Load)
			}
		}
		ps.Runs = len(runs)
		if len(runs) == 0 {
			continue
		}
		for mi, m := range metricsList {
			if ptr, _ := pointerMetric(mi); (ptr || topologyMetric(mi)) && !p.Applies(mi) {
				continue
			}
			xs := make([]float64, len(runs))
			for i, r := range runs {
				xs[i] = r.Values[mi]
			}
			ps.Metrics[m.name] = metrics.Summarize(xs)
		}
		h := o.PooledHops(pi)
		ps.Pooled = Pooled{Lookups: h.N(), MeanHops: metrics.JSONFloat(h.Mean()), P1Hops: metrics.JSONFloat(quantile(h, 0.01)),
			P99Hops: metrics.JSONFloat(quantile(h, 0.99)), KeysP1: metrics.JSONFloat(quantile(&load, 0.01)), KeysP99: metrics.JSONFloat(quantile(&load, 0.99))}
		s01 := o.PooledS01Path(pi)
		ps.Pooled.MeanS01Path = metrics.JSONFloat(s01.Mean())
		ps.Pooled.P1S01Path, ps.Pooled.P99S01Path = metrics.JSONFloat(quantile(s01, 0.01)), metrics.JSONFloat(quantile(s01, 0.99))
		for _, f := range h.PDF() {
			ps.Pooled.HopsPDF = append(ps.Pooled.HopsPDF, metrics.JSONFloat(f))
		}
		s.Points = append(s.Points, ps)
	}
	return s
}

// HopsTable is hops.csv: the pooled distribution of hop counts per point.
func (o *Outcome) HopsTable() *metrics.Table {
	p := o.Plan
	cols := p.idColumns("point")
	cols = append(cols, "hops", "lookups", "fraction")
	t := &metrics.Table{Columns: cols}
	for pi := range p.Points {
		pt := &p.Points[pi]
		h := o.PooledHops(pi)
		pdf := h.PDF()
		for v := 0; v < h.Len(); v++ {
			row := []metrics.Cell{metrics.Int(int64(pt.Index))}
			for _, a := range pt.Assign {
				row = append(row, metrics.Str(a.Value))
			}
			if !p.sweeps("n") {
				row = append(row, metrics.Int(int64(pt.Config.N)))
			}
			row = append(row, metrics.Int(int64(v)), metrics.Int(int64(h.Count(v))), metrics.Float(pdf[v]))
			t.Rows = append(t.Rows, row)
		}
	}
	return t
}

// PrepareOutDir creates dir (and plots/) and proves it writable, so that a
// bad --out fails before any simulation runs.
func PrepareOutDir(dir string) error {
	if err := os.MkdirAll(filepath.Join(dir, "plots"), 0o755); err != nil {
		return fmt.Errorf("output folder %s cannot be created: %v; choose another --out", dir, err)
	}
	f, err := os.CreateTemp(dir, ".probe-*")
	if err != nil {
		return fmt.Errorf("output folder %s is not writable: %v; choose another --out", dir, err)
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// WriteOutputs writes config.yaml, results.csv, hops.csv, summary.csv,
// summary.json and, when the runs take a time series, timeseries.csv into
// dir, each atomically.
func WriteOutputs(dir string, o *Outcome) error {
	p := o.Plan
	if err := metrics.WriteFileAtomic(filepath.Join(dir, "config.yaml"), func(w io.Writer) error {
		_, err := w.Write(yamlconf.Encode(&p.Base, p.Axes))
		return err
	}); err != nil {
		return err
	}
	if err := metrics.WriteFileAtomic(filepath.Join(dir, "results.csv"), o.Table().WriteCSV); err != nil {
		return err
	}
	if err := metrics.WriteFileAtomic(filepath.Join(dir, "hops.csv"), o.HopsTable().WriteCSV); err != nil {
		return err
	}
	if err := metrics.WriteFileAtomic(filepath.Join(dir, "summary.csv"), o.SummaryTable().WriteCSV); err != nil {
		return err
	}
	if p.SeriesOn() {
		if err := metrics.WriteFileAtomic(filepath.Join(dir, "timeseries.csv"), o.SeriesTable().WriteCSV); err != nil {
			return err
		}
	}
	return metrics.WriteFileAtomic(filepath.Join(dir, "summary.json"), func(w io.Writer) error {
		return metrics.WriteJSON(w, o.Summary())
	})
}
