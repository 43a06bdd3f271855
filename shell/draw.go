package shell

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/ringdraw"
)

// drawHelp is what help draw prints under the command's line.
const drawHelp = `  Every node at the angle of its id (clockwise from the top): members as dots,
  joining nodes as orange rings, failed ones as red crosses, departed ones as
  grey rings. The options, in any order:
    node NAME     whose fingers (blue), successor list (green) and predecessor
                  (dashed) are drawn, and where the lookup starts: a node's
                  name (a dead node shows its tables as they were), or #i, the
                  i-th member by id; default #0, or with last the last
                  operation's node
    lookup KEY    the path a lookup of KEY takes from NAME on the tables as they
                  stand now, each request with its round trip or timeout
                  (nothing is sent, time does not move)
    last          the key of the last insert, query, delete or find instead
    max-dots N    above N nodes (default 4096) draw every k-th by id
  A draw refused (a bad name, a FILE not ending in .svg or .png, a folder that
  does not exist) writes nothing; an earlier picture at FILE stays whole.
`

// lastLookup is the key and origin of the session's last keyed operation
// (insert, query, delete or find), which draw's last option draws.
type lastLookup struct {
	what   string // the command and key, as errors name them: find song1
	key    string
	origin chord.Handle
}

// drawArgs are draw's checked arguments.
type drawArgs struct {
	file      string
	node      string // "" for the default
	key       string
	hasKey    bool
	last      bool
	maxDots   int
	givenNode bool
}

// parseDraw reads FILE [node NAME] [lookup KEY | last] [max-dots N]: the
// options in any order, each at most once; the keywords unquoted and in
// any case, as at and via are.
func parseDraw(c *command, args []token) (drawArgs, error) {
	a := drawArgs{maxDots: ringdraw.DefaultMaxDots}
	if len(args) == 0 {
		return a, fmt.Errorf("draw: missing FILE (usage: %s)", c.usage)
	}
	a.file = args[0].text
	if a.file == "" {
		return a, fmt.Errorf("draw: FILE is empty; give a file name ending in .svg or .png (usage: %s)", c.usage)
	}
	seen := map[string]bool{}
	for i := 1; i < len(args); i++ {
		kw := strings.ToLower(args[i].text)
		switch {
		case args[i].quoted || (kw != "node" && kw != "lookup" && kw != "last" && kw != "max-dots"):
			why := ""
			if args[i].quoted {
				why = " (quoted, so not an option)"
			}
			return a, fmt.Errorf("draw: unexpected argument %q%s; the options are node NAME, lookup KEY, last and max-dots N (usage: %s)", args[i].text, why, c.usage)
		case seen[kw]:
			return a, fmt.Errorf("draw: %s given twice; give it once (usage: %s)", kw, c.usage)
		}
		seen[kw] = true
		if kw == "last" {
			a.last = true
			continue
		}
		what := map[string]string{"node": "NAME", "lookup": "KEY", "max-dots": "N"}[kw]
		if i+1 == len(args) {
			return a, fmt.Errorf("draw: missing %s after %s (usage: %s)", what, kw, c.usage)
		}
		i++
		v := args[i].text
		switch kw {
		case "node":
			if v == "" {
				return a, fmt.Errorf("draw: the NAME after node is empty (usage: %s)", c.usage)
			}
			a.node, a.givenNode = v, true
		case "lookup":
			if v == "" {
				return a, fmt.Errorf("draw: the KEY after lookup is empty; give a non-empty key (usage: %s)", c.usage)
			}
			a.key, a.hasKey = v, true
		case "max-dots":
			n, err := strconv.Atoi(v)
			if err != nil || n < ringdraw.MinDots || n > ringdraw.MaxDots {
				return a, fmt.Errorf("draw: max-dots %s must be a whole number from %d to %d (default %d)", show(v), ringdraw.MinDots, ringdraw.MaxDots, ringdraw.DefaultMaxDots)
			}
			a.maxDots = n
		}
	}
	if a.last && a.hasKey {
		return a, fmt.Errorf("draw: give lookup KEY or last, not both (usage: %s)", c.usage)
	}
	return a, nil
}

