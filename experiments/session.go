package experiments

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/chordsim/chordsim/config"
	"github.com/chordsim/chordsim/internal/yamlconf"
	"github.com/chordsim/chordsim/run"
)

// Session runs a plan, or one shard or replicate of it, into an output
// folder, or merges the folders of finished shards into one. `chordsim run`,
// `repro` and `merge` all write their folders through it, so the folders
// hold the same files in the same form whichever command made them.
type Session struct {
	Plan    *Plan
	Dir     string
	Builtin string // the built-in experiment's name, recorded in manifest.json; "" for a user's config
	// Figures draws the plots and comparison tables of a whole, finished
	// sweep into Dir (the built-in figures); nil draws none.
	Figures   func(dir string, o *Outcome) error
	Workers   int              // parallel runs; 0 means GOMAXPROCS
	Shard     Shard            // the slice of the sweep to run; the zero value runs all
	Replicate int              // run only this replicate (1-based) of every point; 0 runs all
	Progress  func(done int)   // called as runs finish; may be nil
	Warn      func(msg string) // told about stored runs that cannot be used (see ExecOptions); may be nil
	Memory    uint64           // see ExecOptions.Memory
	Tracker   *Tracker         // follows the work inside the runs; may be nil
	// Provenance, if not nil, is recorded in manifest.json, with the
	// plan's seed and the end time filled in when the folder is written.
	Provenance *Provenance
}

// memoryCheck refuses, as an *InputError, a session whose runs would not
// fit in memory Workers at a time (see ExecOptions.Memory).
func (s *Session) memoryCheck() error {
	budget := s.Memory
	switch budget {
	case 0:
		budget = MachineMemory()
	case NoMemoryCheck:
		budget = 0
	}
	R := s.Plan.Base.Replicates
	selected := func(i int) bool {
		return s.Shard.Includes(i) && (s.Replicate <= 0 || i%R == s.Replicate-1)
	}
	if err := checkMemory(s.Plan, selected, s.Workers, budget); err != nil {
		return &InputError{err}
	}
	return nil
}

// manifest is the manifest of the session's folder with finished runs done.
func (s *Session) manifest(finished int) Manifest {
	sum := sha256.Sum256(yamlconf.Encode(&s.Plan.Base, s.Plan.Axes))
	return Manifest{Experiment: s.Plan.Base.Experiment, Builtin: s.Builtin, Shard: s.Shard.String(), Runs: s.Plan.Runs(),
		InShard: s.InShard(), Finished: finished, Replicate: s.Replicate, ConfigSHA256: hex.EncodeToString(sum[:])}
}

// CheckDir reports, as an *InputError, why the session may not write into
// its folder (see CheckOutDir), writing nothing; nil if it may.
func (s *Session) CheckDir() error {
	if err := s.memoryCheck(); err != nil {
		return err
	}
	if err := CheckOutDir(s.Dir, s.manifest(0)); err != nil {
		return &InputError{err}
	}
	return nil
}

// Claim checks that the session may write into its folder (see the
// package's Claim) and that the folder is writable, and marks the folder
// as the session's. A refusal is an *InputError; nothing is written then.
func (s *Session) Claim() error {
	if err := s.memoryCheck(); err != nil {
		return err
	}
	return s.claimDir()
}

// claimDir is Claim without the memory check, for Merge, which runs
// nothing.
func (s *Session) claimDir() error {
	if err := Claim(s.Dir, s.manifest(0)); err != nil {
		return &InputError{err}
	}
	if err := PrepareOutDir(s.Dir); err != nil {
		return &InputError{err}
	}
	return nil
}

// InputError marks an error in what the user gave (an output folder that
// is not one, shards that do not make a whole sweep), as opposed to a
// failure while running or writing.
type InputError struct{ Err error }

// Error is the wrapped error's text, unchanged.
func (e *InputError) Error() string { return e.Err.Error() }

// Unwrap returns the wrapped error.
func (e *InputError) Unwrap() error { return e.Err }

// InShard is the number of runs the session makes.
func (s *Session) InShard() int {
	if s.Replicate <= 0 {
		return s.Shard.Count(s.Plan.Runs())
	}
	n := 0
	for i := 0; i < s.Plan.Runs(); i++ {
		if s.Shard.Includes(i) && i%s.Plan.Base.Replicates == s.Replicate-1 {
			n++
		}
	}
	return n
}

