// Package chord is the Chord protocol (Stoica et al., SIGCOMM 2001; IEEE/ACM
// ToN 2003) as a state machine driven by sim's events: an m-bit identifier
// ring, nodes with a predecessor, a successor list of length r and m fingers,
// and the message handlers for join, stabilize, notify, fix_fingers,
// check_predecessor, graceful leave and iterative or recursive lookups.
//
// Nodes live in slices and refer to each other by dense handles. A node's
// decisions use only its own state and the messages it receives; the Oracle
// (the sorted set of live members) is used only to judge lookups, to measure,
// and to build an ideal ring on request.
//
// The layers above the ring (the key-value service, the measurement of
// lookups, the invariant watcher) attach Hooks with Ring.Attach; a lookup's
// Tag names the layer that hears of its result. The protocol reaches the
// network and the clock only through one seam (transport.go), and package
// chordtest drives it by hand, message by message.
package chord
