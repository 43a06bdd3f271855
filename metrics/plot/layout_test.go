package plot

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestPow(t *testing.T) {
	for _, tc := range []struct {
		base, k int
		want    string
	}{
		{2, 0, "2⁰"}, {2, 20, "2²⁰"}, {10, 4, "10⁴"}, {10, -3, "10⁻³"}, {10, 123456789, "10¹²³⁴⁵⁶⁷⁸⁹"},
	} {
		if got := Pow(tc.base, tc.k); got != tc.want {
			t.Errorf("Pow(%d, %d) = %q, want %q", tc.base, tc.k, got, tc.want)
		}
	}
}

func TestBoundsClamp(t *testing.T) {
	for _, tc := range []struct {
		b       *Bounds
		x, want float64
	}{
		{Fraction, -0.0057, 0}, {Fraction, 0.5, 0.5}, {Fraction, 1.2, 1}, {Count, -3, 0}, {Count, 1e300, 1e300},
	} {
		if got := tc.b.Clamp(tc.x); got != tc.want || !tc.b.Contains(got) {
			t.Errorf("%v.Clamp(%v) = %v, want %v", *tc.b, tc.x, got, tc.want)
		}
	}
	if !math.IsNaN(Fraction.Clamp(math.NaN())) {
		t.Error("Clamp(NaN) is not NaN")
	}
}

// A figure with YBounds draws its error bars clamped, and leaves the data
// it was given alone.
func TestFigureDrawnClampsBars(t *testing.T) {
	f := Figure{YBounds: Fraction, Series: []Series{{X: []float64{1, 2}, Y: []float64{0.001, 0.9}, YLow: []float64{-0.004, 0.8}, YHigh: []float64{0.006, 1.1}}}}
	d := f.Drawn()[0]
	if d.YLow[0] != 0 || d.YHigh[1] != 1 || d.YLow[1] != 0.8 || d.YHigh[0] != 0.006 {
		t.Errorf("drawn bars %v–%v, want [0 0.8]–[0.006 1]", d.YLow, d.YHigh)
	}
	if f.Series[0].YLow[0] != -0.004 {
		t.Error("Drawn changed the figure's data")
	}
}

// SaveAll writes the three formats, each recognisable by its header.
func TestSaveAllFormats(t *testing.T) {
	dir := t.TempDir()
	f := Figure{Title: "t\nsecond line", XLabel: "x", YLabel: "y", YBounds: Count,
		Series: []Series{{Label: "a", X: []float64{1, 2, 5}, Y: []float64{1, 2, 3}, Style: LinePoints},
			{Label: "paper", X: []float64{1, 2, 5}, Y: []float64{1.1, 2.1, 3.1}, XShift: 0.02}}}
	if err := f.SaveAll(filepath.Join(dir, "fig")); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, filepath.Join(dir, "fig.png"), 945, 650)
	for ext, head := range map[string]string{".svg": "<?xml", ".pdf": "%PDF"} {
		b, err := os.ReadFile(filepath.Join(dir, "fig"+ext))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte(head)) {
			t.Errorf("fig%s starts %q, want %q", ext, b[:min(len(b), 10)], head)
		}
	}
	bars := BarFigure{Groups: []BarSeries{{Label: "g", X: []float64{1, 2}, Y: []float64{0.3, 0.7}}},
		Overlay: []Series{{Label: "mark", X: []float64{1.5, 1.5}, Y: []float64{0, 0.7}, Style: Dashed}}}
	if err := bars.SaveAll(filepath.Join(dir, "bars")); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(filepath.Join(dir, "fig.gif")); err == nil {
		t.Error("Save to .gif succeeded; want an error naming the formats")
	}
}

// Ticks sit at the data's x values when there are few of them, and the
// paper's shifted series adds none.
func TestValueTicksAtData(t *testing.T) {
	f := Figure{Series: []Series{{X: []float64{0.01, 0.025, 0.05, 0.1, 0.2}, Y: []float64{1, 2, 3, 4, 5}},
		{X: []float64{0.01, 0.2}, Y: []float64{1, 5}, XShift: 0.02}}}
	p, _, err := f.build()
	if err != nil {
		t.Fatal(err)
	}
	var got []float64
	for _, tk := range p.X.Tick.Marker.Ticks(p.X.Min, p.X.Max) {
		got = append(got, tk.Value)
	}
	want := []float64{0.01, 0.025, 0.05, 0.1, 0.2}
	if len(got) != len(want) {
		t.Fatalf("ticks %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("ticks %v, want %v", got, want)
		}
	}
	if !(p.X.Min < 0.01 && p.X.Max > 0.2) {
		t.Errorf("x range [%v, %v] does not leave room around the data [0.01, 0.2]", p.X.Min, p.X.Max)
	}
}

// The PDF backend's fonts are in Windows-1252: labels are encoded in it,
// and what it lacks is spelled in ASCII.
func TestToCP1252(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"N = 10⁴, 2¹⁴ keys", "N = 10^4, 2^14 keys"},
		{"10⁻³", "10^-3"},
		{"½·log₂ N", "\xbd\xb7log2 N"},
		{"1st–99th pct, ×10⁴", "1st\x9699th pct, \xd710^4"},
		{"clamped to ≥ 0", "clamped to >= 0"},
		{"ascii only", "ascii only"},
		{"日", "?"},
	} {
		if got := toCP1252(tc.in); got != tc.want {
			t.Errorf("toCP1252(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
