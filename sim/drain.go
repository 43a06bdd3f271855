package sim

import (
	"fmt"
	"strings"
)

// Drain is a per-node request queue: a node handles the messages that
// reach it not on arrival but at its next drain instant, at or after the
// arrival, all that are waiting, in the order they arrived. T03's
// packet-level simulator works so (sit/dht sim/no-rpc request.c:85–95 at
// c07920b2: one timer per node, re-armed after uniform [250, 750] ms,
// def.h:47, that empties the node's whole queue of requests and replies).
//
// A node's drain instants are a renewal process that starts when its
// endpoint first comes up (the first drain is at that instant, as
// sim/no-rpc join.c:66 drains at once) and whose k-th gap is a draw of
// Period keyed by a hash of the run's seed, the endpoint and k: the
// instants depend on nothing else that happens in the run and are found
// lazily, with no event per tick. The zero value is off: messages are
// handled on arrival.
type Drain struct {
	On     bool
	Period Latency // the gap between two drains of a node
}

// MinDrainMean bounds a drain period's mean from below: a shorter one
// would cost a hash per node per period of simulated time for nothing a
// message delay does not already model.
const MinDrainMean = Millisecond

// ParseDrain reads "off" or a period distribution in the forms of
// ParseLatency ("uniform:250ms,750ms", "const:500ms", "exp:500ms", ...).
// It rejects a distribution whose mean is below MinDrainMean.
func ParseDrain(s string) (Drain, error) {
	if t := strings.TrimSpace(s); t == "off" || t == "" {
		return Drain{}, nil
	}
	l, err := ParseLatency(s)
	if err != nil {
		return Drain{}, fmt.Errorf("%v (or off: messages are handled on arrival)", err)
	}
	if l.Mean() < MinDrainMean {
		return Drain{}, fmt.Errorf("drain period %q has mean %s, below %s; give a longer period, such as uniform:250ms,750ms, or off", s, l.Mean(), MinDrainMean)
	}
	return Drain{On: true, Period: l}, nil
}

// String renders d in the form ParseDrain reads.
func (d Drain) String() string {
	if !d.On {
		return "off"
	}
	return d.Period.String()
}

// UnmarshalText parses a drain model for configs and flags.
func (d *Drain) UnmarshalText(b []byte) error {
	v, err := ParseDrain(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalText renders d so that UnmarshalText reads it back.
func (d Drain) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Gap is the k-th gap (k = 0, 1, ...) between drain instants of endpoint
// e, for the run whose drain salt is salt. A draw that rounds to 0 is
// taken as 1 ns, so the instants always advance.
func (d Drain) Gap(salt uint64, e Endpoint, k uint64) Duration {
	g := d.Period.SampleKeyed(Mix64(Mix64(salt^uint64(uint32(e))) ^ k))
	if g < 1 {
		g = 1
	}
	return g
}

// drainCursor is where an endpoint's drain process stands: its k-th drain
// is at t. started is false until the endpoint first comes up.
type drainCursor struct {
	t       Time
	k       uint64
	started bool
}

// next returns the first drain instant of endpoint e at or after now,
// advancing c to it. now never decreases between calls for one cursor
// (the network asks at each arrival, in event order).
func (c *drainCursor) next(d Drain, salt uint64, e Endpoint, now Time) Time {
	for c.t < now {
		c.t = c.t.Add(d.Gap(salt, e, c.k))
		c.k++
	}
	return c.t
}
