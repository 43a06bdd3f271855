package chord_test

import (
	"fmt"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/sim"
)

// Build an ideal ring of 1,000 nodes (every table as a fully stabilized
// ring would have it), look up one key through the protocol, and judge
// the answer against the oracle.
func Example_idealRing() {
	sched := sim.NewScheduler()
	cfg := chord.DefaultConfig()
	cfg.StabilizeEvery, cfg.FixFingersEvery, cfg.CheckPredecessorEvery = 0, 0, 0 // a static ring
	ring, err := chord.New(sched, chord.Options{
		Config: cfg,
		Net:    sim.NetConfig{Latency: sim.Latency{Kind: sim.Constant, A: 10 * sim.Millisecond}},
		Seed:   1,
	})
	if err != nil {
		panic(err)
	}
	// The layer that starts lookups hears of their results.
	var got chord.LookupResult
	layer := ring.Attach(chord.Hooks{LookupDone: func(r *chord.LookupResult) { got = *r }})
	if err := ring.BootstrapIdeal(1000); err != nil {
		panic(err)
	}

	key := ring.Space().Hash("song.mp3")
	origin := ring.Oracle().HandleAt(0)
	ring.Lookup(origin, key, chord.Tag{Layer: layer, Op: 1})
	sched.Run()

	fmt.Println("outcome:", got.Outcome, "op:", got.Tag.Op)
	fmt.Println("owner is the key's successor:", got.Owner == ring.Oracle().Successor(key))
	fmt.Println("hops within log2(1000):", got.Hops <= 10)
	// Output:
	// outcome: correct op: 1
	// owner is the key's successor: true
	// hops within log2(1000): true
}

// Grow a ring through the protocol: one node creates it, another joins
// through it, and stabilization links the two.
func Example_join() {
	sched := sim.NewScheduler()
	cfg := chord.DefaultConfig()
	cfg.Bits = 6
	cfg.StabilizeEvery, cfg.FixFingersEvery, cfg.CheckPredecessorEvery = 0, 0, 0 // stabilize by hand
	ring, err := chord.New(sched, chord.Options{
		Config: cfg,
		Net:    sim.NetConfig{Latency: sim.Latency{Kind: sim.Constant, A: 10 * sim.Millisecond}},
		Seed:   1,
	})
	if err != nil {
		panic(err)
	}
	a, _ := ring.AddNodeWithID(8, "a")
	b, _ := ring.AddNodeWithID(40, "b")
	if err := ring.Create(a); err != nil {
		panic(err)
	}
	if err := ring.JoinVia(b, a); err != nil {
		panic(err)
	}
	sched.Run() // b looks up its successor and fetches its list
	fmt.Println("b is", ring.State(b), "with successor", ring.Name(ring.Successors(b)[0]))

	// b notifies a on stabilizing; a adopts b on its own next stabilize.
	for _, h := range []chord.Handle{b, a, b} {
		ring.Stabilize(h)
		sched.Run()
	}
	fmt.Println("a: successor", ring.Name(ring.Successors(a)[0]), "predecessor", ring.Name(ring.Predecessor(a)))
	fmt.Println("b: successor", ring.Name(ring.Successors(b)[0]), "predecessor", ring.Name(ring.Predecessor(b)))
	d := ring.Divergence() // fingers aside: fix_fingers has not run
	fmt.Println("pointers ideal:", d.Successor == 0 && d.Predecessor == 0 && d.SuccessorList == 0)
	// Output:
	// b is member with successor a
	// a: successor b predecessor b
	// b: successor a predecessor a
	// pointers ideal: true
}
