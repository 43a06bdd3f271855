package chord

import "github.com/chordsim/chordsim/sim"

// TraceHop is one request of a traced lookup: the initiator asks To, which
// the answer of From (or From's own tables, for the origin) named.
type TraceHop struct {
	From, To Handle
	// Latency is the request's round trip, or the RPC timeout if To did
	// not answer.
	Latency  sim.Duration
	TimedOut bool
}

// LookupTrace is the path of one lookup as TraceLookup walks it.
type LookupTrace struct {
	Origin  Handle
	Key     ID
	Owner   Handle // the node the lookup names; None if it ended without one
	Hops    []TraceHop
	Outcome LookupOutcome
	Latency sim.Duration // the sum of the hops' latencies
	// Keyed is true when the delays are the ones the run's keyed network
	// gives these messages at this moment; otherwise each one-way delay
	// is the latency model's mean.
	Keyed bool
}

// TraceLookup walks the iterative lookup of key from origin on the nodes'
// tables as they stand now, for pictures and teaching: at each step it asks
// decide (ToN Fig. 5) what the last node that answered would name, counts
// a node that is not a live member as a timeout and, with lookup retries
// on, passes over it as the initiator would; with retries off the lookup
// ends there, timed out. It sends no message, sets no timer and changes
// no state: the path is the one the tables give at this instant, not a
// record of a lookup that ran (a recursive lookup visits the same nodes).
// The answer is judged against the oracle now. origin must be a member.
func (r *Ring) TraceLookup(origin Handle, key ID) LookupTrace {
	t := LookupTrace{Origin: origin, Key: key, Owner: None}
	if r.state[origin] != Member {
		panic("chord: TraceLookup from a node that is not a member")
	}
	nc := r.tr.NetConfig()
	t.Keyed = nc.Keyed
	now := r.tr.Now()
	// oneWay is a message's delay sent at now, and moves now on.
	oneWay := func(from, to Handle, response bool) sim.Duration {
		d := nc.Latency.Mean()
		if nc.Topology != nil {
			d += nc.Topology.OneWay(from, to)
		}
		if t.Keyed {
			d = r.tr.KeyedDelay(from, to, now, response)
		}
		now = now.Add(d)
		return d
	}
	var silent []Handle
	cur, asked := origin, 0
	for {
		done, next := r.decideAvoiding(cur, key, silent)
		if done {
			t.Owner = next
			if r.oracle.Successor(key) == next {
				t.Outcome = Correct
			} else {
				t.Outcome = WrongOwner
			}
			return t
		}
		if asked >= r.cfg.MaxHops || (next == cur && cur != origin) {
			t.Outcome = HopLimit
			return t
		}
		asked++
		if s := r.state[next]; s != Member && s != Joining {
			t.Hops = append(t.Hops, TraceHop{From: cur, To: next, Latency: r.cfg.RPCTimeout, TimedOut: true})
			t.Latency += r.cfg.RPCTimeout
			now = now.Add(r.cfg.RPCTimeout)
			if !r.retrying() || holds(silent, next) {
				t.Outcome = TimedOut
				return t
			}
			silent = append(silent, next)
			continue
		}
		d := oneWay(origin, next, false)
		d += oneWay(next, origin, true)
		t.Hops = append(t.Hops, TraceHop{From: cur, To: next, Latency: d})
		t.Latency += d
		cur = next
	}
}
