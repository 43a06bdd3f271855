// Package kv is the key-value service that runs on every node of a chord
// ring, as in the reference systems the project was created from (CHORD-KV,
// ToyChord, python-chord's dht.py): insert (or update), query and delete of
// string pairs, each routed by a Chord lookup to the key's owner (its
// primary); hand-off of keys when nodes join and depart gracefully; and
// replication on the k nodes that follow the primary, with two consistency
// modes.
//
// # Placement
//
// A key's identifier is the hash of its name in the ring's space. Its
// primary is the first node at or after that identifier; its replicas are
// the primary's next k−1 successors. Every node decides from its own
// knowledge only: it is primary for (predecessor, self], and it learns its
// successors from its Chord successor list.
//
// # Consistency
//
// Linearizable mode is chain replication (van Renesse and Schneider, OSDI
// 2004): a write goes to the primary, which applies it and passes it down
// the chain of its successors; the last node of the chain (the tail)
// acknowledges to the client. A read goes to the primary and down the chain
// and is answered by the tail. Both carry the newest entry of the members
// they have passed, and every member stores it before passing it on, so
// the tail answers with nothing older than the primary holds and only once
// every member holds what it returns. This is also how the chain is
// reconfigured without losing its order: a node that enters the chain (its
// predecessor in the chain crashed or left, or it joined between two
// members) receives the state from the members before it with the first
// message it serves.
//
// A node whose range grows (its new predecessor is farther away than the
// last one) does not serve the former predecessor's keys until it has
// confirmed the death itself (three pings unanswered; a graceful leave is
// confirmed by the leaver's hand-off) and brought its copies of the range
// up to date from the rest of its chain; until then it refuses them. A
// node left without successors after having had some (the ring layer
// suspected them all) refuses every request. Both keep a live node that
// the ring took for dead (a lost message) from making a second primary.
//
// Eventual mode acknowledges a write as soon as the primary has applied it
// and propagates it down the chain afterwards (after Config.PropagateDelay).
// A read is served by a replica chosen at random, which may not have the
// latest write yet.
//
// # Membership
//
//   - A joining node fetches from its successor every pair the successor
//     holds outside (joiner, successor], and refuses requests until that
//     answer has come; the successor from then on redirects requests for the
//     keys it gave away to the joiner. The answer says where the
//     successor's range starts: if that is after the joiner, the joiner's
//     lookup skipped the node that held its keys, and it asks that node. With k = 1 the successor deletes what
//     it gave; with k > 1 it keeps them as replicas.
//   - A node that leaves gracefully sends everything it holds to its
//     successor.
//   - A node that fails loses what it holds; copies survive on the other
//     chain members.
//   - Every Config.RepairEvery, each node sends the pairs it is primary for
//     to its next k−1 successors, so that k copies exist again once the ring
//     has stabilized after failures; a node drops a pair it is not primary
//     for once no primary has refreshed it for Config.ReplicaTTL (soft
//     state, so that a replica pushed out of the chain by a join goes away).
//     A node whose predecessor the ring clears pushes everything it holds
//     at once (it may hold the last copy of the dead node's range), and a
//     change of predecessor restarts the TTL of the copies below it: the
//     TTL counts from the chain's last change.
//
// Versions order the writes of a key: the primary gives each write the
// next version; a node keeps the highest version it has seen (ties broken
// by the writer's operation number). Deletes leave a tombstone so that a
// late copy cannot bring a deleted pair back.
//
// Client retries are exactly-once: each write carries its client session
// and the session's sequence number, and every copy of a key keeps, per
// session, the highest sequence number applied and the reply it got (not a
// window of recent operations, which a late enough retry outlives). A
// primary answers a retry of an applied write from that record, passing
// the current entry down the chain so that the tail still answers only
// once every member has it, and ignores an older one. The table travels
// with the entry down the chain and in every hand-off, repair and fetch,
// so a node that becomes primary knows what its predecessor applied.
//
// The service has its own simulated network, with the ring's latency and
// loss model and its own random streams, so turning the service on does not
// change the ring's own random draws.
package kv
