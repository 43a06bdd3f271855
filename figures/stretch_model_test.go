package figures

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	"github.com/chordsim/chordsim/sim"
)

// T03 §V-F and chordsim define proximity differently. T03: "each finger
// keeps s successors and a lookup uses the closest (lowest latency) of the
// finger and its s successors": the choice is made at each lookup step,
// among the finger and the nodes after it, wherever they are as long as
// they still precede the key. chordsim (chord.pns): each finger is chosen
// once, as the lowest-RTT node among the first s nodes of its start that
// lie before the next finger's start. This file measures what the
// difference does, with a small independent model of an ideal ring (sorted
// identifiers, fingers at n + 2^i, closest-preceding-finger routing, the
// same topologies), checked against the engine where both define the same
// thing.

// proxRule is how a lookup step picks its next hop in the model.
type proxRule int

const (
	// ruleFinger is chordsim's PNS: fingers fixed in advance, each the
	// lowest-RTT node among the first s of its interval.
	ruleFinger proxRule = iota
	// ruleStep is T03's wording: at each step the closest preceding plain
	// finger and the nodes after it, s candidates in all, those before the
	// key; the node holding the lookup picks the lowest RTT from itself.
	ruleStep
	// ruleStepOrigin is ruleStep with the initiator choosing by its own
	// RTT (an iterative initiator hears the candidates and contacts the
	// one nearest to it); for recursive lookups it is ruleStep.
	ruleStepOrigin
)

func (p proxRule) String() string {
	return [...]string{"finger (chordsim)", "step, chooser = holder", "step, chooser = initiator"}[p]
}

// proxModel is an ideal ring of n members with identifiers drawn
// uniformly, member i at endpoint i of the topology.
type proxModel struct {
	ids  []uint64
	topo sim.Topology
}

func (m *proxModel) rtt(a, b int) sim.Duration {
	return m.topo.OneWay(sim.Endpoint(a), sim.Endpoint(b)) + m.topo.OneWay(sim.Endpoint(b), sim.Endpoint(a))
}

// succ is the index of the first member at or after id.
func (m *proxModel) succ(id uint64) int {
	i, _ := slices.BinarySearch(m.ids, id)
	if i == len(m.ids) {
		i = 0
	}
	return i
}

// between reports whether x lies in the open interval (a, b) of the ring.
func between(a, x, b uint64) bool { return x-a-1 < b-a-1 }

// pnsFinger is finger i of member x under ruleFinger.
func (m *proxModel) pnsFinger(x, i, s int) int {
	start := m.ids[x] + 1<<uint(i)
	var lim uint64 // distance from x to the end of the interval; 0: the whole ring
	if i < 63 {
		lim = 1 << uint(i+1)
	}
	k := m.succ(start)
	best, bestRTT := k, m.rtt(x, k)
	for j := 1; j < s; j++ {
		y := (k + j) % len(m.ids)
		d := m.ids[y] - m.ids[x]
		if y == x || lim != 0 && d >= lim || d < 1<<uint(i) {
			break
		}
		if r := m.rtt(x, y); r < bestRTT {
			best, bestRTT = y, r
		}
	}
	return best
}

// next is the step of a lookup of key held at x, started at origin: done
// and the owner, or the next hop.
func (m *proxModel) next(x, origin int, key uint64, s int, rule proxRule) (bool, int) {
	n := len(m.ids)
	sx := (x + 1) % n
	if key-m.ids[x]-1 < m.ids[sx]-m.ids[x] || m.ids[x] == m.ids[sx] { // key in (x, succ(x)]
		return true, sx
	}
	for i := 63; i >= 0; i-- {
		start := m.ids[x] + 1<<uint(i)
		if !between(m.ids[x], start, key) {
			continue
		}
		if rule == ruleFinger {
			f := m.pnsFinger(x, i, s)
			if between(m.ids[x], m.ids[f], key) {
				return false, f
			}
			continue
		}
		f := m.succ(start)
		if !between(m.ids[x], m.ids[f], key) {
			continue
		}
		chooser := x
		if rule == ruleStepOrigin {
			chooser = origin
		}
		best, bestRTT := f, m.rtt(chooser, f)
		for j := 1; j < s; j++ {
			y := (f + j) % n
			if !between(m.ids[x], m.ids[y], key) {
				break
			}
			if r := m.rtt(chooser, y); r < bestRTT {
				best, bestRTT = y, r
			}
		}
		return false, best
	}
	return false, sx
}

