package experiments

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/chordsim/chordsim/internal/bounded"
	"github.com/chordsim/chordsim/metrics"
)

// manifestFormat names the layout of an output folder.
const manifestFormat = "chordsim-output-1"

// Manifest describes an output folder, DIR/manifest.json: which experiment
// it holds and how complete it is. merge relies on it.
type Manifest struct {
	Format     string `json:"format"`
	Experiment string `json:"experiment"`
	Builtin    string `json:"builtin"`  // the built-in reproduction, "" for a user config
	Shard      string `json:"shard"`    // "i/n", or "" for the whole sweep
	Runs       int    `json:"runs"`     // runs in the whole sweep
	InShard    int    `json:"in_shard"` // runs this folder is responsible for
	Finished   int    `json:"finished"` // runs of the shard that finished
	// Provenance says how the folder was made (build, command line, scale,
	// seed, wall-clock times); nil when the command did not say.
	Provenance *Provenance `json:"provenance,omitempty"`
	// Replicate is the one replicate (1-based) the folder holds, from
	// --replicate; 0 when it holds them all.
	Replicate int `json:"replicate,omitempty"`
	// ConfigSHA256 is the SHA-256 of the folder's config.yaml (the resolved
	// config), which merge checks before trusting a shard.
	ConfigSHA256 string `json:"config_sha256"`
}

// maxManifestBytes bounds manifest.json, a few hundred bytes when sound.
const maxManifestBytes = 1 << 20

// Claim checks that the output folder dir may receive the results m
// describes, before anything is written into it: dir is new or empty, or it
// holds the same experiment (name and built-in; its sweep may have grown),
// and a shard or a single replicate goes only into a folder of that same
// shard or replicate, since its results.csv holds only those runs. Then it
// writes m (with nothing finished yet) so that a run killed before its end
// leaves a folder that the same command resumes.
func Claim(dir string, m Manifest) error {
	if err := CheckOutDir(dir, m); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("output folder %s cannot be created: %v; choose another --out", dir, err)
	}
	m.Finished = 0
	return WriteManifest(dir, m)
}

// CheckOutDir is Claim's check alone: it writes nothing.
func CheckOutDir(dir string, m Manifest) error {
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("output folder %s cannot be read: %v; choose another --out", dir, err)
	}
	if len(entries) > 0 {
		old, err := ReadManifest(dir)
		if err != nil {
			return fmt.Errorf("output folder %s is not empty and %v; write to a new or empty folder (--out), or delete it first", dir, err)
		}
		what := func(x Manifest) string {
			s := fmt.Sprintf("experiment %q", x.Experiment)
			if x.Builtin != "" {
				s = fmt.Sprintf("built-in %s", x.Builtin)
			}
			if x.Shard != "" {
				s += ", shard " + x.Shard
			}
			if x.Replicate > 0 {
				s += fmt.Sprintf(", replicate %d only", x.Replicate-1)
			}
			return s
		}
		switch {
		case old.Experiment != m.Experiment || old.Builtin != m.Builtin:
			return fmt.Errorf("output folder %s holds the results of %s, not %s; write to another folder (--out), or delete %s first", dir, what(old), what(m), dir)
		case m.Shard != "" && old.Shard != m.Shard, m.Replicate > 0 && old.Replicate != m.Replicate:
			return fmt.Errorf("output folder %s holds %s; writing %s into it would replace its results with a part of them; write to another folder (--out %s), or delete %s first", dir, what(old), what(m), dir+"-part", dir)
		}
	}
	return nil
}

// WriteManifest writes DIR/manifest.json.
func WriteManifest(dir string, m Manifest) error {
	m.Format = manifestFormat
	return metrics.WriteFileAtomic(filepath.Join(dir, "manifest.json"), func(w io.Writer) error {
		return metrics.WriteJSON(w, m)
	})
}

// ReadManifest reads DIR/manifest.json, refusing folders that are not
// chordsim outputs.
func ReadManifest(dir string) (Manifest, error) {
	var m Manifest
	b, err := bounded.ReadFile(filepath.Join(dir, "manifest.json"), maxManifestBytes)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return m, fmt.Errorf("%s is not a chordsim output folder (it has no manifest.json)", dir)
		}
		return m, fmt.Errorf("%s is not a chordsim output folder: %v", dir, err)
	}
	if err := json.Unmarshal(b, &m); err != nil || m.Format != manifestFormat {
		return m, fmt.Errorf("%s/manifest.json is not a chordsim %s manifest", dir, manifestFormat)
	}
	return m, nil
}

// RunsDir is where an output folder keeps its run records.
func RunsDir(dir string) string { return filepath.Join(dir, "runs") }

// Gather collects the runs of plan from the run records of several output
// folders (shards). It reports every missing run as an error, so a merge
// never writes partial results.
func Gather(plan *Plan, dirs []string) (*Outcome, error) {
	out := &Outcome{Plan: plan, Results: make([]*RunResult, plan.Runs())}
	R := plan.Base.Replicates
	missing, first := 0, -1
	for i := range out.Results {
		pt := &plan.Points[i/R]
		digest := runDigest(pt, ReplicateSeed(plan.Base.Seed, i%R))
		for _, d := range dirs {
			r, err := (runStore{dir: RunsDir(d)}).load(digest)
			if errors.Is(err, errNoRecord) {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("%v; rerun the command of the shard in %s (it makes that run again) and merge again", err, d)
			}
			out.Results[i] = r
			break
		}
		if out.Results[i] == nil {
			missing++
			if first < 0 {
				first = i
			}
		}
	}
	if missing > 0 {
		return nil, fmt.Errorf("incomplete: %d of %d runs are missing (the first is point %d, replicate %d); finish the shards that hold them (rerun their command: finished runs are kept) and merge again",
			missing, plan.Runs(), plan.Points[first/R].Index, first%R)
	}
	return out, nil
}

// CopyRuns copies the records of o's runs into dir's runs folder, so that a
// merged folder is complete in itself.
func CopyRuns(dir string, o *Outcome) error {
	store := runStore{dir: RunsDir(dir)}
	R := o.Plan.Base.Replicates
	for i, r := range o.Results {
		if r == nil {
			continue
		}
		pt := &o.Plan.Points[i/R]
		if err := store.store(runDigest(pt, r.Seed), r); err != nil {
			return err
		}
	}
	return nil
}
