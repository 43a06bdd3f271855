package explore

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/chord/chordtest"
)

// Fault is one kind of fault a campaign may inject.
type Fault uint8

// The faults. Crash, Join, Leave, Loss and Slow are what variant zave
// claims to tolerate (crashes and leaves through the failure gate);
// Partition (partitions that heal, and dead links) is outside every
// variant's claim and reported apart.
const (
	Crash Fault = iota
	Join
	Leave
	Loss
	Slow
	Partition
	numFaults
)

var faultNames = [numFaults]string{"crash", "join", "leave", "loss", "slow", "partition"}

func (f Fault) String() string { return faultNames[f] }

// Faults is a set of faults.
type Faults uint8

// Has reports whether f is in the set.
func (s Faults) Has(f Fault) bool { return s&(1<<f) != 0 }

// Claimed is the set of faults variant zave claims to tolerate.
const Claimed Faults = 1<<Crash | 1<<Join | 1<<Leave | 1<<Loss | 1<<Slow

// ParseFaults parses a comma-separated list of fault names.
func ParseFaults(s string) (Faults, error) {
	var out Faults
	for _, a := range strings.Split(s, ",") {
		a = strings.TrimSpace(a)
		i := slices.Index(faultNames[:], a)
		if i < 0 {
			return 0, fmt.Errorf("--faults: %q is not a fault; use a comma-separated list of %s", a, strings.Join(faultNames[:], ", "))
		}
		out |= 1 << i
	}
	return out, nil
}

func (s Faults) String() string {
	var l []string
	for f := Fault(0); f < numFaults; f++ {
		if s.Has(f) {
			l = append(l, f.String())
		}
	}
	return strings.Join(l, ",")
}

// Options configure an exploration.
type Options struct {
	Variant   chord.Variant
	Campaigns int
	Seed      uint64
	Faults    Faults
	// Workers run campaigns in parallel (results are merged in campaign
	// order, so the report does not depend on it); 0 means 1.
	Workers int
	// Shrink bounds the checks one shrink may make (0: 4000).
	ShrinkCalls int
	// MaxShrunk is how many findings are shrunk and written (the first of
	// each kind first); 0 means 8.
	MaxShrunk int
	// Progress, if not nil, receives a line now and then (stderr).
	Progress io.Writer
}

// Finding is a campaign that broke a check.
type Finding struct {
	Campaign  int
	Seed      uint64
	Partition bool
	Fail      Failure
	// Rings is the number of rings (bestSucc cycles) after the
	// convergence phase of the campaign as generated.
	Rings int
	// Lines are the campaign's directives as generated (fault phase).
	Lines []string
	// Shrunk is the minimal script (with its convergence phase and
	// checks), nil if not shrunk; Script its text with outputs.
	Shrunk []string
	Script string
	File   string
}

// Report is an exploration's result.
type Report struct {
	Options Options
	// Run is the number of campaigns run: a prefix 0..Run-1 of the
	// requested ones (fewer when the budget ran out or on interrupt).
	Run int
	// Findings outside partition campaigns (counterexamples), in
	// campaign order.
	Findings []Finding
	// Partition campaigns: how many, how many converged to one ideal
	// ring, and the findings among them (not counterexamples).
	PartitionRuns, PartitionIdeal int
	PartitionFindings             []Finding
	// Interrupted: the budget or a signal stopped the exploration.
	Interrupted bool
}

type result struct {
	done bool
	c    campaign
	out  outcome
	err  error
}

