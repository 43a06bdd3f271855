package chordtest

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/chord/invariant"
	"github.com/chordsim/chordsim/sim"
)

// scenario is the state of one running script.
type scenario struct {
	t      testing.TB
	r      *chord.Ring
	s      *sim.Scheduler
	net    *sim.Network[chord.Msg]
	layer  chord.LayerID
	res    []chord.LookupResult // results of lookup's lookups
	step   sim.Duration
	byName map[string]chord.Handle // name → current incarnation
	label  []string                // handle → printed name
	inc    map[string]int          // name → incarnations so far
	chk    invariant.Checker
	snap   invariant.Snapshot
	logged int // r.Logged() already printed
	// started: the lookups of start-lookup (Tag.Op − 1), and the lines
	// of those that ended and are not printed yet.
	started []string
	ended   []string
	// rot is the rotation: node IDs and keys are shifted by rot (mod 2^m)
	// on the way in and back on the way out.
	rot uint64
}

// shift maps a script's ID or key to the simulated ring's.
func (sc *scenario) shift(x chord.ID) chord.ID { return sc.r.Space().Add(x, sc.rot) }

// unshift maps a simulated ID back to the script's.
func (sc *scenario) unshift(x chord.ID) chord.ID { return sc.r.Space().Add(x, -sc.rot) }

func (sc *scenario) run(line string) (out string) {
	f := strings.Fields(line)
	cmd, args := f[0], f[1:]
	var b strings.Builder
	if cmd != "config" && sc.r == nil {
		return "error: the first command must be config"
	}
	if sc.r != nil {
		sc.logged = sc.r.Logged()
	}
	err := sc.exec(&b, cmd, args)
	var ev strings.Builder
	if sc.r != nil {
		for _, e := range sc.events() {
			ev.WriteString(e + "\n")
		}
		for _, l := range sc.ended {
			ev.WriteString(l + "\n")
		}
		sc.ended = sc.ended[:0]
	}
	if err != nil {
		b.WriteString("error: " + err.Error() + "\n")
	}
	return ev.String() + b.String()
}

// events formats the protocol events logged since the command began.
func (sc *scenario) events() []string {
	var out []string
	for _, e := range sc.r.EventsSince(sc.logged) {
		s := fmt.Sprintf("%s %s", e.Kind, sc.name(e.Node))
		if e.Other != chord.None || e.Kind == chord.LogPredecessor {
			s += " -> " + sc.name(e.Other)
		}
		out = append(out, s)
	}
	sc.logged = sc.r.Logged()
	return out
}

func (sc *scenario) name(h chord.Handle) string {
	if h == chord.None {
		return "none"
	}
	if int(h) < len(sc.label) {
		return sc.label[h]
	}
	return "#" + strconv.Itoa(int(h))
}

func (sc *scenario) names(hs []chord.Handle) string {
	l := make([]string, len(hs))
	for i, h := range hs {
		l[i] = sc.name(h)
	}
	return "[" + strings.Join(l, " ") + "]"
}

func (sc *scenario) node(name string) (chord.Handle, error) {
	h, ok := sc.byName[name]
	if !ok {
		return chord.None, fmt.Errorf("no node %q", name)
	}
	return h, nil
}

func (sc *scenario) nodes(names []string) ([]chord.Handle, error) {
	if len(names) == 0 {
		return nil, fmt.Errorf("no node named")
	}
	hs := make([]chord.Handle, len(names))
	for i, n := range names {
		h, err := sc.node(n)
		if err != nil {
			return nil, err
		}
		hs[i] = h
	}
	return hs, nil
}

func (sc *scenario) member(name string) (chord.Handle, error) {
	h, err := sc.node(name)
	if err != nil {
		return chord.None, err
	}
	if st := sc.r.State(h); st != chord.Member {
		return chord.None, fmt.Errorf("node %s is %s, not a member", name, st)
	}
	return h, nil
}

// advance runs the simulation for one step, unless the network is held.
func (sc *scenario) advance() {
	if sc.net.Holding() {
		return
	}
	sc.s.RunUntil(sc.s.Now().Add(sc.step))
}

