package chord

import (
	"errors"
	"fmt"
	"strings"

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
	// rectify), instead of waiting for check_predecessor. A joiner walks
	// back from the successor its lookup named through predecessors that
	// answer, so that its list skips no live node, and a member that has
	// lost every successor repairs its list through another node (the
	// rendezvous if it knows none) instead of becoming a ring of one.
	Zave Variant = iota
	// Original is ToN Fig. 6 as published: stabilize adopts the
	// successor's predecessor as soon as it hears of it, and notify keeps
	// a dead predecessor until check_predecessor clears it (for
	// reproducing the papers' figures and the counterexamples of §2).
	Original
)

var variantNames = [...]string{Zave: "zave", Original: "original"}

// ParseVariant parses a variant name ("zave" or "original").
func ParseVariant(s string) (Variant, error) {
	var v Variant
	err := v.UnmarshalText([]byte(s))
	return v, err
}

// String is the variant as configs write it (MarshalText).
func (v Variant) String() string {
	b, err := v.MarshalText()
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// MarshalText writes zave or original.
func (v Variant) MarshalText() ([]byte, error) { return enumText("variant", variantNames[:], v) }

// UnmarshalText reads zave or original.
func (v *Variant) UnmarshalText(b []byte) error {
	return enumParse("variant", variantNames[:], b, v)
}

// Config holds the knobs of the protocol (not of the simulated network).
// Its tags make it the chord section of an experiment config (package
// config, decoded by internal/yamlconf): yaml is the key, doc the line in
// --fields and docs/manual.md, unit and enum what the value may be.
type Config struct {
	Bits                  int          `yaml:"m" doc:"identifier bits; the ring has 2^m identifiers" unit:"bits"`
	Successors            int          `yaml:"successors" doc:"successor-list length r" unit:"nodes"`
	StabilizeEvery        sim.Duration `yaml:"stabilize_every" doc:"mean period of stabilize; 0s turns it off" unit:"duration"`
	FixFingersEvery       sim.Duration `yaml:"fix_fingers_every" doc:"mean period of fix_fingers; 0s turns it off" unit:"duration"`
	CheckPredecessorEvery sim.Duration `yaml:"check_predecessor_every" doc:"mean period of check_predecessor; 0s turns it off" unit:"duration"`
	Jitter                float64      `yaml:"jitter" doc:"each period is drawn uniformly from [p·(1−jitter), p·(1+jitter)]" unit:"fraction"`
	FixFingers            FixMode      `yaml:"fix_fingers" doc:"one: each call repairs the next finger that needs a lookup (ToN); all: each call repairs every finger (S01 §6.5)" enum:"one|all"`
	Lookup                LookupMode   `yaml:"lookup" doc:"iterative: the initiator contacts each hop; recursive: each hop forwards the query" enum:"iterative|recursive"`
	Routing               Routing      `yaml:"routing" doc:"what closest_preceding_node searches: fingers (S01 Fig. 4) or fingers+successors (ToN §IV-E.3)" enum:"fingers|fingers+successors"`
	RPCTimeout            sim.Duration `yaml:"rpc_timeout" doc:"a request unanswered this long means the peer is dead" unit:"duration"`
	LookupTimeout         sim.Duration `yaml:"lookup_timeout" doc:"recursive lookups: the initiator gives up after this long" unit:"duration"`
	LookupRetries         int          `yaml:"lookup_retries" doc:"timeouts a lookup survives while it routes around silent nodes (iterative: the initiator tries the next best node, ToN §IV-E.3; recursive: each hop does) and checks that the owner is alive; 0 fails at the first timeout (S01 Fig. 12)" unit:"timeouts"`
	MaxHops               int          `yaml:"max_hops" doc:"a lookup needing more hops fails (guards against routing loops)" unit:"hops"`
	VirtualNodes          int          `yaml:"virtual_nodes" doc:"ring members per real node (S01 §4.2); n counts real nodes and load is counted per real node; bootstrap ideal only" unit:"members/node"`

	// Fault handling (issue 17): how the protocol treats nodes that do not
	// answer. See Variant and detector.go.
	Variant        Variant `yaml:"variant" doc:"zave: never adopt a pointer to a node that has not answered (stabilize asks the successor's predecessor first; a notified node pings its predecessor and takes the notifier if it is silent: Zave's rectify); original: ToN Fig. 6 as published (stabilize adopts its successor's predecessor unasked; notify waits for check_predecessor to clear a dead predecessor)" enum:"zave|original"`
	SuspectConfirm int     `yaml:"suspect_confirm" doc:"failure detector: pings a node sends a peer that missed an answer before it drops the peer or replaces its predecessor (a lookup re-checks an owner candidate as often); 0 acts at the first timeout (ToN)" unit:"pings"`
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

// Validate lists every problem with c, one line each, as "key: problem;
// fix" with the field's yaml key; a caller that holds c in a larger config
// puts its own path in front (the experiment config writes chord.m).
func (c Config) Validate() error {
	var errs []error
	bad := func(key string, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
	}
	if c.VirtualNodes < 1 {
		bad("virtual_nodes", "%d is less than 1; every real node runs at least one ring member", c.VirtualNodes)
	}
	if c.Bits < 1 || c.Bits > 64 {
		bad("m", "%d is outside 1..64; identifiers are at most 64 bits", c.Bits)
	}
	if c.Successors < 1 {
		bad("successors", "%d is less than 1; a node needs at least one successor (use about 2·log2 n under failures)", c.Successors)
	}
	for _, p := range []struct {
		key string
		d   sim.Duration
	}{{"stabilize_every", c.StabilizeEvery}, {"fix_fingers_every", c.FixFingersEvery}, {"check_predecessor_every", c.CheckPredecessorEvery}} {
		if p.d < 0 {
			bad(p.key, "%v is negative; use a positive duration, or 0s to turn it off", p.d)
		}
	}
	if !(c.Jitter >= 0 && c.Jitter <= 1) {
		bad("jitter", "%v is outside 0..1; it is a fraction of the period", c.Jitter)
	}
	if c.FixFingers > FixAll {
		bad("fix_fingers", "%d is not one or all", c.FixFingers)
	}
	if c.Lookup > Recursive {
		bad("lookup", "%d is not iterative or recursive", c.Lookup)
	}
	if c.Routing > FingersOnly {
		bad("routing", "%d is not fingers or fingers+successors", c.Routing)
	}
	if c.RPCTimeout <= 0 {
		bad("rpc_timeout", "%v must be positive", c.RPCTimeout)
	}
	if c.LookupTimeout <= 0 {
		bad("lookup_timeout", "%v must be positive", c.LookupTimeout)
	}
	if c.SuspectConfirm < 0 || c.SuspectConfirm > 20 {
		bad("suspect_confirm", "%d is outside 0..20; use 0 to act at the first timeout (ToN), or a few pings", c.SuspectConfirm)
	}
	if c.Variant > Original {
		bad("variant", "%d is not zave or original", c.Variant)
	}
	if c.MaxHops < 1 {
		bad("max_hops", "%d is less than 1", c.MaxHops)
	}
	if c.LookupRetries < 0 || c.LookupRetries > 1000 {
		bad("lookup_retries", "%d is outside 0..1000; use 0 to fail a lookup at its first timeout", c.LookupRetries)
	}
	return errors.Join(errs...)
}

// Names of the modes, as written in configs; the index is the mode's value.
var (
	fixModeNames    = [...]string{"one", "all"}
	lookupModeNames = [...]string{"iterative", "recursive"}
	routingNames    = [...]string{"fingers+successors", "fingers"}
)

// enumText returns names[v], or an error for a value outside the names.
func enumText[T ~uint8](what string, names []string, v T) ([]byte, error) {
	if int(v) >= len(names) {
		return nil, fmt.Errorf("chord: %s %d is not known", what, v)
	}
	return []byte(names[v]), nil
}

// enumParse sets *v to the value whose name is text.
func enumParse[T ~uint8](what string, names []string, text []byte, v *T) error {
	for i, n := range names {
		if string(text) == n {
			*v = T(i)
			return nil
		}
	}
	return fmt.Errorf("%s %q is not one of %s", what, text, strings.Join(names, ", "))
}

// String is the mode as configs write it (MarshalText).
func (m FixMode) String() string {
	b, err := m.MarshalText()
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// MarshalText writes one or all.
func (m FixMode) MarshalText() ([]byte, error) { return enumText("fix mode", fixModeNames[:], m) }

// UnmarshalText reads one or all.
func (m *FixMode) UnmarshalText(b []byte) error {
	return enumParse("fix mode", fixModeNames[:], b, m)
}

// String is the mode as configs write it (MarshalText).
func (m LookupMode) String() string {
	b, err := m.MarshalText()
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// MarshalText writes iterative or recursive.
func (m LookupMode) MarshalText() ([]byte, error) {
	return enumText("lookup mode", lookupModeNames[:], m)
}

// UnmarshalText reads iterative or recursive.
func (m *LookupMode) UnmarshalText(b []byte) error {
	return enumParse("lookup mode", lookupModeNames[:], b, m)
}

// String is the rule as configs write it (MarshalText).
func (r Routing) String() string {
	b, err := r.MarshalText()
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// MarshalText writes fingers+successors or fingers.
func (r Routing) MarshalText() ([]byte, error) { return enumText("routing", routingNames[:], r) }

// UnmarshalText reads fingers+successors or fingers.
func (r *Routing) UnmarshalText(b []byte) error {
	return enumParse("routing", routingNames[:], b, r)
}
