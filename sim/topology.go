package sim

// Topology is where endpoints sit: it gives the base one-way delay of a
// message between two endpoints, a deterministic function of the two (a
// Euclidean space, a router graph, a measured matrix; package topology).
// A network with a topology (NetConfig.Topology) delays each message by
// the topology's delay plus a draw of its latency model, which then plays
// the part of jitter; without one (nil) the latency model alone is the
// delay, as if every endpoint sat at the same distance from every other.
//
// OneWay is called once per message and must not allocate; it must be a
// pure function of its arguments, so that keyed draws and the static engine
// see the same delays as the event path.
type Topology interface {
	// OneWay is the base delay of a message from one endpoint to another.
	OneWay(from, to Endpoint) Duration
	// MaxOneWay bounds OneWay over every pair, and is false if there is no
	// bound (the static engine needs one to rule out timeouts).
	MaxOneWay() (Duration, bool)
	// Symmetric reports whether OneWay(a, b) == OneWay(b, a) for every pair.
	Symmetric() bool
	// Bytes is the memory the topology holds, for the benchmark's report.
	Bytes() int64
	// String names the topology and its parameters, for messages.
	String() string
}

// TopologyHinter is a Topology that can start loading into the cache what
// OneWay(from, to) will read (a matrix entry). The network calls it for
// the reply of a request a few events before the request is delivered,
// so that the reply's delay does not wait for memory. It must not change
// any state.
type TopologyHinter interface {
	HintOneWay(from, to Endpoint)
}

// BaseRTT is the round trip between two endpoints that the network's
// topology gives, without jitter: OneWay there plus OneWay back. With no
// topology it is twice the latency model's mean, the round trip every pair
// has on average. It is what proximity routing calls a pair's RTT when it
// reads it from the network instead of measuring it.
func (c NetConfig) BaseRTT(a, b Endpoint) Duration {
	if c.Topology == nil {
		return 2 * c.Latency.Mean()
	}
	return c.Topology.OneWay(a, b) + c.Topology.OneWay(b, a)
}

// MaxDelay returns the longest one-way delay a message can take (the
// topology's longest plus the latency model's), and false if there is no
// bound.
func (c NetConfig) MaxDelay() (Duration, bool) {
	worst, ok := c.Latency.Max()
	if !ok {
		return 0, false
	}
	if c.Topology != nil {
		base, ok := c.Topology.MaxOneWay()
		if !ok {
			return 0, false
		}
		worst += base
	}
	return worst, true
}
