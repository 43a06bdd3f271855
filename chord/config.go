package chord

import (
	"errors"
	"fmt"

	"github.com/chordsim/chordsim/sim"
)

// LookupMode chooses who drives a lookup.
type LookupMode uint8

const (
	// Iterative: the initiator asks each hop in turn for the next one (the
	// Chord papers' simulator).
	Iterative LookupMode = iota
	// Recursive: each hop forwards the query; the last one answers the initiator.
	Recursive
)

// FixMode chooses how much of the finger table one fix_fingers call repairs.
type FixMode uint8

const (
	// FixOne refreshes the next finger that needs a remote lookup, in round
	// robin order (ToN Fig. 6). Fingers whose start lies in (n, successor]
	// are the successor, so they are set locally on the way.
	FixOne FixMode = iota
	// FixAll refreshes every finger, one lookup after another (S01 §6.5:
	// stabilization "updates all finger entries on every call").
	FixAll
)

// Routing chooses which entries closest_preceding_node may return.
type Routing uint8

const (
	// FingersAndSuccessors searches the finger table and the successor list
	// (ToN §IV-E.3), which also lets lookups route around dead fingers.
	FingersAndSuccessors Routing = iota
	// FingersOnly searches the finger table alone (S01 Fig. 4), the rule behind
	// S01 Fig. 10's path lengths.
	FingersOnly
)

// Variant chooses between the protocol with the corrections for its known
// flaws and the protocol as published (correctness reference §2.3, §3).
type Variant uint8

const (
	// Zave never adopts a pointer to a node that has not
	// answered (Zave's fixes J and S; Verdi states it as a rule): stabilize
	// asks its successor's predecessor before making it its successor, and
	// a notified node whose predecessor is not displaced by the notifier
	// pings that predecessor and takes the notifier if it is silent (Zave's
	// rectify), instead of waiting for check_predecessor.
	Zave Variant = iota
	// Original (the default) is ToN Fig. 6 as published: stabilize adopts the
	// successor's predecessor as soon as it hears of it, and notify keeps
	// a dead predecessor until check_predecessor clears it (for
	// reproducing the papers' figures and the counterexamples of §2).
	Original
)

var variantNames = [...]string{Zave: "zave", Original: "original"}

func (v Variant) String() string { return variantNames[v] }

// ParseVariant parses a variant name ("zave" or "original").
func ParseVariant(s string) (Variant, error) {
	for v, name := range variantNames {
		if s == name {
			return Variant(v), nil
		}
	}
	return 0, fmt.Errorf("variant %q: use zave or original", s)
}

// Config holds the knobs of the protocol (not of the simulated network).
type Config struct {
	Bits                  int          // m, identifier bits, 1..64
	Successors            int          // r, successor-list length, ≥ 1
	StabilizeEvery        sim.Duration // period of stabilize; 0 turns it off
	FixFingersEvery       sim.Duration // period of fix_fingers; 0 turns it off
	CheckPredecessorEvery sim.Duration // period of check_predecessor; 0 turns it off
	Jitter                float64      // each period is drawn uniformly from [p(1−j), p(1+j)], 0 ≤ j ≤ 1
	FixFingers            FixMode
	Lookup                LookupMode
	Routing               Routing
	RPCTimeout            sim.Duration // a request unanswered this long means the peer is dead
	LookupTimeout         sim.Duration // recursive lookups: the initiator gives up after this long
	MaxHops               int          // a lookup that needs more hops fails (routing loop guard)
	LookupRetries         int          // timeouts a lookup survives by trying the next best node; 0 fails at the first (S01 §6.5 "no retries")
	VirtualNodes          int          // ring members per real node (S01 §4.2), ≥ 1

	// Fault handling (issue 17): how the protocol treats nodes that do not
	// answer. See Variant.
	Variant Variant
	// SuspectConfirm is how many more pings, each with RPCTimeout, a node
	// sends a peer that missed an answer before it acts on the suspicion
	// (drops the peer from its tables, replaces its predecessor); a lookup
	// re-checks an owner candidate as many times before it moves to the
	// next one. 0 acts at the first timeout (ToN's protocol and
	// simulator). See detector.go.
	SuspectConfirm int
}

// DefaultConfig returns the defaults: m = 64, r = 16 (about 2·log2 of
// 10^2.4 nodes; raise it for large rings under failures), stabilization
// every 30 s as in S01 §6.5, a 500 ms timeout as in ToN §V-A.
func DefaultConfig() Config {
	return Config{
		Bits:                  64,
		Successors:            16,
		StabilizeEvery:        30 * sim.Second,
		FixFingersEvery:       30 * sim.Second,
		CheckPredecessorEvery: 30 * sim.Second,
		Jitter:                0.5,
		FixFingers:            FixOne,
		Lookup:                Iterative,
		Routing:               FingersAndSuccessors,
		RPCTimeout:            500 * sim.Millisecond,
		LookupTimeout:         30 * sim.Second,
		MaxHops:               128,
		LookupRetries:         3,
		VirtualNodes:          1,
		Variant:               Zave,
		SuspectConfirm:        3,
	}
}

// Validate lists every problem with c, one error per field.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if c.Bits < 1 || c.Bits > 64 {
		bad("m = %d: identifier bits must be between 1 and 64", c.Bits)
	}
	if c.Successors < 1 {
		bad("successors = %d: a node needs at least 1 successor; use r ≥ 1 (about 2·log2 N under failures)", c.Successors)
	}
	if c.StabilizeEvery < 0 {
		bad("stabilize_every = %v is negative; use a positive period, or 0s to turn stabilization off", c.StabilizeEvery)
	}
	if c.FixFingersEvery < 0 {
		bad("fix_fingers_every = %v is negative; use a positive period, or 0s to turn it off", c.FixFingersEvery)
	}
	if c.CheckPredecessorEvery < 0 {
		bad("check_predecessor_every = %v is negative; use a positive period, or 0s to turn it off", c.CheckPredecessorEvery)
	}
	if !(c.Jitter >= 0 && c.Jitter <= 1) {
		bad("jitter = %v must be a fraction between 0 and 1", c.Jitter)
	}
	if c.RPCTimeout <= 0 {
		bad("rpc_timeout = %v must be positive", c.RPCTimeout)
	}
	if c.LookupTimeout <= 0 {
		bad("lookup_timeout = %v must be positive", c.LookupTimeout)
	}
	if c.VirtualNodes < 1 {
		bad("virtual_nodes = %d must be at least 1", c.VirtualNodes)
	}
	if c.LookupRetries < 0 || c.LookupRetries > 1000 {
		bad("lookup_retries = %d must be between 0 (fail at the first timeout) and 1000", c.LookupRetries)
	}
	if c.SuspectConfirm < 0 || c.SuspectConfirm > 20 {
		bad("suspect_confirm = %d must be between 0 (act at the first timeout) and 20", c.SuspectConfirm)
	}
	if c.Variant > Original {
		bad("variant = %d: use zave or original", c.Variant)
	}
	if c.MaxHops < 1 {
		bad("max_hops = %d must be at least 1", c.MaxHops)
	}
	return errors.Join(errs...)
}
