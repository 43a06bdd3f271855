package chord

// Divergence counts, over the live members, the entries of their state that
// differ from the ideal ring the oracle describes. A stabilized ring has all
// counts zero.
type Divergence struct {
	Successor     int // members whose first successor is wrong
	Predecessor   int // members whose predecessor is wrong
	SuccessorList int // members with any wrong successor-list entry
	Fingers       int // wrong finger entries (levels 1 and up) over all members
}

// Zero reports whether the ring is ideal.
func (d Divergence) Zero() bool { return d == Divergence{} }

// Divergence compares every member with the ideal ring; with PNS a finger
// is right if it is one of its start's candidates (pnsCandidate), since
// which one a node picks depends on the round-trip times it measured. It reads the oracle,
// so it is for measurement and tests only. Cost: O(N·(r + m log N)).
func (r *Ring) Divergence() Divergence {
	var d Divergence
	o := &r.oracle
	n := o.Len()
	M := r.nf
	for p := 0; p < n; p++ {
		id, h := o.At(p)
		l := r.succList(h)
		wantSucc := h
		if n > 1 {
			_, wantSucc = o.At((p + 1) % n)
		}
		if l[0] != wantSucc {
			d.Successor++
		}
		wantPred := None
		if n > 1 {
			_, wantPred = o.At((p + n - 1) % n)
		}
		if r.pred[h] != wantPred {
			d.Predecessor++
		}
		for j := range l {
			want := None
			if n == 1 && j == 0 {
				want = h
			} else if j < n-1 {
				_, want = o.At((p + 1 + j) % n)
			}
			if l[j] != want {
				d.SuccessorList++
				break
			}
		}
		f := r.fingerTable(h)
		for i := 1; i < M; i++ {
			if r.cfg.PNS > 1 {
				if !r.pnsCandidate(h, i, f[i].h) {
					d.Fingers++
				}
			} else if f[i].h != r.idealFinger(id, i) {
				d.Fingers++
			}
		}
	}
	return d
}

// idealFinger is finger i of a node with identifier id on the ideal ring
// the oracle describes: the first member at or after the finger's start.
func (r *Ring) idealFinger(id ID, i int) Handle {
	return r.oracle.Successor(r.fingerStart(id, i))
}
