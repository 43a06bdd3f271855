// Ideal bootstrap: the oracle builds a fully stabilized ring at once (a
// measurement convenience for steady-state experiments, `bootstrap:
// ideal`), instead of growing it through the protocol's joins.

package chord

import (
	"cmp"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/chordsim/chordsim/internal/hugepage"
)

// BootstrapIdeal adds n real nodes, each running Config.VirtualNodes ring
// members, and gives the members the state a fully stabilized ring would
// have: exact predecessors, successor lists and fingers. It costs O(N log N)
// for the sort and O(N·m) for the fingers (one monotone sweep per finger
// level instead of a binary search per finger), N = n·VirtualNodes.
func (r *Ring) BootstrapIdeal(realNodes int) error {
	if realNodes < 1 {
		return fmt.Errorf("n = %d: a ring needs at least one node", realNodes)
	}
	v := r.cfg.VirtualNodes
	n := realNodes * v
	if r.oracle.Len() != 0 || len(r.ids) != 0 {
		return fmt.Errorf("BootstrapIdeal needs an empty ring")
	}
	if float64(n) > r.space.Size() {
		return fmt.Errorf("n = %d nodes do not fit in a %d-bit identifier space (at most %.0f)", n, r.space.Bits(), r.space.Size())
	}
	// Allocate the whole table at once: growing it node by node would copy
	// it log(n) times.
	R, M := r.cfg.Successors, r.nf
	r.ids = make([]ID, n)
	r.addrs = make([]uint64, n)
	r.host = make([]int32, n)
	r.state = make([]State, n)
	r.pred = make([]Handle, n)
	r.succ = make([]Handle, n*R)
	r.fingers = make([]fingerEntry, n*M)
	if r.fingerAt != nil {
		// Every finger is written below, now.
		r.fingerAt = make([]float32, n*M)
		for i := range r.fingerAt {
			r.fingerAt[i] = float32(r.tr.Now().Seconds())
		}
	}
	r.fix = make([]uint16, n)
	r.growRTT(n)
	hugepage.Advise(r.ids)
	hugepage.Advise(r.succ)
	hugepage.Advise(r.fingers)
	for i := 0; i < n; i++ {
		r.ids[i], r.addrs[i] = r.drawID()
		r.pred[i] = None
		r.fix[i] = 1
	}
	// Sort by identifier; redraw the later of any two that collide (by
	// handle), so the outcome depends only on the seed.
	type entry struct {
		id ID
		h  Handle
	}
	sorted := make([]entry, n)
	for i := range sorted {
		sorted[i] = entry{r.ids[i], Handle(i)}
	}
	for {
		slices.SortFunc(sorted, func(a, b entry) int {
			if a.id != b.id {
				return cmp.Compare(a.id, b.id)
			}
			return cmp.Compare(a.h, b.h)
		})
		dup := false
		for i := 1; i < n; i++ {
			if sorted[i].id == sorted[i-1].id {
				h := sorted[i].h
				r.ids[h], r.addrs[h] = r.drawID()
				sorted[i].id = r.ids[h]
				dup = true
			}
		}
		if !dup {
			break
		}
	}
	// Renumber the nodes in identifier order: handle p is the p-th node
	// clockwise. The tables are then written sequentially, and a node's
	// successors sit next to it in memory, which lookups feel.
	order := make([]Handle, n)
	ids := make([]ID, n)
	hugepage.Advise(ids) // the oracle's copy, read once per lookup to judge its answer
	addrs := make([]uint64, n)
	for p, e := range sorted {
		ids[p], addrs[p], order[p] = e.id, r.addrs[e.h], Handle(p)
		// Member e.h (in drawing order) belongs to real node e.h / v.
		r.host[p] = int32(int(e.h) / v)
	}
	sorted = nil
	copy(r.ids, ids)
	r.addrs = addrs
	r.oracle.ids, r.oracle.handles, r.oracle.identity = ids, order, true
	for p := 0; p < n; p++ {
		h := Handle(p)
		r.state[h] = Member
		r.tr.SetAlive(h, true)
		if n > 1 {
			r.pred[h] = Handle((p + n - 1) % n)
		}
	}
	// The successor lists and finger rows are functions of the sorted
	// identifiers alone, and each row is written by one goroutine, so the
	// ring is the same whatever the number of goroutines. On a large ring
	// the build runs on every core: most of its time is the first touch
	// of the tables' memory.
	parts := 1
	if n >= 1<<16 {
		parts = min(runtime.GOMAXPROCS(0), 8)
	}
	if idealParts > 0 {
		parts = min(idealParts, n)
	}
	var wg sync.WaitGroup
	for g := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.idealRows(ids, n*g/parts, n*(g+1)/parts)
		}()
	}
	wg.Wait()
	for _, h := range order {
		r.armTimers(h, false) // members from the start, not joiners
	}
	return nil
}

