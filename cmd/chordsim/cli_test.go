package main

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/chordsim/chordsim/config"
	"github.com/chordsim/chordsim/figures"

	"github.com/spf13/pflag"
)

// 'chordsim help COMMAND' prints what 'chordsim COMMAND --help' prints,
// for every command, with exit status 0; an unknown command is a usage
// error that suggests the closest.
func TestHelpCommand(t *testing.T) {
	for _, c := range commands() {
		code, out, errOut := runCLI(t, "help", c.name)
		if code != 0 || errOut != "" {
			t.Errorf("help %s: exit %d, stderr %q", c.name, code, errOut)
		}
		if !strings.HasPrefix(out, "Usage: chordsim "+c.name) {
			t.Errorf("help %s prints %q, not the command's usage", c.name, firstLine(out))
		}
		code2, out2, _ := runCLI(t, c.name, "--help")
		if c.name == "help" {
			continue // 'chordsim help --help' is the top-level usage
		}
		if code2 != 0 || out2 != out {
			t.Errorf("%s --help (exit %d) differs from help %s:\n%s\n---\n%s", c.name, code2, c.name, out2, out)
		}
	}
	code, _, errOut := runCLI(t, "help", "rnu")
	if code != 2 || !strings.Contains(errOut, `did you mean "run"`) {
		t.Errorf("help rnu: exit %d, stderr %q", code, errOut)
	}
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}} {
		code, out, _ := runCLI(t, args...)
		if code != 0 || !strings.Contains(out, "Commands:") {
			t.Errorf("%v: exit %d, output %q", args, code, firstLine(out))
		}
	}
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// A usage with no flags has no "Flags:" heading.
func TestNoEmptyFlagsHeading(t *testing.T) {
	for _, c := range commands() {
		_, out, _ := runCLI(t, c.name, "--help")
		if strings.HasSuffix(strings.TrimSpace(out), "Flags:") {
			t.Errorf("%s --help ends with an empty Flags: heading", c.name)
		}
	}
}

// The top-level usage names every command, and on the lines of run, repro
// and bench every flag they take.
func TestTopUsageNamesFlags(t *testing.T) {
	usage := usageText()
	for _, c := range commands() {
		if !strings.Contains(usage, "\n  "+c.name+" ") {
			t.Errorf("the usage's command list lacks %s", c.name)
		}
		if c.name != "run" && c.name != "repro" && c.name != "bench" {
			continue
		}
		// The command's synopsis: its line and the indented lines after it.
		i := strings.Index(usage, "  chordsim "+c.name+" ")
		syn := usage[i:]
		end := strings.Index(syn, "\n  chordsim ")
		syn = syn[:end]
		for _, f := range flagsOf(c) {
			if f == "--help" || f == "--fields" {
				continue
			}
			if !strings.Contains(syn, f) {
				t.Errorf("the usage line of %s lacks %s", c.name, f)
			}
		}
	}
}

// --seed is the same flag on every command that takes one: a uint64 with
// the same message for a bad value.
func TestSeedFlagSameEverywhere(t *testing.T) {
	for _, name := range []string{"run", "repro", "shell", "bench"} {
		c, _ := findCommand(name)
		var typ string
		flagProbe = func(fs *pflag.FlagSet) {
			if f := fs.Lookup("seed"); f != nil {
				typ = f.Value.Type()
			}
		}
		_ = c.run(nil, []string{"--help"}, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
		flagProbe = nil
		if typ != "uint64" {
			t.Errorf("%s --seed has type %q, want uint64", name, typ)
		}
		args := []string{name, "--seed", "-3"}
		if name == "run" {
			args = append(args, "c.yaml")
		}
		code, _, errOut := runCLI(t, args...)
		if code != 2 || !strings.Contains(errOut, `"-3" is not a whole number between 0 and 18446744073709551615`) {
			t.Errorf("%s --seed -3: exit %d, stderr %q", name, code, errOut)
		}
	}
}

// list aligns its descriptions in one column and wraps them to 80
// columns.
func TestListAligned(t *testing.T) {
	_, out, _ := runCLI(t, "list")
	col := -1
	names := 0
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if n := utf8.RuneCountInString(line); n > listWidth {
			t.Errorf("line of %d columns: %q", n, line)
		}
		if !strings.HasPrefix(line, " ") {
			names++
		}
		start := len([]rune(line)) - len([]rune(strings.TrimLeft(line[strings.IndexByte(line, ' '):], " "))) // description column
		if col == -1 {
			col = start
		} else if start != col {
			t.Errorf("description at column %d, not %d: %q", start, col, line)
		}
	}
	if names != len(figures.Builtins) {
		t.Errorf("list shows %d names, want %d", names, len(figures.Builtins))
	}
}

