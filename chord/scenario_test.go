package chord

// Golden scenario scripts (correctness reference §4): each file in
// testdata/scenarios replays one regression scenario against the real
// protocol, stepping every node by hand.
//
// A script is a sequence of directives in the "datadriven" style:
//
//	# comments and blank lines between directives are kept
//	command args...
//	----
//	expected output (no blank lines)
//	<blank line>
//
// go test ./chord -run TestScenarios -rewrite rewrites the expected outputs.
// Accepted outputs must be checked against the reference by hand; the
// comment above each check quotes what the reference expects.
//
// Commands (periodic maintenance is off; every action runs the simulation
// for a fixed step afterwards, 2s unless config says step=D; latency is a
// constant 10 ms, rpc_timeout 500 ms):
//
//	config m=4 r=2 [retries=N] [lookup=iterative|recursive] [variant=zave|original] [confirm=N] [step=D]
//	node NAME ID             create NAME | join NAME via OTHER | rejoin NAME via OTHER
//	fail NAME...             leave NAME
//	stabilize NAME...        check-pred NAME...    fix-fingers NAME...
//	notify TARGET FROM       (delivered at once: onNotify)
//	set NAME [succ=A,B] [pred=C|none]   (hand-built states only; prints nothing)
//	ideal-ring NAME...       (hand-built: the named nodes become an ideal ring)
//	run-for D
//	lookup FROM KEY...       lookup-all
//	check [all]              ideal      ring
//
// Actions print the protocol events (membership, successor, predecessor,
// forget) logged while they run, one per line. A lookup of one key prints
// "owner X (outcome, hops)"; of several keys, one "key K: owner X (…)" line
// per key, each lookup run to its end (and a step) before the next.
//
// Rotation (correctness reference §5, property R): TestScenarioRotations
// replays every script with every node ID and every key shifted by c
// (mod 2^m) and requires the transcript to be byte-identical to the
// unrotated one. In rotated mode the harness prints IDs and keys
// unshifted, and visits nodes and keys in unshifted order (ring,
// lookup-all), so that a rotation-invariant protocol prints the same bytes.

