package main

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"

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
		fmt.Fprintln(stdout, "\nFlags:")
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

func parseFlags(fs *pflag.FlagSet, args []string) error {
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

// checkRunFlags checks --workers and an explicitly empty --seed, which the
// flag parser accepts.
func checkRunFlags(fs *pflag.FlagSet, workers int, seed string) error {
	if workers < 0 || workers > maxWorkers {
		return usagef("--workers %d is outside 0..%d; give the number of runs to make at once (0: one per core, %d here)", workers, maxWorkers, runtime.GOMAXPROCS(0))
	}
	if fs.Changed("seed") && strings.TrimSpace(seed) == "" {
		return usagef("--seed is empty; give a whole number such as --seed 7, or leave the flag out to keep the config's seed")
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

// overrides applies --seed and --set to a decoded config and validates the
// resulting sweep.
func overrides(cfg config.Config, axes []yamlconf.Axis, seed string, sets []string) (*experiments.Plan, error) {
	if seed != "" {
		v, err := strconv.ParseUint(seed, 10, 64)
		if err != nil {
			return nil, usagef("--seed %q is not a whole number between 0 and 18446744073709551615", seed)
		}
		cfg.Seed = v
	}
	for _, s := range sets {
		path, values, err := yamlconf.ParseSet(s)
		if err == nil {
			axes, err = yamlconf.Set(&cfg, axes, path, values)
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
