package topology

import (
	"errors"
	"fmt"
	"os"

	"github.com/chordsim/chordsim/sim"
)

// Config chooses a topology and its parameters: the network section's
// fields that place nodes (config.NetworkConfig embeds it inline, so the
// fields read network.topology, network.euclidean.dimensions, ...).
type Config struct {
	Kind        string            `yaml:"topology" doc:"where nodes sit: none (every message's delay is a draw of network.latency, as before), euclidean (points in a cube; delay = distance + access delays), transit-stub (a generated GT-ITM-style router graph; shortest paths), matrix (round trips from network.matrix.file) or planetlab490 (the shipped matrix of 490 PlanetLab hosts). With a topology a message takes the topology's one-way delay (half a round trip) plus a draw of network.jitter" enum:"none|euclidean|transit-stub|matrix|planetlab490"`
	Euclidean   EuclideanConfig   `yaml:"euclidean" doc:"topology euclidean: every node is a point drawn uniformly in a cube"`
	TransitStub TransitStubConfig `yaml:"transit_stub" doc:"topology transit-stub: the generated graph (defaults: T03 §V-F's 5,000 routers and 50/20/1 ms links)"`
	Matrix      MatrixConfig      `yaml:"matrix" doc:"topology matrix: the round-trip matrix file"`
}

// EuclideanConfig shapes a Euclidean topology.
type EuclideanConfig struct {
	Dimensions int          `yaml:"dimensions" doc:"dimensions of the space (T03 §V-F: 3)" range:"1 to 16"`
	Scale      sim.Duration `yaml:"scale" doc:"side of the cube, as a one-way delay: two nodes at opposite corners of a side are this far apart" unit:"duration"`
	Access     sim.Latency  `yaml:"access" doc:"each node's access delay (between the host and the core), drawn once per node from this distribution and added at both ends of every message: const:D, uniform:D1,D2 (bounded, so that the static engine can run), exp:MEAN or lognormal:MEDIAN,SIGMA" unit:"distribution"`
}

// TransitStubConfig shapes a transit-stub graph (TransitStubParams).
type TransitStubConfig struct {
	TransitDomains   int          `yaml:"transit_domains" doc:"transit (core) domains" range:"1 to 4096"`
	TransitRouters   int          `yaml:"transit_routers" doc:"routers in each transit domain; transit_domains·transit_routers at most 4,096" range:"1 to 4096"`
	StubsPerRouter   int          `yaml:"stubs_per_router" doc:"stub domains hanging off each transit router" range:"1 to 4194304"`
	StubRouters      int          `yaml:"stub_routers" doc:"routers in each stub domain (nodes attach to stub routers); the graph has transit_domains·transit_routers·(1 + stubs_per_router·stub_routers) routers, at most 2^22" range:"1 to 255"`
	EdgeProbability  float64      `yaml:"edge_probability" doc:"beyond a random spanning tree, each other pair of routers in a domain (and each other pair of transit domains) is linked with this probability" unit:"fraction"`
	TransitDelay     sim.Duration `yaml:"transit_delay" doc:"one-way delay of a link between transit routers (within or between transit domains)" unit:"duration"`
	TransitStubDelay sim.Duration `yaml:"transit_stub_delay" doc:"one-way delay of the link between a stub domain's gateway and its transit router" unit:"duration"`
	StubDelay        sim.Duration `yaml:"stub_delay" doc:"one-way delay of a link within a stub domain" unit:"duration"`
	GraphSeed        uint64       `yaml:"graph_seed" doc:"seed of the graph itself: every run and replicate uses the same graph (as a study uses one GT-ITM file), and the run's seed places the nodes on its stub routers"`
}

// MatrixConfig names a round-trip matrix file.
type MatrixConfig struct {
	File     string `yaml:"file" doc:"a square matrix of round-trip times in milliseconds, one row a line, values separated by tabs, spaces or commas, # comments; row a, column b is the round trip from host a to b, the diagonal the delay between two nodes on one host (relative to the config file's folder, or with --set to the working directory)" unit:"path"`
	Symmetry string `yaml:"symmetry" doc:"require: an entry (a, b) that differs from (b, a) is an error; average: both directions take the mean; directed: a message from a to b takes half of (a, b)" enum:"require|average|directed"`
}

// Default is the topology section's defaults: no topology; for the others,
// T03 §V-F's settings where it gives them.
func Default() Config {
	return Config{
		Kind: "none",
		Euclidean: EuclideanConfig{
			Dimensions: 3,
			// A 100 ms side puts two random points about 66 ms apart
			// (the mean distance in a unit cube is 0.66), a round trip
			// of 132 ms: near the median of the PlanetLab matrix
			// (134 ms) and of the King data set (156 ms).
			Scale: 100 * sim.Millisecond,
		},
		TransitStub: TransitStubConfig{
			// 10·5·(1 + 9·11) = 5,000 routers, as T03 §V-F.
			TransitDomains: 10, TransitRouters: 5, StubsPerRouter: 9, StubRouters: 11,
			EdgeProbability: 0.5,
			TransitDelay:    50 * sim.Millisecond, TransitStubDelay: 20 * sim.Millisecond, StubDelay: sim.Millisecond,
			GraphSeed: 1,
		},
		Matrix: MatrixConfig{Symmetry: "require"},
	}
}

