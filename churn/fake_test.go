package churn

import (
	"fmt"
	"slices"

	"github.com/chordsim/chordsim/sim"
)

// fake is a Target that keeps a live set in join order and records every
// call with its virtual time. It panics on any call the Target contract
// forbids (failing a dead node, rejoining like a live one), so a generator
// that breaks the contract fails the test that drives it.
type fake struct {
	s       *sim.Scheduler
	initial int
	ident   []uint64 // identifier of each handle
	alive   []bool
	live    []Node // live handles in join order
	names   map[string]uint64
	fresh   uint64 // next fresh identifier
	log     []string
	calls   []call
}

// call is one recorded mutation.
type call struct {
	at   sim.Time
	op   string // join, named, fail, leave
	node Node   // the node joined, failed or left
	like Node   // join only
	name string // named only
}

// newFake returns a target whose initial ring is handles 0..n-1 (identifiers
// 0..n-1, so handle order is identifier order).
func newFake(s *sim.Scheduler, n int) *fake {
	f := &fake{s: s, initial: n, names: map[string]uint64{}}
	for range n {
		f.add(f.fresh)
		f.fresh++
	}
	return f
}

func (f *fake) add(ident uint64) Node {
	n := Node(len(f.ident))
	f.ident = append(f.ident, ident)
	f.alive = append(f.alive, true)
	f.live = append(f.live, n)
	return n
}

func (f *fake) record(c call, text string) {
	c.at = f.s.Now()
	f.calls = append(f.calls, c)
	f.log = append(f.log, c.at.String()+" "+text)
}

func (f *fake) Live() int           { return len(f.live) }
func (f *fake) LiveNode(i int) Node { return f.live[i] }
func (f *fake) Alive(n Node) bool   { return n >= 0 && int(n) < len(f.alive) && f.alive[n] }

func (f *fake) Join(like Node) Node {
	ident := f.fresh
	if like >= 0 {
		if int(like) >= len(f.ident) || f.alive[like] {
			panic(fmt.Sprintf("Join(like=%d) of a node that is live or never existed", like))
		}
		ident = f.ident[like]
	} else {
		f.fresh++
	}
	n := f.add(ident)
	f.record(call{op: "join", node: n, like: like}, fmt.Sprintf("join(%d)=%d", like, n))
	return n
}

func (f *fake) JoinNamed(name string) Node {
	ident, ok := f.names[name]
	if !ok {
		ident = f.fresh
		f.fresh++
		f.names[name] = ident
	}
	n := f.add(ident)
	f.record(call{op: "named", node: n, name: name}, fmt.Sprintf("named(%s)=%d", name, n))
	return n
}

func (f *fake) Initial(k int) Node {
	if k < 0 || k >= f.initial {
		panic(fmt.Sprintf("Initial(%d) with %d initial nodes", k, f.initial))
	}
	return Node(k)
}

func (f *fake) remove(n Node, op string) {
	if !f.Alive(n) {
		panic(fmt.Sprintf("%s of node %d, which is not live", op, n))
	}
	f.alive[n] = false
	f.live = slices.Delete(f.live, slices.Index(f.live, n), slices.Index(f.live, n)+1)
	f.record(call{op: op, node: n}, fmt.Sprintf("%s %d", op, n))
}

func (f *fake) Fail(n Node)  { f.remove(n, "fail") }
func (f *fake) Leave(n Node) { f.remove(n, "leave") }

// count returns how many recorded calls have op.
func (f *fake) count(op string) int {
	c := 0
	for _, x := range f.calls {
		if x.op == op {
			c++
		}
	}
	return c
}

// action is a test's own event: it lets a test play "another generator"
// that removes or adds a node at a chosen time.
type action struct{ do func() }

func (a action) Fire(*sim.Event) { a.do() }

// at makes do happen at time t on s.
func at(s *sim.Scheduler, t sim.Time, do func()) {
	s.At(t, s.Register(action{do}), 0, 0, 0)
}

// nopTarget is a Target that allocates nothing, for measuring the
// generators' own allocations: it always has size live nodes.
type nopTarget struct{ size int }

func (n nopTarget) Live() int             { return n.size }
func (n nopTarget) LiveNode(i int) Node   { return Node(i) }
func (n nopTarget) Alive(Node) bool       { return true }
func (n nopTarget) Join(Node) Node        { return 0 }
func (n nopTarget) JoinNamed(string) Node { return 0 }
func (n nopTarget) Initial(k int) Node    { return Node(k) }
func (n nopTarget) Fail(Node)             {}
func (n nopTarget) Leave(Node)            {}

// secs is a time x seconds after the start of the run.
func secs(x float64) sim.Time { return sim.Time(x * float64(sim.Second)) }

// mustDist parses a distribution that the test knows to be valid.
func mustDist(s string) Dist {
	d, err := ParseDist(s)
	if err != nil {
		panic(err)
	}
	return d
}
