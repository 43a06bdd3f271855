package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// traceChurn is a small ring under churn with iterative lookups: failures,
// timeouts and every kind of state change happen within a second of CPU.
const traceChurn = `experiment: trace-churn
seed: 5
replicates: 2
n: 48
bootstrap: ideal
chord:
  lookup: iterative
  rpc_timeout: 400ms
  stabilize_every: 10s
  fix_fingers_every: 10s
  check_predecessor_every: 10s
workload:
  keys_per_node: 4
  lookups: 600
  lookup_rate: 2
churn:
  rate: 0.05
  depart: fail
  duration: 5m
`

// lookupLine is a line of --trace-lookups, as a reader decodes it.
type lookupLine struct {
	Point, Replicate int
	Seed             string
	Lookup           int
	StartMs          float64 `json:"start_ms"`
	EndMs            float64 `json:"end_ms"`
	LatencyMs        float64 `json:"latency_ms"`
	Origin           string
	OriginID         string `json:"origin_id"`
	Key              string
	Owner            *string
	Answer           *string
	Outcome          string
	Cause            *string
	Hops, Timeouts   int
	Messages         int
	TimedOut         []string `json:"timed_out"`
	Path             []struct {
		From, To  string
		Msg       string
		SentMs    float64  `json:"sent_ms"`
		LatencyMs *float64 `json:"latency_ms"`
		Result    string
	}
}

func readLookups(t *testing.T, path string) []lookupLine {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []lookupLine
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l lookupLine
		d := json.NewDecoder(strings.NewReader(sc.Text()))
		if err := d.Decode(&l); err != nil {
			t.Fatalf("line %d: %v: %s", len(out)+1, err, sc.Text())
		}
		out = append(out, l)
	}
	return out
}

// readCSVRow returns results.csv's row for (point, replicate) as a map.
func readCSVRow(t *testing.T, path string, point, replicate int) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows[1:] {
		m := map[string]string{}
		for i, c := range rows[0] {
			m[c] = row[i]
		}
		if m["point"] == strconv.Itoa(point) && m["replicate"] == strconv.Itoa(replicate) {
			return m
		}
	}
	t.Fatalf("%s: no row for point %d replicate %d", path, point, replicate)
	return nil
}

func csvInt(t *testing.T, row map[string]string, col string) int {
	t.Helper()
	v, err := strconv.Atoi(row[col])
	if err != nil {
		t.Fatalf("results.csv %s = %q: %v", col, row[col], err)
	}
	return v
}

// The lookup trace read back agrees with the run's own counters in
// results.csv (the traced run is the session's run with the same seed):
// as many lines as lookups, the same failures by cause, the same hop sum;
// and within each line, the timed-out peers are the timeouts counted.
// The other outputs are those of the same command without the flags.
func TestTraceLookupsMatchResults(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, traceChurn)
	lk := filepath.Join(dir, "lookups.jsonl")
	ev := filepath.Join(dir, "events.jsonl")
	code, _, stderr := runCLI(t, "run", cfg, "--out", filepath.Join(dir, "traced"), "--trace-lookups", lk, "--trace-replicate", "1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// The events of the first minute, in a run of their own.
	code, _, stderr = runCLI(t, "run", cfg, "--out", filepath.Join(dir, "traced"), "--trace-events", ev, "--trace-replicate", "1", "--trace-to", "60s")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "run", cfg, "--out", filepath.Join(dir, "plain")); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, f := range []string{"results.csv", "summary.json", "summary.csv", "hops.csv"} {
		a, errA := os.ReadFile(filepath.Join(dir, "traced", f))
		b, errB := os.ReadFile(filepath.Join(dir, "plain", f))
		if errA != nil || errB != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs with tracing on (%v, %v)", f, errA, errB)
		}
	}
	lines := readLookups(t, lk)
	row := readCSVRow(t, filepath.Join(dir, "traced", "results.csv"), 0, 1)
	checkLookupLines(t, lines, row, true)
	// Every event line is JSON, in the window, in time order; state
	// changes of each kind the churn makes are there.
	b, err := os.ReadFile(ev)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	last := -1.0
	for i, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		var e struct {
			Type, Event string
			TMs         float64 `json:"t_ms"`
		}
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("events line %d: %v", i+1, err)
		}
		if e.TMs < last || e.TMs < 0 || e.TMs > 60000 {
			t.Fatalf("events line %d: t_ms %v after %v, or outside the window [0, 60000]", i+1, e.TMs, last)
		}
		last = e.TMs
		kinds[e.Type+" "+e.Event]++
	}
	for _, k := range []string{"message send", "message deliver", "message timeout", "message drop_dead", "state fail", "state successor", "state finger"} {
		if kinds[k] == 0 {
			t.Errorf("no %q line in the events trace (%v)", k, kinds)
		}
	}
}

