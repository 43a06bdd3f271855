package chord

import (
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/chordsim/chordsim/chord/invariant"
	"github.com/chordsim/chordsim/sim"
)

var gapDepth = flag.Int("scenario.gapdepth", 0, "depth of TestConcurrentJoinsExhaustive (0: the default, 6, or 4 with -short)")

// Correctness reference §4, scenario 3: "Concurrent joins into one gap.
// Ideal ring {0, 8} (m = 4); nodes 2, 4, 6 all join via 0 (all get succ =
// 8); enumerate the interleavings of their stabilize/notify steps up to a
// bounded depth. Expect CoreValid after every step and Ideal after fair
// quiescence." (ToN Thm IV.3; the reference's join-only BFS found no
// CoreValid violation [X].)
//
// Every sequence of single-node stabilize steps over the five nodes, of
// every length up to the depth, is replayed from scratch (the simulation
// is deterministic, and a Ring cannot be copied). A step is one node's
// stabilize run to completion: the question to its successor, the answer,
// the adoption and list rebuild, and the notify (Zave's Stabilize,
// Notified and Reconcile as one atomic step, as in the reference's BFS).
// The default invariant set (CoreValid, LiveSuccessor,
// OrderedSuccessorLists, NoDuplicates) is checked after the joins and
// after every step; then fair quiescence (quiesce: rounds of
// check_predecessor and stabilize of every member in ID order) must reach
// the exact ideal ring within gapMaxRounds rounds and stay there one more
// round.
//
// Depth 6 is 1 + 5 + … + 5^6 = 19,531 sequences, about 2 s on one core;
// depth 7 (97,656) takes about 5 times as long, so it is behind
// -scenario.gapdepth. -short uses depth 4 (781 sequences).
func TestConcurrentJoinsExhaustive(t *testing.T) {
	depth := 6
	if testing.Short() {
		depth = 4
	}
	if *gapDepth > 0 {
		depth = *gapDepth
	}
	var (
		seq       []int
		explored  int
		maxRounds int
		states    = map[string]bool{}
	)
	var walk func() bool
	walk = func() bool {
		rounds, state, err := replayGap(seq)
		explored++
		if err != nil {
			t.Errorf("sequence %s: %v\nrerun: go test ./chord -run 'TestConcurrentJoinsExhaustive$' -scenario.gapdepth=%d", gapSeqString(seq), err, len(seq))
			return false
		}
		states[state] = true
		maxRounds = max(maxRounds, rounds)
		if len(seq) == depth {
			return true
		}
		for x := range gapIDs {
			seq = append(seq, x)
			ok := walk()
			seq = seq[:len(seq)-1]
			if !ok {
				return false
			}
		}
		return true
	}
	if !walk() {
		return
	}
	t.Logf("depth %d: %d stabilize sequences explored, %d distinct states after them, ideal within at most %d fair round(s) (bound %d)", depth, explored, len(states), maxRounds, gapMaxRounds)
}

// The bounded enumeration above does not reach every state: new states
// still appear at depth 7. What a stabilize step does depends only on the
// members' successor lists and predecessors (fingers above the successor
// are untouched by stabilize, and no timer runs), so a breadth-first
// search over distinct states, each expanded by replaying its shortest
// sequence plus one step from scratch, covers every state any sequence of
// stabilize steps can reach: the whole closure, with the same checks.
func TestConcurrentJoinsClosure(t *testing.T) {
	seen := map[string]bool{}
	queue := [][]int{nil}
	_, st, err := replayGap(nil)
	if err != nil {
		t.Fatal(err)
	}
	seen[st] = true
	replays, depth, maxRounds := 1, 0, 0
	for len(queue) > 0 {
		seq := queue[0]
		queue = queue[1:]
		for x := range gapIDs {
			next := append(append([]int(nil), seq...), x)
			rounds, st, err := replayGap(next)
			replays++
			if err != nil {
				t.Fatalf("sequence %s: %v", gapSeqString(next), err)
			}
			maxRounds = max(maxRounds, rounds)
			if !seen[st] {
				seen[st] = true
				depth = max(depth, len(next))
				queue = append(queue, next)
			}
		}
	}
	t.Logf("closure: %d distinct states (the deepest first reached after %d steps), %d replays, ideal within at most %d fair round(s)", len(seen), depth, replays, maxRounds)
}

