package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/chordsim/chordsim/chord/kv"
	"github.com/chordsim/chordsim/config"
	"github.com/chordsim/chordsim/shell"
	"github.com/chordsim/chordsim/sim"

	"golang.org/x/term"
)

const shellUsage = `Usage: chordsim shell [SCRIPT] [flags]

An interactive session on a simulated Chord ring running the key-value
service, with the reference systems' commands: join NAME, join-many N
[PREFIX], depart NAME, fail NAME, insert KEY VALUE, query KEY, query *,
delete KEY, find KEY, overlay, fingers NAME, run DURATION, stats,
help [COMMAND], quit; and draw FILE [node NAME] [lookup KEY|last], a
picture of the ring as it stands (SVG or PNG by FILE's extension, as
'chordsim draw' draws: 'help draw' in the shell lists the options).
Node IDs are SHA-1 of their names, so "join 127.0.0.1:5000" places a
node where the reference systems did.

On a terminal: the arrows, Home/End and Ctrl-A/E/K/U/W edit the line; Up
and Down walk the history, kept in --history; Tab completes commands, node
names and keys inserted in the session; Ctrl-C abandons the line; Ctrl-D
or quit leaves.

--config FILE starts from an experiment config (one sweep point): the ring
of its n nodes is built as 'chordsim run' builds it, with its chord,
network and kv settings and its seed; flags given explicitly override it.

Commands come from SCRIPT if given ("-" for standard input), else from
standard input. A bad command prints one "error:" line (on stderr, or with
--echo on stdout beside its command, so a saved transcript keeps them
together) and the session goes on; when commands come from a script or a
pipe, the exit status is 1 if any command failed. Simulated time advances
only inside join, depart, the operations and run.
`

// defaultHistory is --history's default: a file in the user's home.
func defaultHistory() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".chordsim_history")
}

func cmdShell(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("shell", shellUsage, stdout)
	d := config.Defaults()
	bits := fs.Int("m", d.Chord.Bits, "identifier bits m")
	succ := fs.Int("successors", d.Chord.Successors, "successor-list length r")
	replicas := fs.Int("replicas", 1, "replication factor k (1 ≤ k ≤ r)")
	consistency := fs.String("consistency", "linearizable", "linearizable (chain replication) or eventual")
	seed := addSeed(fs, 1, "master seed")
	latency := fs.String("latency", "exp:50ms", "one-way message delay: const:D, uniform:D1,D2, exp:MEAN or lognormal:MEDIAN,SIGMA")
	stabilize := fs.String("stabilize-every", "1s", "period of stabilize, fix_fingers and check_predecessor")
	echo := fs.Bool("echo", false, "print each command before its output, and errors on stdout beside it (for transcripts)")
	configFile := fs.String("config", "", "start from this experiment config: its ring of n nodes, its chord, network and kv settings, its seed")
	history := fs.String("history", defaultHistory(), "file that keeps the command history of interactive sessions (\"\" keeps none)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usagef("shell: one SCRIPT at most, got %d (%v)", fs.NArg(), fs.Args())
	}
	var base *config.Config
	if *configFile != "" {
		src, err := os.ReadFile(*configFile)
		if err != nil {
			return usagef("shell: --config %s cannot be read: %v", *configFile, errors.Unwrap(err))
		}
		cfg, axes, err := config.Parse(src, *configFile)
		if err != nil {
			return usageError{err}
		}
		if len(axes) > 0 {
			return usagef("shell: --config %s is a sweep (%s has %d values); the shell starts from one point: give that field one value", *configFile, axes[0].Path, len(axes[0].Values))
		}
		if err := cfg.Validate(); err != nil {
			return usageError{err}
		}
		base = &cfg
		// The config's settings hold unless a flag was given.
		if !fs.Changed("m") {
			*bits = cfg.Chord.Bits
		}
		if !fs.Changed("successors") {
			*succ = cfg.Chord.Successors
		}
		if !fs.Changed("replicas") {
			*replicas = cfg.KV.Replicas
		}
		if !fs.Changed("consistency") {
			*consistency = cfg.KV.Consistency.String()
		}
		if !fs.Changed("seed") {
			seed.v = cfg.Seed
		}
		if !fs.Changed("latency") {
			*latency = cfg.Network.Latency.String()
		}
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
	if base != nil && !fs.Changed("stabilize-every") {
		stab = 0 // the config's periods
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
	var tty *os.File
	if fs.NArg() == 1 && fs.Arg(0) != "-" {
		f, err := os.Open(fs.Arg(0))
		if err != nil {
			return usagef("shell: cannot read script: %v", err)
		}
		defer f.Close()
		in = f
	} else if f, ok := stdin.(*os.File); ok && fs.NArg() == 0 && term.IsTerminal(int(f.Fd())) {
		interactive, tty = true, f
	}
	o := shell.Options{Bits: *bits, Successors: *succ, Replicas: *replicas, Consistency: cons, Seed: seed.v,
		Latency: lat, StabilizeEvery: stab, Echo: *echo, Config: base}
	if interactive {
		o.Prompt = "chordsim> "
	}
	s, err := shell.New(o)
	if err != nil {
		return usagef("shell: %v", err)
	}
	if interactive {
		return interactiveShell(s, tty, stdout, *history, base != nil)
	}
	errOut := stderr
	if *echo {
		errOut = stdout // errors beside their commands in a transcript
	}
	failed := s.Run(in, stdout, errOut)
	if failed > 0 {
		return fmt.Errorf("shell: %s failed", plural(failed, "command"))
	}
	return nil
}

// interactiveShell runs s on the terminal tty: raw mode for the line
// editor while it runs, the history file opened and closed around it.
func interactiveShell(s *shell.Session, tty *os.File, stdout io.Writer, historyPath string, fromConfig bool) error {
	h, err := shell.OpenHistory(historyPath)
	if err != nil {
		return usagef("shell: --history %s: %v; pass --history \"\" to keep none", historyPath, err)
	}
	defer h.Close()
	fd := int(tty.Fd())
	state, err := term.MakeRaw(fd)
	if err != nil {
		return fmt.Errorf("shell: the terminal cannot be put in raw mode: %v", err)
	}
	defer term.Restore(fd, state)
	width, height, err := term.GetSize(fd)
	if err != nil {
		width, height = 0, 0
	}
	intro := "chordsim shell: type help for the commands, Tab to complete, quit or Ctrl-D to leave\r\n"
	if fromConfig {
		intro += fmt.Sprintf("the ring of the config: %d members at t = %v\r\n", s.Members(), s.Now())
	}
	io.WriteString(stdout, intro)
	s.Terminal(tty, stdout, width, height, h)
	io.WriteString(stdout, "\r\n")
	return nil
}
