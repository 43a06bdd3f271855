package topology

import (
	"container/heap"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/chordsim/chordsim/sim"
)

// TestEuclideanMeanDistance checks the points against a known constant:
// the mean distance between two uniform points of the unit cube is
// Robbins' constant 0.66170718 (and 0.52140543 in the unit square).
func TestEuclideanMeanDistance(t *testing.T) {
	for _, tc := range []struct {
		dims int
		want float64
	}{{2, 0.52140543}, {3, 0.66170718}} {
		e := NewEuclidean(tc.dims, sim.Second, sim.Latency{}, 7)
		const pairs = 200_000
		var sum float64
		for i := range pairs {
			sum += float64(e.OneWay(sim.Endpoint(2*i), sim.Endpoint(2*i+1))) / float64(sim.Second)
		}
		// The distance's standard deviation is below 0.25, so the mean of
		// 200,000 is within 0.0025 at more than four sigma.
		if got := sum / pairs; math.Abs(got-tc.want) > 0.0025 {
			t.Errorf("%d dimensions: mean distance %.5f, want %.5f", tc.dims, got, tc.want)
		}
	}
}

func TestEuclideanSymmetricBoundedDeterministic(t *testing.T) {
	acc := sim.Latency{Kind: sim.Uniform, A: sim.Millisecond, B: 5 * sim.Millisecond}
	e := NewEuclidean(3, 100*sim.Millisecond, acc, 1)
	same := NewEuclidean(3, 100*sim.Millisecond, acc, 1)
	other := NewEuclidean(3, 100*sim.Millisecond, acc, 2)
	worst, ok := e.MaxOneWay()
	if !ok {
		t.Fatal("a bounded access delay gives no bound")
	}
	differ := 0
	for a := sim.Endpoint(0); a < 60; a++ {
		if acc := e.Access(a); acc < sim.Millisecond || acc > 5*sim.Millisecond {
			t.Fatalf("access delay %v outside uniform:1ms,5ms", acc)
		}
		for b := sim.Endpoint(0); b < 60; b++ {
			d := e.OneWay(a, b)
			if d != e.OneWay(b, a) || d != same.OneWay(a, b) {
				t.Fatalf("(%d, %d): %v, back %v, same seed %v", a, b, d, e.OneWay(b, a), same.OneWay(a, b))
			}
			if d > worst || d < e.Access(a)+e.Access(b) {
				t.Fatalf("(%d, %d): %v outside [access sum, bound %v]", a, b, d, worst)
			}
			if d != other.OneWay(a, b) {
				differ++
			}
		}
	}
	if differ < 3000 {
		t.Errorf("another seed changed only %d of 3600 delays", differ)
	}
}

// dijkstra is the oracle for the transit-stub paths: a plain search of
// the whole graph from s.
func dijkstra(n int, edges []edge, s int) []sim.Duration {
	adj := make([][]edge, n)
	for _, e := range edges {
		adj[e.a] = append(adj[e.a], e)
		adj[e.b] = append(adj[e.b], edge{e.b, e.a, e.delay})
	}
	dist := make([]sim.Duration, n)
	for i := range dist {
		dist[i] = -1
	}
	h := &pq{{s, 0}}
	for h.Len() > 0 {
		it := heap.Pop(h).(item)
		if dist[it.v] >= 0 {
			continue
		}
		dist[it.v] = it.d
		for _, e := range adj[it.v] {
			if dist[e.b] < 0 {
				heap.Push(h, item{e.b, it.d + e.delay})
			}
		}
	}
	return dist
}

type item struct {
	v int
	d sim.Duration
}
type pq []item

func (p pq) Len() int           { return len(p) }
func (p pq) Less(i, j int) bool { return p[i].d < p[j].d }
func (p pq) Swap(i, j int)      { p[i], p[j] = p[j], p[i] }
func (p *pq) Push(x any)        { *p = append(*p, x.(item)) }
func (p *pq) Pop() any          { x := (*p)[len(*p)-1]; *p = (*p)[:len(*p)-1]; return x }