// checkLookupLines checks a run's lookup lines against its row of
// results.csv; iterative adds the checks of one question at a time.
func checkLookupLines(t *testing.T, lines []lookupLine, row map[string]string, iterative bool) {
	t.Helper()
	if got, want := len(lines), csvInt(t, row, "lookups"); got != want {
		t.Errorf("%d lookup lines, results.csv lookups = %d", got, want)
	}
	causes := map[string]int{}
	failed, answered, hops, timeouts := 0, 0, 0, 0
	for i, l := range lines {
		if l.Point != 0 || l.Replicate != 1 || l.Seed != row["seed"] {
			t.Fatalf("line %d: identity point %d replicate %d seed %s, want 0, 1, %s", i+1, l.Point, l.Replicate, l.Seed, row["seed"])
		}
		switch l.Outcome {
		case "wrong_owner":
			failed++
			causes["wrong_owner"]++
		case "failed":
			failed++
			causes[*l.Cause]++
		case "ok", "abandoned":
		default:
			t.Fatalf("line %d: outcome %q", i+1, l.Outcome)
		}
		if l.Answer != nil {
			answered++
			hops += l.Hops
		}
		timeouts += l.Timeouts
		if l.EndMs < l.StartMs || math.Abs(l.EndMs-l.StartMs-l.LatencyMs) > 1e-6 {
			t.Errorf("line %d: start %v end %v latency %v", i+1, l.StartMs, l.EndMs, l.LatencyMs)
		}
		if !iterative {
			continue
		}
		if len(l.TimedOut) != l.Timeouts {
			t.Errorf("line %d: timed_out names %d peers, timeouts = %d", i+1, len(l.TimedOut), l.Timeouts)
		}
		// An iterative lookup asks one node at a time and asks the next
		// the moment an answer or a timeout comes: its hops' delays add
		// up to its latency, and each is sent when the one before ended.
		sum, at := 0.0, l.StartMs
		for _, h := range l.Path {
			if h.LatencyMs == nil || h.Result == "unanswered" {
				t.Fatalf("line %d: hop %+v unanswered in an iterative lookup that ended", i+1, h)
			}
			if math.Abs(h.SentMs-at) > 1e-6 || *h.LatencyMs < 0 || (h.Result == "timeout") != (*h.LatencyMs == 400) {
				t.Errorf("line %d: hop sent at %v (want %v), latency %v, %s", i+1, h.SentMs, at, *h.LatencyMs, h.Result)
			}
			at += *h.LatencyMs
			sum += *h.LatencyMs
		}
		if l.Outcome != "abandoned" && math.Abs(sum-l.LatencyMs) > 1e-6 {
			t.Errorf("line %d: hop delays sum to %v ms, the lookup took %v ms", i+1, sum, l.LatencyMs)
		}
	}
	if got, want := failed, csvInt(t, row, "failed_lookups"); got != want {
		t.Errorf("%d failed lookups in the trace, results.csv failed_lookups = %d", got, want)
	}
	for cause, col := range map[string]string{"wrong_owner": "failed_wrong_owner", "timeout": "failed_timeout", "hop_limit": "failed_hop_limit", "lost_key": "failed_lost_key"} {
		if got, want := causes[cause], csvInt(t, row, col); got != want {
			t.Errorf("%d lookups failed by %s in the trace, results.csv %s = %d", got, cause, col, want)
		}
	}
	if failed == 0 || timeouts == 0 {
		t.Errorf("the churn config gave %d failures and %d timeouts: the test checks nothing about them", failed, timeouts)
	}
	// results.csv writes 10 significant digits.
	mean, _ := strconv.ParseFloat(row["mean_hops"], 64)
	if got := float64(hops) / float64(answered); math.Abs(got-mean) > 1e-9*mean {
		t.Errorf("trace: %d hops over %d answered lookups = %v, results.csv mean_hops = %v", hops, answered, got, mean)
	}
	mt, _ := strconv.ParseFloat(row["mean_timeouts"], 64)
	if got := float64(timeouts) / float64(len(lines)); math.Abs(got-mt) > 1e-9*mt {
		t.Errorf("trace: %d timeouts over %d lookups = %v, results.csv mean_timeouts = %v", timeouts, len(lines), got, mt)
	}
}

