package shell

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/chord/kv"
	"github.com/chordsim/chordsim/internal/yamlconf"
	"github.com/chordsim/chordsim/sim"
)

// command is one of the shell's commands.
type command struct {
	name    string
	alias   string // another name for it ("" if none)
	usage   string
	summary string
	more    string // further lines that help COMMAND prints (none if "")
	run     func(s *Session, c *command, args []token, out io.Writer) error
}

// commands, in the order help lists them.
var commands []command

func init() {
	commands = []command{
		{name: "join", usage: "join NAME [via NAME]", summary: "add node NAME (id = SHA-1 of NAME); it joins through the via member or the first member in ring order", run: (*Session).cmdJoin},
		{name: "join-many", usage: "join-many N [PREFIX]", summary: "join N nodes named PREFIX1, PREFIX2, … (PREFIX: node), one after the other, skipping names in use", run: (*Session).cmdJoinMany},
		{name: "depart", usage: "depart NAME", summary: "graceful leave: NAME hands its keys to its successor (runs 5s)", run: (*Session).cmdDepart},
		{name: "fail", usage: "fail NAME", summary: "crash NAME: the keys it held are lost unless replicated", run: (*Session).cmdFail},
		{name: "insert", usage: "insert KEY VALUE [at NAME]", summary: "store KEY = VALUE, or update it; quote a VALUE with spaces: \"a b\"", run: (*Session).cmdInsert},
		{name: "query", usage: "query KEY|* [at NAME]", summary: "read KEY; query * lists the pairs of every node", run: (*Session).cmdQuery},
		{name: "delete", usage: "delete KEY [at NAME]", summary: "delete KEY", run: (*Session).cmdDelete},
		{name: "find", usage: "find KEY [at NAME]", summary: "look up the node that owns KEY, without touching data", run: (*Session).cmdFind},
		{name: "overlay", usage: "overlay", summary: "the ring in identifier order, with each node's own predecessor and successor", run: (*Session).cmdOverlay},
		{name: "fingers", usage: "fingers NAME", summary: "NAME's finger table, successor list and predecessor", run: (*Session).cmdFingers},
		{name: "draw", usage: "draw FILE [node NAME] [lookup KEY|last]", summary: "picture the ring as it stands now, SVG or PNG by FILE's extension (help draw: the options)", more: drawHelp, run: (*Session).cmdDraw},
		{name: "run", usage: "run DURATION", summary: "advance simulated time, e.g. run 30s, run 5m", run: (*Session).cmdRun},
		{name: "stats", usage: "stats", summary: "simulated time, members, message counts, operations", run: (*Session).cmdStats},
		{name: "help", usage: "help [COMMAND]", summary: "this list, or one command's line", run: (*Session).cmdHelp},
		{name: "quit", alias: "exit", usage: "quit | exit", summary: "end the session", run: (*Session).cmdQuit},
	}
}

func lookupCommand(name string) *command {
	for i := range commands {
		if c := &commands[i]; c.name == name || (c.alias != "" && c.alias == name) {
			return c
		}
	}
	return nil
}

// closest is the command name nearest to name, if one is near enough
// (yamlconf.Closest's rule, shared with the config loader's suggestions).
func closest(name string) string {
	var names []string
	for _, c := range commands {
		names = append(names, c.name)
		if c.alias != "" {
			names = append(names, c.alias)
		}
	}
	if m := yamlconf.Closest(name, names); len(m) > 0 {
		return m[0]
	}
	return ""
}

