package experiments

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"

	"github.com/chordsim/chordsim/churn"
	"github.com/chordsim/chordsim/config"
	"github.com/chordsim/chordsim/internal/bounded"
	"github.com/chordsim/chordsim/internal/yamlconf"
	"github.com/chordsim/chordsim/run"
	"github.com/chordsim/chordsim/sim"
	"github.com/chordsim/chordsim/topology"
	"github.com/chordsim/chordsim/workload"

	"golang.org/x/sync/errgroup"
)

// Plan is a validated experiment: the base config, its sweep axes, and one
// fully resolved config per sweep point.
type Plan struct {
	Base   config.Config
	Axes   []yamlconf.Axis
	Points []PlanPoint
}

// PlanPoint is one sweep point.
type PlanPoint struct {
	Index  int
	Assign []yamlconf.Assignment
	Config config.Config
	// trace is the parsed churn.trace file and traceDigest the SHA-256 of
	// its bytes (part of the run key), loaded when the plan is made.
	trace       *churn.Trace
	traceDigest string
	// requests is the parsed kv.file and requestsDigest the SHA-256 of
	// its bytes (part of the run key).
	requests       []workload.Request
	requestsDigest string
	// matrix is the parsed network.matrix.file and matrixDigest the
	// SHA-256 of its bytes (part of the run key).
	matrix       *topology.Matrix
	matrixDigest string
}

// Runs is the number of runs the plan makes.
func (p *Plan) Runs() int { return len(p.Points) * p.Base.Replicates }

// maxRuns bounds a sweep so that a typo ("n: [1..100000]" style lists) does
// not start a week of work.
const maxRuns = 1_000_000

// NewPlan validates base with its axes and expands the sweep. Every problem
// of every point is reported, each line naming the point.
func NewPlan(base config.Config, axes []yamlconf.Axis) (*Plan, error) {
	p := &Plan{Base: base, Axes: axes}
	if n := yamlconf.Count(axes); n > maxRuns || (base.Replicates > 0 && n*base.Replicates > maxRuns) {
		return nil, fmt.Errorf("the sweep has too many runs (%d points × %d replicates); at most %d", n, base.Replicates, maxRuns)
	}
	var problems []string
	if err := p.checkPlots(); err != nil {
		problems = append(problems, err.Error())
	}
	seen := map[string]bool{}
	// Validate's problems, each with the sweep points it occurs at, in
	// order of first appearance: one line per problem, not per point.
	var order []string
	at := map[string][]string{}
	traces := map[string]loadedTrace{}
	requestFiles := map[string]loadedRequests{}
	matrices := map[string]loadedMatrix{}
	for _, pt := range yamlconf.Expand(axes) {
		c := base
		for _, a := range pt.Assign {
			if err := yamlconf.Apply(&c, a.Path, a.Value); err != nil {
				return nil, fmt.Errorf("%s=%s: %v", a.Path, a.Value, err)
			}
		}
		if err := c.Validate(); err != nil {
			var parts []string
			for _, a := range pt.Assign {
				parts = append(parts, a.Path+"="+a.Value)
			}
			for _, line := range strings.Split(err.Error(), "\n") {
				if _, ok := at[line]; !ok {
					order = append(order, line)
				}
				at[line] = append(at[line], strings.Join(parts, ", "))
			}
			continue
		}
		point := PlanPoint{Index: pt.Index, Assign: pt.Assign, Config: c}
		if c.Churn.Trace != "" {
			tr, ok := traces[c.Churn.Trace]
			if !ok {
				var err error
				tr, err = loadTrace(c.Churn.Trace, c.N*c.Chord.VirtualNodes)
				if err != nil {
					if !seen[err.Error()] {
						seen[err.Error()] = true
						problems = append(problems, "churn.trace: "+err.Error())
					}
					continue
				}
				traces[c.Churn.Trace] = tr
			}
			point.trace, point.traceDigest = tr.trace, tr.digest
		}
		if c.KV.File != "" {
			mode, _ := workload.ParseMode(c.KV.RequestType)
			fk := c.KV.File + "\x00" + mode.String()
			rf, ok := requestFiles[fk]
			if !ok {
				var err error
				rf, err = loadRequests(c.KV.File, mode)
				if err != nil {
					if !seen[err.Error()] {
						seen[err.Error()] = true
						problems = append(problems, "kv.file: "+err.Error())
					}
					continue
				}
				requestFiles[fk] = rf
			}
			point.requests, point.requestsDigest = rf.requests, rf.digest
		}
		if c.Network.Kind == "matrix" {
			mk := c.Network.Matrix.File + "\x00" + c.Network.Matrix.Symmetry
			lm, ok := matrices[mk]
			if !ok {
				var err error
				lm, err = loadMatrix(c.Network.Matrix)
				if err != nil {
					if !seen[err.Error()] {
						seen[err.Error()] = true
						problems = append(problems, "network.matrix.file: "+err.Error())
					}
					continue
				}
				matrices[mk] = lm
			}
			point.matrix, point.matrixDigest = lm.matrix, lm.digest
		}
		p.Points = append(p.Points, point)
	}
	points := yamlconf.Count(axes)
	var lines []string
	for _, line := range order {
		lines = append(lines, line+whereText(at[line], points))
	}
	lines = append(lines, problems...)
	if len(lines) > 0 {
		return nil, errors.New(strings.Join(Bounded(lines, maxProblemLines), "\n"))
	}
	return p, nil
}

