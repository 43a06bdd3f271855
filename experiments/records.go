package experiments

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/config"
	"github.com/chordsim/chordsim/internal/bounded"
	"github.com/chordsim/chordsim/internal/yamlconf"
	"github.com/chordsim/chordsim/metrics"
	"github.com/chordsim/chordsim/run"
	"github.com/chordsim/chordsim/sim"
)

// recordFormat names the layout of run records; a record of another format
// is ignored (the run is simply made again).
const recordFormat = "chordsim-run-6"

// maxRecordBytes bounds a run record on disk. A record holds two histograms
// (hops: at most a few hundred bins; load: one bin per load value, at most
// the keys placed) and a few dozen numbers, so a larger file is not one.
const maxRecordBytes = 64 << 20

// RunKey identifies a run by what determines its results: the resolved
// config of its sweep point and its seed. The experiment's name, master seed
// and replicate count are left out, so adding replicates or renaming an
// experiment reuses the runs already made.
func RunKey(pt *PlanPoint, seed uint64) string {
	return runDigest(pt, seed)[:32]
}

// runDigest is the full SHA-256 (hex) of what determines a run; RunKey is
// its first half, and records keep the whole as their config checksum.
func runDigest(pt *PlanPoint, seed uint64) string {
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
	if pt.matrixDigest != "" {
		fmt.Fprintf(h, "matrix %s\n", pt.matrixDigest)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// runRecord is one finished run on disk, DIR/runs/KEY.json: everything the
// outputs are built from, with floats written exactly (shortest round-trip
// form), so that outputs rebuilt from records are byte-identical to outputs
// built from the runs themselves.
//
// Config is the full digest of the config and seed that made the run
// (runDigest), and Checksum the SHA-256 of the record's JSON with Checksum
// empty: a record edited or damaged on disk fails one or the other and is
// not used.
type runRecord struct {
	Format   string   `json:"format"`
	Key      string   `json:"key"`
	Config   string   `json:"config_sha256"`
	Checksum string   `json:"checksum"`
	Seed     string   `json:"seed"`
	Columns  []string `json:"columns"`
	Values   []string `json:"values"`
	Hops     []uint64 `json:"hops"`
	S01Path  []uint64 `json:"s01_path"`
	Load     []uint64 `json:"load"`
	Outcomes []int    `json:"outcomes"`
	// Series is the run's time series (timeseries.every), one row per
	// sample in seriesRow's layout; absent when it is off.
	Series [][]int64 `json:"series,omitempty"`
}

// seriesWidth is the length of a record's time series row: the time in
// nanoseconds, live, joins, fails, leaves, started, done, the outcomes,
// lost keys, messages sent by kind, their bytes by kind, then the pointer
// samples: their count, the five sums (float64 bits, exact) and the count
// of aged samples.
const seriesWidth = 7 + chord.NumOutcomes + 1 + 2*chord.NumMsgKinds + 7

func seriesRow(s *run.Sample) []int64 {
	row := []int64{int64(s.At), int64(s.Live), int64(s.Joins), int64(s.Fails), int64(s.Leaves), int64(s.Started), int64(s.Done)}
	for _, o := range s.Outcomes {
		row = append(row, int64(o))
	}
	row = append(row, int64(s.LostKey))
	for _, m := range s.Sent {
		row = append(row, int64(m))
	}
	for _, b := range s.Bytes {
		row = append(row, int64(b))
	}
	p := &s.Pointers
	row = append(row, int64(p.Samples))
	for _, f := range []float64{p.WrongSuccessor, p.DeadSuccessor, p.DeadSuccessors2, p.DeadFinger, p.FingerAge} {
		row = append(row, int64(math.Float64bits(f)))
	}
	return append(row, int64(p.AgeSamples))
}

func sampleFrom(row []int64) run.Sample {
	s := run.Sample{At: sim.Duration(row[0]), Live: int(row[1]), Joins: int(row[2]), Fails: int(row[3]), Leaves: int(row[4]), Started: int(row[5]), Done: int(row[6])}
	k := 7
	for i := range s.Outcomes {
		s.Outcomes[i] = int(row[k])
		k++
	}
	s.LostKey = int(row[k])
	k++
	for i := range s.Sent {
		s.Sent[i] = uint64(row[k])
		k++
	}
	for i := range s.Bytes {
		s.Bytes[i] = uint64(row[k])
		k++
	}
	p := &s.Pointers
	p.Samples = int(row[k])
	k++
	for _, f := range []*float64{&p.WrongSuccessor, &p.DeadSuccessor, &p.DeadSuccessors2, &p.DeadFinger, &p.FingerAge} {
		*f = math.Float64frombits(uint64(row[k]))
		k++
	}
	p.AgeSamples = int(row[k])
	return s
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

func newRecord(digest string, r *RunResult) *runRecord {
	rec := &runRecord{Format: recordFormat, Key: digest[:32], Config: digest, Seed: strconv.FormatUint(r.Seed, 10), Columns: metricNames(),
		Hops: histCounts(&r.Hops), S01Path: histCounts(&r.S01Path), Load: histCounts(&r.Load), Outcomes: r.Outcomes[:]}
	for i := range r.Series {
		rec.Series = append(rec.Series, seriesRow(&r.Series[i]))
	}
	for _, v := range r.Values {
		rec.Values = append(rec.Values, strconv.FormatFloat(v, 'g', -1, 64))
	}
	rec.Checksum = rec.sum()
	return rec
}

// sum is the checksum of the record: SHA-256 of its JSON with Checksum
// empty (encoding/json writes struct fields in a fixed order).
func (rec *runRecord) sum() string {
	c := *rec
	c.Checksum = ""
	b, err := json.Marshal(&c)
	if err != nil {
		panic("experiments: run record does not encode: " + err.Error())
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
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
	r := &RunResult{Result: run.Result{Seed: seed, Hops: histFrom(rec.Hops), S01Path: histFrom(rec.S01Path), Load: histFrom(rec.Load)}, Values: make([]float64, len(rec.Values))}
	copy(r.Outcomes[:], rec.Outcomes)
	for _, row := range rec.Series {
		if len(row) != seriesWidth {
			return nil, errors.New("record with another time series layout")
		}
		r.Series = append(r.Series, sampleFrom(row))
	}
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

// errNoRecord is load's error when no record of the run is stored.
var errNoRecord = errors.New("no record")

// load returns the stored run of this digest (runDigest). It returns
// errNoRecord if there is none, and an error that names the file and what
// is wrong with it if there is one that cannot be trusted: too large, not
// a record, of another format, made by another config, or failing its
// checksum.
func (s runStore) load(digest string) (*RunResult, error) {
	path := s.path(digest[:32])
	b, err := bounded.ReadFile(path, maxRecordBytes)
	var tl *bounded.TooLargeError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, errNoRecord
	case errors.As(err, &tl):
		return nil, fmt.Errorf("%v, so it is not a run record", err)
	case err != nil:
		return nil, err
	}
	var rec runRecord
	if err := json.Unmarshal(b, &rec); err != nil {
		return nil, fmt.Errorf("%s is not a run record (%v)", path, err)
	}
	switch {
	case rec.Format != recordFormat:
		return nil, fmt.Errorf("%s is a run record of format %q, not %s", path, rec.Format, recordFormat)
	case rec.Config != digest:
		return nil, fmt.Errorf("%s was made by another config or seed (its config checksum differs)", path)
	case rec.Checksum != rec.sum():
		return nil, fmt.Errorf("%s fails its checksum (it was edited or damaged)", path)
	}
	return rec.result()
}

// store writes a run's record atomically.
func (s runStore) store(digest string, r *RunResult) error {
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return err
	}
	return metrics.WriteFileAtomic(s.path(digest[:32]), func(w io.Writer) error {
		return json.NewEncoder(w).Encode(newRecord(digest, r))
	})
}
