package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const shardConfig = `experiment: shards
seed: 5
replicates: 2
n: [40, 90, 200]
chord:
  lookup: [iterative, recursive]
  stabilize_every: 0s
  fix_fingers_every: 0s
  check_predecessor_every: 0s
workload:
  keys: 500
  lookups: 300
`

var mergedFiles = []string{"results.csv", "summary.json", "hops.csv", "summary.csv", "config.yaml"}

// Three shards merged equal the unsharded run byte for byte; merging
// different configs, an incomplete set of shards, or a folder that is not a
// chordsim output is refused with exit status 2 and nothing written.
func TestShardsMergeToTheUnshardedRun(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, shardConfig)
	whole := filepath.Join(dir, "whole")
	if code, _, stderr := runCLI(t, "run", cfg, "--out", whole); code != 0 {
		t.Fatalf("unsharded run: %d %s", code, stderr)
	}
	var shards []string
	for _, s := range []string{"1/3", "2/3", "3/3"} {
		d := filepath.Join(dir, "shard"+s[:1])
		shards = append(shards, d)
		if code, _, stderr := runCLI(t, "run", cfg, "--out", d, "--shard", s); code != 0 {
			t.Fatalf("shard %s: %d %s", s, code, stderr)
		}
	}
	merged := filepath.Join(dir, "merged")
	if code, _, stderr := runCLI(t, append([]string{"merge", "--out", merged}, shards...)...); code != 0 {
		t.Fatalf("merge: %d %s", code, stderr)
	}
	for _, f := range mergedFiles {
		a, err1 := os.ReadFile(filepath.Join(whole, f))
		b, err2 := os.ReadFile(filepath.Join(merged, f))
		if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
			t.Errorf("%s: merged shards differ from the unsharded run (%v %v)", f, err1, err2)
		}
	}
	// Both draw the config's plots (the default metrics); a shard draws none.
	for _, d := range []string{whole, merged} {
		for _, f := range []string{"mean_hops.png", "failed_fraction.svg", "mean_latency_ms.pdf"} {
			if _, err := os.Stat(filepath.Join(d, "plots", f)); err != nil {
				t.Errorf("%s lacks plots/%s", d, f)
			}
		}
	}
	if m, _ := filepath.Glob(filepath.Join(shards[0], "plots", "*")); len(m) != 0 {
		t.Errorf("a shard drew plots: %v", m)
	}

	refused := func(name string, args []string, mention string) {
		t.Helper()
		out := filepath.Join(dir, "refused-"+name)
		code, _, stderr := runCLI(t, append([]string{"merge", "--out", out}, args...)...)
		if code != 2 || !strings.Contains(stderr, mention) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("%s: exit %d, stderr %q; want 2 and one line mentioning %q", name, code, stderr, mention)
		}
		if e := entries(out); len(e) != 0 {
			t.Errorf("%s: refused merge wrote %v", name, e)
		}
	}
	refused("incomplete", shards[:2], "incomplete: ")
	other := filepath.Join(dir, "other")
	cfg2 := filepath.Join(dir, "c2.yaml")
	os.WriteFile(cfg2, []byte(strings.Replace(shardConfig, "seed: 5", "seed: 6", 1)), 0o644)
	if code, _, stderr := runCLI(t, "run", cfg2, "--out", other, "--shard", "3/3"); code != 0 {
		t.Fatalf("other config: %d %s", code, stderr)
	}
	refused("different configs", []string{shards[0], shards[1], other}, "different sweep")
	refused("not an output", []string{shards[0], dir}, "not a chordsim output folder")
}

func TestBadShardFlag(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, shardConfig)
	for _, s := range []string{"0/3", "4/3", "x", "1/0", "2"} {
		out := filepath.Join(dir, "o")
		code, _, stderr := runCLI(t, "run", cfg, "--out", out, "--shard", s)
		if code != 2 || !strings.Contains(stderr, "--shard") {
			t.Errorf("--shard %s: exit %d, stderr %q", s, code, stderr)
		}
		if e := entries(out); len(e) != 0 {
			t.Errorf("--shard %s wrote %v", s, e)
		}
	}
}

// Running the same command again reuses every stored run and writes the
// same bytes.
func TestRerunReusesStoredRuns(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, shardConfig)
	out := filepath.Join(dir, "out")
	runCLI(t, "run", cfg, "--out", out)
	a, _ := os.ReadFile(filepath.Join(out, "results.csv"))
	recs, _ := filepath.Glob(filepath.Join(out, "runs", "*.json"))
	if len(recs) != 12 {
		t.Fatalf("%d run records, want 12", len(recs))
	}
	// Make a stored run unreadable: it alone is made again.
	os.WriteFile(recs[0], []byte("garbage"), 0o644)
	if code, _, stderr := runCLI(t, "run", cfg, "--out", out); code != 0 {
		t.Fatalf("rerun: %d %s", code, stderr)
	}
	b, _ := os.ReadFile(filepath.Join(out, "results.csv"))
	if !bytes.Equal(a, b) {
		t.Fatal("rerun with stored runs changed results.csv")
	}
}

// A built-in reproduction sharded in two and merged has the figures and the
// index of the unsharded reproduction.
func TestReproShardsMerge(t *testing.T) {
	dir := t.TempDir()
	whole := filepath.Join(dir, "whole")
	if code, _, stderr := runCLI(t, "repro", "load", "--scale", "quick", "--out", whole); code != 0 {
		t.Fatalf("%d %s", code, stderr)
	}
	var shards []string
	for _, s := range []string{"1/2", "2/2"} {
		d := filepath.Join(dir, "s"+s[:1])
		shards = append(shards, d)
		if code, _, stderr := runCLI(t, "repro", "load", "--scale", "quick", "--out", d, "--shard", s); code != 0 {
			t.Fatalf("%d %s", code, stderr)
		}
	}
	merged := filepath.Join(dir, "merged")
	if code, _, stderr := runCLI(t, append([]string{"merge", "--out", merged}, shards...)...); code != 0 {
		t.Fatalf("merge: %d %s", code, stderr)
	}
	for _, f := range append(mergedFiles, "paper_comparison.csv", "index.md") {
		a, _ := os.ReadFile(filepath.Join(whole, f))
		b, err := os.ReadFile(filepath.Join(merged, f))
		if f == "index.md" {
			// The provenance (command line, times) is the merge's own.
			a, b = withoutProvenance(a), withoutProvenance(b)
		}
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs after merging repro shards (%v)", f, err)
		}
	}
	for _, png := range []string{"plots/load_vs_keys.png", "plots/load_pdf.png"} {
		if _, err := os.Stat(filepath.Join(merged, png)); err != nil {
			t.Errorf("merged folder lacks %s", png)
		}
	}
}

// withoutProvenance drops index.md's provenance section, which names the
// command and the wall-clock times and so differs between a repro and a
// merge of its shards.
func withoutProvenance(md []byte) []byte {
	start := bytes.Index(md, []byte("## Provenance\n"))
	if start < 0 {
		return md
	}
	end := bytes.Index(md[start+1:], []byte("\n## "))
	if end < 0 {
		return md[:start]
	}
	return append(md[:start:start], md[start+1+end+1:]...)
}