// maxProblemLines bounds the problems reported at once; the rest are
// counted in one more line.
const maxProblemLines = 20

// Bounded returns at most max of lines, the last of them saying how many
// more there were.
func Bounded(lines []string, max int) []string {
	if len(lines) <= max {
		return lines
	}
	return append(lines[:max-1:max-1], fmt.Sprintf("and %d more problems; fix these first", len(lines)-max+1))
}

// whereText names the sweep points a problem occurs at: nothing if there is
// no sweep or the problem is at every point, else up to three of them.
func whereText(points []string, total int) string {
	switch {
	case points[0] == "" || (len(points) == total && total > 1):
		return ""
	case len(points) == 1:
		return " (sweep point " + points[0] + ")"
	case len(points) <= 3:
		return " (sweep points " + strings.Join(points, "; ") + ")"
	}
	return fmt.Sprintf(" (sweep points %s; and %d more)", strings.Join(points[:3], "; "), len(points)-3)
}

// loadedTrace is a parsed trace file and the digest of its bytes.
type loadedTrace struct {
	trace  *churn.Trace
	digest string
}

// loadTrace reads and parses a trace file, before any run, so that a bad
// line is reported with its number and nothing is run.
func loadTrace(path string, initial int) (loadedTrace, error) {
	src, err := readInput(path, churn.MaxTraceBytes, "a trace is TIME VERB NODE lines, a few bytes each; check the path or split the trace")
	if err != nil {
		return loadedTrace{}, err
	}
	tr, err := churn.ParseTrace(bytes.NewReader(src), path, initial)
	if err != nil {
		return loadedTrace{}, err
	}
	sum := sha256.Sum256(src)
	return loadedTrace{tr, hex.EncodeToString(sum[:])}, nil
}

// readInput reads an input file named in a config, at most limit bytes of
// it; fix says what to do about a longer one.
func readInput(path string, limit int64, fix string) ([]byte, error) {
	src, err := bounded.ReadFile(path, limit)
	var tl *bounded.TooLargeError
	switch {
	case errors.As(err, &tl):
		return nil, fmt.Errorf("%v; %s", err, fix)
	case err != nil:
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("cannot read %s: %v", path, err)
	}
	return src, nil
}

// loadedRequests is a parsed kv.file and the digest of its bytes.
type loadedRequests struct {
	requests []workload.Request
	digest   string
}

// loadRequests reads and parses a request file before any run, so that a
// malformed line is reported with its number and nothing is run.
func loadRequests(path string, mode workload.Mode) (loadedRequests, error) {
	src, err := readInput(path, workload.MaxFileBytes, "check the path, or shorten the file")
	if err != nil {
		return loadedRequests{}, err
	}
	reqs, err := workload.Parse(bytes.NewReader(src), path, mode)
	if err != nil {
		return loadedRequests{}, err
	}
	sum := sha256.Sum256(src)
	return loadedRequests{reqs, hex.EncodeToString(sum[:])}, nil
}

// loadedMatrix is a parsed network.matrix.file and the digest of its
// bytes.
type loadedMatrix struct {
	matrix *topology.Matrix
	digest string
}

