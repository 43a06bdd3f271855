package invariant

// IsPrincipal reports whether member f of s is a principal (correctness
// reference §1.4): no adjacent pair (a, b) of any member's extended
// successor list (the member, then its list) has f strictly inside the
// clockwise arc (a, b). Dead entries count; (a, a) is everything but a.
// It is the plain O(N·r) definition, independent of the Checker's sweep,
// for tests that compare the two and for fault gates that must not take
// a principal when only r+1 are left.
func IsPrincipal(s *Snapshot, f int32) bool {
	mask := ^uint64(0) >> (64 - uint(s.Bits))
	in := func(a, x, b uint64) bool { return (x-a)&mask-1 < (b-a)&mask-1 }
	x := s.Nodes[f].ID & mask
	for i := range s.Nodes {
		m := &s.Nodes[i]
		if !m.Member {
			continue
		}
		a := m.ID & mask
		for _, e := range m.Succ {
			b := s.Nodes[e].ID & mask
			if in(a, x, b) {
				return false
			}
			a = b
		}
	}
	return true
}
