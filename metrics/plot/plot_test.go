package plot

import (
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// checkPNG decodes the file at path and checks its pixel size and that it
// is not blank. PNG bytes depend on the rasteriser, so nothing finer is
// compared.
func checkPNG(t *testing.T, path string, wantW, wantH int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s does not decode as PNG: %v", path, err)
	}
	b := img.Bounds()
	if b.Dx() != wantW || b.Dy() != wantH {
		t.Errorf("%s is %d×%d pixels, want %d×%d", path, b.Dx(), b.Dy(), wantW, wantH)
	}
	if n := nonWhite(img); n < b.Dx()*b.Dy()/200 {
		t.Errorf("%s has only %d non-white pixels; nothing drawn?", path, n)
	}
}

// nonWhite counts pixels that are not white, sampling every second row and
// column to keep the test fast.
func nonWhite(img image.Image) int {
	b := img.Bounds()
	n := 0
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r < 0xf000 || g < 0xf000 || bl < 0xf000 {
				n += 4
			}
		}
	}
	return n
}

func TestFigureSavePNG(t *testing.T) {
	dir := t.TempDir()
	ns := []float64{8, 16, 32, 64, 128, 256, 512, 1024}
	mean := make([]float64, len(ns))
	lo := make([]float64, len(ns))
	hi := make([]float64, len(ns))
	ref := make([]float64, len(ns))
	for i, n := range ns {
		ref[i] = 0.5 * math.Log2(n)
		mean[i] = ref[i] + 0.1
		lo[i], hi[i] = mean[i]-0.2, mean[i]+0.2
	}
	mean[3] = math.NaN() // an undefined point is skipped
	lo[4] = math.NaN()   // and so is an undefined error bar
	fig := Figure{
		Title:  "Path length",
		XLabel: "nodes",
		YLabel: "hops",
		LogX2:  true,
		Series: []Series{
			{Label: "simulated", X: ns, Y: mean, YLow: lo, YHigh: hi, Style: LinePoints},
			{Label: "½·log2 N", X: ns, Y: ref, Style: Dashed},
			{Label: "points", X: ns, Y: ref, Style: Points},
			{X: ns, Y: ref, Style: Line}, // no legend entry
			{Label: "empty"},
		},
	}
	path := filepath.Join(dir, "fig.png")
	if err := fig.SavePNG(path); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, path, 945, 650) // 16 × 11 cm at 150 dpi

	// A small linear figure with negative data and a custom size.
	small := Figure{
		WidthCm: 8, HeightCm: 6,
		Series: []Series{{Label: "neg", X: []float64{0, 1, 2}, Y: []float64{-1, 0, 2}, Style: Line}},
	}
	path = filepath.Join(dir, "small.png")
	if err := small.SavePNG(path); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, path, 472, 354)
}

func TestFigureEdgeCases(t *testing.T) {
	dir := t.TempDir()
	for name, fig := range map[string]Figure{
		"no series":      {WidthCm: 4, HeightCm: 3},
		"single log x":   {WidthCm: 4, HeightCm: 3, LogX2: true, Series: []Series{{X: []float64{1}, Y: []float64{2}}}},
		"no power of 2":  {WidthCm: 4, HeightCm: 3, LogX2: true, Series: []Series{{X: []float64{5, 7}, Y: []float64{1, 2}}}},
		"all NaN y":      {WidthCm: 4, HeightCm: 3, Series: []Series{{X: []float64{1, 2}, Y: []float64{math.NaN(), math.NaN()}}}},
		"constant value": {WidthCm: 4, HeightCm: 3, Series: []Series{{X: []float64{3, 3}, Y: []float64{0, 0}}}},
	} {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".png")
		if err := fig.SavePNG(path); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if _, err := os.Stat(path); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestFigureValidation(t *testing.T) {
	x := []float64{1, 2, 3}
	y := []float64{1, 2, 3}
	tests := []struct {
		name    string
		fig     Figure
		wantSub string
	}{
		{"length mismatch", Figure{Series: []Series{{Label: "ok", X: x, Y: y}, {Label: "bad", X: x, Y: y[:2]}}}, `"bad"`},
		{"unlabelled mismatch", Figure{Series: []Series{{X: x, Y: y}, {X: x[:1], Y: y}}}, "#1"},
		{"low without high", Figure{Series: []Series{{Label: "s", X: x, Y: y, YLow: y}}}, `"s"`},
		{"bar length", Figure{Series: []Series{{Label: "s", X: x, Y: y, YLow: y[:2], YHigh: y[:2]}}}, `"s"`},
		{"low above high", Figure{Series: []Series{{Label: "s", X: x, Y: y, YLow: []float64{0, 3, 0}, YHigh: []float64{1, 2, 1}}}}, `"s"`},
		{"log x zero", Figure{LogX2: true, Series: []Series{{Label: "z", X: []float64{0, 1, 2}, Y: y}}}, `"z"`},
		{"log x negative", Figure{LogX2: true, Series: []Series{{Label: "n", X: []float64{-1, 1, 2}, Y: y}}}, "not positive"},
		{"NaN x", Figure{Series: []Series{{Label: "nan", X: []float64{1, math.NaN(), 2}, Y: y}}}, `"nan"`},
		{"Inf y", Figure{Series: []Series{{Label: "inf", X: x, Y: []float64{1, math.Inf(1), 2}}}}, `"inf"`},
		{"bad style", Figure{Series: []Series{{Label: "st", X: x, Y: y, Style: 42}}}, `"st"`},
		{"negative size", Figure{WidthCm: -1}, "size"},
	}
	dir := t.TempDir()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "f.png")
			err := tc.fig.SavePNG(path)
			if err == nil || !strings.Contains(err.Error(), tc.wantSub) || !strings.HasPrefix(err.Error(), "metrics: ") {
				t.Fatalf("SavePNG error = %v, want a metrics: error containing %s", err, tc.wantSub)
			}
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Errorf("file written despite invalid input")
			}
		})
	}
}