// The same agreement for recursive lookups (with and without retries),
// whose hops are forwards from node to node.
func TestTraceRecursiveMatchesResults(t *testing.T) {
	for _, retries := range []string{"0", "3"} {
		dir := t.TempDir()
		cfg := writeConfig(t, dir, strings.Replace(traceChurn, "lookup: iterative", "lookup: recursive\n  lookup_retries: "+retries, 1))
		lk := filepath.Join(dir, "lookups.jsonl")
		if code, _, stderr := runCLI(t, "run", cfg, "--out", filepath.Join(dir, "out"), "--trace-lookups", lk, "--trace-replicate", "1"); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		lines := readLookups(t, lk)
		checkLookupLines(t, lines, readCSVRow(t, filepath.Join(dir, "out", "results.csv"), 0, 1), false)
		forwards := 0
		for _, l := range lines {
			for _, h := range l.Path {
				if h.Msg == "lookup_forward" {
					forwards++
				}
			}
		}
		if forwards == 0 {
			t.Errorf("lookup_retries %s: no forward in the recursive lookups' paths", retries)
		}
	}
}

// traceGolden is a tiny ring whose whole trace fits a golden file.
const traceGolden = `experiment: trace-golden
seed: 3
n: 12
bootstrap: ideal
chord:
  m: 16
  lookup: iterative
  stabilize_every: 2s
  fix_fingers_every: 2s
  check_predecessor_every: 2s
network:
  latency: uniform:5ms,15ms
workload:
  keys_per_node: 2
  lookups: 12
  lookup_rate: 2
failure:
  fraction: 0.25
  at: 1s
`

// The traces of a fixed config and seed are the golden files' bytes, on
// every run and whatever GOMAXPROCS is (go test ./cmd/chordsim -run
// TestTraceGolden -rewrite writes them).
func TestTraceGolden(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, traceGolden)
	for _, tc := range []struct {
		golden string
		args   []string
	}{
		{"trace_lookups.jsonl", []string{"--trace-lookups"}},
		{"trace_events.jsonl", []string{"--trace-nodes", "#0,#5", "--trace-from", "500ms", "--trace-to", "4s", "--trace-events"}},
	} {
		got := filepath.Join(dir, tc.golden)
		args := append([]string{"run", cfg, "--out", filepath.Join(dir, "out-"+tc.golden)}, append(tc.args, got)...)
		if code, _, stderr := runCLI(t, args...); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		b, err := os.ReadFile(got)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", tc.golden)
		if *rewrite {
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (go test ./cmd/chordsim -run TestTraceGolden -rewrite writes it)", err)
		}
		if !bytes.Equal(b, want) {
			t.Errorf("%s differs from %s (rerun with -rewrite once the difference is understood)", got, path)
		}
	}
}

