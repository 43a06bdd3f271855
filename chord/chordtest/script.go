package chordtest

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// Directive is one command of a script: where it is, what the file
// expects it to print and what it printed.
type Directive struct {
	Line      int // of the command, from 1
	Cmd       string
	Want, Got string
}

// RunFile replays the script at path and fails t for every directive whose
// output differs from the file's. With rewrite it writes the outputs the
// run printed back to the file instead.
func RunFile(t *testing.T, path string, rewrite bool) {
	t.Helper()
	lines := ReadScript(t, path)
	out, dirs := Play(t, path, lines, 0)
	failed := false
	for _, d := range dirs {
		if !rewrite && d.Got != d.Want {
			failed = true
			t.Errorf("%s:%d: %s\n%s", path, d.Line, d.Cmd, LineDiff(d.Want, d.Got))
		}
	}
	if rewrite {
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if failed {
		t.Logf("%s: outputs differ; if the new outputs are right (check them against the reference), rerun with -rewrite", path)
	}
}

// ReadScript reads a script's lines.
func ReadScript(t testing.TB, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// Play runs a script's lines with every ID and key shifted by rot (mod 2^m)
// and returns the transcript (the script with the outputs it printed) and
// its directives. A malformed script fails t; path only names it.
func Play(t testing.TB, path string, lines []string, rot uint64) (string, []Directive) {
	t.Helper()
	var out strings.Builder
	var dirs []Directive
	sc := &scenario{t: t, rot: rot}
	for i := 0; i < len(lines); {
		line := lines[i]
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			out.WriteString(line + "\n")
			i++
			continue
		}
		cmdLine := i + 1
		i++
		if i >= len(lines) || lines[i] != "----" {
			t.Fatalf("%s:%d: directive %q is not followed by a ---- line", path, cmdLine, line)
		}
		i++
		start := i
		for i < len(lines) && lines[i] != "" {
			i++
		}
		want := strings.Join(lines[start:i], "\n")
		if i < len(lines) {
			i++ // the blank line ending the block
		}
		got := sc.run(line)
		got = strings.TrimRight(got, "\n")
		if strings.Contains(got, "\n\n") {
			t.Fatalf("%s:%d: %q printed a blank line, which the format cannot hold", path, cmdLine, line)
		}
		out.WriteString(line + "\n----\n")
		if got != "" {
			out.WriteString(got + "\n")
		}
		out.WriteString("\n")
		dirs = append(dirs, Directive{Line: cmdLine, Cmd: line, Want: want, Got: got})
	}
	return strings.TrimRight(out.String(), "\n") + "\n", dirs
}

// LineDiff is a minimal line diff: "-" lines expected, "+" lines got.
func LineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	n := max(len(w), len(g))
	for k := 0; k < n; k++ {
		var a, c string
		ha, hc := k < len(w), k < len(g)
		if ha {
			a = w[k]
		}
		if hc {
			c = g[k]
		}
		if ha && hc && a == c {
			fmt.Fprintf(&b, "   %s\n", a)
			continue
		}
		if ha {
			fmt.Fprintf(&b, "-  %s\n", a)
		}
		if hc {
			fmt.Fprintf(&b, "+  %s\n", c)
		}
	}
	return b.String()
}
