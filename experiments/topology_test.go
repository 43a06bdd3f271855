package experiments

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chordsim/chordsim/config"
)

// topologySweep runs every topology on the static engine's terms (keyed
// draws, no maintenance), with jitter on top of the base delays.
const topologySweep = `
experiment: topology
seed: 3
replicates: 2
n: 300
ids: uniform
chord:
  lookup_retries: [0, 3]
  stabilize_every: 0s
  fix_fingers_every: 0s
  check_predecessor_every: 0s
  rpc_timeout: 3s
network:
  topology: [euclidean, transit-stub, planetlab490, matrix]
  matrix:
    file: %s
  euclidean:
    access: uniform:1ms,4ms
  jitter: uniform:0ms,10ms
  draws: keyed
workload:
  keys_per_node: 5
  lookups: 2000
  lookup_rate: 1000
`

// writeMatrix writes a symmetric round-trip matrix of n hosts with values
// from f, tab-separated, and returns its path.
func writeMatrix(t *testing.T, n int, f func(a, b int) float64) string {
	var b strings.Builder
	for i := range n {
		for j := range n {
			if j > 0 {
				b.WriteByte('\t')
			}
			v := 0.0
			if i != j {
				v = f(min(i, j), max(i, j))
			}
			b.WriteString(strconv.FormatFloat(v, 'f', -1, 64))
		}
		b.WriteByte('\n')
	}
	path := filepath.Join(t.TempDir(), "rtt.tsv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// On every topology the static engine and the event path give the same
// bytes, and so does a second run: per-pair delays are a function of the
// seed and the two endpoints only.
func TestTopologyStaticMatchesEventsAndRepeats(t *testing.T) {
	path := writeMatrix(t, 40, func(a, b int) float64 { return float64(5 + (a*31+b*17)%200) })
	cfg := fmt.Sprintf(topologySweep, path)
	evR, evS := outputs(t, mustPlan(t, cfg, "engine=events"), 0)
	stR, stS := outputs(t, mustPlan(t, cfg, "engine=static"), 2)
	if !bytes.Equal(evR, stR) || !bytes.Equal(evS, stS) {
		el, sl := strings.Split(string(evR), "\n"), strings.Split(string(stR), "\n")
		for i := range min(len(el), len(sl)) {
			if el[i] != sl[i] {
				t.Fatalf("results.csv differs at line %d:\nevents: %s\nstatic: %s", i, el[i], sl[i])
			}
		}
		t.Fatal("results.csv or summary.json differ between the engines")
	}
	againR, againS := outputs(t, mustPlan(t, cfg, "engine=events"), 1)
	if !bytes.Equal(evR, againR) || !bytes.Equal(evS, againS) {
		t.Fatal("the same config and seed gave other bytes")
	}
	// The topologies give different latencies: the delays do come from
	// them.
	p := mustPlan(t, cfg)
	o := execute(t, p, 0)
	seen := map[float64]bool{}
	for _, r := range o.Results {
		seen[r.Values[MetricIndex("p50_ok_latency_ms")]] = true
		if s := r.Values[MetricIndex("p50_stretch")]; !(s >= 1) {
			t.Errorf("median stretch %v below 1: a lookup that sends a message cannot beat the direct round trip", s)
		}
	}
	if len(seen) < 4 {
		t.Errorf("only %d distinct median latencies over 4 topologies", len(seen))
	}
}

// On a matrix whose round trips are all 100 ms and no jitter, an iterative
// lookup's latency is 100 ms per request it made, so each stretch is a
// whole number, and the stretch and latency columns agree with each other
// and with the messages: stretch = latency / 100 ms.
func TestStretchOnEqualRoundTrips(t *testing.T) {
	path := writeMatrix(t, 64, func(a, b int) float64 { return 100 })
	src := fmt.Sprintf(`
n: 64
ids: uniform
chord: {lookup_retries: 0, stabilize_every: 0s, fix_fingers_every: 0s, check_predecessor_every: 0s, rpc_timeout: 1s}
network: {topology: matrix, matrix: {file: %s}, draws: keyed}
workload: {lookups: 3000, keys: 500}
`, path)
	cfg, axes, err := config.Parse([]byte(src), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPlan(cfg, axes)
	if err != nil {
		t.Fatal(err)
	}
	o := execute(t, p, 0)
	r := o.Results[0]
	if r.Stretch.N() == 0 || r.Stretch.N() > r.OKLatency.N() {
		t.Fatalf("%d stretch samples of %d successful lookups", r.Stretch.N(), r.OKLatency.N())
	}
	// Every sample, by rank: a whole number of round trips (0 for a lookup
	// its initiator answered from its own successor pointer).
	n := r.Stretch.N()
	for k := 1; k <= n; k++ {
		s := r.Stretch.Quantile(float64(k) / float64(n))
		if s != math.Trunc(s) || s < 0 || s > 64 {
			t.Fatalf("stretch sample of rank %d is %v, not a whole number of 100 ms round trips", k, s)
		}
	}
	// The median latency of successful lookups is a whole number of round
	// trips too, and the mean stretch is the mean number of requests of
	// the lookups it covers: between 1 and the hop limit.
	if l := r.Values[MetricIndex("p50_ok_latency_ms")]; l != 100*math.Trunc(l/100) {
		t.Errorf("median successful latency %v ms is not a multiple of 100 ms", l)
	}
}
