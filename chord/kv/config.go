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

func (c Consistency) String() string { return consistencyNames[c] }

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

// Config holds the service's knobs.
type Config struct {
	Replicas       int          // k: copies of every pair, on the primary and its k−1 successors; 1 ≤ k ≤ r
	Consistency    Consistency  // how the copies are kept in step
	RequestTimeout sim.Duration // a client waits this long for an answer from the primary's chain
	Retries        int          // attempts a client makes after the first (new lookup each time, or a redirect)
	RetryBackoff   sim.Duration // pause before a retry that needs a new lookup
	RepairEvery    sim.Duration // period of replica repair at each node; 0 turns it off
	ReplicaTTL     sim.Duration // a pair a node is not primary for is dropped when no primary refreshed it this long; 0 keeps it forever
	PropagateDelay sim.Duration // eventual mode: how long a node waits before passing a write down the chain
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
// length r.
func (c Config) Validate(successors int) error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if c.Replicas < 1 || c.Replicas > successors || c.Replicas > 127 {
		bad("replicas = %d: the replication factor must be between 1 and the successor-list length r = %d (a primary places copies on its successors); raise chord.successors or lower replicas", c.Replicas, successors)
	}
	if c.Consistency > Eventual {
		bad("consistency %d is not known", c.Consistency)
	}
	if c.RequestTimeout <= 0 {
		bad("request_timeout = %v must be positive", c.RequestTimeout)
	}
	if c.Retries < 0 || c.Retries > 1000 {
		bad("retries = %d must be between 0 and 1000", c.Retries)
	}
	if c.RetryBackoff < 0 {
		bad("retry_backoff = %v must not be negative", c.RetryBackoff)
	}
	if c.RepairEvery < 0 {
		bad("repair_every = %v must not be negative; 0s turns repair off", c.RepairEvery)
	}
	if c.ReplicaTTL < 0 {
		bad("replica_ttl = %v must not be negative; 0s keeps replicas forever", c.ReplicaTTL)
	} else if c.ReplicaTTL > 0 && c.RepairEvery > 0 && c.ReplicaTTL < 2*c.RepairEvery {
		bad("replica_ttl = %v is shorter than two repair periods (%v): live replicas would be dropped between refreshes; use at least %v", c.ReplicaTTL, c.RepairEvery, 2*c.RepairEvery)
	}
	if c.PropagateDelay < 0 {
		bad("propagate_delay = %v must not be negative", c.PropagateDelay)
	}
	return errors.Join(errs...)
}