// parseArgs checks args against c's syntax: the positional words named in
// pos, then optionally keyword NAME (kw "" allows nothing more). It returns
// the positional words and the keyword's NAME ("" if absent).
func parseArgs(c *command, args []token, kw string, pos ...string) ([]token, string, error) {
	if len(args) < len(pos) {
		return nil, "", fmt.Errorf("%s: missing %s (usage: %s)", c.name, pos[len(args)], c.usage)
	}
	rest := args[len(pos):]
	if len(rest) == 0 {
		return args, "", nil
	}
	hint := ""
	if c.name == "insert" {
		hint = `; quote a VALUE with spaces: "a b"`
	}
	if kw == "" || rest[0].quoted || !strings.EqualFold(rest[0].text, kw) {
		what := "argument"
		if len(pos) > 0 {
			what = "argument after " + pos[len(pos)-1]
		}
		return nil, "", fmt.Errorf("%s: unexpected %s %q (usage: %s%s)", c.name, what, rest[0].text, c.usage, hint)
	}
	if len(rest) == 1 {
		return nil, "", fmt.Errorf("%s: missing NAME after %s (usage: %s)", c.name, kw, c.usage)
	}
	if len(rest) > 2 {
		return nil, "", fmt.Errorf("%s: unexpected argument %q after %s %s (usage: %s%s)", c.name, rest[2].text, kw, show(rest[1].text), c.usage, hint)
	}
	if rest[1].text == "" {
		return nil, "", fmt.Errorf("%s: the NAME after %s is empty (usage: %s)", c.name, kw, c.usage)
	}
	return args[:len(pos)], rest[1].text, nil
}

// live returns the node named name that is a member, or also one still
// joining if joining is set; None if there is none. A name can come back
// after its node departed: the newest incarnation wins.
func (s *Session) live(name string, joining bool) chord.Handle {
	for h := chord.Handle(s.ring.Nodes() - 1); h >= 0; h-- {
		if st := s.ring.State(h); (st == chord.Member || (joining && st == chord.Joining)) && s.ring.Name(h) == name {
			return h
		}
	}
	return chord.None
}

// member resolves a NAME argument of command cmd to a member.
func (s *Session) member(cmd, name, role string) (chord.Handle, error) {
	if h := s.live(name, false); h != chord.None {
		return h, nil
	}
	if h := s.live(name, true); h != chord.None {
		return chord.None, fmt.Errorf("%s: node %q is still joining; run 10s and try again", cmd, name)
	}
	return chord.None, fmt.Errorf("%s: no live node named %q%s%s; type overlay for the members", cmd, name, s.gone(name), role)
}

// gone says what became of the newest node named name, if it is dead:
// " (it left)" or " (it failed)"; "" if there never was one.
func (s *Session) gone(name string) string {
	for h := chord.Handle(s.ring.Nodes() - 1); h >= 0; h-- {
		if s.ring.Name(h) != name {
			continue
		}
		switch s.ring.State(h) {
		case chord.Left:
			return " (it left)"
		case chord.Failed:
			return " (it failed)"
		}
		return ""
	}
	return ""
}

func (s *Session) id(x chord.ID) string { return fmt.Sprintf("%0*x", s.digits, uint64(x)) }

