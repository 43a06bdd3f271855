package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/chordsim/chordsim/figures"
)

// listWidth is the width 'chordsim list' wraps its descriptions to.
const listWidth = 80

func cmdList(args []string, stdout io.Writer) error {
	fs := newFlags("list", "Usage: chordsim list\n\nNames the built-in experiments that 'chordsim repro' runs.\n", stdout)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("list takes no arguments")
	}
	names := make([]string, len(figures.Builtins))
	descs := make([]string, len(figures.Builtins))
	for i, b := range figures.Builtins {
		names[i], descs[i] = b.Name, b.Description
	}
	fmt.Fprint(stdout, alignedList(names, descs, listWidth))
	return nil
}

// alignedList writes each name in a column as wide as the longest, then
// its description wrapped at word boundaries to width, the continuation
// lines indented under the description's column.
func alignedList(names, descs []string, width int) string {
	col := 0
	for _, n := range names {
		col = max(col, len([]rune(n)))
	}
	col += 2
	var b strings.Builder
	for i, n := range names {
		line := n + strings.Repeat(" ", col-len([]rune(n)))
		used := col
		for j, w := range strings.Fields(descs[i]) {
			wl := len([]rune(w))
			if j > 0 && used+1+wl > width {
				b.WriteString(line + "\n")
				line, used = strings.Repeat(" ", col), col
			} else if j > 0 {
				line += " "
				used++
			}
			line += w
			used += wl
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}
