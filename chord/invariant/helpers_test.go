package invariant

import (
	"math/rand/v2"
	"slices"
)

// L is a successor list literal: L(2, 4) is [n2, n4].
func L(idx ...int32) []int32 { return idx }

// idealRing returns a snapshot in which node i (named n_i in the tests) is
// a member with ID ids[i], every list holds the next min(r, N−1) members
// clockwise (a lone member lists itself, ToN's create()), and every
// predecessor is the previous member. ids must be increasing, so that
// n0 < n1 < … as in the reference's scenarios.
func idealRing(bits, r int, ids ...uint64) *Snapshot {
	s := &Snapshot{Bits: bits, R: r, Nodes: make([]Node, len(ids))}
	n := int32(len(ids))
	for i := range s.Nodes {
		s.Nodes[i] = Node{ID: ids[i], Member: true, Pred: (int32(i) + n - 1) % n}
		k := min(r, len(ids)-1)
		if k == 0 {
			s.Nodes[i].Succ = L(int32(i))
			continue
		}
		for j := 1; j <= k; j++ {
			s.Nodes[i].Succ = append(s.Nodes[i].Succ, (int32(i)+int32(j))%n)
		}
	}
	return s
}

// seq returns the IDs first, first+step, … (n of them).
func seq(n int, first, step uint64) []uint64 {
	ids := make([]uint64, n)
	for i := range ids {
		ids[i] = first + uint64(i)*step
	}
	return ids
}

// kill marks nodes as failed, keeping their (stale) state, as the oracle
// would after a failure.
func kill(s *Snapshot, idx ...int32) *Snapshot {
	for _, i := range idx {
		s.Nodes[i].Member = false
	}
	return s
}

// build returns a snapshot with the given IDs, every node a member, no
// predecessor and no list; the caller then sets lists and kills nodes.
func build(bits, r int, ids ...uint64) *Snapshot {
	s := &Snapshot{Bits: bits, R: r, Nodes: make([]Node, len(ids))}
	for i, id := range ids {
		s.Nodes[i] = Node{ID: id, Member: true, Pred: -1}
	}
	return s
}

// benchRing is an ideal ring of n members with uniformly random 64-bit IDs
// whose node indices are shuffled relative to ID order, so that the checker
// does not benefit from index order matching ring order.
func benchRing(n, r int, seed uint64) *Snapshot {
	rng := rand.New(rand.NewPCG(seed, 0))
	ids := make([]uint64, n)
	taken := make(map[uint64]bool, n)
	for i := range ids {
		for {
			id := rng.Uint64()
			if !taken[id] {
				taken[id] = true
				ids[i] = id
				break
			}
		}
	}
	slices.Sort(ids)
	at := rng.Perm(n) // ring position k is node at[k]
	s := &Snapshot{Bits: 64, R: r, Nodes: make([]Node, n)}
	for k := 0; k < n; k++ {
		nd := &s.Nodes[at[k]]
		nd.ID = ids[k]
		nd.Member = true
		nd.Pred = int32(at[(k+n-1)%n])
		for j := 1; j <= r && j < n; j++ {
			nd.Succ = append(nd.Succ, int32(at[(k+j)%n]))
		}
	}
	return s
}
