package explore

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/chord/chordtest"
	"github.com/chordsim/chordsim/chord/invariant"
	"github.com/chordsim/chordsim/sim"
)

// harnessTB lets the harness run outside a test: its fatal errors (a
// lookup that never ends, a malformed script) become panics that the
// explorer recovers as a finding. Only the methods the harness calls are
// given; the embedded nil interface is never reached.
type harnessTB struct{ testing.TB }

type harnessFatal struct{ msg string }

func (harnessTB) Helper()                   {}
func (harnessTB) Fatalf(f string, a ...any) { panic(harnessFatal{fmt.Sprintf(f, a...)}) }
func (harnessTB) Fatal(a ...any)            { panic(harnessFatal{fmt.Sprint(a...)}) }
func (harnessTB) Errorf(f string, a ...any) { panic(harnessFatal{fmt.Sprintf(f, a...)}) }
func (harnessTB) Logf(string, ...any)       {}

// Failure is what a campaign broke, and where.
type Failure struct {
	// Sig is the failure's kind, kept while shrinking: "invariant NAME",
	// "not ideal", "wrong lookups", "panic" or "harness stopped".
	Sig string
	// Phase is "faults" or "convergence".
	Phase string
	// Detail is the checker's or the harness's message.
	Detail string
}

// outcome is what replaying a campaign's lines showed.
type outcome struct {
	Fail *Failure
	// Lines are the directives that ran (refused ones and those the
	// gate refused left out), the convergence phase included, with the
	// final checks.
	Lines []string
	// Rounds of convergence until ideal; -1 when it was not reached.
	Rounds int
	// Rings after convergence (cycles of bestSucc) for partition reports.
	Rings int
}

// convergeRounds bounds the convergence phase: fair rounds of
// check_predecessor then stabilize over every member in identifier
// order. The churn test (TestChurnKeepsInvariants) derives 1 + skew + r
// rounds after the first, skew at most about the members; over 18,000
// runs it needed at most members + 8. Twice members + r, plus 4, leaves
// room for that.
func convergeRounds(members, r int) int { return 2*(members+r) + 4 }

