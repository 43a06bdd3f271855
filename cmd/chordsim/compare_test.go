package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// compare: the same config twice moves nothing (exit 0); 10% message loss
// raises the failed fraction, which --metric turns into exit status 1 while
// a metric that did not move keeps 0; bad input is exit status 2.
func TestCompare(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "experiment: cmp\nreplicates: 3\nn: [64, 128]\nworkload:\n  lookups: 400\n")
	run := func(name string, args ...string) string {
		out := filepath.Join(dir, name)
		if code, _, stderr := runCLI(t, append([]string{"run", cfg, "--out", out}, args...)...); code != 0 {
			t.Fatalf("run %s: %d %s", name, code, stderr)
		}
		return out
	}
	a, a2, lossy := run("a"), run("a2"), run("lossy", "--set", "network.loss=0.1")
	code, stdout, stderr := runCLI(t, "compare", a, a2)
	if code != 0 || !strings.Contains(stdout, "0 of ") {
		t.Errorf("same config: %d %q %q", code, stdout, stderr)
	}
	code, stdout, _ = runCLI(t, "compare", a, lossy, "--metric", "failed_fraction")
	if code != 1 || !strings.Contains(stdout, "failed_fraction  n=64") || !strings.Contains(stdout, "higher") {
		t.Errorf("lossy, failed_fraction: exit %d, want 1:\n%s", code, stdout)
	}
	if code, stdout, _ = runCLI(t, "compare", a, lossy, "--metric", "keys"); code != 0 {
		t.Errorf("lossy, keys: exit %d, want 0:\n%s", code, stdout)
	}
	for _, bad := range [][]string{{"compare", a}, {"compare", a, filepath.Join(dir, "nothing")}, {"compare", a, lossy, "--metric", "mean_hop"}} {
		if code, _, stderr := runCLI(t, bad...); code != 2 || stderr == "" {
			t.Errorf("%v: exit %d (%q), want 2 with a message", bad, code, stderr)
		}
	}
}