// Run explores. ctx stops it (Ctrl-C, the budget): campaigns already run
// are kept, and findings are shrunk with what time remains (a finding
// whose shrinking was cut short keeps the best script so far).
func Run(ctx context.Context, shrinkCtx context.Context, o Options) (*Report, error) {
	if o.Workers < 1 {
		o.Workers = 1
	}
	if o.ShrinkCalls == 0 {
		o.ShrinkCalls = 4000
	}
	if o.MaxShrunk == 0 {
		o.MaxShrunk = 8
	}
	res := make([]result, o.Campaigns)
	var mu sync.Mutex
	next, finished := 0, 0
	seen := map[string]bool{} // failure kinds already announced on Progress
	start := time.Now()
	var wg sync.WaitGroup
	for range o.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				if next >= o.Campaigns || ctx.Err() != nil {
					mu.Unlock()
					return
				}
				i := next
				next++
				mu.Unlock()
				c, err := generate(&o, i)
				var out outcome
				if err == nil {
					out = evaluate(c.Lines)
				}
				mu.Lock()
				res[i] = result{done: true, c: c, out: out, err: err}
				finished++
				if f := out.Fail; f != nil && o.Progress != nil && !c.Partition && !seen[f.Sig] {
					seen[f.Sig] = true
					fmt.Fprintf(o.Progress, "explore: first %s at campaign %d, %.1fs, %d campaigns done\n", f.Sig, i, time.Since(start).Seconds(), finished)
				}
				if o.Progress != nil && (finished%500 == 0 || finished == o.Campaigns) {
					fmt.Fprintf(o.Progress, "explore: %d/%d campaigns, %.0fs\n", finished, o.Campaigns, time.Since(start).Seconds())
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	rep := &Report{Options: o, Interrupted: ctx.Err() != nil}
	for i := range res {
		if !res[i].done {
			break
		}
		rep.Run = i + 1
		r := &res[i]
		if r.err != nil {
			return nil, r.err
		}
		if r.c.Partition {
			rep.PartitionRuns++
			if r.out.Fail == nil {
				rep.PartitionIdeal++
			}
		}
		if r.out.Fail == nil {
			continue
		}
		f := Finding{Campaign: i, Seed: r.c.Seed, Partition: r.c.Partition, Fail: *r.out.Fail, Lines: r.c.Lines, Rings: r.out.Rings}
		if r.c.Partition {
			rep.PartitionFindings = append(rep.PartitionFindings, f)
		} else {
			rep.Findings = append(rep.Findings, f)
		}
	}
	// Shrink the first finding of each kind, then more, up to MaxShrunk.
	shrunk := 0
	for _, list := range [][]Finding{rep.Findings, rep.PartitionFindings} {
		for _, firstOfKind := range []bool{true, false} {
			seen := map[string]bool{}
			for k := range list {
				f := &list[k]
				if f.Shrunk != nil || shrunk >= o.MaxShrunk {
					continue
				}
				if firstOfKind && seen[f.Fail.Sig] {
					continue
				}
				seen[f.Fail.Sig] = true
				if o.Progress != nil {
					fmt.Fprintf(o.Progress, "explore: shrinking campaign %d (%s, %d directives)\n", f.Campaign, f.Fail.Sig, len(f.Lines))
				}
				sig := f.Fail.Sig
				// Interrupted, Shrink returns the lines unshrunk: the
				// finding is still written, full length.
				min := Shrink(shrinkCtx, f.Lines, func(l []string) bool {
					out := evaluate(l)
					return out.Fail != nil && out.Fail.Sig == sig
				}, o.ShrinkCalls)
				out := evaluate(min)
				if out.Fail == nil {
					return nil, fmt.Errorf("explore: campaign %d failed once and not on its replay (%s): the simulation is not deterministic", f.Campaign, sig)
				}
				f.Shrunk = out.Lines
				f.Fail = *out.Fail
				f.Script = Transcript(f.header(o), out.Lines)
				shrunk++
			}
		}
	}
	return rep, nil
}

// name is the file name of f's script.
func (f *Finding) name(o Options) string {
	kind := "counterexample"
	if f.Partition {
		kind = "partition"
	}
	return fmt.Sprintf("%s_%s_%05d_%s.txt", kind, o.Variant, f.Campaign, slug(f.Fail.Sig))
}

func (f *Finding) header(o Options) []string {
	name := f.name(o)
	return []string{
		fmt.Sprintf("# chordsim explore: variant %s, faults %s, seed %d, campaign %d (campaign seed %d)", o.Variant, o.Faults, o.Seed, f.Campaign, f.Seed),
		fmt.Sprintf("# found: %s (%s phase): %s", f.Fail.Sig, f.Fail.Phase, f.Fail.Detail),
		fmt.Sprintf("# generated with %d directives, then shrunk (unless interrupted); the directives after the faults are the explorer's convergence phase and checks", len(f.Lines)),
		fmt.Sprintf("# replay: chordsim explore --replay %s, or copy it into chord/testdata/scenarios and run go test ./chord -run TestScenarios/%s", name, strings.TrimSuffix(name, ".txt")),
		"",
	}
}

// Transcript runs the directives and returns the script text in the
// harness's format (each directive, ----, what it printed, a blank
// line), which Play replays to the same bytes. Comment lines are kept.
func Transcript(header, lines []string) string {
	var b strings.Builder
	for _, h := range header {
		b.WriteString(h + "\n")
	}
	s := chordtest.NewSession(harnessTB{})
	func() {
		defer func() {
			if x := recover(); x != nil {
				if hf, ok := x.(harnessFatal); ok {
					fmt.Fprintf(&b, "# the harness stopped here: %s\n", hf.msg)
					return
				}
				fmt.Fprintf(&b, "# the simulator panicked here: %v\n", x)
			}
		}()
		for _, l := range lines {
			if strings.HasPrefix(l, "#") {
				b.WriteString(l + "\n")
				continue
			}
			out := s.Run(l)
			b.WriteString(l + "\n----\n")
			if out != "" {
				b.WriteString(out + "\n")
			}
			b.WriteString("\n")
		}
	}()
	return strings.TrimRight(b.String(), "\n") + "\n"
}

// Write writes the report (report.txt) and each shrunk finding's script
// into dir, every file through a temporary name so that none is half
// written. It returns the report text.
func (rep *Report) Write(dir string) (string, error) {
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
	}
	for _, list := range [][]Finding{rep.Findings, rep.PartitionFindings} {
		for k := range list {
			f := &list[k]
			if f.Script == "" {
				continue
			}
			f.File = filepath.Join(dir, f.name(rep.Options))
			if dir != "" {
				if err := writeFile(f.File, f.Script); err != nil {
					return "", err
				}
			}
		}
	}
	text := rep.Text()
	if dir != "" {
		if err := writeFile(filepath.Join(dir, "report.txt"), text); err != nil {
			return "", err
		}
	}
	return text, nil
}