// nodeName is a node's name for output, with its state when it is not a
// member (a dead finger, a stale successor).
func (s *Session) nodeName(h chord.Handle) string {
	if h == chord.None {
		return "none"
	}
	n := show(s.ring.Name(h))
	if st := s.ring.State(h); st != chord.Member {
		n += " (" + st.String() + ")"
	}
	return n
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// join NAME [via NAME]
func (s *Session) cmdJoin(c *command, args []token, out io.Writer) error {
	pos, via, err := parseArgs(c, args, "via", "NAME")
	if err != nil {
		return err
	}
	name := pos[0].text
	if name == "" {
		return fmt.Errorf("join: NAME is empty; name the node, e.g. join 127.0.0.1:5001")
	}
	if s.live(name, true) != chord.None {
		return fmt.Errorf("join: node %q is already in the ring; pick another name, or depart it first", name)
	}
	id := s.ring.Space().Hash(name)
	for h := chord.Handle(0); int(h) < s.ring.Nodes(); h++ {
		if st := s.ring.State(h); (st == chord.Member || st == chord.Joining) && s.ring.ID(h) == id {
			return fmt.Errorf("join: node %q hashes to id %s, which live node %q has; pick another name (or more bits)", name, s.id(id), s.ring.Name(h))
		}
	}
	viaH := chord.None
	if via != "" {
		if viaH, err = s.member("join", via, " to join via"); err != nil {
			return err
		}
	}
	h, err := s.ring.AddNamedNode(name)
	if err != nil {
		return fmt.Errorf("join: %v", err)
	}
	o := s.ring.Oracle()
	switch {
	case o.Len() == 0:
		err = s.ring.Create(h)
	case viaH != chord.None:
		err = s.ring.JoinVia(h, viaH)
	default:
		_, first := o.At(0)
		err = s.ring.JoinVia(h, first)
	}
	if err != nil {
		return fmt.Errorf("join: %v", err)
	}
	s.joined++
	deadline := s.sched.Now().Add(joinWait)
	for s.ring.State(h) != chord.Member || !s.svc.Ready(h) {
		if s.sched.Now() > deadline || !s.sched.Step() {
			return fmt.Errorf("join: node %q is %s and not ready after %v of simulated time; run 1m and check overlay", name, s.ring.State(h), joinWait)
		}
	}
	fmt.Fprintf(out, "joined %s id=%s\n", show(name), s.id(id))
	return nil
}

// maxJoinMany bounds join-many: each join runs until the joiner is ready,
// so a larger count would keep a human waiting a long time.
const maxJoinMany = 10000

// join-many N [PREFIX]
func (s *Session) cmdJoinMany(c *command, args []token, out io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("join-many: missing N (usage: %s)", c.usage)
	}
	if len(args) > 2 {
		return fmt.Errorf("join-many: unexpected argument %q (usage: %s)", args[2].text, c.usage)
	}
	n, err := strconv.Atoi(args[0].text)
	if err != nil || n < 1 || n > maxJoinMany {
		return fmt.Errorf("join-many: N %s must be a whole number from 1 to %d (usage: %s)", show(args[0].text), maxJoinMany, c.usage)
	}
	prefix := "node"
	if len(args) == 2 {
		prefix = args[1].text
	}
	join := lookupCommand("join")
	var first, last string
	for i, done := 1, 0; done < n; i++ {
		name := prefix + strconv.Itoa(i)
		if s.live(name, true) != chord.None {
			continue
		}
		if err := s.cmdJoin(join, []token{{text: name}}, io.Discard); err != nil {
			return fmt.Errorf("join-many: %d of %d joined, then %v", done, n, err)
		}
		if done == 0 {
			first = name
		}
		last = name
		done++
	}
	names := show(first)
	if n > 1 {
		names += " … " + show(last)
	}
	fmt.Fprintf(out, "joined %s: %s (t = %v)\n", plural(n, "node", "nodes"), names, s.sched.Now())
	return nil
}

// depart NAME
func (s *Session) cmdDepart(c *command, args []token, out io.Writer) error {
	pos, _, err := parseArgs(c, args, "", "NAME")
	if err != nil {
		return err
	}
	h, err := s.member("depart", pos[0].text, "")
	if err != nil {
		return err
	}
	keys := len(s.svc.Pairs(h))
	succ := chord.None
	if l := s.ring.Successors(h); len(l) > 0 && l[0] != h {
		succ = l[0]
	}
	if err := s.ring.Leave(h); err != nil {
		return fmt.Errorf("depart: %v", err)
	}
	s.departed++
	s.sched.RunUntil(s.sched.Now().Add(departWait))
	if succ == chord.None {
		fmt.Fprintf(out, "Node %s departed; it was the last node: it held %s, now gone\n", show(pos[0].text), plural(keys, "key", "keys"))
		return nil
	}
	fmt.Fprintf(out, "Node %s departed; its %s went to %s\n", show(pos[0].text), plural(keys, "key", "keys"), s.nodeName(succ))
	return nil
}

// fail NAME
func (s *Session) cmdFail(c *command, args []token, out io.Writer) error {
	pos, _, err := parseArgs(c, args, "", "NAME")
	if err != nil {
		return err
	}
	name := pos[0].text
	h := s.live(name, true)
	if h == chord.None {
		return fmt.Errorf("fail: no live node named %q%s; type overlay for the members", name, s.gone(name))
	}
	keys := len(s.svc.Pairs(h))
	if err := s.ring.Fail(h); err != nil {
		return fmt.Errorf("fail: %v", err)
	}
	s.crashed++
	if k := s.opts.Replicas; k > 1 {
		fmt.Fprintf(out, "Node %s failed; it held %s (replicas = %d: its successors keep copies, unless they failed too)\n", show(name), plural(keys, "key", "keys"), k)
	} else {
		fmt.Fprintf(out, "Node %s failed; it held %s, now lost (replicas = 1)\n", show(name), plural(keys, "key", "keys"))
	}
	return nil
}