// loadMatrix reads and parses a round-trip matrix file before any run, so
// that a malformed, asymmetric or non-square matrix is reported with its
// line and nothing is run.
func loadMatrix(c topology.MatrixConfig) (loadedMatrix, error) {
	src, err := readInput(c.File, topology.MaxFileBytes, "a matrix of 8,192 hosts is far smaller; check the path")
	if err != nil {
		return loadedMatrix{}, err
	}
	sym, err := topology.ParseSymmetry(c.Symmetry)
	if err != nil {
		return loadedMatrix{}, err
	}
	m, err := topology.ReadMatrix(src, c.File, sym)
	if err != nil {
		return loadedMatrix{}, err
	}
	sum := sha256.Sum256(src)
	return loadedMatrix{m, hex.EncodeToString(sum[:])}, nil
}

// ReplicateSeed is the seed of replicate k under master seed s. It does not
// depend on the sweep point, so points share random streams (common random
// numbers: differences between points are not noise from different draws),
// and adding a point never changes another point's results.
func ReplicateSeed(master uint64, k int) uint64 {
	return sim.Seed(master, "replicate", strconv.Itoa(k))
}

// Outcome of a sweep: Results[i] belongs to run i in (point, replicate)
// order; nil where the run did not finish (interrupted).
type Outcome struct {
	Plan    *Plan
	Results []*RunResult
}

// Finished counts the runs that completed.
func (o *Outcome) Finished() int {
	n := 0
	for _, r := range o.Results {
		if r != nil {
			n++
		}
	}
	return n
}

// Shard selects the i-th of n deterministic slices of a sweep's runs (1 ≤
// I ≤ N): the runs whose index, in (point, replicate) order, is I−1 modulo
// N. The zero value selects every run.
type Shard struct{ I, N int }

// Includes reports whether run i belongs to the shard.
func (s Shard) Includes(i int) bool { return s.N == 0 || i%s.N == s.I-1 }

// String renders the shard as i/n ("" for no sharding).
func (s Shard) String() string {
	if s.N == 0 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.I, s.N)
}

// ParseShard reads "i/n" with 1 ≤ i ≤ n.
func ParseShard(text string) (Shard, error) {
	is, ns, ok := strings.Cut(text, "/")
	i, err1 := strconv.Atoi(is)
	n, err2 := strconv.Atoi(ns)
	if !ok || err1 != nil || err2 != nil {
		return Shard{}, fmt.Errorf("--shard %q is not i/n with whole numbers (for example 2/8)", text)
	}
	if n < 1 || i < 1 || i > n {
		return Shard{}, fmt.Errorf("--shard %q: need 1 ≤ i ≤ n", text)
	}
	return Shard{I: i, N: n}, nil
}

// Count is the number of the plan's runs in the shard.
func (s Shard) Count(runs int) int {
	n := 0
	for i := 0; i < runs; i++ {
		if s.Includes(i) {
			n++
		}
	}
	return n
}

// BugError is a panic inside a run, caught so that the sweep stops with an
// error rather than a crash: a panic is a programmer error (input is
// checked before any run), and the command reports it as a bug.
type BugError struct {
	Value any    // what was passed to panic
	Stack []byte // the goroutine's stack where it was recovered
}