func writeFile(path, text string) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func slug(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, s)
}

// Text is the report: what ran, what was found (first campaign of each
// kind), and each shrunk script's file and size. It holds no wall-clock
// figure, so the same options give the same bytes.
func (rep *Report) Text() string {
	var b strings.Builder
	o := rep.Options
	fmt.Fprintf(&b, "chordsim explore: variant %s, faults %s, seed %d\n", o.Variant, o.Faults, o.Seed)
	fmt.Fprintf(&b, "campaigns: %d run of %d requested", rep.Run, o.Campaigns)
	if rep.Interrupted {
		b.WriteString(" (stopped early: budget or interrupt)")
	}
	b.WriteString("\n")
	section := func(title string, list []Finding) {
		counts := map[string]int{}
		first := map[string]int{}
		var sigs []string
		for _, f := range list {
			if counts[f.Fail.Sig] == 0 {
				sigs = append(sigs, f.Fail.Sig)
				first[f.Fail.Sig] = f.Campaign
			}
			counts[f.Fail.Sig]++
		}
		fmt.Fprintf(&b, "%s: %d\n", title, len(list))
		for _, s := range sigs {
			fmt.Fprintf(&b, "  %-34s %6d campaigns, first at campaign %d\n", s, counts[s], first[s])
		}
		for _, f := range list {
			if f.Shrunk == nil {
				continue
			}
			n := 0
			for _, l := range f.Shrunk {
				if !strings.HasPrefix(l, "#") {
					n++
				}
			}
			fmt.Fprintf(&b, "  campaign %d (seed %d): %s in the %s phase, %d directives shrunk to %d: %s\n", f.Campaign, f.Seed, f.Fail.Sig, f.Fail.Phase, len(f.Lines), n, f.Fail.Detail)
			if f.File != "" {
				fmt.Fprintf(&b, "    script: %s\n    replay: chordsim explore --replay %s\n", f.File, f.File)
			}
		}
	}
	section("counterexamples", rep.Findings)
	if o.Faults.Has(Partition) {
		fmt.Fprintf(&b, "partition campaigns (outside the claim: Chord does not promise to merge rings after a partition heals): %d, converged to one ideal ring with every lookup correct: %d\n", rep.PartitionRuns, rep.PartitionIdeal)
		split := map[int]int{}
		for _, f := range rep.PartitionFindings {
			split[f.Rings]++
		}
		for k := 0; k <= maxNodes; k++ {
			if split[k] > 0 {
				fmt.Fprintf(&b, "  not merged, %d ring(s) (bestSucc cycles; 0: every path ends at a member without a live successor) after the convergence phase: %d campaigns\n", k, split[k])
			}
		}
		section("partition campaigns that did not", rep.PartitionFindings)
	}
	return b.String()
}

// Replay plays a script written by the explorer (or any harness script):
// it returns the transcript and whether the outputs differ from the
// file's.
func Replay(path string) (transcript string, differs bool, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", false, err
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	var header, dirs []string
	inHeader := true
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if inHeader && (strings.HasPrefix(l, "#") || l == "") {
			header = append(header, l)
			continue
		}
		inHeader = false
		if l == "" {
			continue
		}
		if strings.HasPrefix(l, "#") {
			dirs = append(dirs, l)
			continue
		}
		if i+1 >= len(lines) || lines[i+1] != "----" {
			return "", false, fmt.Errorf("%s:%d: directive %q is not followed by a ---- line", path, i+1, l)
		}
		dirs = append(dirs, l)
		i++
		for i+1 < len(lines) && lines[i+1] != "" {
			i++
		}
	}
	if len(dirs) == 0 || !strings.HasPrefix(dirs[0], "config") {
		return "", false, fmt.Errorf("%s: the first directive must be config", path)
	}
	t := Transcript(header, dirs)
	return t, t != string(data), nil
}
