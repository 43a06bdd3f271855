package figures

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/chordsim/chordsim/experiments"
)

// The T03 Table III standard (issue 18): path within 0.15 hops, timeouts
// within 20 %, failed lookups within a factor 2; a paper 0 stands for
// below half its last digit. Cases at and just past each bound.
func TestT03StandardAgrees(t *testing.T) {
	st := t03Standard{Path: 0.15, Timeouts: 0.20, FailedFactor: 2}
	for _, c := range []struct {
		name                              string
		path, ppath, to, pto, fail, pfail float64
		want                              [3]bool
	}{
		{"all at the bounds", 3.96, 3.81, 0.276, 0.23, 10, 5, [3]bool{true, true, true}},
		{"lower bounds", 3.66, 3.81, 0.184, 0.23, 2.5, 5, [3]bool{true, true, true}},
		{"just past", 3.97, 3.81, 0.277, 0.23, 10.1, 5, [3]bool{false, false, false}},
		{"failed below half", 3.81, 3.81, 0.23, 0.23, 2.4, 5, [3]bool{true, true, false}},
		{"paper 0: below 1 per 10^4", 3.90, 3.90, 0.005, 0, 0.9, 0, [3]bool{true, true, true}},
		{"paper 0: 1 per 10^4 is over", 3.90, 3.90, 0.0061, 0, 1.0, 0, [3]bool{true, false, false}},
	} {
		a, b, f := st.agrees(c.path, c.ppath, c.to, c.pto, c.fail, c.pfail)
		if got := [3]bool{a, b, f}; got != c.want {
			t.Errorf("%s: path, timeouts, failed agree %v, want %v", c.name, got, c.want)
		}
	}
}

// churn-leave's comparison at quick scale carries, per rate, the failed
// lookups' count and an interval around the point estimate that is the
// count's (it contains count/lookups), and the paper's values from tab3.
func TestChurnLeaveComparisonColumns(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the built-in at a reduced size")
	}
	b, _, p := quickBuiltin(t, "churn-leave", "replicates=2", "workload.lookups=150", "churn.rate=[0.05, 0.4]")
	rows, col, num := comparisonRows(t, b, p, 2)
	for i, r := range rows[1:] {
		n, k := num(r, "lookups"), num(r, "failed_lookups")
		if n != 2*150 {
			t.Errorf("rate %s: %v lookups, want 300", r[0], n)
		}
		rate := 1e4 * k / n
		if lo, hi := num(r, "failed_per_10000_ci95_low"), num(r, "failed_per_10000_ci95_high"); !(lo <= rate && rate < hi) || hi <= 0 {
			t.Errorf("rate %s: interval [%v, %v] does not hold %v per 10^4", r[0], lo, hi, rate)
		}
		want := tab3[0]
		if i == 1 {
			want = tab3[len(tab3)-1]
		}
		if num(r, "paper_mean_hops") != want.path || num(r, "paper_mean_timeouts") != want.timeouts || num(r, "paper_failed_per_10000") != want.failedPer10k {
			t.Errorf("rate %s: paper columns %v, want tab3's %+v", r[0], r, want)
		}
		for _, c := range []string{"mean_hops_within_0.15", "mean_timeouts_within_20pct", "failed_within_factor_2"} {
			if v := r[col[c]]; v != "true" && v != "false" {
				t.Errorf("rate %s: %s = %q", r[0], c, v)
			}
		}
	}
}

// comparisonRows runs plan p of built-in b, draws its figures and reads
// paper_comparison.csv: the rows (header first, then want data rows, or
// the test fails), the column index by name, and a reader of a row's
// numeric column that fails the test on a missing column or a non-number.
func comparisonRows(t *testing.T, b *Builtin, p *experiments.Plan, want int) ([][]string, map[string]int, func([]string, string) float64) {
	t.Helper()
	dir := t.TempDir()
	drawFigures(t, b, execute(t, p, 0), dir)
	f, err := os.Open(filepath.Join(dir, "paper_comparison.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(rows) != want+1 {
		t.Fatalf("%d rows, %v; want a header and %d rows", len(rows), err, want)
	}
	col := map[string]int{}
	for i, c := range rows[0] {
		col[c] = i
	}
	num := func(r []string, name string) float64 {
		i, ok := col[name]
		if !ok {
			t.Fatalf("no column %s in %v", name, rows[0])
		}
		v, err := strconv.ParseFloat(r[i], 64)
		if err != nil {
			t.Fatalf("%s = %q: %v", name, r[i], err)
		}
		return v
	}
	return rows, col, num
}
