package main

import (
	"fmt"
	"io"
	"os"

	"github.com/chordsim/chordsim/chord/kv"
	"github.com/chordsim/chordsim/config"
	"github.com/chordsim/chordsim/shell"
	"github.com/chordsim/chordsim/sim"

	"golang.org/x/term"
)

const shellUsage = `Usage: chordsim shell [SCRIPT] [flags]

An interactive session on a simulated Chord ring running the key-value
service, with the reference systems' commands: join NAME, depart NAME,
fail NAME, insert KEY VALUE, query KEY, query *, delete KEY, find KEY,
overlay, fingers NAME, run DURATION, stats, help, quit. Type help in the
session for the full syntax. Node IDs are SHA-1 of their names, so
"join 127.0.0.1:5000" places a node where the reference systems did.

Commands come from SCRIPT if given ("-" for standard input), else from
standard input. A bad command prints one "error:" line on stderr and the
session goes on; when commands come from a script or a pipe, the exit
status is 1 if any command failed. Simulated time advances only inside
join, depart, the operations and run.
`

func cmdShell(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("shell", shellUsage, stdout)
	bits := fs.Int("m", config.Defaults().Chord.Bits, "identifier bits m")
	succ := fs.Int("successors", config.Defaults().Chord.Successors, "successor-list length r")
	replicas := fs.Int("replicas", 1, "replication factor k (1 ≤ k ≤ r)")
	consistency := fs.String("consistency", "linearizable", "linearizable (chain replication) or eventual")
	seed := addSeed(fs, 1, "master seed")
	latency := fs.String("latency", "exp:50ms", "one-way message delay: const:D, uniform:D1,D2, exp:MEAN or lognormal:MEDIAN,SIGMA")
	stabilize := fs.String("stabilize-every", "1s", "period of stabilize, fix_fingers and check_predecessor")
	echo := fs.Bool("echo", false, "print each command before its output (for transcripts)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usagef("shell: one SCRIPT at most, got %d (%v)", fs.NArg(), fs.Args())
	}
	cons, err := kv.ParseConsistency(*consistency)
	if err != nil {
		return usagef("shell: --consistency: %v", err)
	}
	lat, err := sim.ParseLatency(*latency)
	if err != nil {
		return usagef("shell: --latency: %v", err)
	}
	stab, err := sim.ParseDuration(*stabilize)
	if err != nil || stab <= 0 {
		return usagef("shell: --stabilize-every %q must be a positive duration such as 1s", *stabilize)
	}
	if *bits < 1 || *bits > 64 {
		return usagef("shell: --m %d is outside 1..64", *bits)
	}
	if *succ < 1 {
		return usagef("shell: --successors %d must be at least 1", *succ)
	}
	if *replicas < 1 || *replicas > *succ {
		return usagef("shell: --replicas %d must be between 1 and --successors (%d)", *replicas, *succ)
	}
	in, interactive := stdin, false
	if fs.NArg() == 1 && fs.Arg(0) != "-" {
		f, err := os.Open(fs.Arg(0))
		if err != nil {
			return usagef("shell: cannot read script: %v", err)
		}
		defer f.Close()
		in = f
	} else if f, ok := stdin.(*os.File); ok && fs.NArg() == 0 && term.IsTerminal(int(f.Fd())) {
		interactive = true
	}
	o := shell.Options{Bits: *bits, Successors: *succ, Replicas: *replicas, Consistency: cons, Seed: seed.v,
		Latency: lat, StabilizeEvery: stab, Echo: *echo}
	if interactive {
		o.Prompt = "chordsim> "
		fmt.Fprintln(stdout, "chordsim shell: type help for the commands, quit to leave")
	}
	s, err := shell.New(o)
	if err != nil {
		return usagef("shell: %v", err)
	}
	failed := s.Run(in, stdout, stderr)
	if failed > 0 && !interactive {
		return fmt.Errorf("shell: %s failed", plural(failed, "command"))
	}
	return nil
}
