package main

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/chordsim/chordsim/figures"

	"github.com/spf13/pflag"
)

const completionUsage = `Usage: chordsim completion bash|zsh|fish

Prints a script that completes chordsim's commands, flags, built-in
figures and, where a flag takes one of a few values, those values. Load it
in the current shell, or install it:

  bash:  source <(chordsim completion bash)
         (or save it as ~/.local/share/bash-completion/completions/chordsim)
  zsh:   source <(chordsim completion zsh)
         (or save it as _chordsim in a folder of $fpath)
  fish:  chordsim completion fish | source
         (or save it as ~/.config/fish/completions/chordsim.fish)
`

// completionWords is what completes after each command: its flags (long
// form, with "--") and its fixed words (built-in figures, shells).
type completionWords struct {
	cmd   string
	flags []string
	words []string
	// values of flags that take one of a few words
	values map[string][]string
	files  bool // whether file names complete too (configs, scripts, folders)
}

// flagsOf runs a command's flag definitions on an empty command line to
// list its flags, so the completion follows the flags as they are.
func flagsOf(c command) []string {
	var names []string
	probe := func(fs *pflag.FlagSet) {
		fs.VisitAll(func(f *pflag.Flag) { names = append(names, "--"+f.Name) })
	}
	flagProbe = probe
	defer func() { flagProbe = nil }()
	_ = c.run(nil, []string{"--help"}, strings.NewReader(""), io.Discard, io.Discard)
	sort.Strings(names)
	return append(names, "--help")
}

// flagProbe, when set, sees each command's flag set before it is parsed
// (for the completion scripts).
var flagProbe func(*pflag.FlagSet)

func completionTable() []completionWords {
	var figs []string
	for _, b := range figures.Builtins {
		figs = append(figs, b.Name)
	}
	var table []completionWords
	for _, c := range commands() {
		w := completionWords{cmd: c.name}
		switch c.name {
		case "version":
			w.flags = []string{"--help"}
		case "help":
			for _, o := range commands() {
				w.words = append(w.words, o.name)
			}
		default:
			w.flags = flagsOf(c)
		}
		switch c.name {
		case "run", "shell", "draw":
			w.files = true
		case "merge", "compare":
			w.files = true
		case "explore":
			w.files = true
			w.values = map[string][]string{"--variant": {"zave", "original"}}
		case "repro":
			w.words = figs
			w.values = map[string][]string{"--scale": {"quick", "paper"}}
		case "completion":
			w.words = []string{"bash", "zsh", "fish"}
		}
		if c.name == "shell" {
			w.values = map[string][]string{"--consistency": {"linearizable", "eventual"}}
		}
		if c.name == "bench" {
			w.values = map[string][]string{"--engine": {"static", "events"}}
		}
		table = append(table, w)
	}
	return table
}

func cmdCompletion(args []string, stdout io.Writer) error {
	fs := newFlags("completion", completionUsage, stdout)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("completion needs one shell, bash, zsh or fish; usage: chordsim completion bash")
	}
	table := completionTable()
	switch fs.Arg(0) {
	case "bash":
		fmt.Fprint(stdout, bashCompletion(table))
	case "zsh":
		fmt.Fprint(stdout, "#compdef chordsim\n\nautoload -U +X bashcompinit && bashcompinit\n\n"+bashCompletion(table))
	case "fish":
		fmt.Fprint(stdout, fishCompletion(table))
	default:
		return usagef("completion: unknown shell %q; use bash, zsh or fish", fs.Arg(0))
	}
	return nil
}

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// bashCompletion is a bash completion function (zsh reads it through
// bashcompinit).
func bashCompletion(table []completionWords) string {
	var b strings.Builder
	var names []string
	for _, w := range table {
		names = append(names, w.cmd)
	}
	b.WriteString("# chordsim completion for bash (and zsh through bashcompinit)\n")
	b.WriteString("_chordsim() {\n")
	b.WriteString("  local cur prev cmd\n")
	b.WriteString("  cur=\"${COMP_WORDS[COMP_CWORD]}\"\n")
	b.WriteString("  prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n")
	b.WriteString("  cmd=\"${COMP_WORDS[1]}\"\n")
	b.WriteString("  if [ \"$COMP_CWORD\" -eq 1 ]; then\n")
	fmt.Fprintf(&b, "    COMPREPLY=($(compgen -W %q -- \"$cur\"))\n", strings.Join(names, " "))
	b.WriteString("    return\n  fi\n")
	b.WriteString("  case \"$cmd\" in\n")
	for _, w := range table {
		fmt.Fprintf(&b, "  %s)\n", w.cmd)
		if len(w.values) > 0 {
			b.WriteString("    case \"$prev\" in\n")
			for _, f := range sortedKeys(w.values) {
				fmt.Fprintf(&b, "    %s) COMPREPLY=($(compgen -W %q -- \"$cur\")); return;;\n", f, strings.Join(w.values[f], " "))
			}
			b.WriteString("    esac\n")
		}
		fmt.Fprintf(&b, "    if [[ \"$cur\" == -* ]]; then COMPREPLY=($(compgen -W %q -- \"$cur\")); return; fi\n", strings.Join(w.flags, " "))
		if len(w.words) > 0 {
			fmt.Fprintf(&b, "    COMPREPLY=($(compgen -W %q -- \"$cur\"))\n", strings.Join(w.words, " "))
		}
		if w.files {
			b.WriteString("    COMPREPLY+=($(compgen -f -- \"$cur\"))\n")
		}
		b.WriteString("    ;;\n")
	}
	b.WriteString("  esac\n}\ncomplete -o filenames -F _chordsim chordsim\n")
	return b.String()
}

// fishCompletion is a fish completion script.
func fishCompletion(table []completionWords) string {
	var b strings.Builder
	b.WriteString("# chordsim completion for fish\n")
	b.WriteString("complete -c chordsim -f\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "complete -c chordsim -n __fish_use_subcommand -a %s -d %s\n", c.name, fishQuote(c.summary))
	}
	for _, w := range table {
		cond := "__fish_seen_subcommand_from " + w.cmd
		for _, f := range w.flags {
			line := fmt.Sprintf("complete -c chordsim -n %s -l %s", fishQuote(cond), strings.TrimPrefix(f, "--"))
			if v, ok := w.values[f]; ok {
				line += " -x -a " + fishQuote(strings.Join(v, " "))
			}
			b.WriteString(line + "\n")
		}
		if len(w.words) > 0 {
			fmt.Fprintf(&b, "complete -c chordsim -n %s -a %s\n", fishQuote(cond), fishQuote(strings.Join(w.words, " ")))
		}
		if w.files {
			fmt.Fprintf(&b, "complete -c chordsim -n %s -F\n", fishQuote(cond))
		}
	}
	return b.String()
}

func fishQuote(s string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", `\'`) + "'"
}