// On reports whether a topology is chosen.
func (c Config) On() bool { return c.Kind != "none" && c.Kind != "" }

// Params is the transit-stub section as generator parameters.
func (c TransitStubConfig) Params() TransitStubParams {
	return TransitStubParams{
		TransitDomains: c.TransitDomains, TransitRouters: c.TransitRouters, StubsPerRouter: c.StubsPerRouter, StubRouters: c.StubRouters,
		EdgeProbability: c.EdgeProbability,
		TransitDelay:    c.TransitDelay, TransitStubDelay: c.TransitStubDelay, StubDelay: c.StubDelay, Seed: c.GraphSeed,
	}
}

// Validate lists the problems of the section, one "key: problem" each,
// with keys as the config writes them under network. It checks the
// parameters of the chosen topology only; reading a matrix file is the
// caller's (ParseMatrix), so that a sweep reads each file once.
func (c Config) Validate() error {
	var errs []error
	bad := func(key string, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
	}
	switch c.Kind {
	case "none", "planetlab490":
	case "euclidean":
		e := c.Euclidean
		if e.Dimensions < 1 || e.Dimensions > MaxDimensions {
			bad("euclidean.dimensions", "%d is outside 1..%d", e.Dimensions, MaxDimensions)
		}
		if e.Scale <= 0 || e.Scale > sim.Hour {
			bad("euclidean.scale", "%v is outside (0s, 1h]; it is the cube's side as a one-way delay, such as 100ms", e.Scale)
		}
	case "transit-stub":
		if err := c.TransitStub.Params().Check(); err != nil {
			errs = append(errs, errors.New("transit_stub."+err.Error()))
		}
	case "matrix":
		if c.Matrix.File == "" {
			bad("matrix.file", "is empty but network.topology is matrix; name the round-trip matrix file, or use topology planetlab490 for the shipped one")
		}
	default:
		bad("topology", "%q is not none, euclidean, transit-stub, matrix or planetlab490", c.Kind)
	}
	if _, err := ParseSymmetry(c.Matrix.Symmetry); err != nil {
		bad("matrix.symmetry", "%v", err)
	}
	return errors.Join(errs...)
}

// Bound is the longest one-way delay of c's topology, when it is known
// without the run's seed or a matrix file: false for none and matrix.
func (c Config) Bound() (sim.Duration, bool) {
	switch c.Kind {
	case "euclidean":
		return NewEuclidean(c.Euclidean.Dimensions, c.Euclidean.Scale, c.Euclidean.Access, 0).MaxOneWay()
	case "transit-stub":
		return NewTransitStub(c.TransitStub.Params()).maxOneWay(), true
	case "planetlab490":
		return PlanetLab490().maxOneWay(), true
	}
	return 0, false
}

// Build returns the topology of c for the run seeded seed, or nil for
// none. A matrix topology places nodes on m, the parsed file; if m is nil
// the file is read now.
func (c Config) Build(seed uint64, m *Matrix) (sim.Topology, error) {
	switch c.Kind {
	case "", "none":
		return nil, nil
	case "euclidean":
		e := c.Euclidean
		return NewEuclidean(e.Dimensions, e.Scale, e.Access, seed), nil
	case "transit-stub":
		return OnTransitStub(NewTransitStub(c.TransitStub.Params()), seed), nil
	case "planetlab490":
		return OnMatrix(PlanetLab490(), seed), nil
	case "matrix":
		if m == nil {
			var err error
			if m, err = LoadMatrix(c.Matrix); err != nil {
				return nil, err
			}
		}
		return OnMatrix(m, seed), nil
	}
	return nil, fmt.Errorf("topology %q is not none, euclidean, transit-stub, matrix or planetlab490", c.Kind)
}

// EstimateBytes is about the memory c's topology holds, before it is
// built: nothing for none and euclidean, the tables of a transit-stub
// graph (TransitStub.Bytes' terms, from the parameters), 1 MiB for
// planetlab490, and for a matrix file what its size allows (a text
// matrix takes at least 2 bytes a value, the parsed one 4).
func (c Config) EstimateBytes() uint64 {
	switch c.Kind {
	case "transit-stub":
		p := c.TransitStub.Params()
		if p.Check() != nil {
			return 0
		}
		nt := uint64(p.TransitDomains * p.TransitRouters)
		hosts := nt * uint64(p.StubsPerRouter*p.StubRouters)
		return 2*nt*nt + hosts*uint64(p.StubRouters) + 5*hosts
	case "planetlab490":
		return 1 << 20
	case "matrix":
		if fi, err := os.Stat(c.Matrix.File); err == nil && fi.Size() > 0 {
			return 2 * uint64(fi.Size())
		}
	}
	return 0
}
