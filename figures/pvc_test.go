package figures

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// `repro pvc` at quick scale writes both figures, hull.csv and an index
// whose table lists the hull settings; hull.csv lists, for each plane,
// exactly the points the definition puts on the lower hull (no segment of
// other points below), in increasing cost, with the settings the point
// ran.
func TestPVCQuickOutputs(t *testing.T) {
	b, _, p := quickBuiltin(t, "pvc")
	o := execute(t, p, 0)
	dir := t.TempDir()
	drawFigures(t, b, o, dir)
	for _, name := range []string{"pvc_latency", "pvc_failures"} {
		for _, ext := range []string{".png", ".svg", ".pdf"} {
			if st, err := os.Stat(filepath.Join(dir, "plots", name+ext)); err != nil || st.Size() == 0 {
				t.Errorf("plots/%s%s missing or empty (%v)", name, ext, err)
			}
		}
	}
	f, err := os.Open(filepath.Join(dir, "hull.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, c := range rows[0] {
		col[c] = i
	}
	for _, c := range []string{"hull", "vertex", "efficient", "point", "chord.base", "chord.successors", "chord.stabilize_every", "chord.fix_fingers_every", pvcCost, pvcLatency, pvcFailed} {
		if _, ok := col[c]; !ok {
			t.Fatalf("hull.csv has no column %s: %v", c, rows[0])
		}
	}
	pts := pvcPoints(o)
	if len(pts) != len(p.Points) {
		t.Fatalf("%d of %d points have results", len(pts), len(p.Points))
	}
	for _, h := range []struct {
		name string
		y    func(pvcPoint) float64
	}{{"latency", func(q pvcPoint) float64 { return q.lat }}, {"failures", func(q pvcPoint) float64 { return q.fail }}} {
		xs, ys := make([]float64, len(pts)), make([]float64, len(pts))
		for i, q := range pts {
			xs[i], ys[i] = q.cost, h.y(q)
		}
		var want []int
		for i := range pts {
			if onLowerHullOracle(xs, ys, i) {
				want = append(want, pts[i].point)
			}
		}
		var got []int
		lastCost := -1.0
		for _, r := range rows[1:] {
			if r[col["hull"]] != h.name {
				continue
			}
			pi, _ := strconv.Atoi(r[col["point"]])
			got = append(got, pi)
			c, _ := strconv.ParseFloat(r[col[pvcCost]], 64)
			if c < lastCost {
				t.Errorf("%s hull: cost %v after %v, not increasing", h.name, c, lastCost)
			}
			lastCost = c
			pt := p.Points[pi]
			for _, a := range pt.Assign {
				if r[col[a.Path]] != a.Value {
					t.Errorf("%s hull, point %d: %s = %s, but the point ran %s", h.name, pi, a.Path, r[col[a.Path]], a.Value)
				}
			}
		}
		slices.Sort(got)
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("%s hull lists points %v, the definition gives %v", h.name, got, want)
		}
	}
	if err := WriteIndex(dir, []IndexEntry{{Builtin: b, Dir: "."}}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"index.md", "index.html"} {
		text, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"latency hull 1", "failures hull 1", "pvc_latency", "larger bases help"} {
			if !strings.Contains(string(text), want) {
				t.Errorf("%s does not show %q", name, want)
			}
		}
	}
}
