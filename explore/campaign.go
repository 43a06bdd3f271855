package explore

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/chord/chordtest"
	"github.com/chordsim/chordsim/chord/invariant"
)

// Limits of a campaign: few nodes, so that a failure is small to read and
// lookup-all (every member, every key) stays cheap.
const (
	maxNodes    = 10 // initial and joined, over the whole campaign
	minSteps    = 12
	maxSteps    = 40
	pumpCap     = 5000 // messages moved before one tick
	pumpTicks   = 20
	tickLen     = "100ms"
	lossSpacing = 8 // messages of a node pair between two of its losses
)

// campaign is one generated fault schedule, as script lines.
type campaign struct {
	Index     int
	Seed      uint64 // the campaign's own seed, derived from (seed, Index)
	Variant   chord.Variant
	Partition bool     // a partition was injected
	Lines     []string // the fault phase; Lines[0] is config
}

// campaignSeed derives campaign i's seed from the run's seed (splitmix64
// of both), so that campaign i is the same whichever campaigns run.
func campaignSeed(seed uint64, i int) uint64 {
	z := seed ^ (uint64(i)+1)*0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// generator builds a campaign while playing it: each directive is chosen
// from the state the previous ones left (who is a member, what is in
// flight), run, and recorded.
type generator struct {
	o     *Options
	rng   *rand.Rand
	s     *chordtest.Session
	lines []string
	// names of every node declared, in order; their IDs
	names []string
	ids   map[uint64]bool
	// loss and slowness of this campaign
	pLoss, pSlow float64
	loss         lossModel
	// cut: the nodes on one side of an active partition (nil: none);
	// dead: an active dead link
	cut       map[chord.Handle]bool
	dead      [2]chord.Handle
	deadOn    bool
	partition bool
	snap      invariant.Snapshot
	chk       invariant.Checker
}

// generatorBug is a panic of the generator itself (it issued a directive
// the state does not allow), as opposed to one of the simulator.
type generatorBug string

// emit runs a directive and records it. A refused directive is a bug of
// the generator (it only issues what the state allows).
func (g *generator) emit(line string) string {
	g.lines = append(g.lines, line) // first: if it panics, the replay shows it
	out := g.s.Run(line)
	if strings.Contains(out, "error: ") {
		panic(generatorBug(fmt.Sprintf("explore: generated directive %q was refused: %s", line, out)))
	}
	return out
}

// generate builds campaign i.
func generate(o *Options, i int) (c campaign, err error) {
	seed := campaignSeed(o.Seed, i)
	c = campaign{Index: i, Seed: seed, Variant: o.Variant}
	g := &generator{o: o, rng: rand.New(rand.NewPCG(seed, 0x6578706c6f7265)), ids: map[uint64]bool{}, loss: lossModel{since: map[[2]chord.Handle]int{}}}
	defer func() {
		if x := recover(); x != nil {
			if b, ok := x.(generatorBug); ok {
				err = fmt.Errorf("campaign %d: %s", i, string(b))
				return
			}
			// The simulator panicked (or the harness gave up): the
			// lines so far end with the directive that did it, and
			// evaluate reports it as a finding.
			c.Lines, c.Partition = g.lines, g.partition
		}
	}()
	g.s = chordtest.NewSession(harnessTB{})
	g.run()
	c.Lines, c.Partition = g.lines, g.partition
	return c, nil
}

func (g *generator) run() {
	rng := g.rng
	m := 4 + rng.IntN(5) // 4..8 bits
	r := 1 + rng.IntN(4) // 1..4
	confirm := 0
	if g.o.Variant == chord.Zave {
		confirm = 2 + rng.IntN(2)
	}
	lookup := "iterative"
	if rng.IntN(2) == 1 {
		lookup = "recursive"
	}
	g.emit(fmt.Sprintf("config m=%d r=%d variant=%s confirm=%d lookup=%s step=4s", m, r, g.o.Variant, confirm, lookup))
	if g.o.Faults.Has(Loss) {
		g.pLoss = []float64{0, 0.05, 0.1, 0.2}[rng.IntN(4)]
	}
	if g.o.Faults.Has(Slow) {
		g.pSlow = []float64{0, 0.05, 0.1, 0.2}[rng.IntN(4)]
	}
	// The start. Variant zave assumes an ideal ring of at least r+1
	// members (Z-corr); the original protocol starts from create() as
	// often as from an ideal ring, since its counterexamples need rings
	// smaller than r+1.
	space := 1 << m
	n0 := r + 1 + rng.IntN(3)
	startCreate := g.o.Variant == chord.Original && rng.IntN(2) == 0
	if startCreate {
		n0 = 1 + rng.IntN(2)
	}
	n0 = min(n0, space, maxNodes)
	var start []string
	for len(start) < n0 {
		start = append(start, g.declare(space))
	}
	if startCreate {
		g.emit("create " + start[0])
		for _, n := range start[1:] {
			g.emit(fmt.Sprintf("join %s via %s", n, start[0]))
		}
	} else {
		g.emit("ideal-ring " + strings.Join(start, " "))
	}
	g.emit("hold on")
	steps := minSteps + rng.IntN(maxSteps-minSteps+1)
	for range steps {
		g.step(space)
		if rng.IntN(5) < 3 {
			g.pump()
		}
	}
	if g.cut != nil || g.deadOn {
		g.heal()
	}
	g.pump()
}

// declare adds an idle node with a fresh identifier (never reused: a
// rejoin with an old ID is scenario 15c's business, not the explorer's).
func (g *generator) declare(space int) string {
	for {
		id := uint64(g.rng.IntN(space))
		if g.ids[id] {
			continue
		}
		g.ids[id] = true
		name := fmt.Sprintf("n%d", len(g.names))
		g.names = append(g.names, name)
		g.emit(fmt.Sprintf("node %s %d", name, id))
		return name
	}
}

// members are the live members' names, in handle order.
func (g *generator) members() []string {
	r := g.s.Ring()
	var out []string
	for _, n := range g.names {
		if h, ok := g.s.Handle(n); ok && r.State(h) == chord.Member {
			out = append(out, n)
		}
	}
	return out
}

func (g *generator) pick(l []string) string { return l[g.rng.IntN(len(l))] }

// step issues one action: maintenance of one member, or a fault.
func (g *generator) step(space int) {
	rng, f := g.rng, g.o.Faults
	mem := g.members()
	for try := 0; try < 20; try++ {
		x := rng.IntN(100)
		switch {
		case x < 35:
			g.emit("stabilize " + g.pick(mem))
			return
		case x < 50:
			g.emit("check-pred " + g.pick(mem))
			return
		case x < 55:
			g.emit("fix-fingers " + g.pick(mem))
			return
		case x < 70:
			if !f.Has(Join) || len(g.names) >= maxNodes || len(g.ids) >= space {
				continue
			}
			via := g.pick(mem)
			n := g.declare(space)
			g.emit(fmt.Sprintf("join %s via %s", n, via))
			return
		case x < 82:
			if !f.Has(Crash) {
				continue
			}
			if v := g.pick(mem); g.mayDepart(v) {
				g.emit("fail " + v)
				return
			}
		case x < 88:
			if !f.Has(Leave) {
				continue
			}
			if v := g.pick(mem); g.mayDepart(v) {
				g.emit("leave " + v)
				return
			}
		case x < 94:
			if !f.Has(Partition) {
				continue
			}
			if g.cut != nil || g.deadOn {
				g.heal()
				return
			}
			g.split(mem)
			return
		default:
			if !f.Has(Partition) || g.cut != nil || g.deadOn || len(mem) < 2 {
				continue
			}
			a, b := g.pick(mem), g.pick(mem)
			if a == b {
				continue
			}
			ha, _ := g.s.Handle(a)
			hb, _ := g.s.Handle(b)
			g.dead, g.deadOn, g.partition = [2]chord.Handle{ha, hb}, true, true
			g.lines = append(g.lines, fmt.Sprintf("# dead link %s-%s: every message between them is lost until healed", a, b))
			return
		}
	}
	g.emit("stabilize " + g.pick(mem))
}

// split starts a partition: a random nonempty proper subset of the
// members on one side.
func (g *generator) split(mem []string) {
	if len(mem) < 2 {
		return
	}
	var side []string
	for len(side) == 0 || len(side) == len(mem) {
		side = side[:0]
		for _, n := range mem {
			if g.rng.IntN(2) == 0 {
				side = append(side, n)
			}
		}
	}
	g.cut = map[chord.Handle]bool{}
	for _, n := range side {
		h, _ := g.s.Handle(n)
		g.cut[h] = true
	}
	g.partition = true
	g.lines = append(g.lines, "# partition: "+strings.Join(side, " ")+" | the rest; every message across is lost until healed")
}

func (g *generator) heal() {
	g.cut, g.deadOn = nil, false
	g.lines = append(g.lines, "# healed")
}

// mayDepart is the failure gate (the environment's side of the variant's
// claim; it reads ground truth): v may crash or leave only if every other
// member that lists v keeps another live member in its list (never
// counting itself), at least r+1 members remain, and under variant zave
// v is not one of only r+1 principals (Z-corr's rule (b)). The original
// protocol gets Z-full's rule: the list rule, one member left at least.
func (g *generator) mayDepart(v string) bool {
	h, _ := g.s.Handle(v)
	return gateAllows(g.s, &g.snap, &g.chk, h)
}

func gateAllows(s *chordtest.Session, snap *invariant.Snapshot, chk *invariant.Checker, h chord.Handle) bool {
	r := s.Ring()
	r.Snapshot(snap)
	f := int32(h)
	if f < 0 || int(f) >= len(snap.Nodes) || !snap.Nodes[f].Member {
		return false
	}
	members := 0
	for i := range snap.Nodes {
		if snap.Nodes[i].Member {
			members++
		}
	}
	zave := r.Config().Variant == chord.Zave
	least := 1
	if zave {
		least = snap.R + 1
	}
	if members-1 < least {
		return false
	}
	for i := range snap.Nodes {
		m := &snap.Nodes[i]
		if !m.Member || int32(i) == f || !slices.Contains(m.Succ, f) {
			continue
		}
		live := false
		for _, x := range m.Succ {
			if x != f && x != int32(i) && snap.Nodes[x].Member {
				live = true
				break
			}
		}
		if !live {
			return false
		}
	}
	if zave && chk.Principals(snap) <= snap.R+1 && invariant.IsPrincipal(snap, f) {
		return false
	}
	return true
}

// pump lets 2 s of time run in ticks of 100 ms: before each tick, every
// held message is moved (delivered, lost, slowed), so that no message
// waits in the hold longer than a tick (a request and its answer take at
// most 2 × (10 ms + 100 ms held + 100 ms slow) = 420 ms, under the
// 500 ms rpc_timeout) and the network stays held: what timeouts and
// the detector's pings send meets the same faults. It stops early once
// nothing has been held for 8 ticks (longer than a timeout).
func (g *generator) pump() {
	net := g.s.Ring().Network()
	quiet := 0
	for tick := 0; tick < pumpTicks && quiet < 8; tick++ {
		moved := false
		for k := 0; k < pumpCap; k++ {
			held := net.Held()
			if len(held) == 0 {
				break
			}
			moved = true
			m := held[g.rng.IntN(len(held))]
			sel := fmt.Sprintf("%s->%s %s", g.s.Name(m.From), g.s.Name(m.To), m.Msg.Kind)
			// The selector names the first held message that matches,
			// which may be an earlier one of the same kind on the link.
			for _, x := range held {
				if x.From == m.From && x.To == m.To && x.Msg.Kind == m.Msg.Kind {
					m = x
					break
				}
			}
			verb, d := g.fate(m.From, m.To)
			g.emit(strings.TrimSpace(verb + " " + sel + " " + d))
		}
		if moved {
			quiet = 0
		} else {
			quiet++
		}
		g.emit("run-for " + tickLen)
	}
}

// fate decides what happens to a message from a to b. Loss and late
// replies are spaced: a node pair loses at most one message in
// lossSpacing of its own, so that a live peer answers one of the
// detector's confirm+1 tries (the detector's claim); a partition or a
// dead link loses everything across it.
func (g *generator) fate(a, b chord.Handle) (verb, delay string) {
	if g.cut != nil && g.cut[a] != g.cut[b] {
		return "drop", ""
	}
	if g.deadOn && (g.dead == [2]chord.Handle{a, b} || g.dead == [2]chord.Handle{b, a}) {
		return "drop", ""
	}
	mayLose := g.loss.mayLose(a, b)
	x := g.rng.Float64()
	switch {
	case mayLose && x < g.pLoss:
		g.loss.lose(a, b)
		return "drop", ""
	case x < g.pLoss+g.pSlow:
		if mayLose && g.rng.IntN(4) == 0 {
			// Late: beyond rpc_timeout (500 ms); the request times out
			// against a live peer.
			g.loss.lose(a, b)
			return "delay", fmt.Sprintf("%dms", 600+g.rng.IntN(900))
		}
		// Slow but in time (see pump).
		return "delay", fmt.Sprintf("%dms", 20+g.rng.IntN(81))
	}
	return "deliver", ""
}

// lossModel spaces the losses (and late deliveries) of each node pair:
// at most one in lossSpacing messages of the pair. The generator draws
// within it and the checker refuses a script that leaves it (a shrunk
// script must stay inside the fault model the variant claims).
type lossModel struct {
	// since counts, per unordered node pair, messages since its last
	// loss (a pair absent from the map has lost none)
	since map[[2]chord.Handle]int
}

// mayLose counts one more message between a and b and reports whether
// it may be lost.
func (l *lossModel) mayLose(a, b chord.Handle) bool {
	pair := [2]chord.Handle{min(a, b), max(a, b)}
	n, lost := l.since[pair]
	if lost {
		l.since[pair] = n + 1
	}
	return !lost || n >= lossSpacing
}

// lose records that the message just counted was lost.
func (l *lossModel) lose(a, b chord.Handle) { l.since[[2]chord.Handle{min(a, b), max(a, b)}] = 0 }