// stretch runs lookups random lookups and returns the median, 10th and
// 90th percentile of their stretch, as the engine counts latency:
// iterative, a round trip from the initiator to every node asked;
// recursive, one way along the path and back from the last node.
func (m *proxModel) stretch(rng *rand.Rand, lookups, s int, rule proxRule, recursive bool) (p10, p50, p90 float64) {
	var xs []float64
	n := len(m.ids)
	for range lookups {
		o := rng.IntN(n)
		key := rng.Uint64()
		var lat sim.Duration
		x := o
		owner := -1
		for hops := 0; hops < 200; hops++ {
			done, y := m.next(x, o, key, s, rule)
			if done {
				owner = y
				break
			}
			if recursive {
				lat += m.topo.OneWay(sim.Endpoint(x), sim.Endpoint(y))
			} else {
				lat += m.rtt(o, y)
			}
			x = y
		}
		if recursive && x != o {
			lat += m.topo.OneWay(sim.Endpoint(x), sim.Endpoint(o))
		}
		if owner < 0 {
			panic("figures: model lookup did not end")
		}
		if d := m.rtt(o, owner); owner != o && d > 0 {
			xs = append(xs, float64(lat)/float64(d))
		}
	}
	slices.Sort(xs)
	q := func(p float64) float64 { return xs[min(len(xs)-1, int(p*float64(len(xs))))] }
	return q(0.1), q(0.5), q(0.9)
}

// newProxModel builds the model's ring of n members on the built-in's
// topology of network topo, seeded seed.
func newProxModel(t *testing.T, topo string, n int, seed uint64) *proxModel {
	b, _ := FindBuiltin("stretch")
	cfg, _, err := b.Load("paper")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Network.Kind = topo
	tp, err := cfg.Network.Config.Build(seed, nil)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	ids := make([]uint64, n)
	for i := range ids {
		ids[i] = rng.Uint64()
	}
	slices.Sort(ids)
	return &proxModel{ids: ids, topo: tp}
}

// The model agrees with the engine where both define the same thing
// (chordsim's PNS, fingers-only routing, the same latency counting): on
// the built-in's quick ring the model's medians for s = 1 and s = 16 are
// within 10% of the engine's, for both networks and modes. With
// CHORDSIM_STRETCH_MODEL=1 it also prints T03's per-step rule beside
// chordsim's at 2^16 nodes (the table in docs/results.md).
func TestStretchModelMatchesEngine(t *testing.T) {
	_, cfg, p := quickBuiltin(t, "stretch", "chord.pns=[1, 16]")
	pts := stretchPoints(execute(t, p, 0))
	for _, net := range stretchNets {
		m := newProxModel(t, net.topo, cfg.N, 11)
		for _, mode := range stretchModes {
			for _, s := range []int{1, 16} {
				eng, ok := stretchAt(pts, net.topo, mode, s)
				if !ok {
					t.Fatalf("no engine point %s %s s=%d", net.topo, mode, s)
				}
				_, p50, _ := m.stretch(rand.New(rand.NewPCG(3, uint64(s))), 20000, s, ruleFinger, mode == "recursive")
				t.Logf("%s %s s=%d: model median %.3f, engine %.3f", net.topo, mode, s, p50, eng.p50)
				if r := p50 / eng.p50; r < 0.9 || r > 1.1 {
					t.Errorf("%s %s s=%d: model median stretch %.3f, engine %.3f (ratio %.3f, outside 10%%)", net.topo, mode, s, p50, eng.p50, r)
				}
			}
		}
	}
	if os.Getenv("CHORDSIM_STRETCH_MODEL") == "" {
		return
	}
	const n, lookups = 1 << 16, 10000
	for _, net := range stretchNets {
		m := newProxModel(t, net.topo, n, 11)
		for _, mode := range stretchModes {
			for _, s := range []int{1, 2, 4, 8, 16, 17} {
				line := fmt.Sprintf("%-12s %-9s s=%-2d", net.topo, mode, s)
				for _, rule := range []proxRule{ruleFinger, ruleStep, ruleStepOrigin} {
					if rule == ruleStepOrigin && mode == "recursive" {
						continue
					}
					p10, p50, p90 := m.stretch(rand.New(rand.NewPCG(5, uint64(s))), lookups, s, rule, mode == "recursive")
					line += fmt.Sprintf(" | %s: %.2f (%.2f, %.2f)", rule, p50, p10, p90)
				}
				if c, ok := paperStretchAt(net.topo, mode, s); ok {
					line += fmt.Sprintf(" | T03 %.1f (%.1f, %.1f)", c.p50, c.p10, c.p90)
				}
				t.Log(line)
			}
		}
	}
}
