// Command chordsim runs deterministic simulations of Chord rings: experiment
// configs (run), the Chord paper's figures (repro), and the simulator's own
// benchmark (bench). Run it with --help, or see README.md and docs/manual.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/chordsim/chordsim/experiments"
	"github.com/chordsim/chordsim/internal/yamlconf"
)

// Exit statuses.
const (
	exitOK          = 0
	exitFailed      = 1   // a run failed
	exitUsage       = 2   // bad command line, config or output folder
	exitBug         = 70  // a panic: a bug in chordsim (EX_SOFTWARE of sysexits.h)
	exitInterrupted = 130 // stopped by Ctrl-C; finished runs were written
)

// usageError marks problems with the user's input: exit status 2.
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// errInterrupted is returned after an interrupted sweep wrote what finished.
var errInterrupted = errors.New("interrupted")

const topUsage = `chordsim: a deterministic discrete-event simulator of Chord rings

Usage:
  chordsim run CONFIG.yaml [--out DIR] [--seed N] [--set path=value ...] [--shard i/n]
                           [--workers W] [--check-invariants] [--replicate K] [--progress-every D]
                           [--trace-lookups FILE] [--trace-events FILE] [--trace-point P] [--trace-replicate K]
                           [--trace-from D] [--trace-to D] [--trace-nodes NAME|#i,...] [--trace-max-lines N]
  chordsim merge --out DIR SHARD_DIR...
  chordsim compare DIR_A DIR_B [--metric NAME ...]
  chordsim repro [FIGURE ...] [--scale quick|paper] [--out DIR] [--seed N] [--shard i/n]
                              [--workers W] [--progress-every D]
  chordsim draw CONFIG.yaml [--set path=value ...] [--node NAME|#i] [--lookup KEY] [--at D] [--out FILE.svg|FILE.png]
  chordsim shell [SCRIPT] [--config FILE] [--replicas K] [--consistency linearizable|eventual] [--seed N] [flags]
  chordsim explore [--variant zave|original] [--campaigns N] [--seed S] [--faults LIST] [--out DIR] [--budget D]
  chordsim list
  chordsim bench [--nodes N[,N...]] [--lookups L] [--kv REQUESTS] [--engine static|events] [--seed N]
                 [--topology none|euclidean|transit-stub|planetlab490] [--latency DIST]
  chordsim schema
  chordsim completion bash|zsh|fish
  chordsim version
  chordsim help [COMMAND]

Commands:
` + "%s" + `
Run 'chordsim help COMMAND' (or 'chordsim COMMAND --help') for a command's flags.
`

// command is one subcommand: its name, its one-line summary for the
// top-level usage, and what runs it.
type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error
}

// commands are chordsim's subcommands, in the order the usage lists them.
// (A function, not a variable: help and completion read the table, and
// the table holds them.)
func commands() []command {
	return []command{
		{"run", "run an experiment config (a sweep of points × replicates)", func(ctx context.Context, a []string, _ io.Reader, o, e io.Writer) error { return cmdRun(ctx, a, o, e) }},
		{"merge", "combine the folders of a sharded run", func(_ context.Context, a []string, _ io.Reader, o, _ io.Writer) error { return cmdMerge(a, o) }},
		{"compare", "compare two output folders metric by metric (exit 1 if a --metric moved)", func(_ context.Context, a []string, _ io.Reader, o, _ io.Writer) error { return cmdCompare(a, o) }},
		{"repro", "reproduce figures of the Chord paper (default: all of them)", func(ctx context.Context, a []string, _ io.Reader, o, e io.Writer) error {
			return cmdRepro(ctx, a, o, e)
		}},
		{"draw", "draw the ring, one node's fingers and successors, and a lookup's path as SVG", func(ctx context.Context, a []string, _ io.Reader, o, _ io.Writer) error { return cmdDraw(ctx, a, o) }},
		{"shell", "an interactive (or scripted) session on a ring with the key-value service", func(_ context.Context, a []string, in io.Reader, o, e io.Writer) error { return cmdShell(a, in, o, e) }},
		{"explore", "randomized fault campaigns against the protocol; failures shrunk to replayable scripts", func(ctx context.Context, a []string, _ io.Reader, o, e io.Writer) error {
			return cmdExplore(ctx, a, o, e)
		}},
		{"list", "name the built-in experiments", func(_ context.Context, a []string, _ io.Reader, o, _ io.Writer) error { return cmdList(a, o) }},
		{"bench", "measure the simulator's speed and memory on a fixed scenario", func(ctx context.Context, a []string, _ io.Reader, o, _ io.Writer) error { return cmdBench(ctx, a, o) }},
		{"schema", "print the JSON Schema of the config files (for editors)", func(_ context.Context, a []string, _ io.Reader, o, _ io.Writer) error { return cmdSchema(a, o) }},
		{"completion", "print a shell completion script (bash, zsh or fish)", func(_ context.Context, a []string, _ io.Reader, o, _ io.Writer) error { return cmdCompletion(a, o) }},
		{"version", "print the version, VCS revision, Go version and platform (also --version)", nil}, // dispatched in mainWithArgs
		{"help", "show the usage, or a command's help", nil},
	}
}

