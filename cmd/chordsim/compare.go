package main

import (
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/chordsim/chordsim/experiments"
)

const compareUsage = `Usage: chordsim compare DIR_A DIR_B [--metric NAME ...] [--all]

Compares two output folders (of run, repro or merge) metric by metric and
sweep point by sweep point, from their summary.json: both means with their
95% confidence intervals, and a verdict: same (the intervals overlap; with one
run per point, the means are equal), higher or lower (B's interval lies wholly
above or below A's), or only in A / only in B. Points are matched by their
swept values. It prints the metrics that moved (every row with --all).

Exit status: 1 if a metric named with --metric moved at some point (the
baseline check for a protocol change), 0 otherwise, 2 for bad input.
`

// errMoved reports that a named metric moved; the table says where.
var errMoved = errors.New("a named metric moved")

func cmdCompare(args []string, stdout io.Writer) error {
	fs := newFlags("compare", compareUsage, stdout)
	names := fs.StringArray("metric", nil, "compare only this results.csv column, and exit with status 1 if it moved (repeatable)")
	all := fs.Bool("all", false, "print every metric and point, not only those that moved")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usagef("compare needs two output folders, got %d arguments; usage: chordsim compare DIR_A DIR_B [--metric NAME]", fs.NArg())
	}
	var sums [2]*experiments.Summary
	for i, d := range fs.Args() {
		s, err := experiments.ReadSummary(d)
		if err != nil {
			return usageError{err}
		}
		sums[i] = s
	}
	rows, err := experiments.Compare(sums[0], sums[1], *names)
	if err != nil {
		return usageError{err}
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "metric\tpoint\tA mean [95% CI]\tB mean [95% CI]\tverdict")
	moved, same := 0, 0
	for _, r := range rows {
		if r.Moved() {
			moved++
		} else if r.Verdict == experiments.Same {
			same++
		}
		if *all || len(*names) > 0 || r.Moved() || r.Verdict == experiments.OnlyA || r.Verdict == experiments.OnlyB {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Metric, r.Point, r.AText(), r.BText(), r.Verdict)
		}
	}
	tw.Flush()
	fmt.Fprintf(stdout, "%d of %d metric × point pairs moved, %d the same within their CIs (A = %s, B = %s)\n", moved, len(rows), same, fs.Arg(0), fs.Arg(1))
	if len(*names) > 0 && moved > 0 {
		return errMoved
	}
	return nil
}
