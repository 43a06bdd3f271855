package experiments

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/chordsim/chordsim/metrics"
)

// summary.csv agrees with results.csv: for every point and metric, the
// mean and the 95% interval recomputed by hand from the point's rows of
// results.csv (t(0.975, 2) = 4.302652729911275 for three replicates).
func TestSummaryCSVMatchesResults(t *testing.T) {
	p := mustPlan(t, smallSweep, "workload.lookups=200")
	o := execute(t, p, 0)
	read := func(tb *metrics.Table) *metrics.Table {
		var b bytes.Buffer
		if err := tb.WriteCSV(&b); err != nil {
			t.Fatal(err)
		}
		back, err := metrics.ReadCSV(&b)
		if err != nil {
			t.Fatal(err)
		}
		return back
	}
	res, sum := read(o.Table()), read(o.SummaryTable())
	col := func(tb *metrics.Table, name string) int {
		for i, c := range tb.Columns {
			if c == name {
				return i
			}
		}
		t.Fatalf("no column %s in %v", name, tb.Columns[:5])
		return -1
	}
	num := func(c metrics.Cell) float64 {
		if c.String() == "" {
			return math.NaN()
		}
		f, err := strconv.ParseFloat(c.String(), 64)
		if err != nil {
			t.Fatalf("%q is not a number", c.String())
		}
		return f
	}
	if len(sum.Rows) != len(p.Points) {
		t.Fatalf("%d summary rows, want one per point (%d)", len(sum.Rows), len(p.Points))
	}
	const t2 = 4.302652729911275
	for _, name := range []string{"mean_hops", "failed_fraction", "mean_latency_ms", "messages"} {
		for _, row := range sum.Rows {
			point := row[col(sum, "point")].String()
			var xs []float64
			for _, r := range res.Rows {
				if r[col(res, "point")].String() == point {
					xs = append(xs, num(r[col(res, name)]))
				}
			}
			if len(xs) != 3 {
				t.Fatalf("point %s: %d runs in results.csv", point, len(xs))
			}
			mean := (xs[0] + xs[1] + xs[2]) / 3
			ss := 0.0
			for _, x := range xs {
				ss += (x - mean) * (x - mean)
			}
			half := t2 * math.Sqrt(ss/2) / math.Sqrt(3)
			for _, c := range []struct {
				suffix string
				want   float64
			}{{"_mean", mean}, {"_ci_low", mean - half}, {"_ci_high", mean + half}, {"_n", 3}} {
				got := num(row[col(sum, name+c.suffix)])
				// results.csv and summary.csv both round to 10 digits.
				if math.Abs(got-c.want) > 1e-8*math.Max(1, math.Abs(c.want)) {
					t.Errorf("point %s %s%s = %v, want %v", point, name, c.suffix, got, c.want)
				}
			}
		}
	}
	// Swept values are typed: numbers as numbers, enumerations as text.
	if got := sum.Rows[0][col(sum, "n")].String(); got != "50" {
		t.Errorf("n of point 0 = %q, want 50", got)
	}
	if got := sum.Rows[0][col(sum, "chord.lookup")].String(); strings.Trim(got, `"`) != got || got != "iterative" {
		t.Errorf("chord.lookup of point 0 = %q, want iterative", got)
	}
}