// TestTransitStubShortestPaths compares the hierarchical delays with a
// search of the whole generated graph, for every pair of stub routers.
func TestTransitStubShortestPaths(t *testing.T) {
	for i, p := range []TransitStubParams{
		{TransitDomains: 3, TransitRouters: 4, StubsPerRouter: 2, StubRouters: 5, EdgeProbability: 0.3, TransitDelay: 50 * sim.Millisecond, TransitStubDelay: 20 * sim.Millisecond, StubDelay: sim.Millisecond, Seed: 1},
		{TransitDomains: 1, TransitRouters: 1, StubsPerRouter: 3, StubRouters: 1, EdgeProbability: 0, TransitDelay: 5, TransitStubDelay: 7, StubDelay: 11, Seed: 2},
		{TransitDomains: 4, TransitRouters: 3, StubsPerRouter: 2, StubRouters: 7, EdgeProbability: 0, TransitDelay: 3 * sim.Millisecond, TransitStubDelay: 40 * sim.Millisecond, StubDelay: 9 * sim.Millisecond, Seed: 3},
		{TransitDomains: 2, TransitRouters: 6, StubsPerRouter: 1, StubRouters: 9, EdgeProbability: 1, TransitDelay: 50 * sim.Millisecond, TransitStubDelay: 20 * sim.Millisecond, StubDelay: sim.Millisecond, Seed: 4},
	} {
		g, edges := generate(p, true)
		n := p.Routers()
		worst := g.maxOneWay()
		for a := range g.Hosts() {
			want := dijkstra(n, edges, g.nt+a)
			for b := range g.Hosts() {
				if got := g.OneWay(a, b); got != want[g.nt+b] {
					t.Fatalf("params %d: stub routers %d → %d: %v, the whole graph's shortest path is %v", i, a, b, got, want[g.nt+b])
				}
				if g.OneWay(a, b) > worst {
					t.Fatalf("params %d: %v above the bound %v", i, g.OneWay(a, b), worst)
				}
			}
		}
	}
}

func TestTransitStubDefaultIsT03(t *testing.T) {
	p := Default().TransitStub.Params()
	if p.Routers() != 5000 {
		t.Errorf("default graph has %d routers; T03 §V-F uses 5,000", p.Routers())
	}
	g := NewTransitStub(p)
	// Same graph for the same graph seed, whatever the run's seed.
	h := NewTransitStub(p)
	for a := 0; a < g.Hosts(); a += 97 {
		for b := 0; b < g.Hosts(); b += 89 {
			if g.OneWay(a, b) != h.OneWay(a, b) || g.OneWay(a, b) != g.OneWay(b, a) {
				t.Fatalf("(%d, %d): %v, regenerated %v, back %v", a, b, g.OneWay(a, b), h.OneWay(a, b), g.OneWay(b, a))
			}
		}
	}
	if g.bytes() > 2_000_000 {
		t.Errorf("the 5,000-router graph holds %d bytes; it should be proportional to the routers", g.bytes())
	}
}

func TestHostedPlacement(t *testing.T) {
	m, err := ReadMatrix([]byte("0 10 20\n10 0 30\n20 30 0\n"), "m", Require)
	if err != nil {
		t.Fatal(err)
	}
	h := OnMatrix(m, 5)
	var first []int
	for e := range 3 {
		first = append(first, h.Host(sim.Endpoint(e)))
	}
	sorted := slices.Sorted(slices.Values(first))
	if !slices.Equal(sorted, []int{0, 1, 2}) {
		t.Errorf("the first 3 endpoints sit on hosts %v, not each on its own", first)
	}
	for e := 3; e < 30; e++ {
		if h.Host(sim.Endpoint(e)) != first[e%3] {
			t.Fatalf("endpoint %d on host %d, want endpoint %d's host %d", e, h.Host(sim.Endpoint(e)), e%3, first[e%3])
		}
	}
	// One-way delays are half the round trips; co-located endpoints are
	// the diagonal apart.
	rtt := [3][3]sim.Duration{{0, 10, 20}, {10, 0, 30}, {20, 30, 0}}
	for a := range sim.Endpoint(9) {
		for b := range sim.Endpoint(9) {
			want := rtt[h.Host(a)][h.Host(b)] * sim.Millisecond / 2
			h.HintOneWay(a, b) // indexes the same entry: in range, changes nothing
			if got := h.OneWay(a, b); got != want {
				t.Fatalf("endpoints %d, %d: %v, want %v", a, b, got, want)
			}
		}
	}
	// A directed matrix keeps both directions.
	d, err := ReadMatrix([]byte("0 10 20\n30 0 40\n50 60 0\n"), "d", Directed)
	if err != nil {
		t.Fatal(err)
	}
	hd := OnMatrix(d, 5)
	dir := [3][3]sim.Duration{{0, 10, 20}, {30, 0, 40}, {50, 60, 0}}
	for a := range sim.Endpoint(6) {
		for b := range sim.Endpoint(6) {
			hd.HintOneWay(a, b)
			if got, want := hd.OneWay(a, b), dir[hd.Host(a)][hd.Host(b)]*sim.Millisecond/2; got != want {
				t.Fatalf("directed, endpoints %d, %d: %v, want %v", a, b, got, want)
			}
		}
	}
}