// origin is the node an operation starts at: the at NAME member, or a
// random member.
func (s *Session) origin(cmd, at string) (chord.Handle, error) {
	if at != "" {
		return s.member(cmd, at, " to start at")
	}
	o := s.ring.Oracle()
	if o.Len() == 0 {
		return chord.None, fmt.Errorf("%s: the ring has no live nodes; join one first (join NAME)", cmd)
	}
	_, h := o.At(s.rng.IntN(o.Len()))
	return h, nil
}

// do runs one operation to its end. An operation that did not succeed
// returns an error naming it (what is cmd plus the key).
func (s *Session) do(what string, origin chord.Handle, kind kv.Kind, key, value string) (*kv.Result, error) {
	s.tag++
	s.result = nil
	if kind != kv.QueryAll {
		s.last = &lastLookup{what: what, key: key, origin: origin}
	}
	s.svc.Start(origin, kind, key, value, s.tag)
	deadline := s.sched.Now().Add(opWait)
	for s.result == nil {
		if s.sched.Now() > deadline || !s.sched.Step() {
			s.opsFailed++
			return nil, fmt.Errorf("%s: no answer after %v of simulated time; check overlay and stats", what, opWait)
		}
	}
	res := s.result
	s.result = nil
	if err := s.outcome(what, res); err != nil {
		s.opsFailed++
		return nil, err
	}
	s.opsDone++
	return res, nil
}

// outcome is nil for an operation that succeeded, else the error that
// says how it failed.
func (s *Session) outcome(what string, res *kv.Result) error {
	switch res.Outcome {
	case kv.OK:
		return nil
	case kv.Abandoned:
		return fmt.Errorf("%s: abandoned: node %s left or failed before the answer came; try again at another node", what, show(s.ring.Name(res.Origin)))
	}
	cause := res.Cause.String()
	switch res.Cause {
	case kv.LookupFailed:
		cause = "lookup failed"
	case kv.Refused:
		cause = "refused: the node asked was not responsible or not ready"
	}
	return fmt.Errorf("%s: unavailable after %s (%s); run 30s to let the ring stabilize and try again", what, plural(res.Attempts, "attempt", "attempts"), cause)
}

// opArgs parses KEY (and VALUE) [at NAME] and picks the origin.
func (s *Session) opArgs(c *command, args []token, pos ...string) ([]token, chord.Handle, error) {
	p, at, err := parseArgs(c, args, "at", pos...)
	if err != nil {
		return nil, chord.None, err
	}
	if p[0].text == "" {
		return nil, chord.None, fmt.Errorf("%s: KEY is empty; give a non-empty key (usage: %s)", c.name, c.usage)
	}
	h, err := s.origin(c.name, at)
	return p, h, err
}

func (s *Session) costs(res *kv.Result) string {
	return fmt.Sprintf("%s, %.1f ms", plural(res.Hops, "hop", "hops"), res.Latency().Milliseconds())
}

// insert KEY VALUE [at NAME]
func (s *Session) cmdInsert(c *command, args []token, out io.Writer) error {
	p, h, err := s.opArgs(c, args, "KEY", "VALUE")
	if err != nil {
		return err
	}
	key := p[0].text
	res, err := s.do("insert "+show(key), h, kv.Insert, key, p[1].text)
	if err != nil {
		return err
	}
	s.keys[key] = true
	verb := "inserted"
	if res.Version > 1 {
		verb = "updated"
	}
	fmt.Fprintf(out, "Key:%s %s at node:%s (version %d, %s)\n", show(key), verb, s.nodeName(res.Primary), res.Version, s.costs(res))
	return nil
}