// Run executes the session's runs, reusing the records already in
// Dir/runs (so the same session resumes an interrupted one), and writes
// the folder: the outputs of the finished runs, manifest.json and, when
// the sweep is whole (no shard) and finished, the figures. A run that
// broke a ring invariant (*run.ViolationError) stops the session before
// anything is written. When ctx is cancelled the finished runs are still
// written, and Run returns them with ctx's error.
func (s *Session) Run(ctx context.Context) (*Outcome, error) {
	if err := s.Claim(); err != nil {
		return nil, err
	}
	o, runErr := ExecuteWith(ctx, s.Plan, ExecOptions{Workers: s.Workers, Progress: s.Progress, Tracker: s.Tracker, RunsDir: RunsDir(s.Dir), Shard: s.Shard, Replicate: s.Replicate, Warn: s.Warn, Memory: s.Memory})
	var ve *run.ViolationError
	if errors.As(runErr, &ve) {
		return nil, runErr
	}
	interrupted := runErr != nil && ctx.Err() != nil
	if runErr != nil && !interrupted {
		return nil, runErr
	}
	if err := s.save(o, !interrupted && s.Shard.N == 0); err != nil {
		return nil, err
	}
	return o, runErr
}

// Merge gathers the runs of the session's plan from the folders of its
// shards and writes the folder an unsharded Run would have written, run
// records included. It writes nothing if a run is missing.
func (s *Session) Merge(dirs []string) (*Outcome, error) {
	if s.Shard.N != 0 || s.Replicate != 0 {
		return nil, errors.New("experiments: Merge of a session with a shard or replicate filter")
	}
	o, err := Gather(s.Plan, dirs)
	if err != nil {
		return nil, &InputError{err}
	}
	if err := s.claimDir(); err != nil {
		return nil, err
	}
	if err := CopyRuns(s.Dir, o); err != nil {
		return nil, err
	}
	if err := s.save(o, true); err != nil {
		return nil, err
	}
	return o, nil
}

// save writes the outputs, the manifest and, if figures is set, the
// figures.
func (s *Session) save(o *Outcome, figures bool) error {
	if err := WriteOutputs(s.Dir, o); err != nil {
		return err
	}
	m := s.manifest(o.Finished())
	if s.Provenance != nil {
		p := *s.Provenance
		p.Seed, p.End = s.Plan.Base.Seed, now()
		m.Provenance = &p
	}
	if err := WriteManifest(s.Dir, m); err != nil {
		return err
	}
	if figures && s.Figures != nil {
		return s.Figures(s.Dir, o)
	}
	return nil
}

// OpenShards reads the sweep that the output folders dirs hold, shards of
// one run or repro: each must be a chordsim output folder (manifest.json
// and config.yaml), and all must hold the same resolved config and
// built-in. It returns the plan of that sweep and the built-in's name ("" for
// a user's config), for a Session to Merge. Every error is an *InputError.
func OpenShards(dirs []string) (*Plan, string, error) {
	var cfgText []byte
	var first Manifest
	for i, d := range dirs {
		m, err := ReadManifest(d)
		if err != nil {
			return nil, "", &InputError{err}
		}
		b, err := config.ReadFile(filepath.Join(d, "config.yaml"))
		if err != nil {
			return nil, "", &InputError{err}
		}
		if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != m.ConfigSHA256 {
			return nil, "", &InputError{fmt.Errorf("%s/config.yaml fails its checksum in manifest.json (it was edited, or the folder was written by an older chordsim); rerun the shard's command into a new folder and merge again", d)}
		}
		if m.Replicate > 0 {
			return nil, "", &InputError{fmt.Errorf("%s holds replicate %d only (--replicate); merge takes shards of whole sweeps (--shard)", d, m.Replicate-1)}
		}
		if i == 0 {
			cfgText, first = b, m
			continue
		}
		if !bytes.Equal(b, cfgText) || m.Builtin != first.Builtin {
			return nil, "", &InputError{fmt.Errorf("%s holds a different sweep from %s (config.yaml differs); merge only shards of one config", d, dirs[0])}
		}
	}
	cfg, axes, err := config.Parse(cfgText, filepath.Join(dirs[0], "config.yaml"))
	if err != nil {
		return nil, "", &InputError{err}
	}
	plan, err := NewPlan(cfg, axes)
	if err != nil {
		return nil, "", &InputError{err}
	}
	return plan, first.Builtin, nil
}
