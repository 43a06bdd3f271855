// Package lincheck decides whether a recorded key-value history is
// linearizable, so that an experiment can report "the replicated store
// behaved like a single copy" as a measured fact rather than an assumption.
//
// It is a thin, deterministic wrapper around the porcupine checker
// (github.com/anishathalye/porcupine): [Check] gives a verdict and the keys
// that break it, and [Visualize] writes porcupine's interactive HTML view of
// the history so a violation can be inspected. The package knows nothing about
// rings, nodes or the simulator; it receives plain [Op] records.
//
// # Recording a history
//
// Record one [Op] per client-level operation, on the client side, in
// simulated nanoseconds:
//
//   - Call is the time the client issued the operation, before anything was
//     sent. Return is the time the client received the final answer. The
//     operation must have taken effect somewhere inside [Call, Return]; times
//     taken on servers do not have that property and must not be used.
//   - Internal retries, redirects and lookups belong inside the interval: one
//     client operation is one Op, from the first send to the final answer.
//     (A write that is retried may be applied twice. With unique values that
//     is only visible if another write lands between the two applications,
//     and then the checker is right to report it.)
//   - A Get that timed out, failed, or was still in flight when the run ended
//     gave the client no information: drop it. [Check] rejects a Get marked
//     Unknown, because a read with no result cannot constrain anything.
//   - A Put or Delete that timed out, failed without a definite "not
//     applied", or was still in flight at the end may or may not have taken
//     effect: record it with Unknown set. Its Return is ignored; the checker
//     treats it as still pending when the history ends, so it may be
//     linearized anywhere after its Call, including "never".
//   - Give every Put a value that is unique in the history (for example
//     client id and sequence number). Repeated values make a history easier
//     to explain away, so the check becomes weaker, and also slower.
//   - Found must be false for a Get that answered "not found"; Value is then
//     ignored.
//
// Ops may be given in any order; the result does not depend on it. Client is
// only used to lay out [Visualize]'s output.
//
// # Ties in simulated time
//
// Intervals are closed, as in porcupine: an operation that returns at time t
// and one that is called at the same t are treated as concurrent, never as
// ordered. Porcupine achieves this by sorting call events before return
// events with equal timestamps, and this package hands it the int64 times
// unchanged, so the ordering is exactly that of the simulated clock. The
// consequence for a discrete-event simulator is that an operation issued
// with zero delay after another one returned (same timestamp) is not
// required to observe it; the check is then slightly weaker but never
// reports a violation that did not happen.
//
// # Cost and determinism
//
// Linearizability checking is NP-complete in general. The history is split
// by key (the model is a register per key, and a history is linearizable iff
// every key's sub-history is), so the cost is driven by how many operations
// on one key overlap in time, not by the length of the history. Keys are
// checked in parallel.
//
// With no timeout, [Check] is a pure function of the set of operations: the
// same ops give the same [Result], including the sorted BadKeys list. A
// positive timeout trades that for a bound on wall-clock time; see [Check].
package lincheck