// Bad trace flags: one line naming the flag, exit status 2, and neither a
// trace file nor the output folder written.
func TestTraceBadInputs(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, traceGolden)
	sweep := filepath.Join(dir, "sweep.yaml")
	if err := os.WriteFile(sweep, []byte(strings.Replace(traceGolden, "n: 12", "n: [12, 16]", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	static := filepath.Join(dir, "static.yaml")
	if err := os.WriteFile(static, []byte("experiment: s\nn: 12\nengine: static\nnetwork:\n  draws: keyed\n  latency: uniform:5ms,15ms\nchord:\n  stabilize_every: 0s\n  fix_fingers_every: 0s\n  check_predecessor_every: 0s\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	lk := filepath.Join(dir, "lk.jsonl")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"window reversed", []string{cfg, "--trace-lookups", lk, "--trace-from", "10s", "--trace-to", "5s"}, "--trace-from 10s is after --trace-to 5s"},
		{"bad duration", []string{cfg, "--trace-events", lk, "--trace-to", "soon"}, `--trace-to "soon"`},
		{"unknown node", []string{cfg, "--trace-events", lk, "--trace-nodes", "#0,nosuchnode"}, `--trace-nodes: "nosuchnode": no node has this name`},
		{"node index", []string{cfg, "--trace-events", lk, "--trace-nodes", "#12"}, `--trace-nodes: "#12": the ring has 12 members`},
		{"sweep", []string{sweep, "--trace-lookups", lk}, "--trace-point: the config sweeps 2 points"},
		{"point", []string{sweep, "--trace-lookups", lk, "--trace-point", "2"}, "--trace-point 2: the config has 2 sweep points"},
		{"replicate", []string{cfg, "--trace-lookups", lk, "--trace-replicate", "1"}, "--trace-replicate 1: the config has 1 replicate"},
		{"no folder", []string{cfg, "--trace-lookups", filepath.Join(dir, "nope", "lk.jsonl")}, "does not exist"},
		{"a folder", []string{cfg, "--trace-lookups", dir}, "a folder; give a file name"},
		// The lookups file opens, the events file cannot be created (its
		// name is too long): neither is left behind.
		{"unwritable", []string{cfg, "--trace-lookups", lk, "--trace-events", filepath.Join(dir, strings.Repeat("x", 300))}, "cannot write"},
		{"same file", []string{cfg, "--trace-lookups", lk, "--trace-events", lk}, "name the same file"},
		{"window without trace", []string{cfg, "--trace-from", "1s"}, "--trace-from: no trace asked for"},
		{"cap", []string{cfg, "--trace-events", lk, "--trace-max-lines", "0"}, "--trace-max-lines 0"},
		{"static", []string{static, "--trace-events", lk}, "engine static"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, "out")
			code, _, stderr := runCLI(t, append([]string{"run", "--out", out}, tc.args...)...)
			if code != 2 || !strings.Contains(stderr, tc.want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Errorf("exit %d, stderr %q; want 2 and one line containing %q", code, stderr, tc.want)
			}
			if _, err := os.Stat(lk); err == nil {
				t.Errorf("%s written", lk)
			}
			if e := entries(out); len(e) != 0 {
				t.Errorf("output folder holds %v", e)
			}
		})
	}
}

// errAfter is a context that reports cancellation from its n-th look on,
// as Ctrl-C would between two of the run's looks.
type errAfter struct {
	context.Context
	looks, n int
}

func (c *errAfter) Err() error {
	c.looks++
	if c.looks >= c.n {
		return context.Canceled
	}
	return nil
}

// An interrupted traced run leaves trace files of whole JSON lines.
func TestTraceInterrupted(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, traceChurn)
	ev := filepath.Join(dir, "ev.jsonl")
	var stdout, stderr bytes.Buffer
	ctx := &errAfter{Context: context.Background(), n: 3}
	err := cmdRun(ctx, []string{cfg, "--out", filepath.Join(dir, "out"), "--trace-events", ev, "--trace-max-lines", "100000000"}, &stdout, &stderr)
	if !errors.Is(err, errInterrupted) || !strings.Contains(stderr.String(), "interrupted") {
		t.Fatalf("error %v, stderr %q; want an interruption", err, stderr.String())
	}
	b, err := os.ReadFile(ev)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) == 0 || b[len(b)-1] != '\n' {
		t.Fatalf("the trace (%d bytes) does not end on a whole line", len(b))
	}
	for i, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		if !json.Valid([]byte(line)) {
			t.Fatalf("line %d is not JSON: %q", i+1, line)
		}
	}
}

