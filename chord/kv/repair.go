// Repair: the periodic pass that gives each replica the pairs it should
// hold after churn (replica_ttl, repair_every).

package kv

import (
	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/sim"
)

func (s *Service) startRepair(h chord.Handle) {
	if p := s.cfg.RepairEvery; p > 0 {
		s.sched.After(sim.Duration(s.rng.Int64N(int64(p)))+1, s.owner, evRepair, int32(h), 0)
	}
}

// repair is node x's periodic replica maintenance: check that the joiner
// it redirects to is alive, push its primary pairs to its next k−1
// successors, and drop the copies no primary has refreshed for the TTL.
func (s *Service) repair(x chord.Handle) {
	if t := s.handedTo[x]; t != chord.None {
		for range confirmPings {
			slot, _ := s.compose(MsgPing)
			s.net.Request(slot, x, t, s.ring.Config().RPCTimeout, reqID{kind: cookiePing, ref: int32(x)}.pack())
		}
	}
	p := s.ring.Predecessor(x)
	if p == chord.None || !s.ready[x] {
		return // x does not know its range: neither push nor drop
	}
	st := s.stores[x]
	if s.cfg.Replicas == 1 {
		s.handOver(x, p) // pairs that reached x but belong before its range
	} else {
		own := st.sorted(func(e *Entry) bool { return s.inRange(x, e.ID) })
		if len(own) > 0 {
			l := s.ring.Successors(x)
			for i := 0; i < s.cfg.Replicas-1 && i < len(l) && l[i] != x; i++ {
				slot, m := s.compose(MsgTransfer)
				m.Entries = append(m.Entries, own...)
				s.net.Send(slot, x, l[i])
			}
		}
	}
	if ttl := s.cfg.ReplicaTTL; ttl > 0 {
		cutoff := s.sched.Now().Add(-ttl)
		var drop []string
		for k, it := range st {
			if it.refreshed < cutoff && !s.inRange(x, it.ID) {
				drop = append(drop, k)
			}
		}
		for _, k := range drop { // deleting in any order gives the same store
			delete(st, k)
		}
		s.stats.Dropped += uint64(len(drop))
	}
}