// query KEY [at NAME], query * [at NAME]
func (s *Session) cmdQuery(c *command, args []token, out io.Writer) error {
	if len(args) > 0 && args[0].text == "*" && !args[0].quoted {
		return s.queryAll(c, args, out)
	}
	p, h, err := s.opArgs(c, args, "KEY")
	if err != nil {
		return err
	}
	key := p[0].text
	res, err := s.do("query "+show(key), h, kv.Query, key, "")
	if err != nil {
		return err
	}
	if !res.Found {
		fmt.Fprintf(out, "Key:%s not found (asked %s)\n", show(key), s.nodeName(res.Server))
		return nil
	}
	fmt.Fprintf(out, "Key:%s has value:%s found at node:%s (version %d, %s)\n", show(key), show(res.Value), s.nodeName(res.Server), res.Version, s.costs(res))
	return nil
}

func (s *Session) queryAll(c *command, args []token, out io.Writer) error {
	_, at, err := parseArgs(c, args, "at", "KEY")
	if err != nil {
		return err
	}
	h, err := s.origin(c.name, at)
	if err != nil {
		return err
	}
	res, err := s.do("query *", h, kv.QueryAll, "", "")
	if err != nil {
		return err
	}
	pairs := 0
	for _, np := range res.Nodes {
		fmt.Fprintf(out, "node:%s id=%s\n", s.nodeName(np.Node), s.id(s.ring.ID(np.Node)))
		for _, e := range np.Pairs {
			fmt.Fprintf(out, "    %s = %s\n", show(e.Key), show(e.Value))
		}
		pairs += len(np.Pairs)
	}
	fmt.Fprintf(out, "%s on %s\n", plural(pairs, "pair", "pairs"), plural(len(res.Nodes), "node", "nodes"))
	return nil
}

// delete KEY [at NAME]. The service writes a tombstone whether or not the
// key existed, so the shell always reports it deleted (it does not query
// first).
func (s *Session) cmdDelete(c *command, args []token, out io.Writer) error {
	p, h, err := s.opArgs(c, args, "KEY")
	if err != nil {
		return err
	}
	key := p[0].text
	res, err := s.do("delete "+show(key), h, kv.Delete, key, "")
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Key:%s deleted at node:%s (version %d, %s)\n", show(key), s.nodeName(res.Primary), res.Version, s.costs(res))
	return nil
}

// find KEY [at NAME]
func (s *Session) cmdFind(c *command, args []token, out io.Writer) error {
	p, h, err := s.opArgs(c, args, "KEY")
	if err != nil {
		return err
	}
	key := p[0].text
	res, err := s.do("find "+show(key), h, kv.Find, key, "")
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Key:%s id=%s is owned by node:%s id=%s (%s)\n", show(key), s.id(s.ring.Space().Hash(key)),
		s.nodeName(res.Primary), s.id(s.ring.ID(res.Primary)), plural(res.Hops, "hop", "hops"))
	return nil
}

// overlay
func (s *Session) cmdOverlay(c *command, args []token, out io.Writer) error {
	if _, _, err := parseArgs(c, args, ""); err != nil {
		return err
	}
	o := s.ring.Oracle()
	for i := 0; i < o.Len(); i++ {
		id, h := o.At(i)
		succ := chord.None
		if l := s.ring.Successors(h); len(l) > 0 {
			succ = l[0]
		}
		fmt.Fprintf(out, "%s %s pred=%s succ=%s\n", s.id(id), show(s.ring.Name(h)), s.nodeName(s.ring.Predecessor(h)), s.nodeName(succ))
	}
	fmt.Fprintf(out, "%s\n", plural(o.Len(), "node", "nodes"))
	return nil
}

// fingers NAME
func (s *Session) cmdFingers(c *command, args []token, out io.Writer) error {
	pos, _, err := parseArgs(c, args, "", "NAME")
	if err != nil {
		return err
	}
	h, err := s.member("fingers", pos[0].text, "")
	if err != nil {
		return err
	}
	m := s.ring.FingerCount()
	fmt.Fprintf(out, "node:%s id=%s\n", show(s.ring.Name(h)), s.id(s.ring.ID(h)))
	for i := 0; i < m; {
		f := s.ring.Finger(h, i)
		j := i
		for j+1 < m && s.ring.Finger(h, j+1) == f {
			j++
		}
		span := fmt.Sprint(i)
		if j > i {
			span = fmt.Sprintf("%d..%d", i, j)
		}
		fmt.Fprintf(out, "  %-7s %s → %s\n", span, s.id(s.ring.FingerStart(h, i)), s.nodeName(f))
		i = j + 1
	}
	var b strings.Builder
	for _, x := range s.ring.Successors(h) {
		b.WriteString(" ")
		b.WriteString(s.nodeName(x))
	}
	if b.Len() == 0 {
		b.WriteString(" none")
	}
	fmt.Fprintf(out, "successors:%s\n", b.String())
	fmt.Fprintf(out, "predecessor: %s\n", s.nodeName(s.ring.Predecessor(h)))
	return nil
}