func TestParseMatrix(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		sym       Symmetry
		want      [][]float64 // one-way delays in ms; nil: an error containing err
		err       string
	}{
		{"tabs", "0\t2\n2\t0\n", Require, [][]float64{{0, 1}, {1, 0}}, ""},
		{"commas and comments", "# hosts a, b, c\n0, 4,6\n4,0,8\n\n6 ,8, 0\n", Require, [][]float64{{0, 2, 3}, {2, 0, 4}, {3, 4, 0}}, ""},
		{"spaces", "  0   1.5  \n 1.5 0\n", Require, [][]float64{{0, 0.75}, {0.75, 0}}, ""},
		{"average", "0 2\n4 0\n", Average, [][]float64{{0, 1.5}, {1.5, 0}}, ""},
		{"directed", "0 2\n4 0\n", Directed, [][]float64{{0, 1}, {2, 0}}, ""},
		{"asymmetric", "0 2\n4 0\n", Require, nil, "m:1: column 2: entry (1, 2) is 2 ms but (2, 1) is 4 ms: the matrix is not symmetric"},
		{"not square: short row", "0 1 2\n1 0\n2 1 0\n", Require, nil, "m:2: row 2 has 2 values but the first row has 3"},
		{"not square: rows", "0 1\n1 0\n1 1\n", Require, nil, "m:3: row 3 is one more than the 2 columns"},
		{"not square: few rows", "0 1 2\n1 0 2\n", Require, nil, "m: 2 rows of 3 values"},
		{"word", "0 x\n1 0\n", Require, nil, `m:1: column 2: "x" is not a number`},
		{"missing", "0 -1\n-1 0\n", Require, nil, "m:1: column 2: -1 ms is outside [0, 8000] ms"},
		{"nan", "0 NaN\nNaN 0\n", Require, nil, `"NaN" is not a number`},
		{"empty value", "0,,1\n", Require, nil, "m:1: value 2 is empty"},
		{"mixed separators", "0, 1 2\n", Require, nil, "m:1: value 2 \"1 2\" holds a space"},
		{"empty", "# nothing\n\n", Require, nil, "m: the file holds no matrix"},
		{"huge", "0 9000\n9000 0\n", Require, nil, "9000 ms is outside"},
	} {
		m, err := ReadMatrix([]byte(tc.src), "m", tc.sym)
		if tc.want == nil {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if m.Hosts() != len(tc.want) {
			t.Errorf("%s: %d hosts, want %d", tc.name, m.Hosts(), len(tc.want))
			continue
		}
		for a, row := range tc.want {
			for b, w := range row {
				if got := m.OneWay(a, b); got != sim.Duration(w*float64(sim.Millisecond)) {
					t.Errorf("%s: (%d, %d) = %v, want %v ms", tc.name, a, b, got, w)
				}
			}
		}
		if m.Symmetric() != (tc.sym != Directed) {
			t.Errorf("%s: symmetric %v", tc.name, m.Symmetric())
		}
	}
}

func TestLoadMatrixMissingFile(t *testing.T) {
	_, err := LoadMatrix(MatrixConfig{File: t.TempDir() + "/none.tsv", Symmetry: "require"})
	if err == nil || !strings.Contains(err.Error(), "none.tsv") || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("error %v, want one naming the file and saying it does not exist", err)
	}
}

// TestPlanetLab490 checks the embedded matrix against the figures its
// source states (over ordered pairs of distinct hosts, in ms): min 0.087,
// median 133.9, mean 145.1, max 675.2.
func TestPlanetLab490(t *testing.T) {
	m := PlanetLab490()
	if m.Hosts() != 490 || !m.Symmetric() {
		t.Fatalf("%d hosts, symmetric %v; want 490, true", m.Hosts(), m.Symmetric())
	}
	var rtts []float64
	var sum float64
	for a := range 490 {
		if m.OneWay(a, a) != 0 {
			t.Fatalf("diagonal (%d, %d) is %v", a, a, m.OneWay(a, a))
		}
		for b := range 490 {
			if a != b {
				v := float64(2*m.OneWay(a, b)) / 1e6
				rtts = append(rtts, v)
				sum += v
			}
		}
	}
	slices.Sort(rtts)
	for _, c := range []struct {
		name      string
		got, want float64
		tol       float64
	}{
		{"min", rtts[0], 0.087, 0.0005},
		{"median", (rtts[len(rtts)/2-1] + rtts[len(rtts)/2]) / 2, 133.9, 0.05},
		{"mean", sum / float64(len(rtts)), 145.1, 0.05},
		{"max", rtts[len(rtts)-1], 675.2, 0.05},
	} {
		if math.Abs(c.got-c.want) > c.tol {
			t.Errorf("%s round trip %.4f ms, the source says %v", c.name, c.got, c.want)
		}
	}
	if b := Default(); true {
		b.Kind = "planetlab490"
		worst, ok := b.Bound()
		if !ok || worst != m.OneWay(0, 0)+sim.Duration(675175*sim.Microsecond/2) {
			t.Errorf("bound %v, %v; want half of 675.175 ms", worst, ok)
		}
	}
}

