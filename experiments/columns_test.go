package experiments

import (
	"strings"
	"testing"
)

// results.csv and summary.csv leave out the kv_ columns when no point runs
// the key-value service, keep them when one does (empty in the rows of the
// others), and keep every other column in its order. (The pointer-state
// columns are checked by TestPointerSamplingDoesNotPerturb.)
func TestKVColumnsOnlyWhereTheyApply(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		kv, topo   bool
	}{
		{"no service", "n: 10\nworkload:\n  lookups: 50\n", false, false},
		{"service at one point", "n: 10\nworkload:\n  lookups: 50\nkv:\n  requests: [0, 20]\n", true, false},
		{"topology at one point", "n: 10\nworkload:\n  lookups: 50\nnetwork:\n  topology: [none, euclidean]\n", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := mustPlan(t, tc.yaml)
			o := execute(t, p, 0)
			res, sum := o.Table(), o.SummaryTable()
			hasKV := func(cols []string) bool {
				for _, c := range cols {
					if strings.HasPrefix(c, "kv_") {
						return true
					}
				}
				return false
			}
			if hasKV(res.Columns) != tc.kv || hasKV(sum.Columns) != tc.kv {
				t.Errorf("kv_ columns in results.csv %v, summary.csv %v; want %v", hasKV(res.Columns), hasKV(sum.Columns), tc.kv)
			}
			// Every other metric is there, in the full order (but the
			// pointer-state ones: pointers.every is off); the
			// topology's only with a topology (and in summary.json too).
			var want []string
			for i, m := range metricsList {
				if ptr, _ := pointerMetric(i); ptr {
					continue
				}
				if (!strings.HasPrefix(m.name, "kv_") || tc.kv) && (!topologyMetric(i) || tc.topo) {
					want = append(want, m.name)
				}
			}
			if _, ok := o.Summary().Points[0].Metrics["p50_stretch"]; ok != tc.topo {
				t.Errorf("summary.json has p50_stretch: %v; want %v", ok, tc.topo)
			}
			if tc.topo {
				i := len(res.Columns) - len(want)
				for j, c := range want {
					if c == "p50_stretch" {
						i += j
					}
				}
				if a, b := res.Rows[0][i].String(), res.Rows[1][i].String(); a != "" || b == "" {
					t.Errorf("p50_stretch = %q (point without topology), %q (with); want empty and a number", a, b)
				}
			}
			got := res.Columns[len(res.Columns)-len(want):]
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("metric columns\n%v\nwant\n%v", got, want)
			}
			for _, row := range res.Rows {
				if len(row) != len(res.Columns) {
					t.Fatalf("row of %d cells for %d columns", len(row), len(res.Columns))
				}
			}
			if tc.kv {
				i := len(res.Columns) - len(want)
				for j, c := range want {
					if c == "kv_requests" {
						i += j
					}
				}
				if a, b := res.Rows[0][i].String(), res.Rows[1][i].String(); a != "" || b != "20" {
					t.Errorf("kv_requests = %q (point without service), %q (with); want empty and 20", a, b)
				}
			}
		})
	}
}