// At the cap, the trace stops on a whole line and the run says so once.
func TestTraceCap(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, traceGolden)
	ev := filepath.Join(dir, "ev.jsonl")
	code, _, stderr := runCLI(t, "run", cfg, "--out", filepath.Join(dir, "out"), "--trace-events", ev, "--trace-max-lines", "25")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, _ := os.ReadFile(ev)
	if n := bytes.Count(b, []byte("\n")); n != 25 || b[len(b)-1] != '\n' {
		t.Errorf("%d lines; want 25 whole lines", n)
	}
	if !strings.Contains(stderr, "stopped at the cap of 25 lines") || strings.Count(stderr, "cap") != 1 {
		t.Errorf("stderr %q; want one line about the cap", stderr)
	}
}

// The manual's trace example works as printed: its chordsim command, then
// each jq command, whose output must be the lines the manual shows after
// it (whitespace runs compared as one space). Skipped without jq.
func TestTraceManualJQ(t *testing.T) {
	if _, err := exec.LookPath("jq"); err != nil {
		t.Skip("jq is not installed")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "docs", "manual.md"))
	if err != nil {
		t.Fatal(err)
	}
	manual := string(b)
	start := strings.Index(manual, "### Traces of one run")
	end := strings.Index(manual[start+1:], "\n### ")
	if start < 0 || end < 0 {
		t.Fatal("docs/manual.md has no section \"Traces of one run\"")
	}
	section := manual[start : start+1+end]
	dir := t.TempDir()
	t.Chdir(dir)
	type cmd struct {
		line string
		want []string
	}
	var cmds []cmd
	// Shell blocks are the fences without a language; a command's output
	// is the block's lines up to the next command.
	inBlock, shell, cur := false, false, -1
	var python []string
	for _, line := range strings.Split(section, "\n") {
		switch {
		case strings.HasPrefix(line, "```"):
			inBlock, shell, cur = !inBlock, line == "```", -1
		case inBlock && !shell:
			python = append(python, line)
		case inBlock && shell && strings.HasPrefix(line, "$ "):
			cmds = append(cmds, cmd{line: strings.TrimPrefix(line, "$ ")})
			cur = len(cmds) - 1
		case inBlock && cur >= 0:
			cmds[cur].want = append(cmds[cur].want, line)
		}
	}
	if len(cmds) < 3 || !strings.HasPrefix(cmds[0].line, "chordsim run ") {
		t.Fatalf("the section's first command should be chordsim run, then jq; found %q", cmds)
	}
	args := strings.Fields(strings.ReplaceAll(strings.TrimPrefix(cmds[0].line, "chordsim "), "'", ""))
	for i, a := range args {
		if strings.HasPrefix(a, "examples/") {
			args[i] = filepath.Join(root, a)
		}
	}
	if code, _, stderr := runCLI(t, args...); code != 0 {
		t.Fatalf("%s: exit %d: %s", cmds[0].line, code, stderr)
	}
	norm := func(lines []string) string {
		var out []string
		for _, l := range lines {
			out = append(out, strings.Join(strings.Fields(l), " "))
		}
		return strings.TrimSpace(strings.Join(out, "\n"))
	}
	for _, c := range cmds[1:] {
		if !strings.HasPrefix(c.line, "jq ") {
			t.Fatalf("unexpected command %q", c.line)
		}
		out, err := exec.Command("sh", "-c", c.line).Output()
		if err != nil {
			t.Errorf("%s: %v", c.line, err)
			continue
		}
		if got, want := norm(strings.Split(string(out), "\n")), norm(c.want); got != want {
			t.Errorf("%s:\ngot\n%s\nthe manual shows\n%s", c.line, got, want)
		}
	}
	// The pandas example runs, where python3 has pandas.
	if exec.Command("python3", "-c", "import pandas").Run() != nil {
		t.Log("python3 with pandas is not installed: the pandas example is not run")
		return
	}
	out, err := exec.Command("python3", "-c", strings.Join(python, "\n")).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "lost_key") || !strings.Contains(string(out), "forget") {
		t.Errorf("the manual's pandas example: %v\n%s", err, out)
	}
}