// usageText is the top-level usage with the command summaries.
func usageText() string {
	var b strings.Builder
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-11s %s\n", c.name, c.summary)
	}
	return fmt.Sprintf(topUsage, b.String())
}

const versionUsage = `Usage: chordsim version

Prints chordsim's version, the VCS revision it was built from (with
"+dirty" for uncommitted changes; none if the build recorded none and no
-ldflags stamp was given), the Go version and the platform. 'chordsim
--version' prints the same.
`

const helpUsage = `Usage: chordsim help [COMMAND]

Prints the usage of chordsim, or the help of COMMAND (the same as
'chordsim COMMAND --help').
`

// isHelp reports whether args ask for help (-h or --help before a "--").
func isHelp(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if a == "-h" || a == "--help" {
			return true
		}
	}
	return false
}

func findCommand(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

func main() {
	os.Exit(mainWithArgs(os.Args[1:], os.Stdout, os.Stderr))
}

// mainWithArgs runs the command line and returns the exit status.
func mainWithArgs(args []string, stdout, stderr io.Writer) int {
	return mainWithIO(args, os.Stdin, stdout, stderr)
}

// mainWithIO is mainWithArgs with the standard input given. A panic is a
// bug in chordsim, not bad input: it is reported as such (reportBug).
func mainWithIO(args []string, stdin io.Reader, stdout, stderr io.Writer) (status int) {
	defer func() {
		if r := recover(); r != nil {
			status = reportBug(args, stderr, &experiments.BugError{Value: r, Stack: debug.Stack()})
		}
	}()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(args) == 0 {
		fmt.Fprint(stderr, usageText())
		return exitUsage
	}
	var err error
	switch name := args[0]; name {
	case "help", "-h", "--help":
		err = cmdHelp(ctx, args[1:], stdin, stdout, stderr)
	case "version", "--version":
		if isHelp(args[1:]) {
			fmt.Fprint(stdout, versionUsage)
			break
		}
		if len(args) > 1 {
			err = usagef("version takes no arguments, got %q; run 'chordsim version'", args[1])
			break
		}
		fmt.Fprintln(stdout, "chordsim", experiments.ReadBuild())
	default:
		c, ok := findCommand(name)
		if !ok {
			err = unknownCommand(name)
			break
		}
		err = c.run(ctx, args[1:], stdin, stdout, stderr)
	}
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errHelp):
		return exitOK
	case errors.Is(err, errInterrupted):
		return exitInterrupted
	case errors.Is(err, errMoved):
		return exitFailed // the table has said which
	}
	var bug *experiments.BugError
	if errors.As(err, &bug) {
		return reportBug(args, stderr, bug)
	}
	var u usageError
	for _, line := range splitLines(err.Error()) {
		fmt.Fprintln(stderr, "chordsim:", line)
	}
	if errors.As(err, &u) {
		return exitUsage
	}
	return exitFailed
}

// unknownCommand names the command most like name, if one is close.
func unknownCommand(name string) error {
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	hint := ""
	if s := yamlconf.Closest(name, names); len(s) > 0 {
		hint = fmt.Sprintf("did you mean %q? ", s[0])
	}
	return usagef("unknown command %q; %srun 'chordsim help' to see the commands", name, hint)
}

// cmdHelp prints the top-level usage, or a command's help.
func cmdHelp(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	switch {
	case len(args) == 0 || isHelp(args[:1]):
		fmt.Fprint(stdout, usageText())
		return nil
	case len(args) > 1:
		return usagef("help takes one command, got %d arguments; usage: chordsim help [COMMAND]", len(args))
	}
	switch args[0] {
	case "help":
		fmt.Fprint(stdout, helpUsage)
		return nil
	case "version":
		fmt.Fprint(stdout, versionUsage)
		return nil
	}
	c, ok := findCommand(args[0])
	if !ok {
		return unknownCommand(args[0])
	}
	return c.run(ctx, []string{"--help"}, stdin, stdout, stderr)
}

// reportBug prints a panic as what it is, a bug in chordsim, with the
// command that reproduces it, and returns exitBug: exit status 2 would say
// the input was wrong.
func reportBug(args []string, stderr io.Writer, bug *experiments.BugError) int {
	cmd := []string{"chordsim"}
	for _, a := range args {
		cmd = append(cmd, shellQuote(a))
	}
	fmt.Fprintf(stderr, "chordsim: internal error: %v\n", bug.Value)
	fmt.Fprintf(stderr, "chordsim: this is a bug in chordsim, not a problem with your input; please report it with the output of 'chordsim version' and the command that reproduces it:\n  %s\n", strings.Join(cmd, " "))
	stderr.Write(bug.Stack)
	return exitBug
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}