// addHandle registers the printed name of a new handle.
func (sc *scenario) addHandle(h chord.Handle, name string) {
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

// key parses a script's key (or identifier) in the ring's space.
func (sc *scenario) key(a string) (chord.ID, error) {
	k, err := strconv.ParseUint(a, 10, 64)
	if err != nil {
		return 0, err
	}
	if chord.ID(k) > sc.r.Space().Max() {
		return 0, fmt.Errorf("key %d does not fit in the space", k)
	}
	return chord.ID(k), nil
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
		if chord.ID(id) > sc.r.Space().Max() {
			return fmt.Errorf("identifier %d does not fit in the space", id)
		}
		h, err := sc.r.AddNodeWithID(sc.shift(chord.ID(id)), args[0])
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
	case "fail", "kill":
		hs, err := sc.nodes(args)
		if err != nil {
			return err
		}
		for _, h := range hs {
			if err := sc.r.Fail(h); err != nil {
				return err
			}
		}
		if cmd == "fail" {
			sc.advance()
		}
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
	case "leave-after":
		if len(args) != 2 {
			return fmt.Errorf("usage: leave-after NAME D")
		}
		h, err := sc.node(args[0])
		if err != nil {
			return err
		}
		d, err := sim.ParseDuration(args[1])
		if err != nil {
			return fmt.Errorf("leave-after: %v", err)
		}
		if err := sc.r.LeaveAfter(h, d); err != nil {
			return err
		}
		sc.advance()
	case "stabilize", "check-pred", "fix-fingers":
		if len(args) == 0 {
			return fmt.Errorf("usage: %s NAME [NAME ...]", cmd)
		}
		for _, n := range args {
			h, err := sc.member(n)
			if err != nil {
				return err
			}
			switch cmd {
			case "stabilize":
				err = sc.r.Stabilize(h)
			case "check-pred":
				err = sc.r.CheckPredecessor(h)
			default:
				err = sc.r.FixFingers(h)
			}
			if err != nil {
				return err
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
		// Straight to the receiver's handler: the message arrives now.
		sc.r.Deliver(to, from, &chord.Msg{Kind: chord.MsgNotify, Node: chord.None}, sim.Request{})
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
			return fmt.Errorf("usage: lookup FROM KEY [KEY ...]")
		}
		if sc.net.Holding() {
			return fmt.Errorf("lookup runs the lookup to its end, which a held network prevents; use start-lookup")
		}
		h, err := sc.member(args[0])
		if err != nil {
			return err
		}
		var keys []chord.ID
		for _, a := range args[1:] {
			k, err := sc.key(a)
			if err != nil {
				return err
			}
			keys = append(keys, k)
		}
		for _, k := range keys {
			if sc.r.State(h) != chord.Member {
				return fmt.Errorf("node %s is %s, not a member", args[0], sc.r.State(h))
			}
			x := sc.lookup(h, sc.shift(k))
			if len(keys) > 1 {
				fmt.Fprintf(b, "key %d: ", k)
			}
			fmt.Fprintf(b, "owner %s (%s, %d hops)\n", sc.name(x.Owner), x.Outcome, x.Hops)
			sc.advance()
		}
	case "start-lookup":
		if len(args) != 2 {
			return fmt.Errorf("usage: start-lookup FROM KEY")
		}
		h, err := sc.member(args[0])
		if err != nil {
			return err
		}
		k, err := sc.key(args[1])
		if err != nil {
			return err
		}
		sc.started = append(sc.started, fmt.Sprintf("lookup %s %d", args[0], k))
		sc.r.Lookup(h, sc.shift(k), chord.Tag{Layer: sc.layer, Op: uint64(len(sc.started))})
	case "lookup-all":
		if sc.net.Holding() {
			return fmt.Errorf("lookup-all runs lookups to their end, which a held network prevents")
		}
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
				v.IDs[k] = uint64(sc.unshift(chord.ID(v.IDs[k])))
			}
			b.WriteString(v.Format(func(i int32) string { return sc.name(chord.Handle(i)) }) + "\n")
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
	case "hold", "inflight", "deliver", "deliver-all", "drop", "dup", "delay", "reorder":
		return sc.wire(b, cmd, args)
	default:
		return fmt.Errorf("unknown command %q", cmd)
	}
	return nil
}

func (sc *scenario) config(args []string) error {
	if sc.r != nil {
		return fmt.Errorf("config must come once, first")
	}
	cfg := chord.DefaultConfig()
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
				cfg.Lookup = chord.Iterative
			case "recursive":
				cfg.Lookup = chord.Recursive
			default:
				err = fmt.Errorf("lookup=%s: want iterative or recursive", v)
			}
		case "variant":
			cfg.Variant, err = chord.ParseVariant(v)
		case "confirm":
			cfg.SuspectConfirm, err = strconv.Atoi(v)
		case "protocol":
			var p chord.Protocol
			if p, err = chord.ParseProtocol(v); err == nil {
				chord.ApplyPreset(&cfg, p, nil)
			}
		case "notify-old-pred":
			cfg.NotifyOldPredecessor, err = strconv.ParseBool(v)
		case "forget":
			cfg.ForgetOnTimeout, err = chord.ParseForget(v)
		case "join-stabilize":
			cfg.StabilizeOnJoin, err = strconv.ParseBool(v)
		case "fallback-owners":
			cfg.FallbackOwners, err = strconv.ParseBool(v)
		case "count-revisits":
			cfg.CountRevisits, err = strconv.ParseBool(v)
		case "detect":
			err = cfg.Detect.UnmarshalText([]byte(v))
		case "learn":
			cfg.Learn, err = strconv.ParseBool(v)
		case "purge":
			cfg.PurgeDeparted, err = strconv.ParseBool(v)
		case "purge-to-finger":
			cfg.PurgeToFinger, err = strconv.ParseBool(v)
		case "step":
			sc.step, err = sim.ParseDuration(v)
		default:
			err = fmt.Errorf("unknown key %q", k)
		}
		if err != nil {
			return fmt.Errorf("config: %v", err)
		}
	}
	sc.s = sim.NewScheduler()
	r, err := chord.New(sc.s, chord.Options{Config: cfg, Net: sim.NetConfig{Latency: sim.Latency{Kind: sim.Constant, A: 10 * sim.Millisecond}}, Seed: 1})
	if err != nil {
		return err
	}
	sc.r = r
	sc.net = r.Network()
	sc.layer = r.Attach(chord.Hooks{LookupDone: sc.lookupDone})
	r.EnableLog(1 << 16)
	sc.byName = map[string]chord.Handle{}
	sc.inc = map[string]int{}
	return nil
}

