package experiments

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

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
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
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
		key := RunKey(pt, ReplicateSeed(plan.Base.Seed, i%R))
		for _, d := range dirs {
			if r, ok := (runStore{dir: RunsDir(d)}).load(key); ok {
				out.Results[i] = r
				break
			}
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
		if err := store.store(RunKey(pt, r.Seed), r); err != nil {
			return err
		}
	}
	return nil
}
