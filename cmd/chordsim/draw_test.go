package main

import (
	"bytes"
	"flag"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the golden files of this package")

const drawConfig = `experiment: drawtest
seed: 3
n: 40
chord:
  m: 16
network:
  latency: lognormal:40ms,0.6
failure:
  fraction: 0.2
  stop_maintenance: true
`

// The command end to end: the same inputs give the same bytes, failed
// nodes are marked, and the lookup's path is drawn.
func TestDrawCommand(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "c.yaml")
	if err := os.WriteFile(cfg, []byte(drawConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	var pics [2][]byte
	for i := range pics {
		out := filepath.Join(dir, fmt.Sprintf("p%d.svg", i))
		code, _, stderr := runCLI(t, "draw", cfg, "--lookup", "40000", "--at", "10s", "--out", out)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		pics[i] = b
	}
	if !bytes.Equal(pics[0], pics[1]) {
		t.Error("two draws of the same inputs differ")
	}
	s := string(pics[0])
	if got := strings.Count(s, `class="failed"`); got != 8 {
		t.Errorf("%d failed nodes marked, want 8 (20%% of 40)", got)
	}
	if !strings.Contains(s, `class="hop"`) || !strings.Contains(s, "lookup of key 40000") {
		t.Error("the lookup's path is not drawn")
	}
}

// Bad inputs: exit status 2, one line, nothing written.
func TestDrawBadInput(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "c.yaml")
	sweep := filepath.Join(dir, "s.yaml")
	trace := filepath.Join(dir, "t.yaml")
	for p, text := range map[string]string{
		cfg:   drawConfig,
		sweep: strings.Replace(drawConfig, "n: 40", "n: [40, 80]", 1),
		trace: drawConfig + "churn:\n  trace: x.txt\n",
	} {
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "x.txt"), []byte("10s fail 1.2.3.4:5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	svg := filepath.Join(out, "r.svg")
	for _, tc := range []struct {
		args    []string
		mention []string
	}{
		{[]string{"draw"}, []string{"exactly one config"}},
		{[]string{"draw", cfg, cfg, "--out", svg}, []string{"exactly one config"}},
		{[]string{"draw", cfg, "--at", "-5s", "--out", svg}, []string{"--at", "-5s"}},
		{[]string{"draw", cfg, "--at", "soon", "--out", svg}, []string{"--at", "soon"}},
		{[]string{"draw", cfg, "--out", filepath.Join(out, "r.gif")}, []string{"--out", ".svg"}},
		{[]string{"draw", cfg, "--out", filepath.Join(out, "no", "r.svg")}, []string{"--out", "does not exist"}},
		{[]string{"draw", cfg, "--max-dots", "3", "--out", svg}, []string{"--max-dots", "3"}},
		{[]string{"draw", sweep, "--out", svg}, []string{"sweep", "n"}},
		{[]string{"draw", cfg, "--set", "n=[8,16]", "--out", svg}, []string{"sweep", "--set n="}},
		{[]string{"draw", trace, "--out", svg}, []string{"churn.trace"}},
		{[]string{"draw", cfg, "--node", "#32", "--out", svg}, []string{"--node", "#32", "#0 to #31"}},
		{[]string{"draw", cfg, "--node", "nobody", "--out", svg}, []string{"--node", "nobody"}},
		{[]string{"draw", cfg, "--lookup", "65536", "--out", svg}, []string{"--lookup", "65536", "65535"}},
		{[]string{"draw", cfg, "--lookup", "", "--out", svg}, []string{"--lookup", "empty"}},
		{[]string{"draw", cfg, "--set", "chord.m=0", "--out", svg}, []string{"chord.m"}},
		{[]string{"draw", filepath.Join(dir, "none.yaml"), "--out", svg}, []string{"none.yaml"}},
	} {
		oneBadLine(t, out, tc.args, tc.mention...)
	}
}

// The command writes PNG by the extension of --out, and refuses other
// extensions.
func TestDrawCommandPNG(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "c.yaml")
	if err := os.WriteFile(cfg, []byte(drawConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "ring.png")
	if code, _, stderr := runCLI(t, "draw", cfg, "--lookup", "40000", "--at", "10s", "--out", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	f, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(bytes.NewReader(f)); err != nil {
		t.Errorf("draw --out ring.png: %v", err)
	}
	if code, _, stderr := runCLI(t, "draw", cfg, "--out", filepath.Join(dir, "ring.jpg")); code != 2 || !strings.Contains(stderr, ".svg or .png") {
		t.Errorf("--out ring.jpg: exit %d, %q; want 2 naming .svg or .png", code, stderr)
	}
}
