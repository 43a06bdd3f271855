package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// oneBadLine runs args and checks the bad-input contract: exit status 2,
// one line on stderr mentioning every string of mention, and nothing left
// in out.
func oneBadLine(t *testing.T, out string, args []string, mention ...string) {
	t.Helper()
	code, _, stderr := runCLI(t, args...)
	if code != 2 {
		t.Fatalf("%v: exit status %d, want 2; stderr:\n%s", args, code, stderr)
	}
	if lines := strings.Split(strings.TrimSpace(stderr), "\n"); len(lines) != 1 {
		t.Fatalf("%v: want one line on stderr, got %d:\n%s", args, len(lines), stderr)
	}
	for _, m := range mention {
		if !strings.Contains(stderr, m) {
			t.Errorf("%v: stderr %q does not mention %q", args, stderr, m)
		}
	}
	if out != "" {
		if e := entries(out); len(e) != 0 {
			t.Fatalf("%v: bad input left output behind: %v", args, e)
		}
	}
}

// The inputs of issue 22 that got through, each refused with one line,
// exit status 2 and nothing written.
func TestNonsenseRefused(t *testing.T) {
	dir := t.TempDir()
	trace := filepath.Join(dir, "t.txt")
	os.WriteFile(trace, []byte("10s fail #3\n"), 0o644)
	mix := filepath.Join(dir, "mix.txt")
	os.WriteFile(mix, []byte("insert,k1,v1\nquery,k1\n"), 0o644)
	base := "n: 16\nworkload:\n  lookups: 10\n"
	cases := []struct {
		name, config string
		args         []string
		mention      []string
	}{
		{"keys_per_node overflows int", base + "  keys_per_node: 1e300\n", nil, []string{"workload.keys_per_node", "1e+300"}},
		{"lognormal sigma overflows a duration", base + "network:\n  latency: \"lognormal:50ms,1000\"\n", nil, []string{"network.latency", "sigma", "at most 3"}},
		{"lookups beyond the bound", "n: 16\nworkload:\n  lookups: 9000000000000000000\n", nil, []string{"workload.lookups", "at most 134217728"}},
		{"lookups that would not fit in memory", "n: 16\nworkload:\n  lookups: 10000000000\n", nil, []string{"workload.lookups", "at most 134217728"}},
		{"virtual nodes product overflows", base + "chord:\n  virtual_nodes: 9000000000000000000\n", nil, []string{"chord.virtual_nodes", "2^25"}},
		{"1 ns maintenance period", base + "chord:\n  stabilize_every: 1ns\n", nil, []string{"chord.stabilize_every", "1ns", "at least 1ms"}},
		{"huge settle", base + "settle: 2562047h\n", nil, []string{"settle", "2562047h", "87600h"}},
		{"empty config", "", nil, []string{"c.yaml", "sets no field"}},
		{"comment-only config", "# n: 16\n\n   # nothing\n", nil, []string{"c.yaml", "sets no field"}},
		{"quoted number", "n: \"16\"\n", nil, []string{"c.yaml:1", "n:", "quoted", "n: 16"}},
		{"custom tag", "n: !foo 16\n", nil, []string{"c.yaml:1", "!foo"}},
		{"huge number states the real range", "n: 99999999999999999999999\n", nil, []string{"c.yaml:1", "1 to 33554432"}},
		{"binary file", "n: 16\n\x00\x01\x02\x03\t\t\x7fELF", nil, []string{"not a YAML text file"}},
		{"trace with random departures", base + "churn:\n  trace: " + trace + "\n  fail_rate: 1\n", nil, []string{"churn.trace", "churn.fail_rate"}},
		{"mix file read as insert", base + "kv:\n  file: " + mix + "\n  request_type: insert\n", nil, []string{"mix.txt:1", "request_type: mix"}},
		{"--workers -1", base, []string{"--workers", "-1"}, []string{"--workers -1"}},
		{"--workers huge", base, []string{"--workers", "100000000"}, []string{"--workers 100000000", "0..1024"}},
		{"--seed ''", base, []string{"--seed", ""}, []string{"--seed", "is not a whole number"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := t.TempDir()
			cfg := writeConfig(t, d, c.config)
			out := filepath.Join(d, "out")
			oneBadLine(t, out, append([]string{"run", cfg, "--out", out}, c.args...), c.mention...)
		})
	}
	t.Run("trace times in Go syntax", func(t *testing.T) {
		for _, tm := range []string{"1_0", "0x1p-2"} {
			d := t.TempDir()
			tr := filepath.Join(d, "t.txt")
			os.WriteFile(tr, []byte(tm+" fail #3\n"), 0o644)
			cfg := writeConfig(t, d, base+"churn:\n  trace: "+tr+"\n")
			out := filepath.Join(d, "out")
			oneBadLine(t, out, []string{"run", cfg, "--out", out}, "t.txt:1", tm, "plain decimal")
		}
	})
	t.Run("version with an argument", func(t *testing.T) {
		oneBadLine(t, "", []string{"version", "foo"}, "version takes no arguments", "foo")
	})
	t.Run("repro --workers -1", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "out")
		oneBadLine(t, out, []string{"repro", "lookup", "--scale", "quick", "--workers", "-1", "--out", out}, "--workers -1")
	})
}