func TestEncodeDecodeRTT(t *testing.T) {
	n := 5
	rtt := make([]uint32, n*n)
	for a := range n {
		for b := a + 1; b < n; b++ {
			v := uint32((a*7+b*13)*100_003) % (1 << 24)
			rtt[a*n+b], rtt[b*n+a] = v, v
		}
	}
	var buf strings.Builder
	if err := EncodeRTT(&buf, n, rtt); err != nil {
		t.Fatal(err)
	}
	m, err := DecodeRTT([]byte(buf.String()))
	if err != nil {
		t.Fatal(err)
	}
	for a := range n {
		for b := range n {
			if got, want := m.OneWay(a, b), sim.Duration(rtt[a*n+b])*sim.Microsecond/2; got != want {
				t.Fatalf("(%d, %d): %v, want %v", a, b, got, want)
			}
		}
	}
	if _, err := DecodeRTT([]byte("not gzip")); err == nil {
		t.Error("DecodeRTT accepted garbage")
	}
}

func TestConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		edit func(*Config)
		want string
	}{
		{func(c *Config) { c.Kind = "ring" }, `topology: "ring" is not none`},
		{func(c *Config) { c.Kind = "euclidean"; c.Euclidean.Dimensions = 0 }, "euclidean.dimensions: 0 is outside 1..16"},
		{func(c *Config) { c.Kind = "euclidean"; c.Euclidean.Scale = 0 }, "euclidean.scale: 0s is outside"},
		{func(c *Config) { c.Kind = "transit-stub"; c.TransitStub.StubRouters = 300 }, "transit_stub.stub_routers: 300 is outside 1..255"},
		{func(c *Config) {
			c.Kind = "transit-stub"
			c.TransitStub.TransitDomains = 100
			c.TransitStub.TransitRouters = 100
		}, "transit_stub.transit_domains: 100 domains of 100 routers make more than 4096"},
		{func(c *Config) { c.Kind = "transit-stub"; c.TransitStub.StubsPerRouter = 0 }, "transit_stub.stubs_per_router: 0"},
		{func(c *Config) { c.Kind = "transit-stub"; c.TransitStub.EdgeProbability = 2 }, "transit_stub.edge_probability: 2 is outside [0, 1]"},
		{func(c *Config) { c.Kind = "transit-stub"; c.TransitStub.StubDelay = -1 }, "transit_stub.stub_delay: -1ns is outside"},
		{func(c *Config) { c.Kind = "matrix" }, "matrix.file: is empty"},
		{func(c *Config) { c.Matrix.Symmetry = "loose" }, `matrix.symmetry: "loose" is not require`},
	} {
		c := Default()
		tc.edit(&c)
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want one containing %q", err, tc.want)
		}
	}
	for _, kind := range []string{"none", "euclidean", "transit-stub", "planetlab490"} {
		c := Default()
		c.Kind = kind
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", kind, err)
		}
		topo, err := c.Build(3, nil)
		if err != nil || (topo == nil) != (kind == "none") {
			t.Errorf("%s: Build gave %v, %v", kind, topo, err)
		}
		if topo != nil {
			if b, ok := c.Bound(); !ok {
				t.Errorf("%s: no bound", kind)
			} else if w, _ := topo.MaxOneWay(); w != b {
				t.Errorf("%s: bound %v without the seed, %v with it", kind, b, w)
			}
			_ = fmt.Sprint(topo)
			if est := c.EstimateBytes(); kind == "transit-stub" && est != uint64(topo.Bytes()) {
				t.Errorf("transit-stub: estimated %d bytes, built %d", est, topo.Bytes())
			}
		}
	}
}