// run DURATION
func (s *Session) cmdRun(c *command, args []token, out io.Writer) error {
	pos, _, err := parseArgs(c, args, "", "DURATION")
	if err != nil {
		return err
	}
	d, err := sim.ParseDuration(pos[0].text)
	if err != nil {
		return fmt.Errorf("run: %v", err)
	}
	if d < 0 {
		return fmt.Errorf("run: duration %s is negative; time only moves forward, e.g. run 30s", pos[0].text)
	}
	if d > s.maxRun {
		return fmt.Errorf("run: %s is too long; run at most %v at a time", pos[0].text, s.maxRun)
	}
	s.sched.RunUntil(s.sched.Now().Add(d))
	fmt.Fprintf(out, "t = %v\n", s.sched.Now())
	return nil
}

// stats
func (s *Session) cmdStats(c *command, args []token, out io.Writer) error {
	if _, _, err := parseArgs(c, args, ""); err != nil {
		return err
	}
	fmt.Fprintf(out, "time: %v\n", s.sched.Now())
	fmt.Fprintf(out, "members: %d (joined %d, departed %d, failed %d in this session)\n", s.ring.Oracle().Len(), s.joined, s.departed, s.crashed)
	sent := s.ring.MessagesSent()
	fmt.Fprintf(out, "chord messages: %s\n", byKind(sent[:], func(i int) string { return chord.MsgKind(i).String() }))
	st := s.svc.Stats()
	fmt.Fprintf(out, "kv messages: %s\n", byKind(st.Sent[:], func(i int) string { return kv.MsgKind(i).String() }))
	fmt.Fprintf(out, "kv: %d refused (%d redirected), %d handed off, %d repaired, %d dropped\n", st.Refused, st.Redirects, st.HandedOff, st.Repaired, st.Dropped)
	fmt.Fprintf(out, "operations: %d done, %d failed\n", s.opsDone, s.opsFailed)
	return nil
}

// byKind renders counts as "total (kind n, kind n, …)", non-zero kinds only.
func byKind(counts []uint64, name func(int) string) string {
	var total uint64
	var parts []string
	for i, n := range counts {
		total += n
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", name(i), n))
		}
	}
	if len(parts) == 0 {
		return "0"
	}
	return fmt.Sprintf("%d (%s)", total, strings.Join(parts, ", "))
}

// help [COMMAND]
func (s *Session) cmdHelp(c *command, args []token, out io.Writer) error {
	if len(args) > 1 {
		return fmt.Errorf("help: unexpected argument %q (usage: %s)", args[1].text, c.usage)
	}
	if len(args) == 1 {
		h := lookupCommand(strings.ToLower(args[0].text))
		if h == nil {
			return fmt.Errorf("help: unknown command %q; type help for the commands", args[0].text)
		}
		fmt.Fprintf(out, "%-28s %s\n", h.usage, h.summary)
		io.WriteString(out, h.more)
		return nil
	}
	for _, h := range commands {
		fmt.Fprintf(out, "%-28s %s\n", h.usage, h.summary)
	}
	fmt.Fprintln(out, "Names and keys are words; quote one with spaces: \"a b\" (\\\" and \\\\ inside). Lines starting with # are comments.")
	return nil
}

// quit, exit
func (s *Session) cmdQuit(c *command, args []token, out io.Writer) error {
	if len(args) > 0 {
		return fmt.Errorf("%s: unexpected argument %q (usage: %s)", c.name, args[0].text, c.usage)
	}
	s.quit = true
	return nil
}