// One problem in a sweep is one line, not one per point; thousands of
// unknown fields are a bounded number of lines.
func TestNoNoise(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "n: [16, 32, 64, 128, 256]\nnetwork:\n  loss: 1.5\nworkload:\n  lookups: 10\n")
	out := filepath.Join(dir, "out")
	oneBadLine(t, out, []string{"run", cfg, "--out", out}, "network.loss")

	var b strings.Builder
	for i := range 100_000 {
		fmt.Fprintf(&b, "field%d: 1\n", i)
	}
	cfg = writeConfig(t, dir, b.String())
	code, _, stderr := runCLI(t, "run", cfg, "--out", out)
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if code != 2 || len(lines) > 20 || !strings.Contains(lines[len(lines)-1], "and 99981 more problems") {
		t.Fatalf("100,000 unknown fields: exit %d, %d lines, last %q", code, len(lines), lines[len(lines)-1])
	}
}

// A panic is a bug: exit status 70 (not 2, which means bad input), a line
// that says so, and the command to rerun.
func TestPanicIsABug(t *testing.T) {
	var errb strings.Builder
	code := mainWithArgs([]string{"version"}, panicWriter{}, &errb)
	if code != exitBug || code == exitUsage {
		t.Fatalf("exit status %d, want %d", code, exitBug)
	}
	for _, m := range []string{"internal error", "bug in chordsim", "chordsim version"} {
		if !strings.Contains(errb.String(), m) {
			t.Errorf("stderr does not mention %q:\n%s", m, errb.String())
		}
	}
}

type panicWriter struct{}

func (panicWriter) Write([]byte) (int, error) { panic("planted: writer broken") }

// Readers with no bound on their input: each refuses /dev/zero with one
// line instead of reading until the kernel kills the process.
func TestEndlessInputs(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	base := "n: 16\nworkload:\n  lookups: 10\n"
	t.Run("config", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "out")
		oneBadLine(t, out, []string{"run", "/dev/zero", "--out", out}, "/dev/zero", "larger than 4 MiB")
	})
	for _, f := range []string{"churn.trace", "kv.file"} {
		t.Run(f, func(t *testing.T) {
			d := t.TempDir()
			cfg := writeConfig(t, d, base)
			out := filepath.Join(d, "out")
			oneBadLine(t, out, []string{"run", cfg, "--out", out, "--set", f + "=/dev/zero"}, f, "/dev/zero", "larger than 256 MiB")
		})
	}
	t.Run("shell script", func(t *testing.T) {
		code, _, stderr := runCLI(t, "shell", "/dev/zero")
		if code != 1 || !strings.Contains(stderr, "longer than") || strings.Count(strings.TrimSpace(stderr), "\n") != 1 {
			t.Fatalf("shell /dev/zero: exit %d, stderr %q", code, stderr)
		}
	})
}