// Error says it is a bug and what the panic said.
func (e *BugError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

// ExecOptions tune Execute.
type ExecOptions struct {
	Workers  int            // parallel runs; 0 means GOMAXPROCS
	Progress func(done int) // called after each run of the shard is available (made or loaded)
	RunsDir  string         // if set, finished runs are stored here and reused on the next Execute
	Shard    Shard          // which runs to make
	// Replicate, when positive, keeps only replicate Replicate−1 of every
	// point (the 1-based form keeps the zero value meaning "all"); used to
	// rerun the one run that broke an invariant.
	Replicate int
	Ran       func(index int) // called when a run was made (not loaded); for tests
	// Tracker, if set, follows the work of the runs as they go, for a
	// progress display that redraws between runs.
	Tracker *Tracker
	// Warn, if set, is told about stored records that are not used (edited,
	// damaged, of another config): their runs are made again.
	Warn func(msg string)
	// Memory is the memory the runs may take together, in bytes; a sweep
	// whose largest runs, Workers at a time, would need more is refused
	// before any run (an *InputError). 0 means MachineMemory(); use
	// NoMemoryCheck to turn the check off.
	Memory uint64
}

// NoMemoryCheck as ExecOptions.Memory turns the memory check off.
const NoMemoryCheck = ^uint64(0)

// maxWarnings bounds the lines Warn is given about unusable records; the
// rest are counted in one more line.
const maxWarnings = 3

// Execute runs every run of the plan on up to workers goroutines with no
// store and no sharding. See ExecuteWith.
func Execute(ctx context.Context, plan *Plan, workers int, progress func(done int)) (*Outcome, error) {
	return ExecuteWith(ctx, plan, ExecOptions{Workers: workers, Progress: progress})
}

// ExecuteWith runs the plan's runs (those of opts.Shard), one simulation per
// goroutine, and stores each result at its run's index, so the merged output
// does not depend on which finishes first. With RunsDir, a run whose record
// is already stored (same RunKey) is loaded instead of made, and every run
// made is stored as soon as it finishes: an interrupted sweep resumes where
// it stopped. A cancelled ctx stops the sweep: ExecuteWith returns the runs
// that finished and ctx's error.
func ExecuteWith(ctx context.Context, plan *Plan, opts ExecOptions) (*Outcome, error) {
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	out := &Outcome{Plan: plan, Results: make([]*RunResult, plan.Runs())}
	store := runStore{dir: opts.RunsDir}
	var mu sync.Mutex
	done := 0
	report := func() {
		if opts.Progress != nil {
			mu.Lock()
			done++
			d := done
			mu.Unlock()
			opts.Progress(d)
		}
	}
	R := plan.Base.Replicates
	keys := make([]string, len(out.Results))
	bad := 0
	selected := func(i int) bool {
		return opts.Shard.Includes(i) && (opts.Replicate <= 0 || i%R == opts.Replicate-1)
	}
	budget := opts.Memory
	switch budget {
	case 0:
		budget = MachineMemory()
	case NoMemoryCheck:
		budget = 0
	}
	if err := checkMemory(plan, selected, workers, budget); err != nil {
		return nil, &InputError{err}
	}
	if opts.Tracker != nil {
		runs, work := 0, int64(0)
		for i := range out.Results {
			if selected(i) {
				runs++
				work += pointWork(&plan.Points[i/R])
			}
		}
		opts.Tracker.add(runs, work)
	}
	for i := range out.Results {
		if !selected(i) {
			continue
		}
		pt := &plan.Points[i/R]
		keys[i] = runDigest(pt, ReplicateSeed(plan.Base.Seed, i%R))
		if opts.RunsDir != "" {
			r, err := store.load(keys[i])
			switch {
			case err == nil:
				out.Results[i] = r
				opts.Tracker.end(nil, pointWork(pt), r.events())
				report()
			case !errors.Is(err, errNoRecord):
				bad++
				if bad <= maxWarnings && opts.Warn != nil {
					opts.Warn(err.Error() + "; the run is made again")
				}
			}
		}
	}
	if bad > maxWarnings && opts.Warn != nil {
		opts.Warn(fmt.Sprintf("and %d more stored runs cannot be used; they are made again", bad-maxWarnings))
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for i := range out.Results {
		if !selected(i) || out.Results[i] != nil {
			continue
		}
		if gctx.Err() != nil {
			break
		}
		pt := &plan.Points[i/R]
		k := i % R
		g.Go(func() (err error) {
			defer func() {
				if r := recover(); r != nil {
					err = &BugError{Value: r, Stack: debug.Stack()}
				}
			}()
			seed := ReplicateSeed(plan.Base.Seed, k)
			prog := opts.Tracker.start(pointWork(pt))
			res, err := runPoint(gctx, pt, seed, prog)
			release(pt.Config.RunBytes())
			if err != nil {
				opts.Tracker.abandon(prog)
				if gctx.Err() != nil {
					return gctx.Err()
				}
				var ve *run.ViolationError
				if errors.As(err, &ve) {
					ve.Point, ve.Assign, ve.Replicate = pt.Index, pt.Assign, k
					return ve
				}
				return fmt.Errorf("run of point %d replicate %d (seed %d) failed: %w", pt.Index, k, seed, err)
			}
			if opts.RunsDir != "" {
				if err := store.store(keys[i], res); err != nil {
					return fmt.Errorf("storing run of point %d replicate %d: %w", pt.Index, k, err)
				}
			}
			out.Results[i] = res
			opts.Tracker.end(prog, pointWork(pt), res.Events)
			if opts.Ran != nil {
				mu.Lock()
				opts.Ran(i)
				mu.Unlock()
			}
			report()
			return nil
		})
	}
	err := g.Wait()
	if err == nil {
		err = ctx.Err()
	}
	return out, err
}
