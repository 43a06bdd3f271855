// Command chordsim runs deterministic simulations of Chord rings: experiment
// configs (run), the Chord paper's figures (repro), and the simulator's own
// benchmark (bench). Run it with --help, or see README.md.
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
  chordsim merge --out DIR SHARD_DIR...
  chordsim repro [FIGURE ...] [--scale quick|paper] [--out DIR]
  chordsim shell [SCRIPT] [--replicas K] [--consistency linearizable|eventual]
  chordsim list
  chordsim bench [--nodes N[,N...]] [--lookups L] [--kv REQUESTS]
  chordsim version

Commands:
  run      run an experiment config (a sweep of points × replicates)
  merge    combine the folders of a sharded run
  repro    reproduce figures of the Chord paper (default: all of them)
  shell    an interactive (or scripted) session on a ring with the key-value service
  list     name the built-in experiments
  bench    measure the simulator's speed and memory on a fixed scenario
  version  print the version

Run 'chordsim COMMAND --help' for a command's flags.
`

func main() {
	os.Exit(mainWithArgs(os.Args[1:], os.Stdout, os.Stderr))
}

// mainWithArgs runs the command line and returns the exit status.
func mainWithArgs(args []string, stdout, stderr io.Writer) (status int) {
	defer func() {
		if r := recover(); r != nil {
			status = reportBug(args, stderr, &experiments.BugError{Value: r, Stack: debug.Stack()})
		}
	}()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(args) == 0 {
		fmt.Fprint(stderr, topUsage)
		return exitUsage
	}
	var err error
	switch args[0] {
	case "run":
		err = cmdRun(ctx, args[1:], stdout, stderr)
	case "repro":
		err = cmdRepro(ctx, args[1:], stdout, stderr)
	case "merge":
		err = cmdMerge(args[1:], stdout)
	case "shell":
		err = cmdShell(args[1:], os.Stdin, stdout, stderr)
	case "list":
		err = cmdList(args[1:], stdout)
	case "bench":
		err = cmdBench(ctx, args[1:], stdout)
	case "version":
		if len(args) > 1 && args[1] != "-h" && args[1] != "--help" {
			err = usagef("version takes no arguments, got %q; run 'chordsim version'", args[1])
			break
		}
		fmt.Fprintln(stdout, "chordsim", version())
	case "help", "-h", "--help":
		fmt.Fprint(stdout, topUsage)
	default:
		err = usagef("unknown command %q; run 'chordsim --help' to see the commands", args[0])
	}
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errHelp):
		return exitOK
	case errors.Is(err, errInterrupted):
		return exitInterrupted
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

// version is the module version when built from a tagged module, else the
// VCS revision if the build recorded one, else "devel".
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	v := bi.Main.Version
	if v == "" || v == "(devel)" {
		v = "devel"
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += "+" + s.Value[:12]
		}
	}
	return v + " (" + bi.GoVersion + ")"
}
