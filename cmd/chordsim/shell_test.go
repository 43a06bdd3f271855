package main

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// With --echo, an error comes on stdout right after its command, so a
// saved transcript keeps them together; without it errors go to stderr.
func TestShellEchoKeepsErrorsBesideCommands(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "s.chord")
	os.WriteFile(script, []byte("join a\nisert k v\nquery k\n"), 0o644)
	code, out, errOut := runCLI(t, "shell", script, "--echo")
	if code != 1 {
		t.Errorf("exit %d, want 1 (a command failed)", code)
	}
	lines := strings.Split(out, "\n")
	if len(lines) < 5 || lines[2] != "> isert k v" || !strings.HasPrefix(lines[3], `error: unknown command "isert"`) || lines[4] != "> query k" {
		t.Errorf("transcript:\n%s", out)
	}
	if errOut != "chordsim: shell: 1 command failed\n" {
		t.Errorf("stderr %q", errOut)
	}
	code, out, errOut = runCLI(t, "shell", script)
	if code != 1 || strings.Contains(out, "error:") || !strings.Contains(errOut, `error: unknown command "isert"`) {
		t.Errorf("without --echo: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// --config starts from the config's ring, with its settings; a sweep is
// refused; a flag overrides the config.
func TestShellFromConfig(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "n: 40\nseed: 9\nchord:\n  successors: 4\nkv:\n  replicas: 2\n")
	script := filepath.Join(dir, "s.chord")
	os.WriteFile(script, []byte("stats\ninsert k v\nquery k\n"), 0o644)
	code, out, errOut := runCLI(t, "shell", script, "--config", cfg)
	if code != 0 || !strings.Contains(out, "members: 40 ") || !strings.Contains(out, "Key:k has value:v") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	// Same config and seed, same session.
	_, again, _ := runCLI(t, "shell", script, "--config", cfg)
	if again != out {
		t.Errorf("a second session from the same config differs:\n%s\n---\n%s", out, again)
	}
	if code, _, errOut := runCLI(t, "shell", script, "--config", cfg, "--replicas", "5"); code != 2 || !strings.Contains(errOut, "--replicas 5") {
		t.Errorf("--replicas 5 over r = 4: exit %d, %q", code, errOut)
	}
	sweep := writeConfig(t, t.TempDir(), "n: [10, 20]\n")
	if code, _, errOut := runCLI(t, "shell", script, "--config", sweep); code != 2 || !strings.Contains(errOut, "is a sweep (n has 2 values)") {
		t.Errorf("sweep: exit %d, %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, "shell", "--config", filepath.Join(dir, "none.yaml")); code != 2 || !strings.Contains(errOut, "none.yaml") {
		t.Errorf("missing config: exit %d, %q", code, errOut)
	}
}

// On a terminal: a prompt, line editing, Tab, Ctrl-C, history kept in the
// file, Ctrl-D to leave.
func TestShellOnTerminal(t *testing.T) {
	p := openPTY(t)
	hist := filepath.Join(t.TempDir(), "history")
	done := make(chan int)
	go func() {
		done <- mainWithIO([]string{"shell", "--history", hist}, p.slave, p.slave, p.slave)
	}()
	p.waitFor(t, "chordsim> ")
	p.typeKeys(t, "join a\r")
	p.waitFor(t, "joined a id=")
	p.typeKeys(t, "insert song1 x\r")
	p.waitFor(t, "Key:song1 inserted")
	// "quer sox" fixed with Backspace and Left, then "so" completed by Tab.
	p.typeKeys(t, "quer sox\x7f\x1b[D\x1b[D\x1b[Dy\x05\t\r")
	p.waitFor(t, "Key:song1 has value:x")
	p.typeKeys(t, "fail a\x03")
	p.typeKeys(t, "\x1b[A\r") // Up: the query again
	p.typeKeys(t, "\x04")
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d", code)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("the shell did not end on Ctrl-D; screen:\n%q", p.screen())
	}
	screen := p.screen()
	if n := strings.Count(screen, "Key:song1 has value:x"); n != 2 {
		t.Errorf("want 2 answers to the query, got %d; screen:\n%q", n, screen)
	}
	if strings.Contains(screen, "failed a") || strings.Contains(screen, "error:") {
		t.Errorf("the abandoned line ran, or a line was garbled; screen:\n%q", screen)
	}
	b, _ := os.ReadFile(hist)
	if string(b) != "join a\ninsert song1 x\nquery song1\n" {
		t.Errorf("history file %q", b)
	}
}

// The shell's draw through the command: a picture of the config's ring
// in the file asked for, a bad extension refused with one error line on
// stderr and exit status 1 at the end, nothing else written.
func TestShellDraw(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "n: 40\nseed: 9\nchord:\n  m: 16\n")
	pics := filepath.Join(dir, "pics")
	if err := os.Mkdir(pics, 0o755); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "s.chord")
	os.WriteFile(script, []byte("insert k v\ndraw "+filepath.Join(pics, "r.svg")+" last\ndraw "+filepath.Join(pics, "r.bmp")+"\ndraw "+filepath.Join(pics, "r.png")+" node #3\n"), 0o644)
	code, out, errOut := runCLI(t, "shell", script, "--config", cfg)
	if code != 1 || strings.Count(errOut, "error: ") != 1 || !strings.Contains(errOut, "r.bmp") {
		t.Fatalf("exit %d, stdout %q, stderr %q; want 1 and one error naming r.bmp", code, out, errOut)
	}
	if !strings.Contains(out, "r.svg: 40 members; node ") || !strings.Contains(out, "insert k from ") || !strings.Contains(out, "r.png: 40 members; node ") {
		t.Errorf("stdout %q", out)
	}
	ents, _ := os.ReadDir(pics)
	if len(ents) != 2 || ents[0].Name() != "r.png" || ents[1].Name() != "r.svg" {
		t.Fatalf("pics holds %v, want r.png and r.svg", ents)
	}
	svg, _ := os.ReadFile(filepath.Join(pics, "r.svg"))
	if n := strings.Count(string(svg), `fill="#222"/>`); !strings.HasPrefix(string(svg), "<?xml") || n != 40 {
		t.Errorf("r.svg: %d member dots, want 40", n)
	}
	b, _ := os.ReadFile(filepath.Join(pics, "r.png"))
	if _, err := png.Decode(bytes.NewReader(b)); err != nil {
		t.Errorf("r.png: %v", err)
	}
}
