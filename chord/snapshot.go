package chord

import "github.com/chordsim/chordsim/chord/invariant"

// Snapshot writes the state of every node the ring has had into s, for the
// invariant checker: identifiers, ground-truth membership (from the
// oracle's side of the table, not from what nodes believe), predecessors
// and successor lists. s's storage is reused, so a snapshot per membership
// change costs no allocation once the ring stops growing.
func (r *Ring) Snapshot(s *invariant.Snapshot) {
	s.Bits, s.R = r.cfg.Bits, r.cfg.Successors
	n := len(r.ids)
	if cap(s.Nodes) < n {
		s.Nodes = append(s.Nodes[:cap(s.Nodes)], make([]invariant.Node, n-cap(s.Nodes))...)
	}
	s.Nodes = s.Nodes[:n]
	for h := range n {
		x := &s.Nodes[h]
		x.ID = uint64(r.ids[h])
		x.Member = r.state[h] == Member
		x.Pred = int32(r.pred[h])
		x.Succ = x.Succ[:0]
		x.Created = r.created[Handle(h)]
		if x.Member {
			for _, y := range r.Successors(Handle(h)) {
				x.Succ = append(x.Succ, int32(y))
			}
		}
	}
}