import (
	"cmp"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chordsim/chordsim/chord/invariant"
	"github.com/chordsim/chordsim/sim"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the expected outputs of testdata/scenarios/*.txt")

func TestScenarios(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "scenarios", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no scenario scripts in testdata/scenarios")
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txt"), func(t *testing.T) { runScript(t, f) })
	}
}

// runScript runs one script and compares (or rewrites) its outputs.
func runScript(t *testing.T, path string) {
	lines := readScript(t, path)
	out, blocks := playScript(t, path, lines, 0)
	failed := false
	for _, bl := range blocks {
		if !*rewrite && bl.got != bl.want {
			failed = true
			t.Errorf("%s:%d: %s\n%s", path, bl.line, bl.cmd, lineDiff(bl.want, bl.got))
		}
	}
	if *rewrite {
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if failed {
		t.Logf("%s: outputs differ; if the new outputs are right (check them against the reference), rerun with -rewrite", path)
	}
}

// readScript reads a script's lines.
func readScript(t *testing.T, path string) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// block is one directive of a script: where it is, what the file expects
// and what the run printed.
type block struct {
	line           int
	cmd, want, got string
}

// playScript runs a script with every ID and key shifted by rot (mod 2^m)
// and returns the transcript (the script with the outputs it printed) and
// its directives.
func playScript(t *testing.T, path string, lines []string, rot uint64) (string, []block) {
	var out strings.Builder
	var blocks []block
	sc := &scenario{t: t, rot: rot}
	for i := 0; i < len(lines); {
		line := lines[i]
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			out.WriteString(line + "\n")
			i++
			continue
		}
		cmdLine := i + 1
		i++
		if i >= len(lines) || lines[i] != "----" {
			t.Fatalf("%s:%d: directive %q is not followed by a ---- line", path, cmdLine, line)
		}
		i++
		start := i
		for i < len(lines) && lines[i] != "" {
			i++
		}
		want := strings.Join(lines[start:i], "\n")
		if i < len(lines) {
			i++ // the blank line ending the block
		}
		got := sc.run(line)
		got = strings.TrimRight(got, "\n")
		if strings.Contains(got, "\n\n") {
			t.Fatalf("%s:%d: %q printed a blank line, which the format cannot hold", path, cmdLine, line)
		}
		out.WriteString(line + "\n----\n")
		if got != "" {
			out.WriteString(got + "\n")
		}
		out.WriteString("\n")
		blocks = append(blocks, block{line: cmdLine, cmd: line, want: want, got: got})
	}
	return strings.TrimRight(out.String(), "\n") + "\n", blocks
}

// lineDiff is a minimal line diff: "-" lines expected, "+" lines got.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	n := max(len(w), len(g))
	for k := 0; k < n; k++ {
		var a, c string
		ha, hc := k < len(w), k < len(g)
		if ha {
			a = w[k]
		}
		if hc {
			c = g[k]
		}
		if ha && hc && a == c {
			fmt.Fprintf(&b, "   %s\n", a)
			continue
		}
		if ha {
			fmt.Fprintf(&b, "-  %s\n", a)
		}
		if hc {
			fmt.Fprintf(&b, "+  %s\n", c)
		}
	}
	return b.String()
}

// scenario is the state of one running script.
type scenario struct {
	t      *testing.T
	r      *Ring
	s      *sim.Scheduler
	c      *collector
	step   sim.Duration
	byName map[string]Handle // name → current incarnation
	label  []string          // handle → printed name
	inc    map[string]int    // name → incarnations so far
	chk    invariant.Checker
	snap   invariant.Snapshot
	logged int // r.logPos already printed
	// rot is the rotation: node IDs and keys are shifted by rot (mod 2^m)
	// on the way in and back on the way out (TestScenarioRotations).
	rot uint64
}

// shift maps a script's ID or key to the simulated ring's.
func (sc *scenario) shift(x ID) ID { return sc.r.Space().Add(x, sc.rot) }

// unshift maps a simulated ID back to the script's.
func (sc *scenario) unshift(x ID) ID { return sc.r.Space().Add(x, -sc.rot) }

func (sc *scenario) run(line string) (out string) {
	f := strings.Fields(line)
	cmd, args := f[0], f[1:]
	var b strings.Builder
	if cmd != "config" && sc.r == nil {
		return "error: the first command must be config"
	}
	if sc.r != nil {
		sc.logged = sc.r.logPos
	}
	err := sc.exec(&b, cmd, args)
	var ev strings.Builder
	if sc.r != nil {
		for _, e := range sc.events() {
			ev.WriteString(e + "\n")
		}
	}
	if err != nil {
		b.WriteString("error: " + err.Error() + "\n")
	}
	return ev.String() + b.String()
}

// events formats the protocol events logged since the command began.
func (sc *scenario) events() []string {
	r := sc.r
	var out []string
	for i := sc.logged; i < r.logPos; i++ {
		e := r.log[i%len(r.log)]
		s := fmt.Sprintf("%s %s", e.Kind, sc.name(e.Node))
		if e.Other != None || e.Kind == LogPredecessor {
			s += " -> " + sc.name(e.Other)
		}
		out = append(out, s)
	}
	sc.logged = r.logPos
	return out
}

func (sc *scenario) name(h Handle) string {
	if h == None {
		return "none"
	}
	if int(h) < len(sc.label) {
		return sc.label[h]
	}
	return "#" + strconv.Itoa(int(h))
}

func (sc *scenario) node(name string) (Handle, error) {
	h, ok := sc.byName[name]
	if !ok {
		return None, fmt.Errorf("no node %q", name)
	}
	return h, nil
}

func (sc *scenario) nodes(names []string) ([]Handle, error) {
	if len(names) == 0 {
		return nil, fmt.Errorf("no node named")
	}
	hs := make([]Handle, len(names))
	for i, n := range names {
		h, err := sc.node(n)
		if err != nil {
			return nil, err
		}
		hs[i] = h
	}
	return hs, nil
}

func (sc *scenario) member(name string) (Handle, error) {
	h, err := sc.node(name)
	if err != nil {
		return None, err
	}
	if st := sc.r.State(h); st != Member {
		return None, fmt.Errorf("node %s is %s, not a member", name, st)
	}
	return h, nil
}

// advance runs the simulation for one step.
func (sc *scenario) advance() { sc.s.RunUntil(sc.s.Now().Add(sc.step)) }

// addHandle registers the printed name of a new handle.
func (sc *scenario) addHandle(h Handle, name string) {
	for len(sc.label) <= int(h) {
		sc.label = append(sc.label, "")
	}
	sc.inc[name]++
	label := name
	if k := sc.inc[name]; k > 1 {
		label = fmt.Sprintf("%s#%d", name, k) // a later incarnation
	}
	sc.label[h] = label
	sc.byName[name] = h
}

func (sc *scenario) exec(b *strings.Builder, cmd string, args []string) error {
	switch cmd {
	case "config":
		return sc.config(args)
	case "node":
		if len(args) != 2 {
			return fmt.Errorf("usage: node NAME ID")
		}
		if _, ok := sc.byName[args[0]]; ok {
			return fmt.Errorf("node %s exists", args[0])
		}
		id, err := strconv.ParseUint(args[1], 10, 64)
		if err != nil {
			return err
		}
		if ID(id) > sc.r.Space().Max() {
			return fmt.Errorf("identifier %d does not fit in the space", id)
		}
		h, err := sc.r.AddNodeWithID(sc.shift(ID(id)), args[0])
		if err != nil {
			return err
		}
		sc.addHandle(h, args[0])
	case "create":
		if len(args) != 1 {
			return fmt.Errorf("usage: create NAME")
		}
		h, err := sc.node(args[0])
		if err != nil {
			return err
		}
		if err := sc.r.Create(h); err != nil {
			return err
		}
		sc.advance()
	case "join", "rejoin":
		if len(args) != 3 || args[1] != "via" {
			return fmt.Errorf("usage: %s NAME via OTHER", cmd)
		}
		h, err := sc.node(args[0])
		if err != nil {
			return err
		}
		via, err := sc.member(args[2])
		if err != nil {
			return err
		}
		if cmd == "rejoin" {
			nh, err := sc.r.AddNodeLike(h)
			if err != nil {
				return err
			}
			sc.addHandle(nh, args[0])
			h = nh
		}
		if err := sc.r.JoinVia(h, via); err != nil {
			return err
		}
		sc.advance()
		fmt.Fprintf(b, "%s is %s\n", sc.name(h), sc.r.State(h))
	case "fail":
		hs, err := sc.nodes(args)
		if err != nil {
			return err
		}
		for _, h := range hs {
			if err := sc.r.Fail(h); err != nil {
				return err
			}
		}
		sc.advance()
	case "leave":
		if len(args) != 1 {
			return fmt.Errorf("usage: leave NAME")
		}
		h, err := sc.node(args[0])
		if err != nil {
			return err
		}
		if err := sc.r.Leave(h); err != nil {
			return err
		}
		sc.advance()
	case "stabilize", "check-pred", "fix-fingers":
		if len(args) == 0 {
			return fmt.Errorf("usage: %s NAME...", cmd)
		}
		for _, n := range args {
			h, err := sc.member(n)
			if err != nil {
				return err
			}
			switch cmd {
			case "stabilize":
				sc.r.stabilize(h)
			case "check-pred":
				sc.r.checkPredecessor(h)
			default:
				sc.r.fixFingers(h)
			}
			sc.advance()
		}
	case "notify":
		if len(args) != 2 {
			return fmt.Errorf("usage: notify TARGET FROM")
		}
		to, err := sc.node(args[0])
		if err != nil {
			return err
		}
		from, err := sc.node(args[1])
		if err != nil {
			return err
		}
		sc.r.onNotify(to, from)
		sc.advance()
	case "set":
		return sc.set(args)
	case "ideal-ring":
		return sc.idealRing(args)
	case "run-for":
		if len(args) != 1 {
			return fmt.Errorf("usage: run-for DURATION")
		}
		d, err := sim.ParseDuration(args[0])
		if err != nil {
			return err
		}
		sc.s.RunUntil(sc.s.Now().Add(d))
	case "lookup":
		if len(args) < 2 {
			return fmt.Errorf("usage: lookup FROM KEY...")
		}
		h, err := sc.member(args[0])
		if err != nil {
			return err
		}
		var keys []ID
		for _, a := range args[1:] {
			k, err := strconv.ParseUint(a, 10, 64)
			if err != nil {
				return err
			}
			if ID(k) > sc.r.Space().Max() {
				return fmt.Errorf("key %d does not fit in the space", k)
			}
			keys = append(keys, ID(k))
		}
		for _, k := range keys {
			if sc.r.State(h) != Member {
				return fmt.Errorf("node %s is %s, not a member", args[0], sc.r.State(h))
			}
			x := sc.lookup(h, sc.shift(k))
			if len(keys) > 1 {
				fmt.Fprintf(b, "key %d: ", k)
			}
			fmt.Fprintf(b, "owner %s (%s, %d hops)\n", sc.name(x.Owner), x.Outcome, x.Hops)
			sc.advance()
		}
	case "lookup-all":
		sc.lookupAll(b)
		sc.advance()
	case "check":
		which := invariant.Default
		if len(args) == 1 && args[0] == "all" {
			which = invariant.All
		} else if len(args) != 0 {
			return fmt.Errorf("usage: check [all]")
		}
		sc.r.Snapshot(&sc.snap)
		vs := sc.chk.Check(&sc.snap, which)
		if len(vs) == 0 {
			b.WriteString("ok\n")
		}
		for _, v := range vs {
			for k := range v.IDs {
				v.IDs[k] = uint64(sc.unshift(ID(v.IDs[k])))
			}
			b.WriteString(v.Format(func(i int32) string { return sc.name(Handle(i)) }) + "\n")
		}
	case "ideal":
		d := sc.r.Divergence()
		if d.Successor == 0 && d.Predecessor == 0 && d.SuccessorList == 0 {
			b.WriteString("ideal\n")
		} else {
			fmt.Fprintf(b, "not ideal: %d wrong successor(s), %d wrong predecessor(s), %d wrong list(s)\n", d.Successor, d.Predecessor, d.SuccessorList)
		}
	case "ring":
		sc.printRing(b)
	default:
		return fmt.Errorf("unknown command %q", cmd)
	}
	return nil
}

func (sc *scenario) config(args []string) error {
	if sc.r != nil {
		return fmt.Errorf("config must come once, first")
	}
	cfg := DefaultConfig()
	cfg.StabilizeEvery, cfg.FixFingersEvery, cfg.CheckPredecessorEvery = 0, 0, 0
	cfg.LookupRetries = 3
	sc.step = 2 * sim.Second
	for _, a := range args {
		k, v, ok := strings.Cut(a, "=")
		if !ok {
			return fmt.Errorf("config: %q is not key=value", a)
		}
		var err error
		switch k {
		case "m":
			cfg.Bits, err = strconv.Atoi(v)
		case "r":
			cfg.Successors, err = strconv.Atoi(v)
		case "retries":
			cfg.LookupRetries, err = strconv.Atoi(v)
		case "lookup":
			switch v {
			case "iterative":
				cfg.Lookup = Iterative
			case "recursive":
				cfg.Lookup = Recursive
			default:
				err = fmt.Errorf("lookup=%s: want iterative or recursive", v)
			}
		case "step":
			sc.step, err = sim.ParseDuration(v)
		case "variant":
			cfg.Variant, err = ParseVariant(v)
		case "confirm":
			cfg.SuspectConfirm, err = strconv.Atoi(v)
		default:
			err = fmt.Errorf("unknown key %q", k)
		}
		if err != nil {
			return fmt.Errorf("config: %v", err)
		}
	}
	sc.s = sim.NewScheduler()
	sc.c = &collector{}
	r, err := New(sc.s, Options{Config: cfg, Net: sim.NetConfig{Latency: sim.Latency{Kind: sim.Constant, A: 10 * sim.Millisecond}}, Seed: 1, Observer: sc.c})
	if err != nil {
		return err
	}
	sc.r = r
	r.EnableLog(1 << 16)
	sc.byName = map[string]Handle{}
	sc.inc = map[string]int{}
	return nil
}

// set injects state into a member (hand-built states, scenario 9).
func (sc *scenario) set(args []string) error {
	if len(args) < 2 {
		return fmt.Errorf("usage: set NAME [succ=A,B] [pred=C|none]")
	}
	h, err := sc.member(args[0])
	if err != nil {
		return err
	}
	for _, a := range args[1:] {
		k, v, _ := strings.Cut(a, "=")
		switch k {
		case "succ":
			list, err := sc.nodes(strings.Split(v, ","))
			if err != nil {
				return err
			}
			if len(list) > sc.r.cfg.Successors {
				return fmt.Errorf("set: %d successors, r = %d", len(list), sc.r.cfg.Successors)
			}
			sc.r.setSuccessors(h, list[0], list[1:])
		case "pred":
			p := None
			if v != "none" {
				if p, err = sc.node(v); err != nil {
					return err
				}
			}
			sc.r.pred[h] = p
		default:
			return fmt.Errorf("set: unknown key %q", k)
		}
	}
	sc.logged = sc.r.logPos // the hand-built state is not protocol activity
	return nil
}

// idealRing creates the named idle nodes as members and gives every member
// the state of the ideal ring: predecessors, successor lists and fingers.
func (sc *scenario) idealRing(names []string) error {
	hs, err := sc.nodes(names)
	if err != nil {
		return err
	}
	if err := handBuildIdeal(sc.r, hs); err != nil {
		return err
	}
	sc.logged = sc.r.logPos // the hand-built state is not protocol activity
	return nil
}

// lookup runs one user lookup to its end.
func (sc *scenario) lookup(h Handle, k ID) LookupResult {
	sc.c.res = sc.c.res[:0]
	sc.r.Lookup(h, k, 0)
	for sc.r.InFlight() > 0 && sc.s.Step() {
	}
	if len(sc.c.res) != 1 {
		sc.t.Fatalf("lookup of %d from %s did not finish", k, sc.name(h))
	}
	return sc.c.res[0]
}

// lookupAll has every member look up every key, one lookup at a time, in
// member then key order, and reports the wrong ones.
func (sc *scenario) lookupAll(b *strings.Builder) {
	o := sc.r.Oracle()
	var members []Handle
	for i := 0; i < o.Len(); i++ {
		_, h := o.At(i)
		members = append(members, h)
	}
	// In unshifted ID order, so that a rotated run makes the same lookups
	// in the same order.
	slices.SortFunc(members, func(a, c Handle) int { return cmp.Compare(sc.unshift(sc.r.ID(a)), sc.unshift(sc.r.ID(c))) })
	var bad []string
	total := 0
	for _, h := range members {
		if sc.r.State(h) != Member {
			continue // a lookup's side effects cannot kill a node, but be safe
		}
		for k := uint64(0); k <= uint64(sc.r.Space().Max()); k++ {
			key := sc.shift(ID(k))
			x := sc.lookup(h, key)
			total++
			if x.Outcome != Correct {
				bad = append(bad, fmt.Sprintf("%s key %d: owner %s (%s, %d hops), want %s", sc.name(h), k, sc.name(x.Owner), x.Outcome, x.Hops, sc.name(sc.r.Oracle().Successor(key))))
			}
		}
	}
	if len(bad) == 0 {
		fmt.Fprintf(b, "%d lookups: all correct\n", total)
		return
	}
	fmt.Fprintf(b, "%d lookups: %d wrong\n", total, len(bad))
	slices.Sort(bad)
	for _, l := range bad {
		b.WriteString(l + "\n")
	}
}

// printRing lists every member and every node a member points to, in ID
// order (handle order among equal IDs).
func (sc *scenario) printRing(b *strings.Builder) {
	r := sc.r
	show := map[Handle]bool{}
	for h := Handle(0); h < Handle(r.Nodes()); h++ {
		if r.State(h) != Member {
			continue
		}
		show[h] = true
		for _, x := range r.Successors(h) {
			show[x] = true
		}
		if p := r.Predecessor(h); p != None {
			show[p] = true
		}
	}
	var hs []Handle
	for h := range show {
		hs = append(hs, h)
	}
	slices.SortFunc(hs, func(a, c Handle) int {
		if ia, ic := sc.unshift(r.ID(a)), sc.unshift(r.ID(c)); ia != ic {
			return cmp.Compare(ia, ic)
		}
		return int(a - c)
	})
	for _, h := range hs {
		id := sc.unshift(r.ID(h))
		if r.State(h) != Member {
			fmt.Fprintf(b, "%s id=%d %s\n", sc.name(h), id, r.State(h))
			continue
		}
		var l []string
		for _, x := range r.Successors(h) {
			l = append(l, sc.name(x))
		}
		fmt.Fprintf(b, "%s id=%d %s succ=[%s] pred=%s\n", sc.name(h), id, r.State(h), strings.Join(l, " "), sc.name(r.Predecessor(h)))
	}
}