// evaluate replays a campaign's fault-phase lines (lines[0] is config),
// checking the invariants after every directive where the variant
// claims them, then runs the convergence phase: the network released,
// maintenance in rounds until the ring is ideal (bounded), then every
// lookup. A directive the harness refuses, and a crash or leave the
// failure gate refuses, is skipped (the shrinker removes lines freely).
func evaluate(lines []string) (out outcome) {
	s := chordtest.NewSession(harnessTB{})
	var snap invariant.Snapshot
	var chk invariant.Checker
	which := invariant.Default
	partitioned := false
	loss := lossModel{since: map[[2]chord.Handle]int{}}
	defer func() {
		if x := recover(); x != nil {
			// A panic of the simulator, or the harness giving up (a
			// lookup that never ends), is a finding like any other.
			if hf, ok := x.(harnessFatal); ok {
				out.Fail = &Failure{Sig: "harness stopped", Phase: "?", Detail: hf.msg}
				return
			}
			out.Fail = &Failure{Sig: "panic", Phase: "?", Detail: fmt.Sprint(x)}
		}
	}()
	check := func(phase string) bool {
		if partitioned {
			return true
		}
		s.Ring().Snapshot(&snap)
		if vs := chk.Check(&snap, which); len(vs) > 0 {
			out.Fail = &Failure{Sig: "invariant " + vs[0].Invariant.String(), Phase: phase, Detail: vs[0].Format(func(i int32) string { return s.Name(chord.Handle(i)) })}
			return false
		}
		return true
	}
	run := func(line string) (string, bool) {
		o := s.Run(line)
		if strings.Contains(o, "error: ") {
			return o, false
		}
		out.Lines = append(out.Lines, line)
		return o, true
	}
	for i, line := range lines {
		if strings.HasPrefix(line, "#") {
			out.Lines = append(out.Lines, line)
			if strings.HasPrefix(line, "# partition") || strings.HasPrefix(line, "# dead link") {
				// Chord claims nothing across a partition: the checks
				// stop here and the campaign is reported apart.
				partitioned = true
			}
			continue
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if i == 0 {
			if f[0] != "config" {
				return outcome{Fail: &Failure{Sig: "bad script", Detail: "first line is not config"}}
			}
			if _, ok := run(line); !ok {
				return outcome{Fail: &Failure{Sig: "bad script", Detail: "config refused"}}
			}
			if s.Ring().Config().Variant == chord.Zave {
				which = invariant.All
			} else {
				// The original protocol: Z-full's Valid, the properties
				// its counterexamples (reference §2, C1-C5) break; its
				// lists are not claimed ordered nor free of duplicates.
				which = 1<<invariant.AtLeastOneRing | 1<<invariant.AtMostOneRing | 1<<invariant.OrderedRing | 1<<invariant.ConnectedAppendages
			}
			continue
		}
		if (f[0] == "fail" || f[0] == "leave") && len(f) == 2 {
			h, ok := s.Handle(f[1])
			if !ok || !gateAllows(s, &snap, &chk, h) {
				continue
			}
		}
		if f[0] == "ideal-ring" && s.Ring().Config().Variant == chord.Zave && len(f)-1 < s.Ring().Config().Successors+1 {
			continue // variant zave assumes a start of r+1 members
		}
		if !partitioned && !withinModel(s, &loss, f) {
			return outcome{} // outside the fault model: not a finding
		}
		if _, ok := run(line); !ok {
			continue
		}
		if !check("faults") {
			out.Lines = append(out.Lines, "check all")
			return out
		}
	}
	// Convergence: faults stop, the network delivers what it holds and
	// maintenance runs in fair rounds.
	run("hold off")
	run("deliver-all")
	run("run-for 10s") // joins under way end (member or abandoned)
	if !check("convergence") {
		out.Lines = append(out.Lines, "check all")
		return out
	}
	r := s.Ring()
	out.Rounds = -1
	for k := 0; ; k++ {
		if ideal(r) {
			// A join whose lookup failed is idle until it retries (after
			// rpc_timeout): let time run and ask again.
			run("run-for 5s")
			if ideal(r) {
				out.Rounds = k
				break
			}
		}
		mem := memberNames(s)
		if k >= convergeRounds(len(mem), r.Config().Successors) {
			break
		}
		run("check-pred " + strings.Join(mem, " "))
		if !check("convergence") {
			out.Lines = append(out.Lines, "check all")
			return out
		}
		run("stabilize " + strings.Join(mem, " "))
		if !check("convergence") {
			out.Lines = append(out.Lines, "check all")
			return out
		}
	}
	r.Snapshot(&snap)
	chk.Check(&snap, invariant.Default)
	out.Rings = chk.Stats().Cycles
	out.Lines = append(out.Lines, "ideal", "check all")
	if out.Rounds < 0 {
		out.Fail = &Failure{Sig: "not ideal", Phase: "convergence", Detail: fmt.Sprintf("not ideal after %d rounds: %s", convergeRounds(len(memberNames(s)), r.Config().Successors), divergence(r))}
		if !partitioned {
			check("convergence")
		}
		return out
	}
	o, _ := run("lookup-all")
	if !strings.Contains(o, "all correct") {
		detail := o
		for _, l := range strings.Split(o, "\n") {
			if strings.Contains(l, " lookups: ") {
				detail = l
				break
			}
		}
		out.Fail = &Failure{Sig: "wrong lookups", Phase: "convergence", Detail: detail}
	}
	return out
}

func divergence(r *chord.Ring) string {
	d := r.Divergence()
	return fmt.Sprintf("%d wrong successor(s), %d wrong predecessor(s), %d wrong list(s)", d.Successor, d.Predecessor, d.SuccessorList)
}

// memberNames are the live members' names in identifier order.
func memberNames(s *chordtest.Session) []string {
	o := s.Ring().Oracle()
	out := make([]string, 0, o.Len())
	for i := 0; i < o.Len(); i++ {
		_, h := o.At(i)
		out = append(out, s.Name(h))
	}
	return out
}

// withinModel reports whether directive f keeps the script inside the
// fault model the campaigns draw from: time runs only with nothing held,
// and while the network holds, in ticks of at most 100 ms (a message held
// longer is slower than the model's slow links), and every
// drop or late delay respects the loss spacing of its node pair. It
// counts the moved message in loss as the generator does.
func withinModel(s *chordtest.Session, loss *lossModel, f []string) bool {
	switch f[0] {
	case "run-for":
		net := s.Ring().Network()
		if len(net.Held()) > 0 {
			return false
		}
		d, err := sim.ParseDuration(f[len(f)-1])
		return !net.Holding() || (err == nil && d <= 100*sim.Millisecond)
	case "deliver", "drop", "delay":
	default:
		return true
	}
	if len(f) < 2 {
		return true // the harness refuses it
	}
	from, to, ok := strings.Cut(f[1], "->")
	if !ok {
		return false // the explorer names messages by FROM->TO
	}
	a, okA := s.Handle(from)
	b, okB := s.Handle(to)
	if !okA || !okB || !heldMatch(s, a, b, f) {
		return true // the harness refuses it: no message moves
	}
	may := loss.mayLose(a, b)
	late := false
	if f[0] == "delay" && len(f) >= 3 {
		d, err := sim.ParseDuration(f[len(f)-1])
		late = err == nil && d >= 500*sim.Millisecond
	}
	if f[0] == "drop" || late {
		if !may {
			return false
		}
		loss.lose(a, b)
	}
	return true
}

// heldMatch reports whether a message from a to b (of the kind f names,
// if it names one) is held.
func heldMatch(s *chordtest.Session, a, b chord.Handle, f []string) bool {
	kind := ""
	if len(f) >= 3 && !(f[0] == "delay" && len(f) == 3) {
		kind = f[2]
	}
	for _, m := range s.Ring().Network().Held() {
		if m.From == a && m.To == b && (kind == "" || m.Msg.Kind.String() == kind) {
			return true
		}
	}
	return false
}

// ideal reports whether every member has the ideal ring's successor,
// predecessor and list (fingers are not asked: lookups do not need them
// to be right), and no node is joining.
func ideal(r *chord.Ring) bool {
	d := r.Divergence()
	return d.Successor == 0 && d.Predecessor == 0 && d.SuccessorList == 0 && !joining(r)
}

// joining reports whether some node is still joining.
func joining(r *chord.Ring) bool {
	for h := chord.Handle(0); int(h) < r.Nodes(); h++ {
		if r.State(h) == chord.Joining {
			return true
		}
	}
	return false
}