// lookupDone collects the results of lookup's lookups, and formats those
// of start-lookup's.
func (sc *scenario) lookupDone(res *chord.LookupResult) {
	if res.Tag.Op == 0 {
		sc.res = append(sc.res, *res)
		return
	}
	sc.ended = append(sc.ended, fmt.Sprintf("%s: owner %s (%s, %d hops)", sc.started[res.Tag.Op-1], sc.name(res.Owner), res.Outcome, res.Hops))
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
			if len(list) > sc.r.Config().Successors {
				return fmt.Errorf("set: %d successors, r = %d", len(list), sc.r.Config().Successors)
			}
			if err := sc.r.SetSuccessors(h, list); err != nil {
				return err
			}
		case "pred":
			p := chord.None
			if v != "none" {
				if p, err = sc.node(v); err != nil {
					return err
				}
			}
			if err := sc.r.SetPredecessor(h, p); err != nil {
				return err
			}
		default:
			return fmt.Errorf("set: unknown key %q", k)
		}
	}
	sc.logged = sc.r.Logged() // the hand-built state is not protocol activity
	return nil
}

// idealRing creates the named idle nodes as members and gives every member
// the state of the ideal ring: predecessors, successor lists and fingers.
func (sc *scenario) idealRing(names []string) error {
	hs, err := sc.nodes(names)
	if err != nil {
		return err
	}
	if err := sc.r.BuildIdeal(hs); err != nil {
		return err
	}
	sc.logged = sc.r.Logged() // the hand-built state is not protocol activity
	return nil
}

// lookup runs one user lookup to its end.
func (sc *scenario) lookup(h chord.Handle, k chord.ID) chord.LookupResult {
	sc.res = sc.res[:0]
	sc.r.Lookup(h, k, chord.Tag{Layer: sc.layer})
	for len(sc.res) == 0 && sc.s.Step() {
	}
	if len(sc.res) != 1 {
		sc.t.Fatalf("lookup of %d from %s did not finish", k, sc.name(h))
	}
	return sc.res[0]
}

// lookupAll has every member look up every key, one lookup at a time, in
// member then key order, and reports the wrong ones.
func (sc *scenario) lookupAll(b *strings.Builder) {
	o := sc.r.Oracle()
	var members []chord.Handle
	for i := 0; i < o.Len(); i++ {
		_, h := o.At(i)
		members = append(members, h)
	}
	// In unshifted ID order, so that a rotated run makes the same lookups
	// in the same order.
	slices.SortFunc(members, func(a, c chord.Handle) int {
		return cmp.Compare(sc.unshift(sc.r.ID(a)), sc.unshift(sc.r.ID(c)))
	})
	var bad []string
	total := 0
	for _, h := range members {
		if sc.r.State(h) != chord.Member {
			continue // a lookup's side effects cannot kill a node, but be safe
		}
		for k := uint64(0); k <= uint64(sc.r.Space().Max()); k++ {
			key := sc.shift(chord.ID(k))
			x := sc.lookup(h, key)
			total++
			if x.Outcome != chord.Correct {
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
	show := map[chord.Handle]bool{}
	for h := chord.Handle(0); h < chord.Handle(r.Nodes()); h++ {
		if r.State(h) != chord.Member {
			continue
		}
		show[h] = true
		for _, x := range r.Successors(h) {
			show[x] = true
		}
		if p := r.Predecessor(h); p != chord.None {
			show[p] = true
		}
	}
	var hs []chord.Handle
	for h := range show {
		hs = append(hs, h)
	}
	slices.SortFunc(hs, func(a, c chord.Handle) int {
		if ia, ic := sc.unshift(r.ID(a)), sc.unshift(r.ID(c)); ia != ic {
			return cmp.Compare(ia, ic)
		}
		return int(a - c)
	})
	for _, h := range hs {
		id := sc.unshift(r.ID(h))
		if r.State(h) != chord.Member {
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