// idealParts, if positive, sets how many goroutines BootstrapIdeal splits
// the rows among, whatever the ring's size (for tests).
var idealParts int

// idealRows writes the successor lists and finger rows of the nodes at
// positions lo … hi−1 of an ideal ring whose sorted identifiers are ids
// (handle = position).
func (r *Ring) idealRows(ids []ID, lo, hi int) {
	n := len(ids)
	R, M := r.cfg.Successors, r.nf
	// Positions are counted unwrapped where that saves a division:
	// position k ≥ n is handle k − n.
	wrap := func(k int) Handle {
		if k >= n {
			k -= n
		}
		return Handle(k)
	}
	for p := lo; p < hi; p++ {
		l := r.succ[p*R : p*R+R]
		for j := range l {
			l[j] = None
			if j < n-1 {
				l[j] = wrap(p + 1 + j)
			}
		}
		if n == 1 {
			l[0] = Handle(p)
		}
	}
	// Finger i of the node at position p is the first node at clockwise
	// distance ≥ FingerOffset(i) (2^i with base 2), or p itself if there is none: the first position k
	// in p+1 … p+n−1 with that distance, else k = p+n. As p grows, k never
	// moves back, so one pointer per level, advanced monotonically from
	// lo+1, finds them all in O((hi−lo)·m + n); within a row, k never
	// moves back as the level grows either, so a level starts from the
	// higher of its own pointer and the level below. Levels whose offset is at
	// most the successor's distance (most of them when 2^m ≫ n) are the
	// successor, with no search. Nodes are the outer loop so that each
	// finger row is written once, sequentially.
	q := make([]int, M)
	for i := range q {
		q[i] = lo + 1
	}
	for p := lo; p < hi; p++ {
		row := r.fingers[p*M : p*M+M]
		idp := ids[p]
		i, k := 0, p+1
		if n > 1 {
			s := wrap(k)
			fs := r.fingerTo(s)
			for low := min(r.slotsUpTo(r.space.Dist(idp, ids[s])), M); i < low; i++ {
				q[i] = k
				row[i] = fs
			}
			if r.cfg.PNS > 1 && i > 1 {
				// The highest of these fingers has an interval that
				// reaches past the successor, which may hold more
				// candidates.
				row[i-1] = r.fingerTo(r.pnsRow(ids, p, k, i-1))
			}
		}
		for ; i < M; i++ {
			step := r.FingerOffset(i)
			k = max(k, q[i])
			x := wrap(k)
			for k < p+n && r.space.Dist(idp, ids[x]) < step {
				k++
				if x++; int(x) == n {
					x = 0
				}
			}
			q[i] = k
			row[i] = r.fingerTo(x)
			if r.cfg.PNS > 1 && int(x) != p {
				row[i] = r.fingerTo(r.pnsRow(ids, p, k, i))
			}
		}
	}
}

// pnsRow is finger i of the node at position p of an ideal ring with PNS,
// whose first node at or after the finger's start is at (unwrapped)
// position k: among it and the next PNS − 1 positions that lie within the
// finger's interval, the one with the lowest world RTT from p, the first
// of them on a tie (pnsIdeal without the oracle's search).
func (r *Ring) pnsRow(ids []ID, p, k, i int) Handle {
	n := len(ids)
	wrap := func(k int) Handle {
		if k >= n {
			k -= n
		}
		return Handle(k)
	}
	me := Handle(p)
	best := wrap(k)
	bestRTT := r.worldRTT(me, best)
	for j := 1; j < r.cfg.PNS && k+j < p+n; j++ {
		x := wrap(k + j)
		if !r.inFingerInterval(i, r.space.Dist(ids[p], ids[x])) {
			break
		}
		if d := r.worldRTT(me, x); d < bestRTT {
			best, bestRTT = x, d
		}
	}
	return best
}
