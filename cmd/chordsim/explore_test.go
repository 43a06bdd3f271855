package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Bad explore flags: one line on stderr naming the flag, exit 2, no output
// folder.
func TestExploreBadInput(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--variant", "chord2"}, "--variant"},
		{[]string{"--campaigns", "0"}, "--campaigns"},
		{[]string{"--seed", "-3"}, "--seed"},
		{[]string{"--faults", "crash,meteor"}, "meteor"},
		{[]string{"--budget", "-1s"}, "--budget"},
		{[]string{"--workers", "-1"}, "--workers"},
		{[]string{"--out", file}, "is a file"},
		{[]string{"stray"}, "unexpected argument"},
		{[]string{"--nope"}, "nope"},
		{[]string{"--replay", filepath.Join(dir, "missing.txt")}, "--replay"},
	} {
		args := append([]string{"explore"}, tc.args...)
		if tc.args[0] != "--out" {
			args = append(args, "--out", out)
		}
		code, _, stderr := runCLI(t, args...)
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		if code != exitUsage || len(lines) != 1 || !strings.Contains(stderr, tc.want) {
			t.Errorf("explore %v: exit %d, stderr %q; want exit 2 and one line naming %q", tc.args, code, stderr, tc.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("explore %v left %s behind", tc.args, out)
		}
	}
}

// A small exploration of variant zave finds nothing (exit 0); one of the
// original protocol finds its known counterexamples (exit 1), and the
// script written replays as written.
func TestExploreCLI(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := runCLI(t, "explore", "--campaigns", "20", "--out", filepath.Join(dir, "z"), "--workers", "2")
	if code != exitOK || !strings.Contains(stdout, "counterexamples: 0") {
		t.Fatalf("zave: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = runCLI(t, "explore", "--variant", "original", "--faults", "crash,join", "--campaigns", "30", "--out", filepath.Join(dir, "o"))
	if code != exitFailed || !strings.Contains(stdout, "invariant AtLeastOneRing") {
		t.Fatalf("original: exit %d, want 1 and an AtLeastOneRing finding\n%s%s", code, stdout, stderr)
	}
	scripts, _ := filepath.Glob(filepath.Join(dir, "o", "counterexample_*.txt"))
	if len(scripts) == 0 {
		t.Fatal("no script written")
	}
	code, stdout, stderr = runCLI(t, "explore", "--replay", scripts[0])
	if code != exitOK || !strings.Contains(stdout, "every output as in the file") {
		t.Fatalf("replay: exit %d\n%s%s", code, stdout, stderr)
	}
}
