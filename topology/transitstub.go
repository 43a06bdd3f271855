package topology

import (
	"fmt"
	"math/rand/v2"

	"github.com/chordsim/chordsim/sim"
)

// TransitStubParams shape a transit-stub graph in the manner of GT-ITM
// (Calvert, Doar, Zegura, "Modeling Internet topology", IEEE
// Communications 1997): TransitDomains domains of TransitRouters routers
// each form the core; every transit router has StubsPerRouter stub
// domains of StubRouters routers hanging off it, each by one link from
// its first router (the gateway). Within a domain the routers are joined
// by a random spanning tree plus each other pair with probability
// EdgeProbability; the transit domains likewise, by links between random
// routers of theirs. Every link of a level has that level's delay.
type TransitStubParams struct {
	TransitDomains, TransitRouters, StubsPerRouter, StubRouters int
	EdgeProbability                                             float64
	TransitDelay, TransitStubDelay, StubDelay                   sim.Duration
	Seed                                                        uint64 // the graph's own seed: the same graph for every run
}

// Limits of a transit-stub graph: the core's all-pairs table takes 2
// bytes a pair of transit routers, a stub domain's 1 byte a pair of its
// routers.
const (
	MaxTransitRouters = 4096
	MaxStubRouters    = 255
	MaxRouters        = 1 << 22
)

// Check returns the first impossible parameter as "field: problem" with
// the field named as the config does (under network.transit_stub), or nil.
func (p TransitStubParams) Check() error {
	switch {
	case p.TransitDomains < 1:
		return fmt.Errorf("transit_domains: %d; a graph needs at least 1 transit domain", p.TransitDomains)
	case p.TransitRouters < 1:
		return fmt.Errorf("transit_routers: %d; a transit domain needs at least 1 router", p.TransitRouters)
	case p.StubsPerRouter < 1:
		return fmt.Errorf("stubs_per_router: %d; nodes sit on stub routers, so give each transit router at least 1 stub domain", p.StubsPerRouter)
	case p.StubRouters < 1 || p.StubRouters > MaxStubRouters:
		return fmt.Errorf("stub_routers: %d is outside 1..%d", p.StubRouters, MaxStubRouters)
	case p.TransitDomains > MaxTransitRouters || p.TransitRouters > MaxTransitRouters || p.TransitDomains*p.TransitRouters > MaxTransitRouters:
		return fmt.Errorf("transit_domains: %d domains of %d routers make more than %d transit routers; lower transit_domains or transit_routers", p.TransitDomains, p.TransitRouters, MaxTransitRouters)
	case p.StubsPerRouter > MaxRouters || int64(p.TransitDomains*p.TransitRouters)*int64(p.StubsPerRouter)*int64(p.StubRouters+1) > MaxRouters:
		return fmt.Errorf("stubs_per_router: %d stub domains of %d routers on each of %d transit routers make more than %d routers; lower stubs_per_router or stub_routers", p.StubsPerRouter, p.StubRouters, p.TransitDomains*p.TransitRouters, MaxRouters)
	case !(p.EdgeProbability >= 0 && p.EdgeProbability <= 1):
		return fmt.Errorf("edge_probability: %v is outside [0, 1]", p.EdgeProbability)
	}
	for _, d := range []struct {
		name string
		v    sim.Duration
	}{{"transit_delay", p.TransitDelay}, {"transit_stub_delay", p.TransitStubDelay}, {"stub_delay", p.StubDelay}} {
		if d.v < 0 || d.v > sim.Second {
			return fmt.Errorf("%s: %v is outside 0s..1s; a link's one-way delay", d.name, d.v)
		}
	}
	return nil
}

// Routers is the graph's number of routers.
func (p TransitStubParams) Routers() int {
	t := p.TransitDomains * p.TransitRouters
	return t + t*p.StubsPerRouter*p.StubRouters
}

// TransitStub is a generated transit-stub graph's delays between its stub
// routers, the hosts endpoints are placed on. It keeps what shortest paths
// need and no all-pairs table: a stub domain meets the rest of the graph
// only at its gateway's link, so a path between two stub domains is the
// way to the first's gateway, its link, the shortest path across the core,
// the other's link and the way from its gateway. That takes the core's
// all-pairs hop counts, each stub domain's, and each stub router's hops
// to its gateway: memory in proportion to the routers, not to their
// square.
type TransitStub struct {
	p       TransitStubParams
	nt      int      // transit routers
	core    []uint16 // hops between transit routers, nt × nt
	stub    []uint8  // hops within each stub domain, StubRouters² per domain
	gw      []uint8  // hops from each stub router to its gateway
	maxCore int
	maxGw   int
	maxStub int
}

// edge is a link of the generated graph, for tests that check the
// shortest paths against a search of the whole graph.
type edge struct {
	a, b  int // routers: transit routers first, then stub routers (host h is router nt+h)
	delay sim.Duration
}

// NewTransitStub generates the graph (p must have passed Check).
func NewTransitStub(p TransitStubParams) *TransitStub {
	g, _ := generate(p, false)
	return g
}

