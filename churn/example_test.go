package churn_test

import (
	"fmt"
	"strings"

	"github.com/chordsim/chordsim/churn"
	"github.com/chordsim/chordsim/sim"
)

// ring is a toy Target: a list of live nodes that prints every change.
// Chordsim's own target does the same on a Chord ring.
type ring struct {
	s     *sim.Scheduler
	live  []churn.Node
	next  churn.Node
	names map[string]churn.Node
	quiet bool // print nothing (the victims of a random pick depend on the seed)
}

func newRing(s *sim.Scheduler, n int) *ring {
	r := &ring{s: s, names: map[string]churn.Node{}}
	for range n {
		r.live = append(r.live, r.next)
		r.next++
	}
	return r
}

func (r *ring) Live() int                 { return len(r.live) }
func (r *ring) LiveNode(i int) churn.Node { return r.live[i] }
func (r *ring) Initial(k int) churn.Node  { return churn.Node(k) }

func (r *ring) Alive(n churn.Node) bool {
	for _, m := range r.live {
		if m == n {
			return true
		}
	}
	return false
}

func (r *ring) Join(like churn.Node) churn.Node {
	n := r.next
	r.next++
	r.live = append(r.live, n)
	if !r.quiet {
		fmt.Printf("t=%v join n%d (%d live)\n", r.s.Now(), n, len(r.live))
	}
	return n
}

func (r *ring) JoinNamed(name string) churn.Node {
	n := r.Join(-1)
	r.names[name] = n
	return n
}

func (r *ring) remove(n churn.Node, verb string) {
	for i, m := range r.live {
		if m == n {
			r.live = append(r.live[:i], r.live[i+1:]...)
			break
		}
	}
	if !r.quiet {
		fmt.Printf("t=%v %s n%d (%d live)\n", r.s.Now(), verb, n, len(r.live))
	}
}

func (r *ring) Fail(n churn.Node)  { r.remove(n, "fail") }
func (r *ring) Leave(n churn.Node) { r.remove(n, "leave") }

// A trace replays membership changes at given times; #K names the K-th
// node of the initial ring, other names are nodes the trace starts.
func ExampleTrace() {
	text := `# time verb node
10s join a
20s fail #1
30s leave a
`
	tr, err := churn.ParseTrace(strings.NewReader(text), "example.trace", 4)
	if err != nil {
		fmt.Println(err)
		return
	}
	s := sim.NewScheduler()
	h := tr.Start(s, newRing(s, 4), churn.Stream(1, tr, 0), 0, churn.NoEnd)
	s.Run()
	fmt.Printf("%+v\n", h.Counts())
	// Output:
	// t=10s join n4 (5 live)
	// t=20s fail n1 (4 live)
	// t=30s leave n4 (3 live)
	// {Joins:1 Fails:1 Leaves:1 Skipped:0}
}

// A mass failure crashes round(Fraction·Live()) nodes at one instant,
// chosen at random from the generator's own stream (which nodes depends on
// the seed, so this example does not print them).
func ExampleMassFailure() {
	s := sim.NewScheduler()
	r := newRing(s, 10)
	r.quiet = true
	mf := churn.MassFailure{At: 5 * sim.Minute, Fraction: 0.3}
	h := mf.Start(s, r, churn.Stream(7, mf, 0), 0, churn.NoEnd)
	s.Run()
	fmt.Printf("at %v: %d failed, %d live\n", s.Now(), h.Counts().Fails, r.Live())
	// Output:
	// at 5m0s: 3 failed, 7 live
}

// Session and down times are distributions written as kind:parameters.
func ExampleParseDist() {
	for _, text := range []string{"exp:1h", "pareto:1h,1.5", "uniform:30m,90m", "none", "pareto:1h"} {
		d, err := churn.ParseDist(text)
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Printf("%s: mean %v\n", d, d.MeanDuration())
	}
	// Output:
	// exp:1h0m0s: mean 1h0m0s
	// pareto:1h0m0s,1.5: mean 1h0m0s
	// uniform:30m0s,1h30m0s: mean 1h0m0s
	// none: mean 0s
	// error: pareto:1h: pareto takes 2 parameter(s) (MEAN,ALPHA), got 1; write e.g. pareto:1h,1.5
}
