package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = mainWithArgs(args, &out, &errb)
	return code, out.String(), errb.String()
}

func writeConfig(t *testing.T, dir, body string) string {
	t.Helper()
	path := filepath.Join(dir, "c.yaml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// entries lists what a folder holds (nothing if it does not exist).
func entries(dir string) []string {
	es, _ := os.ReadDir(dir)
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// Every kind of bad input gets exactly one line on stderr that names the
// field (or file, or flag) and the problem, exit status 2, and leaves no
// output behind.
func TestBadInput(t *testing.T) {
	base := "workload:\n  lookups: 10\n"
	cases := []struct {
		name, config string
		args         []string
		mention      []string
	}{
		{"unknown field", "n: 10\nnodes: 5\n", nil, []string{"c.yaml:2", `unknown field "nodes"`}},
		{"misspelled field", "chord:\n  stabilise_every: 1s\n", nil, []string{"c.yaml:2", "chord.stabilise_every", "chord.stabilize_every"}},
		{"m too small", "chord:\n  m: 0\n", nil, []string{"chord.m", "1..64"}},
		{"m too large", "chord:\n  m: 65\n", nil, []string{"chord.m", "1..64"}},
		{"n below 1", "n: 0\n", nil, []string{"n:", "at least one node"}},
		{"r below 1", "chord:\n  successors: 0\n", nil, []string{"chord.successors", "at least one successor"}},
		{"negative period", "chord:\n  stabilize_every: -5s\n", nil, []string{"chord.stabilize_every", "negative"}},
		{"impossible latency", "network:\n  latency: uniform:90ms,10ms\n", nil, []string{"network.latency", "empty"}},
		{"bad latency model", "network:\n  latency: normal:5ms\n", nil, []string{"network.latency", "unknown latency model"}},
		{"period without unit", "chord:\n  stabilize_every: 30\n", nil, []string{"chord.stabilize_every", "no unit"}},
		{"too many nodes for m", "n: 20\nchord:\n  m: 4\n", nil, []string{"n:", "4-bit"}},
		{"bad sweep value", "n: [10, -1]\n", nil, []string{"n:", "sweep point n=-1"}},
		{"bad --set", base, []string{"--set", "chord.successor=3"}, []string{"--set chord.successor=3", `"chord.successors"`}},
		{"bad --seed", base, []string{"--seed", "abc"}, []string{"--seed", "abc"}},
		{"unknown flag", base, []string{"--outt", "x"}, []string{"outt"}},
		{"negative churn rate", "churn:\n  fail_rate: -1\n", nil, []string{"churn.fail_rate", "≥ 0"}},
		{"failure fraction above 1", "failure:\n  fraction: 1.5\n", nil, []string{"failure.fraction", "[0, 1)"}},
		{"bad session distribution", "churn:\n  session: pareto:1h,0.8\n", nil, []string{"churn.session", "greater than 1"}},
		{"session without downtime", "churn:\n  session: exp:1h\n", nil, []string{"churn.downtime", "rejoin"}},
		{"unknown departure", "churn:\n  depart: crash\n", nil, []string{"churn.depart", "crash"}},
		{"missing trace file", "churn:\n  trace: /nonexistent/t.txt\n", nil, []string{"churn.trace", "/nonexistent/t.txt"}},
		{"bad --replicate", base, []string{"--replicate", "5"}, []string{"--replicate 5", "0 to 0"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := writeConfig(t, dir, c.config)
			out := filepath.Join(dir, "out")
			args := append([]string{"run", cfg, "--out", out}, c.args...)
			code, _, stderr := runCLI(t, args...)
			if code != 2 {
				t.Fatalf("exit status %d, want 2; stderr:\n%s", code, stderr)
			}
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			if len(lines) != 1 {
				t.Fatalf("want one line on stderr, got %d:\n%s", len(lines), stderr)
			}
			for _, m := range c.mention {
				if !strings.Contains(stderr, m) {
					t.Errorf("stderr %q does not mention %q", stderr, m)
				}
			}
			if e := entries(out); len(e) != 0 {
				t.Fatalf("bad input left output behind: %v", e)
			}
		})
	}
}

func TestMissingConfigAndUnwritableOutput(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := runCLI(t, "run", filepath.Join(dir, "nope.yaml"), "--out", filepath.Join(dir, "out"))
	if code != 2 || !strings.Contains(stderr, "nope.yaml") || !strings.Contains(stderr, "cannot be read") {
		t.Fatalf("missing config: exit %d, stderr %q", code, stderr)
	}
	if e := entries(filepath.Join(dir, "out")); len(e) != 0 {
		t.Fatalf("output left behind: %v", e)
	}
	// An output folder below a regular file cannot be created.
	blocker := filepath.Join(dir, "file")
	os.WriteFile(blocker, []byte("x"), 0o644)
	cfg := writeConfig(t, dir, "n: 8\nworkload:\n  lookups: 10\n")
	code, _, stderr = runCLI(t, "run", cfg, "--out", filepath.Join(blocker, "out"))
	if code != 2 || !strings.Contains(stderr, "output folder") || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Fatalf("unwritable output: exit %d, stderr %q", code, stderr)
	}
	// A read-only folder (skipped as root, who may write anywhere).
	if os.Geteuid() != 0 {
		ro := filepath.Join(dir, "ro")
		os.Mkdir(ro, 0o555)
		code, _, stderr = runCLI(t, "run", cfg, "--out", filepath.Join(ro, "out"))
		if code != 2 || !strings.Contains(stderr, "output folder") {
			t.Fatalf("read-only output: exit %d, stderr %q", code, stderr)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{}, {"frobnicate"}, {"run"}, {"repro", "nosuchfigure"}, {"repro", "--scale", "huge"}, {"list", "extra"}} {
		code, _, stderr := runCLI(t, args...)
		if code != 2 || stderr == "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 and a message", args, code, stderr)
		}
	}
	for _, args := range [][]string{{"--help"}, {"run", "--help"}, {"repro", "--help"}, {"bench", "--help"}, {"list", "--help"}, {"merge", "--help"}, {"shell", "--help"}, {"run", "-h"}} {
		code, stdout, _ := runCLI(t, args...)
		if code != 0 || strings.Count(stdout, "Usage") != 1 {
			t.Errorf("%v: exit %d, stdout %q; want 0 and the usage once", args, code, stdout)
		}
	}
}

// The README's main command at quick scale: every promised file appears.
func TestReproPathlenQuick(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := runCLI(t, "repro", "pathlen", "--scale", "quick", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, f := range []string{"results.csv", "summary.json", "config.yaml", "hops.csv", "paper_comparison.csv", "plots/pathlen_vs_n.png", "plots/pathlen_pdf.png", "index.md"} {
		st, err := os.Stat(filepath.Join(out, f))
		if err != nil || st.Size() == 0 {
			t.Errorf("%s missing or empty: %v", f, err)
		}
	}
	if !strings.Contains(stdout, "pathlen") {
		t.Errorf("stdout %q", stdout)
	}
	// The resolved config reruns to the same results.
	out2 := t.TempDir()
	if code, _, stderr := runCLI(t, "run", filepath.Join(out, "config.yaml"), "--out", out2); code != 0 {
		t.Fatalf("rerun of the resolved config: exit %d: %s", code, stderr)
	}
	a, _ := os.ReadFile(filepath.Join(out, "results.csv"))
	b, _ := os.ReadFile(filepath.Join(out2, "results.csv"))
	if !bytes.Equal(a, b) {
		t.Fatal("rerunning the resolved config.yaml gave different results.csv")
	}
}

func TestListVersionBench(t *testing.T) {
	if code, stdout, _ := runCLI(t, "list"); code != 0 || !strings.Contains(stdout, "pathlen") {
		t.Fatalf("list: %d %q", code, stdout)
	}
	for _, cmd := range []string{"version", "--version"} {
		// "chordsim VERSION (REVISION, GOVERSION, OS/ARCH)"
		if code, stdout, _ := runCLI(t, cmd); code != 0 || !strings.HasPrefix(stdout, "chordsim ") || !strings.Contains(stdout, runtime.Version()+", "+runtime.GOOS+"/"+runtime.GOARCH+")") {
			t.Fatalf("%s: %d %q", cmd, code, stdout)
		}
	}
	code, stdout, stderr := runCLI(t, "bench", "--nodes", "1000", "--lookups", "2000")
	if code != 0 {
		t.Fatalf("bench: %d %s", code, stderr)
	}
	for _, w := range []string{"events/s", "lookups/s", "bytes/node", "0 failed"} {
		if !strings.Contains(stdout, w) {
			t.Errorf("bench output lacks %q:\n%s", w, stdout)
		}
	}
	for _, w := range []string{"ns/hop", "memory latency", "latency ratio"} {
		if !strings.Contains(stdout, w) {
			t.Errorf("bench output lacks %q:\n%s", w, stdout)
		}
	}
	if code, _, _ := runCLI(t, "bench", "--nodes", "0"); code != 2 {
		t.Fatalf("bench --nodes 0: exit %d, want 2", code)
	}
}

// bench --nodes takes a list: one block per size, in order, then a table
// with a row per size.
func TestBenchNodesList(t *testing.T) {
	code, stdout, stderr := runCLI(t, "bench", "--nodes", "300,200", "--nodes", "100", "--lookups", "500")
	if code != 0 {
		t.Fatalf("bench: %d %s", code, stderr)
	}
	blocks := strings.Split(stdout, "\n\n")
	if len(blocks) != 4 {
		t.Fatalf("want 3 blocks and a table, got %d parts:\n%s", len(blocks), stdout)
	}
	for i, n := range []string{"300", "200", "100"} {
		if !strings.HasPrefix(blocks[i], "nodes            "+n+"\n") || !strings.Contains(blocks[i], "0 failed") {
			t.Errorf("block %d is not the one of %s nodes:\n%s", i, n, blocks[i])
		}
		if !strings.Contains(blocks[3], "\n| "+n+" | ") {
			t.Errorf("the table has no row for %s nodes:\n%s", n, blocks[3])
		}
	}
}

// Bad --nodes values: one line naming the flag and the value, exit status 2.
func TestBenchBadNodes(t *testing.T) {
	for _, c := range []struct{ value, mention string }{
		{"0", "at least one node"},
		{"-3", "at least one node"},
		{"abc", "not a whole number"},
		{"2.5", "not a whole number"},
		{"33554433", "2^25"},
		{"1024,,4096", "missing"},
		{"1024,0", "at least one node"},
	} {
		code, stdout, stderr := runCLI(t, "bench", "--nodes", c.value, "--lookups", "10")
		if code != 2 || stdout != "" {
			t.Errorf("--nodes %s: exit %d, stdout %q; want 2 and nothing", c.value, code, stdout)
		}
		if strings.Count(strings.TrimSpace(stderr), "\n") != 0 || !strings.Contains(stderr, "--nodes") ||
			!strings.Contains(stderr, `"`+c.value+`"`) || !strings.Contains(stderr, c.mention) {
			t.Errorf("--nodes %s: stderr %q; want one line naming --nodes, the value and %q", c.value, stderr, c.mention)
		}
	}
}

// repro with no figure runs every built-in into its own folder and writes an
// index that shows each plot and a verdict per point.
func TestReproAllQuickIndex(t *testing.T) {
	out := t.TempDir()
	if code, _, stderr := runCLI(t, "repro", "--scale", "quick", "--out", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(filepath.Join(out, "index.md"))
	if err != nil {
		t.Fatal(err)
	}
	index := string(b)
	for _, want := range []string{"## pathlen", "## load", "## vnodes", "](pathlen/plots/pathlen_vs_n.png)", "](load/plots/load_vs_keys.png)", "](vnodes/plots/vnodes.png)", "| agrees |", "points with a paper value agree"} {
		if !strings.Contains(index, want) {
			t.Errorf("index.md lacks %q", want)
		}
	}
	for _, img := range []string{"pathlen/plots/pathlen_pdf.png", "load/plots/load_pdf.png"} {
		if _, err := os.Stat(filepath.Join(out, img)); err != nil {
			t.Errorf("%s: %v", img, err)
		}
	}
}

// A malformed trace file is rejected before anything runs, with its line
// number and the problem.
func TestBadTrace(t *testing.T) {
	cases := []struct{ name, trace, mention string }{
		{"unknown verb", "10s join a\n20s crash a\n", ":2: unknown verb"},
		{"time going backwards", "10s join a\n5s fail a\n", ":2: time 5s goes backwards"},
		{"unknown node", "10s join a\n20s fail b\n", `:2: fail of unknown node "b"`},
		{"malformed line", "10s join a\n20s\n", ":2: want 3 fields"},
		{"initial node out of range", "1s fail #9\n", "node #9 does not exist"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			tr := filepath.Join(dir, "trace.txt")
			if err := os.WriteFile(tr, []byte(c.trace), 0o644); err != nil {
				t.Fatal(err)
			}
			cfg := writeConfig(t, dir, "n: 8\nworkload:\n  lookups: 10\nchurn:\n  trace: "+tr+"\n")
			out := filepath.Join(dir, "out")
			code, _, stderr := runCLI(t, "run", cfg, "--out", out)
			if code != 2 || !strings.Contains(stderr, "trace.txt"+c.mention) && !strings.Contains(stderr, c.mention) {
				t.Fatalf("exit %d, stderr %q; want 2 and %q", code, stderr, c.mention)
			}
			if strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Fatalf("want one line, got %q", stderr)
			}
			if e := entries(out); len(e) != 0 {
				t.Fatalf("bad trace left output behind: %v", e)
			}
		})
	}
}

// A run that breaks a ring invariant stops with a report (seed, time,
// invariant, nodes, last events) and a command that reruns exactly that
// run; the command reproduces the same violation at the same time.
func TestInvariantViolationReport(t *testing.T) {
	dir := t.TempDir()
	// Six nodes with successor lists of 2 under heavy failures: some node
	// soon loses both successors (the documented limit of Chord's
	// successor lists, correctness reference §4 scenario 12b).
	cfg := writeConfig(t, dir, "n: 6\nchord:\n  m: 16\n  successors: 2\n  stabilize_every: 1s\n  fix_fingers_every: 1s\n  check_predecessor_every: 1s\nnetwork:\n  latency: uniform:5ms,20ms\nworkload:\n  lookups: 300\n  lookup_rate: 2\nchurn:\n  fail_rate: [0.3]\n  join_rate: 0.2\n")
	code, _, stderr := runCLI(t, "run", cfg, "--out", filepath.Join(dir, "out"), "--check-invariants")
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr:\n%s", code, stderr)
	}
	for _, want := range []string{"ring invariant violated", "seed:", "time:", "violation: ", "last ", "rerun:", "--replicate 0", "--set churn.fail_rate=0.3", "--check-invariants"} {
		if !strings.Contains(stderr, want) {
			t.Fatalf("report lacks %q:\n%s", want, stderr)
		}
	}
	line := func(s, prefix string) string {
		for _, l := range strings.Split(s, "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), prefix) {
				return strings.TrimSpace(l)
			}
		}
		return ""
	}
	rerun := strings.Fields(strings.TrimPrefix(line(stderr, "rerun:"), "rerun:"))
	if len(rerun) < 3 || rerun[0] != "chordsim" {
		t.Fatalf("rerun line %q", line(stderr, "rerun:"))
	}
	code2, _, stderr2 := runCLI(t, rerun[1:]...)
	if code2 != 1 || line(stderr2, "time:") != line(stderr, "time:") || line(stderr2, "violation:") != line(stderr, "violation:") {
		t.Fatalf("rerun gave exit %d and\n%s\nwant the same violation as\n%s", code2, stderr2, stderr)
	}
}

