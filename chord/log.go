package chord

import (
	"fmt"

	"github.com/chordsim/chordsim/sim"
)

// LogKind is the type of a protocol event in the ring's event log.
type LogKind uint8

// The events the log keeps: membership changes and the changes of the
// pointers the ring invariants are about.
const (
	LogJoinStart   LogKind = iota // Node starts joining through Other
	LogMember                     // Node becomes a member with successor Other
	LogFail                       // Node crashes
	LogLeave                      // Node departs gracefully
	LogSuccessor                  // Node's first successor becomes Other
	LogPredecessor                // Node's predecessor becomes Other (None: cleared)
	LogForget                     // Node stops trusting Other, which did not answer
	// LogFinger: one of Node's fingers now points to Other. The protocol
	// does not log it; a Tracer reports it (TraceState.Finger says which).
	LogFinger
)

var logNames = [...]string{"join-start", "member", "fail", "leave", "successor", "predecessor", "forget", "finger"}

func (k LogKind) String() string { return logNames[k] }

// LogEntry is one event of the log.
type LogEntry struct {
	At          sim.Time
	Kind        LogKind
	Node, Other Handle
}

// EnableLog makes the ring keep its last n protocol events (membership
// changes, successor and predecessor changes, forgotten peers), for the
// report of an invariant violation. n = 0 turns the log off. Recording costs
// a store per event and never allocates.
func (r *Ring) EnableLog(n int) {
	if n <= 0 {
		r.log, r.logPos = nil, 0
		return
	}
	r.log, r.logPos = make([]LogEntry, n), 0
}

func (r *Ring) record(k LogKind, node, other Handle) {
	if r.log == nil && r.trace == nil {
		return
	}
	r.keep(k, node, other)
}

// keep records an event when the log or a tracer is on; kept out of
// record so that record stays small enough to inline.
func (r *Ring) keep(k LogKind, node, other Handle) {
	e := LogEntry{At: r.tr.Now(), Kind: k, Node: node, Other: other}
	if r.trace != nil {
		r.trace.state(e)
	}
	if r.log == nil {
		return
	}
	r.log[r.logPos%len(r.log)] = e
	r.logPos++
}

// Logged is the number of events logged since EnableLog, those the log no
// longer holds included: a position for EventsSince.
func (r *Ring) Logged() int { return r.logPos }

// EventsSince returns the events logged from position pos on (see Logged),
// oldest first, as far as the log still holds them.
func (r *Ring) EventsSince(pos int) []LogEntry {
	if r.log == nil {
		return nil
	}
	pos = max(pos, r.logPos-len(r.log), 0)
	out := make([]LogEntry, 0, r.logPos-pos)
	for i := pos; i < r.logPos; i++ {
		out = append(out, r.log[i%len(r.log)])
	}
	return out
}

// RecentEvents returns the logged events, oldest first.
func (r *Ring) RecentEvents() []LogEntry {
	if r.log == nil {
		return nil
	}
	n := min(r.logPos, len(r.log))
	out := make([]LogEntry, 0, n)
	for i := r.logPos - n; i < r.logPos; i++ {
		out = append(out, r.log[i%len(r.log)])
	}
	return out
}

// Describe names node h for people: its name and identifier.
func (r *Ring) Describe(h Handle) string {
	if h == None {
		return "none"
	}
	return fmt.Sprintf("%s (id %d, %s)", r.Name(h), r.ids[h], r.state[h])
}

// Format writes e in one line, naming nodes.
func (r *Ring) Format(e LogEntry) string {
	s := fmt.Sprintf("t=%v %s %s", e.At, e.Kind, r.Describe(e.Node))
	if e.Other != None || e.Kind == LogPredecessor {
		s += " -> " + r.Describe(e.Other)
	}
	return s
}
