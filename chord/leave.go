// The 2001 churn simulator's graceful leave with a wait (sim/new
// leave.c:12–17, def.h:17): the leaving node keeps serving for a while,
// runs no maintenance of its own, and a node whose stabilize finds it
// leaving drops it (stabilize.c:60–65); then it hands over and departs.

package chord

import (
	"fmt"

	"github.com/chordsim/chordsim/sim"
)

// LeaveAfter makes member h leave gracefully after wait, as S01's churn
// simulator does (LEAVE_WAIT = 60 s, sim/new def.h:17, leave.c:12–17):
// from now on h runs no stabilize, fix_fingers or check_predecessor
// (stabilize.c:17, 26, 113), still answers lookups and, as far as
// measurement goes, still owns its keys (it stays in the oracle), and
// tells a node whose stabilize asks it that it is leaving, which drops it
// (onStabilizeReply). When the wait is over it leaves as Leave does (with
// Config.PurgeDeparted it is then purged from every table). A wait of 0
// is Leave.
func (r *Ring) LeaveAfter(h Handle, wait sim.Duration) error {
	if wait <= 0 {
		return r.Leave(h)
	}
	if r.state[h] != Member {
		return r.Leave(h) // a joining node just stops; others are refused there
	}
	if r.isLeaving(h) {
		return fmt.Errorf("node %s is already leaving", r.Name(h))
	}
	if int(h) >= len(r.leaving) {
		r.leaving = append(r.leaving, make([]bool, int(h)+1-len(r.leaving))...)
	}
	r.leaving[h] = true
	r.tr.After(wait, evLeave, int32(h), 0)
	return nil
}

// isLeaving reports whether h waits to leave (LeaveAfter).
func (r *Ring) isLeaving(h Handle) bool { return int(h) < len(r.leaving) && r.leaving[h] }

// Leaving reports whether member h has begun a LeaveAfter and not yet left.
func (r *Ring) Leaving(h Handle) bool { return r.isLeaving(h) && r.state[h] == Member }

// leaveNow ends h's wait: h leaves unless it failed meanwhile.
func (r *Ring) leaveNow(h Handle) {
	if !r.isLeaving(h) {
		return
	}
	r.leaving[h] = false
	if r.state[h] == Member {
		r.Leave(h)
	}
}

// dropLeaving: n's successor s answered n's stabilize saying it is
// leaving (m: its predecessor and successor list). n removes s from its
// tables, as the simulator's deleteRefFromTables does (with
// Config.PurgeToFinger the successor becomes the next higher finger, else
// the list closes up), then takes s's predecessor if it lies between n
// and n's new successor, else s's successor (sim/new stabilize.c:60–65):
// by learning (Config.Learn) or, without it, as successor if it lies
// before the current one. Then it notifies its successor.
func (r *Ring) dropLeaving(n, s Handle, m *Msg) {
	if r.cfg.PurgeToFinger {
		r.purgeToFinger(n, s)
	} else {
		l := r.succList(n)
		r.scrub(n, s)
		if closeUp(l, s) {
			if l[0] == None {
				l[0] = n
			}
			r.record(LogSuccessor, n, l[0])
			r.fingerTable(n)[0] = r.fingerTo(l[0])
		}
	}
	cand := None
	if len(m.List) > 0 {
		cand = m.List[0]
	}
	if p := m.Node; p != None && p != n && r.space.Between(r.ids[n], r.ids[p], r.ids[r.succList(n)[0]]) {
		cand = p
	}
	if cand != None && cand != n && cand != s {
		if r.cfg.Learn {
			r.learn(n, cand)
		} else if cur := r.succList(n)[0]; cur == n || r.space.Between(r.ids[n], r.ids[cand], r.ids[cur]) {
			r.learnBuf = append(r.learnBuf[:0], r.succList(n)...)
			r.setSuccessors(n, cand, r.learnBuf)
		}
	}
	if t := r.succList(n)[0]; t != n {
		r.notify(n, t)
	}
}