// TestShellScript replays the CHORD-KV session from a script: song1 and
// song2 land on 127.0.0.1:5002; a bad command gives one error line, the
// session goes on, and the exit status is 1 at the end. Bad flags exit 2.
func TestShellScript(t *testing.T) {
	script := filepath.Join(t.TempDir(), "session.chord")
	os.WriteFile(script, []byte("join 127.0.0.1:5000\njoin 127.0.0.1:5001\njoin 127.0.0.1:5002\nrun 60s\n"+
		"insert song1 artist1 at 127.0.0.1:5001\ninsert song2 artist2\nisert song3 x\nquery song2\n"), 0o644)
	code, out, errs := runCLI(t, "shell", script)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (one command failed); stderr %s", code, errs)
	}
	for _, want := range []string{"Key:song1 inserted at node:127.0.0.1:5002", "Key:song2 inserted at node:127.0.0.1:5002", "Key:song2 has value:artist2 found at node:127.0.0.1:5002"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(errs, "error:"); n != 1 || !strings.Contains(errs, `unknown command "isert"`) {
		t.Errorf("stderr should hold one error line about isert:\n%s", errs)
	}
	for _, args := range [][]string{{"shell", "--replicas", "0"}, {"shell", "--consistency", "strong"}, {"shell", filepath.Join(t.TempDir(), "missing.chord")}} {
		if code, _, errs := runCLI(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2; stderr %s", args, code, errs)
		}
	}
}
