// Learning from every answer: the 2001 churn simulator's rule (sim/new
// node.c:135–147, updateNodeState) that a node which hears of another node
// in a message takes it into every entry it improves (Config.Learn).

package chord

// learn is what member n does with node x, named in a message it
// received (a finger lookup's answer, a stabilize answer, the successor
// a join found, the predecessor a leaving node hands over), when
// Config.Learn is on: x replaces every finger whose start it lies at or
// after and before the current finger (clockwise), the successor if it
// lies between n and the successor, and the predecessor if it lies
// between the predecessor and n (sim/new node.c:135–147). An empty
// finger counts as naming n itself, as the simulator's fresh tables do.
//
// With Config.PurgeDeparted a departed x is not learned: the purge of it
// has already passed, and the simulator's finger repair checks its node
// table before it learns (sim/new stabilize.c:145–147). A node still
// joining is never learned: it has no successor to route with, and a
// message naming it as a next hop would find nothing to answer (no call
// site names one today; a joiner becomes known once it is a member).
// Costs O(m + r), allocates nothing.
func (r *Ring) learn(n, x Handle) {
	if !r.cfg.Learn || x == None || x == n || r.state[n] != Member || r.state[x] == Joining {
		return
	}
	if r.cfg.PurgeDeparted && r.state[x] != Member {
		return
	}
	nid, xid := r.ids[n], r.ids[x]
	f := r.fingerTable(n)
	for i := 1; i < len(f); i++ {
		start := r.fingerStart(nid, i)
		cur := f[i].h
		if cur == None {
			cur = n
		}
		if cur != x && r.space.Dist(start, xid) < r.space.Dist(start, r.ids[cur]) {
			f[i] = r.fingerTo(x)
			r.fingerWritten(n, i)
		}
	}
	if s := r.succList(n)[0]; s == n || r.space.Between(nid, xid, r.ids[s]) {
		r.learnBuf = append(r.learnBuf[:0], r.succList(n)...)
		r.setSuccessors(n, x, r.learnBuf)
	}
	if p := r.pred[n]; p == None || p == n || r.space.Between(r.ids[p], xid, nid) {
		r.setPred(n, x)
		r.record(LogPredecessor, n, x)
	}
}
