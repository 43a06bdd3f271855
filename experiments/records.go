package experiments

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/config"
	"github.com/chordsim/chordsim/internal/yamlconf"
	"github.com/chordsim/chordsim/metrics"
	"github.com/chordsim/chordsim/run"
)

// recordFormat names the layout of run records; a record of another format
// is ignored (the run is simply made again).
const recordFormat = "chordsim-run-3"

// RunKey identifies a run by what determines its results: the resolved
// config of its sweep point and its seed. The experiment's name, master seed
// and replicate count are left out, so adding replicates or renaming an
// experiment reuses the runs already made.
func RunKey(pt *PlanPoint, seed uint64) string {
	c := pt.Config
	c.Experiment, c.Seed, c.Replicates = "", 0, 1
	c.Plots = config.PlotsConfig{} // what is drawn is no part of the run
	h := sha256.New()
	io.WriteString(h, recordFormat+"\n")
	h.Write(yamlconf.Encode(&c, nil))
	fmt.Fprintf(h, "\nseed %d\n", seed)
	if pt.requestsDigest != "" {
		fmt.Fprintf(h, "requests %d %s\n", len(pt.requests), pt.requestsDigest)
	}
	if pt.traceDigest != "" {
		// The trace file's contents, not just its name, determine the run.
		fmt.Fprintf(h, "trace %s\n", pt.traceDigest)
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// runRecord is one finished run on disk, DIR/runs/KEY.json: everything the
// outputs are built from, with floats written exactly (shortest round-trip
// form), so that outputs rebuilt from records are byte-identical to outputs
// built from the runs themselves.
type runRecord struct {
	Format   string   `json:"format"`
	Key      string   `json:"key"`
	Seed     string   `json:"seed"`
	Columns  []string `json:"columns"`
	Values   []string `json:"values"`
	Hops     []uint64 `json:"hops"`
	Load     []uint64 `json:"load"`
	Outcomes []int    `json:"outcomes"`
}

func histCounts(h *metrics.IntHist) []uint64 {
	c := make([]uint64, h.Len())
	for v := range c {
		c[v] = h.Count(v)
	}
	return c
}

func histFrom(counts []uint64) metrics.IntHist {
	var h metrics.IntHist
	for v, c := range counts {
		if c > 0 {
			h.AddN(v, c)
		}
	}
	return h
}

func metricNames() []string {
	names := make([]string, len(metricsList))
	for i, m := range metricsList {
		names[i] = m.name
	}
	return names
}

func newRecord(key string, r *RunResult) *runRecord {
	rec := &runRecord{Format: recordFormat, Key: key, Seed: strconv.FormatUint(r.Seed, 10), Columns: metricNames(),
		Hops: histCounts(&r.Hops), Load: histCounts(&r.Load), Outcomes: r.Outcomes[:]}
	for _, v := range r.Values {
		rec.Values = append(rec.Values, strconv.FormatFloat(v, 'g', -1, 64))
	}
	return rec
}

// result rebuilds the parts of a RunResult that outputs use.
func (rec *runRecord) result() (*RunResult, error) {
	if rec.Format != recordFormat || len(rec.Values) != len(metricsList) || len(rec.Outcomes) != chord.NumOutcomes {
		return nil, errors.New("record of another format")
	}
	for i, c := range rec.Columns {
		if i >= len(metricsList) || metricsList[i].name != c {
			return nil, errors.New("record with other columns")
		}
	}
	seed, err := strconv.ParseUint(rec.Seed, 10, 64)
	if err != nil {
		return nil, err
	}
	r := &RunResult{Result: run.Result{Seed: seed, Hops: histFrom(rec.Hops), Load: histFrom(rec.Load)}, Values: make([]float64, len(rec.Values))}
	copy(r.Outcomes[:], rec.Outcomes)
	for i, s := range rec.Values {
		if r.Values[i], err = strconv.ParseFloat(s, 64); err != nil && !math.IsInf(r.Values[i], 0) {
			return nil, err
		}
	}
	return r, nil
}

// runStore keeps run records in a folder.
type runStore struct{ dir string }

func (s runStore) path(key string) string { return filepath.Join(s.dir, key+".json") }

// load returns the stored run with this key, if a valid one exists.
func (s runStore) load(key string) (*RunResult, bool) {
	b, err := os.ReadFile(s.path(key))
	if err != nil {
		return nil, false
	}
	var rec runRecord
	if json.Unmarshal(b, &rec) != nil || rec.Key != key {
		return nil, false
	}
	r, err := rec.result()
	return r, err == nil
}

// store writes a run's record atomically.
func (s runStore) store(key string, r *RunResult) error {
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return err
	}
	return metrics.WriteFileAtomic(s.path(key), func(w io.Writer) error {
		return json.NewEncoder(w).Encode(newRecord(key, r))
	})
}
