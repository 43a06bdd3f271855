// Package invariant checks the ring invariants of Chord on plain snapshots
// of node state, so that the simulator can assert them after every event
// and report how far a network is from ideal. It depends on nothing but
// the standard library, because package chord imports it.
//
// # Vocabulary
//
// A member is a node that has joined and neither failed nor departed,
// according to the simulator's ground truth (never what nodes believe).
// bestSucc(n) is the first member in n's successor list; entries naming
// dead nodes are allowed and skipped. The bestSucc graph is a partial
// function on members: a ring member lies on one of its cycles, an
// appendage is any other member. between(a, x, b) is the open clockwise arc
// from a to b, and between(a, x, a) holds for every x ≠ a. A member's
// extended successor list (ESL) is the member followed by its list; a
// principal is a member that lies strictly inside no adjacent ESL pair of
// any member (dead entries count as list entries). See Zave's Alloy models
// chordfull.als and correctChord.als, and correctness.md §1.
//
// # Invariants
//
//   - LiveSuccessor: every member has a member in its successor list.
//   - AtLeastOneRing: some member reaches itself by bestSucc.
//   - AtMostOneRing: there is only one bestSucc cycle.
//   - OrderedRing: every cycle winds round the identifier space exactly once
//     (with one cycle this is Zave's definition; with several, each is judged
//     on its own and AtMostOneRing reports the split).
//   - ConnectedAppendages: every appendage's bestSucc path reaches a cycle.
//   - OrderedSuccessorLists: every member's list is strictly increasing in
//     clockwise distance from the member (an entry with the member's own ID
//     counts as a full turn, as in Zave's between).
//   - NoDuplicates: no member's list holds the member itself or a node twice.
//     The one exception is a lone member listing itself, the one-node ring of
//     ToN's create().
//   - Principals: there are at least r+1 principals. Opt-in (not in Default).
//
// The first five are Zave's CoreValid plus part (a) of her inductive
// invariant; Principals is part (b). A snapshot without members violates
// nothing.
//
// # What is known to break
//
// The original protocol (ToN 2003, as modelled in chordfull.als) keeps none
// of these in general: without Zave's bug fixes J and S a member can be
// left with only dead successors (LiveSuccessor, AtLeastOneRing and
// ConnectedAppendages; traces C1–C3), and even with both fixes the network
// can split into self-rings whose lists hold their owners (AtMostOneRing
// and NoDuplicates; C4) or wind round twice with out-of-order lists
// (OrderedRing and OrderedSuccessorLists; C5). It grows from one node, so it
// has fewer than r+1 principals while small. Correct Chord (correctChord.als)
// keeps all eight, Principals included, from an ideal ring of at least r+1
// members provided failures respect its failure rule; dropping that rule
// leads to two self-rings again (N1).
//
// # Cost
//
// A check is O(N·r) for N nodes and lists of length r, plus O(N·log N) for
// Principals (one sort of the members by ID, reused while the membership
// does not change, then a difference array over the arcs each ESL pair
// skips). A reused Checker allocates nothing when no invariant is violated;
// no 2^m arithmetic is done, so m = 64 is safe. On a healthy ring of 10^4
// members with r = 16 a check takes about 0.5 ms, or 1–2 ms with
// Principals (BenchmarkCheck).
package invariant
