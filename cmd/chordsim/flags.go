package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/chordsim/chordsim/config"
	"github.com/chordsim/chordsim/experiments"
	"github.com/chordsim/chordsim/internal/yamlconf"

	"github.com/spf13/pflag"
)

var errHelp = errors.New("help shown")

// newFlags returns a flag set that reports its own errors as usage errors.
func newFlags(name, usage string, stdout io.Writer) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprint(stdout, usage)
		if !fs.HasFlags() {
			return
		}
		fmt.Fprintln(stdout, "\nFlags:")
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

func parseFlags(fs *pflag.FlagSet, args []string) error {
	if flagProbe != nil {
		flagProbe(fs)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return errHelp // pflag has printed the usage (fs.Usage)
		}
		return usagef("%s: %v; run 'chordsim %s --help'", fs.Name(), err, fs.Name())
	}
	return nil
}

// maxWorkers bounds --workers: more parallel runs than this only multiply
// the memory a sweep needs, on any machine chordsim runs on.
const maxWorkers = 1024

// checkRunFlags checks --workers (an empty --seed is refused by the seed
// flag itself).
func checkRunFlags(workers int) error {
	if workers < 0 || workers > maxWorkers {
		return usagef("--workers %d is outside 0..%d; give the number of runs to make at once (0: one per core, %d here)", workers, maxWorkers, runtime.GOMAXPROCS(0))
	}
	return nil
}

// shellQuote quotes s for a POSIX shell if it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '-' || r == '_' || r == '=' || r == ':' || r == ',' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// seedFlag is --seed, the same on every command: a whole number from 0 to
// 2^64−1. set tells whether it was given, for the commands whose default
// is the config's seed.
type seedFlag struct {
	v   uint64
	set bool
}

// addSeed defines --seed on fs with the given default and meaning.
func addSeed(fs *pflag.FlagSet, def uint64, usage string) *seedFlag {
	s := &seedFlag{v: def}
	fs.Var(s, "seed", usage)
	return s
}

func (s *seedFlag) String() string {
	if s.v == 0 && !s.set {
		return ""
	}
	return strconv.FormatUint(s.v, 10)
}

// Set parses a seed; on error s is unchanged.
func (s *seedFlag) Set(text string) error {
	v, err := strconv.ParseUint(strings.TrimSpace(text), 10, 64)
	if err != nil {
		return fmt.Errorf("%q is not a whole number between 0 and 18446744073709551615", text)
	}
	s.v, s.set = v, true
	return nil
}

// Type names the flag's value in the usage.
func (s *seedFlag) Type() string { return "uint64" }

// overrides applies --seed (if given) and --set to a decoded config and
// validates the resulting sweep.
func overrides(cfg config.Config, axes []yamlconf.Axis, seed *seedFlag, sets []string) (*experiments.Plan, error) {
	if seed != nil && seed.set {
		cfg.Seed = seed.v
	}
	for _, s := range sets {
		path, values, err := yamlconf.ParseSet(s)
		if err == nil {
			axes, err = config.Set(&cfg, axes, path, values)
		}
		if err != nil {
			return nil, usagef("--set %s: %v", s, err)
		}
	}
	plan, err := experiments.NewPlan(cfg, axes)
	if err != nil {
		return nil, usageError{err}
	}
	return plan, nil
}

// addProgressFlag defines --progress-every on fs.
func addProgressFlag(fs *pflag.FlagSet) *time.Duration {
	return fs.Duration("progress-every", progressDefault, "when stderr is not a terminal (a log, a pipe, a batch job): print one progress line this often; 0 prints none (on a terminal a bar redraws 4 times a second)")
}

// readConfigFile reads and parses the experiment config at path, with its
// file fields resolved against the file's folder; a problem is a usage
// error (exit 2). src is the file's text, for fileOverrides.
func readConfigFile(path string) (config.Config, []yamlconf.Axis, []byte, error) {
	src, err := config.ReadFile(path)
	if err != nil {
		return config.Config{}, nil, nil, usageError{err}
	}
	cfg, axes, err := config.Parse(src, path)
	if err != nil {
		return config.Config{}, nil, nil, usageError{err}
	}
	config.ResolvePaths(&cfg, axes, filepath.Dir(path))
	return cfg, axes, src, nil
}

// fileOverrides is overrides for a config read from path (whose text is
// src): a problem in the resulting sweep names the line of the field in
// the file, unless --set gave that field.
func fileOverrides(cfg config.Config, axes []yamlconf.Axis, seed *seedFlag, sets []string, path string, src []byte) (*experiments.Plan, error) {
	plan, err := overrides(cfg, axes, seed, sets)
	if u, ok := err.(usageError); ok {
		var set []string
		for _, s := range sets {
			p, _, _ := strings.Cut(s, "=")
			set = append(set, strings.TrimSpace(p))
		}
		return nil, usageError{config.WithLines(u.err, path, yamlconf.Lines(src), set)}
	}
	return plan, err
}
