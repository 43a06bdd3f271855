package invariant

import (
	"fmt"
	"math"
)

// Node is one node's state as the checker sees it. It is deliberately
// plain (indices, not pointers or handles) so that the simulator, tests and
// replay tools can all build one without depending on each other.
type Node struct {
	// ID is the identifier, in the low Snapshot.Bits bits; higher bits are
	// ignored.
	ID uint64
	// Member is ground truth from the simulator's oracle: joined and
	// neither failed nor departed. What nodes believe about each other's
	// liveness does not count (correctness reference §1.6).
	Member bool
	// Pred is the index in Snapshot.Nodes of the predecessor, -1 for none.
	// No invariant uses it; it feeds Stats.Mutual (weak stability).
	Pred int32
	// Succ is the successor list in order, as indices into Snapshot.Nodes,
	// without padding. Entries may name non-members (dead nodes), because
	// that is the state protocols really are in between repairs.
	Succ []int32
	// Created: the member created its ring (ToN create()) and its list has
	// never held another node, so a list that is the member alone is that
	// one-node ring, not a duplicate, even once others have joined (until
	// its first stabilize after a join). A member that fell back to
	// listing itself after losing its successors is not Created.
	Created bool
}

// Snapshot is the state of every node the network has ever had, dead ones
// included, so that successor lists can keep pointing at them.
type Snapshot struct {
	// Bits is m, the identifier length, 1 ≤ m ≤ 64.
	Bits int
	// R is the successor-list capacity r; Principals needs r+1 principals.
	R int
	// Nodes are indexed by the int32 values in Pred and Succ. The IDs of
	// members must be distinct; a dead node may share its ID with a member
	// (a rejoin with the same identifier is a new node).
	Nodes []Node
}

// Validate reports the first way in which s breaks the preconditions of
// Check, which does not check them itself because it runs after every
// simulated event: Bits out of range, R < 1, an index out of range, an ID
// that does not fit in Bits bits, a list longer than R, or two members
// with the same ID.
func (s *Snapshot) Validate() error {
	if s.Bits < 1 || s.Bits > 64 {
		return fmt.Errorf("invariant: Bits = %d is outside 1..64", s.Bits)
	}
	if s.R < 1 {
		return fmt.Errorf("invariant: R = %d, want at least 1", s.R)
	}
	if len(s.Nodes) > math.MaxInt32 {
		return fmt.Errorf("invariant: %d nodes do not fit int32 indices", len(s.Nodes))
	}
	mask := ^uint64(0) >> (64 - uint(s.Bits))
	n := int32(len(s.Nodes))
	owner := make(map[uint64]int, len(s.Nodes))
	for i := range s.Nodes {
		nd := &s.Nodes[i]
		if nd.ID&^mask != 0 {
			return fmt.Errorf("invariant: node %d has ID %d, which does not fit in %d bits", i, nd.ID, s.Bits)
		}
		if nd.Pred < -1 || nd.Pred >= n {
			return fmt.Errorf("invariant: node %d has predecessor index %d, outside -1..%d", i, nd.Pred, n-1)
		}
		if len(nd.Succ) > s.R {
			return fmt.Errorf("invariant: node %d has %d successors, more than R = %d", i, len(nd.Succ), s.R)
		}
		for _, e := range nd.Succ {
			if e < 0 || e >= n {
				return fmt.Errorf("invariant: node %d has successor index %d, outside 0..%d", i, e, n-1)
			}
		}
		if nd.Member {
			if j, dup := owner[nd.ID]; dup {
				return fmt.Errorf("invariant: members %d and %d share ID %d", j, i, nd.ID)
			}
			owner[nd.ID] = i
		}
	}
	return nil
}