// An output folder holds one experiment: another experiment, or a part
// (one replicate) of the same one, is refused with the fix; the same
// command resumes.
func TestOutputFolderBelongsToOneExperiment(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	a := writeConfig(t, dir, "experiment: a\nn: 8\nreplicates: 2\nworkload:\n  lookups: 10\n")
	if code, _, stderr := runCLI(t, "run", a, "--out", out); code != 0 {
		t.Fatalf("first run: %d %s", code, stderr)
	}
	results := func() string { b, _ := os.ReadFile(filepath.Join(out, "results.csv")); return string(b) }
	before := results()
	bdir := filepath.Join(dir, "b")
	os.Mkdir(bdir, 0o755)
	b := writeConfig(t, bdir, "experiment: b\nn: 8\nworkload:\n  lookups: 10\n")
	code, _, stderr := runCLI(t, "run", b, "--out", out)
	if code != 2 || !strings.Contains(stderr, `experiment "a"`) || !strings.Contains(stderr, "another folder") {
		t.Fatalf("other experiment: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = runCLI(t, "run", a, "--out", out, "--replicate", "0")
	if code != 2 || !strings.Contains(stderr, "replicate 0 only") || !strings.Contains(stderr, "--out "+out+"-part") {
		t.Fatalf("partial replicate: exit %d, stderr %q", code, stderr)
	}
	if results() != before {
		t.Fatal("a refused run changed results.csv")
	}
	if code, _, stderr := runCLI(t, "run", a, "--out", out); code != 0 {
		t.Fatalf("same command again: %d %s", code, stderr)
	}
	// A folder that is not empty and not chordsim's is refused too.
	other := filepath.Join(dir, "other")
	os.Mkdir(other, 0o755)
	os.WriteFile(filepath.Join(other, "notes.txt"), []byte("mine"), 0o644)
	code, _, stderr = runCLI(t, "run", a, "--out", other)
	if code != 2 || !strings.Contains(stderr, "not empty") || len(entries(other)) != 1 {
		t.Fatalf("foreign folder: exit %d, stderr %q, entries %v", code, stderr, entries(other))
	}
}

// A stored run record whose content was edited is not trusted: run makes
// the run again (and says so), merge refuses the shard.
func TestEditedRecords(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "experiment: e\nn: 8\nworkload:\n  lookups: 50\n")
	out := filepath.Join(dir, "out")
	if code, _, stderr := runCLI(t, "run", cfg, "--out", out); code != 0 {
		t.Fatalf("run: %d %s", code, stderr)
	}
	want, _ := os.ReadFile(filepath.Join(out, "results.csv"))
	recs, _ := filepath.Glob(filepath.Join(out, "runs", "*.json"))
	if len(recs) != 1 {
		t.Fatalf("records: %v", recs)
	}
	edit(t, recs[0])
	code, _, stderr := runCLI(t, "run", cfg, "--out", out)
	if code != 0 || !strings.Contains(stderr, "fails its checksum") || !strings.Contains(stderr, "made again") {
		t.Fatalf("rerun over an edited record: exit %d, stderr %q", code, stderr)
	}
	if got, _ := os.ReadFile(filepath.Join(out, "results.csv")); string(got) != string(want) {
		t.Fatalf("results.csv after redoing the edited run differs:\n%s\nwant\n%s", got, want)
	}

	// merge: two shards, one record edited.
	s1, s2 := filepath.Join(dir, "s1"), filepath.Join(dir, "s2")
	cfg2 := writeConfig(t, dir, "experiment: e\nn: [8, 16]\nworkload:\n  lookups: 50\n")
	for i, s := range []string{s1, s2} {
		if code, _, stderr := runCLI(t, "run", cfg2, "--out", s, "--shard", fmt.Sprintf("%d/2", i+1)); code != 0 {
			t.Fatalf("shard: %d %s", code, stderr)
		}
	}
	recs, _ = filepath.Glob(filepath.Join(s2, "runs", "*.json"))
	edit(t, recs[0])
	merged := filepath.Join(dir, "merged")
	oneBadLine(t, merged, []string{"merge", "--out", merged, s1, s2}, "fails its checksum", s2)
}

// edit changes one value of a run record, keeping it valid JSON.
func edit(t *testing.T, path string) {
	t.Helper()
	b, _ := os.ReadFile(path)
	var rec map[string]any
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	vals := rec["values"].([]any)
	vals[0] = "12345"
	b, _ = json.Marshal(rec)
	os.WriteFile(path, b, 0o644)
}

// Every problem in one pass: type errors and meaning errors together, each
// with its line (issue 21 item 5).
func TestEveryProblemInOnePass(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "n: 16\nchord:\n  successors: -3\n  m: ten\nnetwork:\n  loss: 1.5\n")
	out := filepath.Join(dir, "out")
	code, _, stderr := runCLI(t, "run", cfg, "--out", out)
	want := []string{
		cfg + ":3: chord.successors: -3",
		cfg + ":4: chord.m: \"ten\" is not an integer",
		cfg + ":6: network.loss: 1.5",
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if code != 2 || len(lines) != len(want) {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	for i, w := range want {
		if !strings.Contains(lines[i], w) {
			t.Errorf("line %d = %q, want it to contain %q", i+1, lines[i], w)
		}
	}
	// Without type errors, Validate's problems name their lines too; a
	// field given with --set has no line in the file.
	cfg = writeConfig(t, dir, "n: 16\nnetwork:\n  loss: 1.5\n")
	code, _, stderr = runCLI(t, "run", cfg, "--out", out, "--set", "chord.successors=-3")
	if code != 2 || !strings.Contains(stderr, cfg+":3: network.loss") || !strings.Contains(stderr, "chordsim: chord.successors: -3") {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
}

// Relative input paths in a config are relative to the config's folder,
// whatever the working directory.
func TestConfigPathsRelativeToTheConfig(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "exp")
	os.Mkdir(sub, 0o755)
	os.WriteFile(filepath.Join(sub, "reqs.txt"), []byte("insert,k1,v1\nquery,k1\n"), 0o644)
	cfg := filepath.Join(sub, "c.yaml")
	os.WriteFile(cfg, []byte("n: 8\nworkload:\n  lookups: 0\nkv:\n  file: reqs.txt\n"), 0o644)
	t.Chdir(dir)
	if code, _, stderr := runCLI(t, "run", "exp/c.yaml", "--out", "out"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "out", "config.yaml"))
	if !strings.Contains(string(b), "file: exp/reqs.txt") {
		t.Errorf("config.yaml does not name the resolved path:\n%s", b)
	}
}