// drawNode resolves draw's node NAME: #i is the i-th member by
// identifier; a name is the live node of that name (a member or a
// joiner), else the newest dead one (its tables as they stood when it
// failed or left).
func (s *Session) drawNode(name string) (chord.Handle, error) {
	o := s.ring.Oracle()
	if rest, ok := strings.CutPrefix(name, "#"); ok {
		i, err := strconv.Atoi(rest)
		if err != nil || i < 0 || i >= o.Len() {
			if o.Len() == 0 {
				return chord.None, fmt.Errorf("draw: node %s: the ring has no members; join one first (join NAME)", show(name))
			}
			return chord.None, fmt.Errorf("draw: node %s: the ring has %s; give #0 to #%d (by identifier) or a node's name", show(name), plural(o.Len(), "member", "members"), o.Len()-1)
		}
		_, h := o.At(i)
		return h, nil
	}
	if h := s.live(name, true); h != chord.None {
		return h, nil
	}
	for h := chord.Handle(s.ring.Nodes() - 1); h >= 0; h-- {
		if st := s.ring.State(h); st != chord.Idle && s.ring.Name(h) == name {
			return h, nil
		}
	}
	return chord.None, fmt.Errorf("draw: node %s: no node has this name; type overlay for the members, or give #i (the i-th member by identifier)", show(name))
}

// draw FILE [node NAME] [lookup KEY | last] [max-dots N]
func (s *Session) cmdDraw(c *command, args []token, out io.Writer) error {
	a, err := parseDraw(c, args)
	if err != nil {
		return err
	}
	if err := ringdraw.CheckPath(a.file); err != nil {
		return fmt.Errorf("draw: file %s: %v", show(a.file), err)
	}
	format, _ := ringdraw.FormatOf(a.file)
	// The lookup: KEY from the node, or the last operation's key from its
	// origin unless a node is given.
	key, what := a.key, ""
	if a.hasKey {
		what = "lookup " + show(a.key)
	}
	node := chord.None
	if a.last {
		if s.last == nil {
			return fmt.Errorf("draw: last: no insert, query, delete or find has run in this session; run one, or give lookup KEY")
		}
		key, what = s.last.key, s.last.what
		if !a.givenNode {
			node = s.last.origin
		}
	}
	switch {
	case a.givenNode:
		if node, err = s.drawNode(a.node); err != nil {
			return err
		}
	case node == chord.None:
		if s.ring.Oracle().Len() == 0 {
			return fmt.Errorf("draw: the ring has no members; join one first (join NAME), or name a node with node NAME")
		}
		_, node = s.ring.Oracle().At(0)
	}
	spec := ringdraw.Spec{
		Node:    node,
		MaxDots: a.maxDots,
		Title: fmt.Sprintf("chordsim shell: %s, m = %d, r = %d, seed %d, t = %v", plural(s.ring.Oracle().Len(), "member", "members"),
			s.ring.Space().Bits(), s.opts.Successors, s.opts.Seed, s.sched.Now()),
	}
	if a.hasKey || a.last {
		if st := s.ring.State(node); st != chord.Member {
			where := ""
			if a.last && !a.givenNode {
				where = ", where " + what + " started,"
			}
			return fmt.Errorf("draw: node %s%s is %s, not a member; a lookup starts at a member: give node NAME of a member", show(s.ring.Name(node)), where, st)
		}
		tr := s.ring.TraceLookup(node, s.ring.Space().Hash(key))
		spec.Trace = &tr
	}
	pic, err := ringdraw.Render(s.ring, spec, format)
	if err != nil {
		return fmt.Errorf("draw: file %s: %v", show(a.file), err)
	}
	if err := ringdraw.WriteFile(a.file, pic); err != nil {
		return fmt.Errorf("draw: file %s: %v", show(a.file), err)
	}
	fmt.Fprintf(out, "drew %s: %s; node %s", show(a.file), s.census(), s.nodeName(node))
	if t := spec.Trace; t != nil {
		timeouts := 0
		for _, h := range t.Hops {
			if h.TimedOut {
				timeouts++
			}
		}
		fmt.Fprintf(out, "; %s from %s: %s, %s, answer %s (%s)", what, s.nodeName(node), plural(len(t.Hops), "request", "requests"),
			plural(timeouts, "timeout", "timeouts"), s.nodeName(t.Owner), t.Outcome)
	}
	fmt.Fprintln(out)
	return nil
}

// census counts the nodes a picture shows, by state: the members always,
// the others when there are any.
func (s *Session) census() string {
	var members, joining, failed, departed int
	for h := chord.Handle(0); int(h) < s.ring.Nodes(); h++ {
		switch s.ring.State(h) {
		case chord.Member:
			members++
		case chord.Joining:
			joining++
		case chord.Failed:
			failed++
		case chord.Left:
			departed++
		}
	}
	out := plural(members, "member", "members")
	for _, c := range []struct {
		n    int
		what string
	}{{joining, "joining"}, {failed, "failed"}, {departed, "departed"}} {
		if c.n > 0 {
			out += fmt.Sprintf(", %d %s", c.n, c.what)
		}
	}
	return out
}
