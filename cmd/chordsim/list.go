package main

import (
	"fmt"
	"io"

	"github.com/chordsim/chordsim/figures"
)

func cmdList(args []string, stdout io.Writer) error {
	fs := newFlags("list", "Usage: chordsim list\n\nNames the built-in experiments that 'chordsim repro' runs.\n", stdout)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("list takes no arguments")
	}
	for _, b := range figures.Builtins {
		fmt.Fprintf(stdout, "%-10s %s\n", b.Name, b.Description)
	}
	return nil
}
