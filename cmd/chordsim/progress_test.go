package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chordsim/chordsim/experiments"
	"github.com/chordsim/chordsim/sim"
)

func TestProgressLine(t *testing.T) {
	s := experiments.Snapshot{Runs: 40, Finished: 12, Running: 2, Work: 400_000, WorkDone: 100_000, Events: 45_300_000, SimTime: sim.Time(62*time.Minute + 3*time.Second + 400*time.Millisecond)}
	got := progressLine("fig", s, 70*time.Second)
	want := "chordsim: fig: 25.0% · 100.0k/400.0k ops · 12/40 runs · 2 running, sim 1h2m3s · 45.3M events · 1m10s elapsed, about 3m30s left"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if got := progressLine("fig", experiments.Snapshot{Runs: 1, Work: 5}, time.Second); !strings.Contains(got, "1 run ·") || !strings.Contains(got, "time left unknown yet") {
		t.Errorf("at the start: %s", got)
	}
}

// slowConfig takes a second or so: a protocol bootstrap, then lookups.
const slowConfig = `n: 200
bootstrap: protocol
join_every: 1s
settle: 30s
chord:
  stabilize_every: 1s
  fix_fingers_every: 1s
  check_predecessor_every: 1s
workload:
  lookups: 3000
  lookup_rate: 20
`

// With stderr not a terminal, progress is one plain line every
// --progress-every, naming the work done; 0 turns it off.
func TestPlainProgress(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, slowConfig)
	code, _, stderr := runCLI(t, "run", cfg, "--out", filepath.Join(dir, "a"), "--progress-every", "50ms")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	line := regexp.MustCompile(`^chordsim: custom: \d+\.\d% · \S+/3200 ops · [01]/1 run · .*events · \S+ elapsed, `)
	if len(lines) < 2 {
		t.Fatalf("want several progress lines, got %q", stderr)
	}
	for _, l := range lines {
		if !line.MatchString(l) {
			t.Errorf("progress line %q does not have the expected form", l)
		}
	}
	code, _, stderr = runCLI(t, "run", cfg, "--out", filepath.Join(dir, "b"), "--progress-every", "0")
	if code != 0 || stderr != "" {
		t.Errorf("--progress-every 0: exit %d, stderr %q", code, stderr)
	}
	// The progress changed nothing in the results.
	a, b := readFile(t, filepath.Join(dir, "a", "results.csv")), readFile(t, filepath.Join(dir, "b", "results.csv"))
	if !bytes.Equal(a, b) {
		t.Error("results.csv differs with and without progress lines")
	}
}

// On a terminal the bar redraws between runs (a single run here) with the
// work done growing, and is cleared at the end.
func TestTerminalProgressBar(t *testing.T) {
	p := openPTY(t)
	defer func(d time.Duration) { progressTick = d }(progressTick)
	progressTick = 20 * time.Millisecond
	dir := t.TempDir()
	cfg := writeConfig(t, dir, slowConfig)
	var stdout bytes.Buffer
	code := mainWithIO([]string{"run", cfg, "--out", filepath.Join(dir, "o")}, nil, &stdout, p.slave)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, p.screen())
	}
	time.Sleep(100 * time.Millisecond)
	screen := p.screen()
	draws := regexp.MustCompile(`(\d+)% \|[^|]*\| +\[[^]]*\] custom · (\S+)/3200 ops`).FindAllStringSubmatch(screen, -1)
	if len(draws) < 2 {
		t.Fatalf("want the bar drawn several times, got %d draws:\n%q", len(draws), screen)
	}
	distinct := map[string]bool{}
	for _, d := range draws {
		distinct[d[2]] = true
	}
	if len(distinct) < 2 {
		t.Errorf("the bar never moved inside the single run: %q", screen)
	}
	if !strings.Contains(stdout.String(), "1 run (1 point × 1 replicate)") {
		t.Errorf("stdout %q", stdout.String())
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