func TestAlignedListWraps(t *testing.T) {
	got := alignedList([]string{"a", "bbb"}, []string{"one two three four", "x"}, 14)
	want := "a    one two\n     three\n     four\nbbb  x\n"
	if got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}

func TestPlural(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
	}{{0, "0 runs"}, {1, "1 run"}, {2, "2 runs"}, {120, "120 runs"}} {
		if got := plural(c.n, "run"); got != c.want {
			t.Errorf("plural(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}

// A one-run config says "1 run (1 point × 1 replicate)".
func TestRunSummarySingular(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "n: 8\nworkload:\n  lookups: 10\n")
	code, out, errOut := runCLI(t, "run", cfg, "--out", filepath.Join(dir, "out"))
	if code != 0 || !strings.Contains(out, "1 run (1 point × 1 replicate)") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestSchemaCommand(t *testing.T) {
	code, out, _ := runCLI(t, "schema")
	if code != 0 || out != string(config.JSONSchema()) {
		t.Fatalf("schema: exit %d, output differs from config.JSONSchema", code)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("schema output is not JSON: %v", err)
	}
	if code, _, _ := runCLI(t, "schema", "extra"); code != 2 {
		t.Errorf("schema extra: exit %d, want 2", code)
	}
}

// Each completion script names every command and every flag of run, and
// the bash and zsh ones pass their shell's syntax check where the shell is
// installed.
func TestCompletion(t *testing.T) {
	run, _ := findCommand("run")
	for _, sh := range []string{"bash", "zsh", "fish"} {
		code, out, errOut := runCLI(t, "completion", sh)
		if code != 0 {
			t.Fatalf("completion %s: exit %d, %s", sh, code, errOut)
		}
		for _, c := range commands() {
			if !strings.Contains(out, c.name) {
				t.Errorf("completion %s lacks the command %s", sh, c.name)
			}
		}
		for _, f := range flagsOf(run) {
			name := f
			if sh == "fish" {
				name = "-l " + strings.TrimPrefix(f, "--")
			}
			if !strings.Contains(out, name) {
				t.Errorf("completion %s lacks run's %s", sh, f)
			}
		}
		for _, b := range figures.Builtins {
			if !strings.Contains(out, b.Name) {
				t.Errorf("completion %s lacks the figure %s", sh, b.Name)
			}
		}
		if path, err := exec.LookPath(sh); err == nil {
			cmd := exec.Command(path, "-n")
			cmd.Stdin = strings.NewReader(out)
			if msg, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("%s -n on the completion script: %v\n%s", sh, err, msg)
			}
		}
	}
	if code, _, _ := runCLI(t, "completion", "tcsh"); code != 2 {
		t.Errorf("completion tcsh: exit %d, want 2", code)
	}
}

// bash completes the way the script says: commands, figures, flag values.
func TestBashCompletionCompletes(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	_, script, _ := runCLI(t, "completion", "bash")
	cases := []struct {
		line string
		want string
	}{
		{"chordsim re", "repro"},
		{"chordsim repro fail", "failures failures-nostab"},
		{"chordsim repro --scale q", "quick"},
		{"chordsim run --chec", "--check-invariants"},
		{"chordsim help sc", "schema"},
	}
	for _, c := range cases {
		words := strings.Fields(c.line)
		var arr strings.Builder
		for _, w := range words {
			arr.WriteString(shellQuote(w) + " ")
		}
		prog := script + "\nCOMP_WORDS=(" + arr.String() + ")\nCOMP_CWORD=" + strconv.Itoa(len(words)-1) + "\n_chordsim\necho \"${COMPREPLY[*]}\"\n"
		out, err := exec.Command(bash, "-c", prog).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", c.line, err, out)
		}
		if got := strings.TrimSpace(string(out)); got != c.want {
			t.Errorf("%q completes to %q, want %q", c.line, got, c.want)
		}
	}
}