func TestBarFigureSavePNG(t *testing.T) {
	dir := t.TempDir()
	fig := BarFigure{
		Title:  "Path length distribution",
		XLabel: "hops",
		YLabel: "fraction of lookups",
		Groups: []BarSeries{
			{Label: "simulated", X: []float64{2, 3, 4, 5, 6, 8}, Y: []float64{0.05, 0.2, 0.4, 0.25, 0.08, 0.02}},
			{Label: "paper", X: []float64{2, 3, 4, 5, 6, 7}, Y: []float64{0.06, 0.19, 0.41, 0.24, math.NaN(), 0.01}},
			{Label: "empty"},
		},
	}
	path := filepath.Join(dir, "bars.png")
	if err := fig.SavePNG(path); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, path, 945, 650)

	bad := []struct {
		fig     BarFigure
		wantSub string
	}{
		{BarFigure{Groups: []BarSeries{{Label: "short", X: []float64{1, 2}, Y: []float64{1}}}}, `"short"`},
		{BarFigure{Groups: []BarSeries{{Label: "nanx", X: []float64{math.NaN()}, Y: []float64{1}}}}, `"nanx"`},
		{BarFigure{Groups: []BarSeries{{Label: "infy", X: []float64{1}, Y: []float64{math.Inf(-1)}}}}, `"infy"`},
		{BarFigure{HeightCm: math.NaN()}, "size"},
	}
	for _, tc := range bad {
		err := tc.fig.SavePNG(filepath.Join(dir, "bad.png"))
		if err == nil || !strings.Contains(err.Error(), tc.wantSub) {
			t.Errorf("SavePNG error = %v, want one containing %s", err, tc.wantSub)
		}
	}
}

func TestPow2Ticks(t *testing.T) {
	labels := func(min, max float64) (vals []float64, labs []string) {
		for _, tk := range pow2Ticks(min, max) {
			vals = append(vals, tk.Value)
			labs = append(labs, tk.Label)
		}
		return
	}
	tests := []struct {
		min, max float64
		vals     []float64
		labs     []string
	}{
		{3, 40, []float64{4, 8, 16, 32}, []string{"4", "8", "16", "32"}},
		{0.5, 2, []float64{0.5, 1, 2}, []string{"0.5", "1", "2"}},
		{8, 8192, []float64{8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192},
			[]string{"8", "16", "32", "64", "128", "256", "512", "1024", "2048", "4096", "8192"}},
		{1024, 16384, []float64{1024, 2048, 4096, 8192, 16384},
			[]string{"2¹⁰", "2¹¹", "2¹²", "2¹³", "2¹⁴"}},
		// 15 powers: label every second one.
		{1, 16384, []float64{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384},
			[]string{"2⁰", "", "2²", "", "2⁴", "", "2⁶", "", "2⁸", "", "2¹⁰", "", "2¹²", "", "2¹⁴"}},
	}
	for _, tc := range tests {
		vals, labs := labels(tc.min, tc.max)
		if strings.Join(labs, "|") != strings.Join(tc.labs, "|") || len(vals) != len(tc.vals) {
			t.Errorf("pow2Ticks(%v, %v) labels %q, want %q", tc.min, tc.max, labs, tc.labs)
			continue
		}
		for i := range vals {
			if vals[i] != tc.vals[i] {
				t.Errorf("pow2Ticks(%v, %v) values %v, want %v", tc.min, tc.max, vals, tc.vals)
				break
			}
		}
	}
	if ticks := pow2Ticks(5, 7); len(ticks) == 0 {
		t.Error("pow2Ticks(5, 7) returned no ticks; want a fallback")
	}
}