// gapIDs are the five nodes: the ideal ring {0, 8} and the joiners 2, 4, 6.
var gapIDs = []ID{0, 2, 4, 6, 8}

// gapMaxRounds bounds fair quiescence: joiners + 2. The worst start is the
// state right after the joins (no stabilize yet). In ID order 0 stabilizes
// before the joiners have notified anyone, so the first round only tells
// 8 about its closest joiner (8.pred: 0 → 2 → 4 → 6), and each later round
// moves 0's successor back by one joiner (8 → 6 → 4 → 2), because each
// joiner learns its own predecessor only after 0 has asked: 4 rounds for
// 3 joiners (measured). One round more is the margin; a livelock would
// exceed it.
const gapMaxRounds = 5

func gapSeqString(seq []int) string {
	var b strings.Builder
	b.WriteString("[joins")
	for _, x := range seq {
		fmt.Fprintf(&b, "; S %d", gapIDs[x])
	}
	b.WriteString("]")
	return b.String()
}

// replayGap replays the joins and then the stabilize steps seq (indices
// into gapIDs), checking the invariants after every action, and then
// quiesces. It returns the fair rounds needed and the state reached by seq.
func replayGap(seq []int) (rounds int, state string, err error) {
	cfg := staticConfig(4)
	cfg.Successors = 2
	s := sim.NewScheduler()
	r, err := New(s, Options{Config: cfg, Net: sim.NetConfig{Latency: sim.Latency{Kind: sim.Constant, A: 10 * sim.Millisecond}}, Seed: 1})
	if err != nil {
		return 0, "", err
	}
	hs := make([]Handle, len(gapIDs))
	for i, id := range gapIDs {
		if hs[i], err = r.AddNodeWithID(id, ""); err != nil {
			return 0, "", err
		}
	}
	if err := handBuildIdeal(r, []Handle{hs[0], hs[4]}); err != nil {
		return 0, "", err
	}
	var (
		chk  invariant.Checker
		snap invariant.Snapshot
	)
	check := func(what string) error {
		if vs := checkAfter(r, &chk, &snap, invariant.Default); len(vs) > 0 {
			return fmt.Errorf("after %s: %v; state %s", what, vs, ringState(r))
		}
		return nil
	}
	for _, j := range []int{1, 2, 3} {
		if err := r.JoinVia(hs[j], hs[0]); err != nil {
			return 0, "", err
		}
		if err := drain(s); err != nil {
			return 0, "", err
		}
		if r.State(hs[j]) != Member || r.Successors(hs[j])[0] != hs[4] {
			return 0, "", fmt.Errorf("join of %d: %s with successors %v, want a member with successor 8", gapIDs[j], r.State(hs[j]), r.Successors(hs[j]))
		}
		if err := check(fmt.Sprintf("join %d", gapIDs[j])); err != nil {
			return 0, "", err
		}
	}
	for k, x := range seq {
		r.stabilize(hs[x])
		if err := drain(s); err != nil {
			return 0, "", err
		}
		if err := check(fmt.Sprintf("step %d (S %d)", k+1, gapIDs[x])); err != nil {
			return 0, "", err
		}
	}
	state = ringState(r)
	rounds, err = quiesce(r, s, gapMaxRounds, check)
	if err == nil && r.Oracle().Len() != len(gapIDs) {
		err = fmt.Errorf("ideal with %d members, want %d", r.Oracle().Len(), len(gapIDs))
	}
	return rounds, state, err
}
