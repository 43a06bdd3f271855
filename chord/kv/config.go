package kv

import (
	"errors"
	"fmt"
	"strings"

	"github.com/chordsim/chordsim/sim"
)

// Consistency is how replicas are kept in step.
type Consistency uint8

// Consistency modes.
const (
	// Linearizable is chain replication: writes are acknowledged by the
	// tail, reads are served by the tail.
	Linearizable Consistency = iota
	// Eventual acknowledges writes at the primary, propagates them lazily
	// and serves reads from any replica.
	Eventual
)

var consistencyNames = [...]string{"linearizable", "eventual"}

// String is the mode as configs write it.
func (c Consistency) String() string {
	if int(c) >= len(consistencyNames) {
		return fmt.Sprintf("Consistency(%d)", uint8(c))
	}
	return consistencyNames[c]
}

// MarshalText writes linearizable or eventual.
func (c Consistency) MarshalText() ([]byte, error) {
	if int(c) >= len(consistencyNames) {
		return nil, fmt.Errorf("kv: consistency %d is not known", uint8(c))
	}
	return []byte(consistencyNames[c]), nil
}

// UnmarshalText reads what ParseConsistency reads.
func (c *Consistency) UnmarshalText(b []byte) error {
	v, err := ParseConsistency(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// ParseConsistency reads "linearizable" (also "chain") or "eventual".
func ParseConsistency(s string) (Consistency, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "linearizable", "chain":
		return Linearizable, nil
	case "eventual":
		return Eventual, nil
	}
	return 0, fmt.Errorf("consistency %q is not known; use linearizable (chain replication) or eventual", s)
}

// Config holds the service's knobs. Its tags make it part of the kv section
// of an experiment config (package config embeds it there); yaml is the
// key, doc the line in --fields and docs/manual.md.
type Config struct {
	Replicas       int          `yaml:"replicas" doc:"replication factor k: copies on the primary and its k−1 successors (1 ≤ k ≤ chord.successors)" unit:"copies"`
	Consistency    Consistency  `yaml:"consistency" doc:"linearizable: chain replication, the tail acknowledges writes and serves reads; eventual: the primary acknowledges, propagates lazily, any replica serves reads" enum:"linearizable|eventual"`
	RequestTimeout sim.Duration `yaml:"request_timeout" doc:"a client waits this long for the primary's chain to answer before it retries" unit:"duration"`
	Retries        int          `yaml:"retries" doc:"attempts a client makes after the first (a new lookup after a timeout or refusal, or straight to the node a refusal names)" unit:"attempts"`
	RetryBackoff   sim.Duration `yaml:"retry_backoff" doc:"pause before a retry that needs a new lookup" unit:"duration"`
	RepairEvery    sim.Duration `yaml:"repair_every" doc:"period of each node's replica repair (push its primary pairs to its k−1 successors; hand on pairs that belong before it); 0s turns it off" unit:"duration"`
	ReplicaTTL     sim.Duration `yaml:"replica_ttl" doc:"a copy a node is not primary for is dropped when no primary refreshed it this long; 0s keeps copies forever" unit:"duration"`
	PropagateDelay sim.Duration `yaml:"propagate_delay" doc:"eventual mode: how long each node waits before passing a write down the chain" unit:"duration"`
}

// DefaultConfig returns the defaults: no replication, linearizable, a 2 s
// request timeout with 3 retries, repair every 30 s (the ring's default
// stabilization period) and a replica lifetime of 4 repair periods.
func DefaultConfig() Config {
	return Config{
		Replicas:       1,
		Consistency:    Linearizable,
		RequestTimeout: 2 * sim.Second,
		Retries:        3,
		RetryBackoff:   500 * sim.Millisecond,
		RepairEvery:    30 * sim.Second,
		ReplicaTTL:     120 * sim.Second,
	}
}

// Validate lists every problem with c, given the ring's successor-list
// length r (chord.successors; not checked against when below 1, which the
// ring's own validation reports), one line each, as "key: problem; fix"
// with the field's yaml key; a caller that holds c in a larger config puts
// its own path in front (the experiment config writes kv.replicas).
func (c Config) Validate(successors int) error {
	var errs []error
	bad := func(key string, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
	}
	if c.Replicas < 1 || c.Replicas > 127 {
		bad("replicas", "%d is outside 1..127; it is the number of copies of each pair", c.Replicas)
	} else if successors >= 1 && c.Replicas > successors {
		bad("replicas", "%d is more than chord.successors = %d: a primary places its copies on its successor list; raise chord.successors or lower kv.replicas", c.Replicas, successors)
	}
	if c.Consistency > Eventual {
		bad("consistency", "%d is not linearizable or eventual", c.Consistency)
	}
	if c.RequestTimeout <= 0 {
		bad("request_timeout", "%v must be positive", c.RequestTimeout)
	}
	if c.Retries < 0 || c.Retries > 1000 {
		bad("retries", "%d is outside 0..1000", c.Retries)
	}
	for _, p := range []struct {
		key string
		d   sim.Duration
	}{{"retry_backoff", c.RetryBackoff}, {"repair_every", c.RepairEvery}, {"replica_ttl", c.ReplicaTTL}, {"propagate_delay", c.PropagateDelay}} {
		if p.d < 0 {
			bad(p.key, "%v is negative; use a positive duration or 0s", p.d)
		}
	}
	if c.ReplicaTTL > 0 && c.RepairEvery > 0 && c.ReplicaTTL < 2*c.RepairEvery {
		bad("replica_ttl", "%v is shorter than two repair periods (2 × kv.repair_every = %v): live copies would be dropped between refreshes; use at least %v or 0s", c.ReplicaTTL, 2*c.RepairEvery, 2*c.RepairEvery)
	}
	return errors.Join(errs...)
}