// generate builds the graph; with keep it also returns its links.
func generate(p TransitStubParams, keep bool) (*TransitStub, []edge) {
	if err := p.Check(); err != nil {
		panic("topology: " + err.Error())
	}
	rng := rand.New(rand.NewPCG(sim.Seed(p.Seed, "transit-stub"), 0x7472616e73697421))
	nt := p.TransitDomains * p.TransitRouters
	g := &TransitStub{p: p, nt: nt}
	var edges []edge
	link := func(adj [][]int32, a, b int, base int, delay sim.Duration) {
		adj[a] = append(adj[a], int32(b))
		adj[b] = append(adj[b], int32(a))
		if keep {
			edges = append(edges, edge{base + a, base + b, delay})
		}
	}
	// A connected random graph on k nodes: a random tree, then each other
	// pair with probability EdgeProbability.
	domain := func(adj [][]int32, first, k int, base int, delay sim.Duration) {
		for i := 1; i < k; i++ {
			link(adj, first+i, first+rng.IntN(i), base, delay)
		}
		for i := range k {
			for j := i + 1; j < k; j++ {
				if !linked(adj, first+i, first+j) && rng.Float64() < p.EdgeProbability {
					link(adj, first+i, first+j, base, delay)
				}
			}
		}
	}
	core := make([][]int32, nt)
	for d := range p.TransitDomains {
		domain(core, d*p.TransitRouters, p.TransitRouters, 0, p.TransitDelay)
	}
	// The domains: a random tree of them, then each other pair of domains
	// with probability EdgeProbability, each link between random routers.
	pick := func(d int) int { return d*p.TransitRouters + rng.IntN(p.TransitRouters) }
	joined := make([]bool, p.TransitDomains*p.TransitDomains)
	for d := 1; d < p.TransitDomains; d++ {
		e := rng.IntN(d)
		joined[d*p.TransitDomains+e], joined[e*p.TransitDomains+d] = true, true
		link(core, pick(d), pick(e), 0, p.TransitDelay)
	}
	for d := range p.TransitDomains {
		for e := d + 1; e < p.TransitDomains; e++ {
			if !joined[d*p.TransitDomains+e] && rng.Float64() < p.EdgeProbability {
				link(core, pick(d), pick(e), 0, p.TransitDelay)
			}
		}
	}
	g.core = make([]uint16, nt*nt)
	dist := make([]int32, nt)
	queue := make([]int32, 0, nt)
	for s := range nt {
		bfs(core, s, dist, queue)
		for t, d := range dist {
			g.core[s*nt+t] = uint16(d)
			g.maxCore = max(g.maxCore, int(d))
		}
	}
	// The stub domains, each with its own table.
	k := p.StubRouters
	stubs := nt * p.StubsPerRouter
	g.stub = make([]uint8, stubs*k*k)
	g.gw = make([]uint8, stubs*k)
	adj := make([][]int32, k)
	dist = make([]int32, k)
	queue = make([]int32, 0, k)
	for s := range stubs {
		for i := range adj {
			adj[i] = adj[i][:0]
		}
		base := nt + s*k
		domain(adj, 0, k, base, p.StubDelay)
		if keep {
			edges = append(edges, edge{s / p.StubsPerRouter, base, p.TransitStubDelay})
		}
		for i := range k {
			bfs(adj, i, dist, queue)
			for j, d := range dist {
				g.stub[s*k*k+i*k+j] = uint8(d)
				g.maxStub = max(g.maxStub, int(d))
			}
			g.gw[s*k+i] = uint8(dist[0])
			g.maxGw = max(g.maxGw, int(dist[0]))
		}
	}
	return g, edges
}

func linked(adj [][]int32, a, b int) bool {
	for _, x := range adj[a] {
		if int(x) == b {
			return true
		}
	}
	return false
}

// bfs sets dist to the hop counts from s in the connected graph adj.
func bfs(adj [][]int32, s int, dist []int32, queue []int32) {
	for i := range dist {
		dist[i] = -1
	}
	dist[s] = 0
	queue = append(queue[:0], int32(s))
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		for _, v := range adj[u] {
			if dist[v] < 0 {
				dist[v] = dist[u] + 1
				queue = append(queue, v)
			}
		}
	}
}

// Hosts implements hostDelays: the stub routers, numbered domain by domain
// (a transit router's stub domains in turn).
func (g *TransitStub) Hosts() int { return len(g.gw) }

// OneWay is the shortest path's delay between stub routers a and b.
func (g *TransitStub) OneWay(a, b int) sim.Duration {
	if a == b {
		return 0
	}
	k := g.p.StubRouters
	sa, sb := a/k, b/k
	if sa == sb {
		return sim.Duration(g.stub[sa*k*k+(a-sa*k)*k+(b-sb*k)]) * g.p.StubDelay
	}
	ta, tb := sa/g.p.StubsPerRouter, sb/g.p.StubsPerRouter
	return sim.Duration(int(g.gw[a])+int(g.gw[b]))*g.p.StubDelay + 2*g.p.TransitStubDelay +
		sim.Duration(g.core[ta*g.nt+tb])*g.p.TransitDelay
}

// Symmetric implements hostDelays: links carry the same delay both ways.
func (g *TransitStub) Symmetric() bool { return true }

func (g *TransitStub) maxOneWay() sim.Duration {
	inter := sim.Duration(2*g.maxGw)*g.p.StubDelay + 2*g.p.TransitStubDelay + sim.Duration(g.maxCore)*g.p.TransitDelay
	return max(inter, sim.Duration(g.maxStub)*g.p.StubDelay)
}

func (g *TransitStub) bytes() int64 {
	return int64(len(g.core))*2 + int64(len(g.stub)) + int64(len(g.gw))
}

func (g *TransitStub) name() string {
	p := g.p
	return fmt.Sprintf("transit-stub: %d routers (%d×%d transit, %d stub domains of %d), links %v/%v/%v",
		p.Routers(), p.TransitDomains, p.TransitRouters, g.nt*p.StubsPerRouter, p.StubRouters, p.TransitDelay, p.TransitStubDelay, p.StubDelay)
}

// OnTransitStub places endpoints on the stub routers of g (see Hosted), by
// a permutation drawn from seed.
func OnTransitStub(g *TransitStub, seed uint64) *Hosted { return place(g, seed) }
