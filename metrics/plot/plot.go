package plot

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"

	"github.com/chordsim/chordsim/metrics"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// SeriesStyle selects how a [Series] is drawn.
type SeriesStyle int

const (
	// Points draws a glyph at each point and no line (the zero value).
	Points SeriesStyle = iota
	// Line draws a solid line through the points, without glyphs.
	Line
	// LinePoints draws a solid line and a glyph at each point.
	LinePoints
	// Dashed draws a dashed line without glyphs, meant for reference
	// curves such as ½·log2 N.
	Dashed
)

// Series is one data set of a [Figure].
type Series struct {
	// Label is the legend entry; an empty Label adds no legend entry.
	Label string
	// X and Y are the coordinates, of equal length. X must be finite.
	// A NaN Y (an undefined value, such as the mean of nothing) omits
	// that point; ±Inf is an error.
	X, Y []float64
	// YLow and YHigh are optional error bars, drawn as vertical bars from
	// YLow[i] to YHigh[i] at X[i]. Leave both nil for no error bars, or
	// give both with the length of Y. A NaN bound omits that bar.
	YLow, YHigh []float64
	// Style is how the series is drawn.
	Style SeriesStyle
	// XShift moves the drawn points right by this fraction of the x span
	// (on the axis's scale), so that a second series at the same x values,
	// such as the paper's, shows its own error bars. X keeps the true
	// values.
	XShift float64
	// NoTicks leaves the series' x values out of the axis ticks (a
	// reference curve drawn at other x than the data).
	NoTicks bool
}

// Figure is an x-y plot of one or more series, with a legend. Each series
// gets its own color and glyph. The y axis starts at 0 unless some data is
// negative, so that differences are not visually exaggerated.
type Figure struct {
	// Title, XLabel and YLabel are plain text; empty strings are omitted.
	Title, XLabel, YLabel string
	// LogX2 makes the x axis logarithmic with ticks at powers of two,
	// labelled with the plain number (up to 8192) or as 2 with a superscript exponent (2¹⁴). All X must
	// then be positive.
	LogX2  bool
	Series []Series
	// XCategories, when set, names the x positions 0, 1, …: the x axis is
	// labelled with these names instead of numbers (a swept enumeration).
	XCategories []string
	// YBounds is the range of the plotted quantity (such as [Fraction] or
	// [Count]); error bars are clamped to it when drawn, and the y axis
	// does not extend below it. nil leaves the bars as given.
	YBounds *Bounds
	// WidthCm and HeightCm give the image size; 0 means 16 × 11 cm.
	WidthCm, HeightCm float64
}

// BarSeries is one set of bars of a [BarFigure].
type BarSeries struct {
	// Label is the legend entry; an empty Label adds no legend entry.
	Label string
	// X and Y are the bar positions and heights, of equal length and
	// finite, except that a NaN Y omits the bar.
	X, Y []float64
}

// BarFigure is a grouped bar chart: at each x, the bars of the groups stand
// side by side in the order of Groups. It suits distributions over small
// integers, such as the fraction of lookups per hop count for the simulator
// and the paper.
type BarFigure struct {
	// Title, XLabel and YLabel are plain text; empty strings are omitted.
	Title, XLabel, YLabel string
	// Groups are drawn side by side at each x, in this order, each in its
	// own color.
	Groups []BarSeries
	// Overlay series are drawn over the bars in the colors that follow
	// the groups', such as the paper's mean and percentiles as vertical
	// lines (two points at the same x).
	Overlay []Series
	// WidthCm and HeightCm give the image size; 0 means 16 × 11 cm.
	WidthCm, HeightCm float64
}

const (
	defaultWidthCm  = 16
	defaultHeightCm = 11
	// pngDPI is high enough for slides and papers while keeping files and
	// rendering time small (16 × 11 cm is 945 × 650 pixels).
	pngDPI = 150
)

// palette holds well-separated dark colors, readable on white and in the
// legend; it is indexed by series number, wrapping around.
var palette = []color.Color{
	color.RGBA{R: 24, G: 90, B: 169, A: 255},   // blue
	color.RGBA{R: 238, G: 46, B: 47, A: 255},   // red
	color.RGBA{R: 0, G: 140, B: 72, A: 255},    // green
	color.RGBA{R: 244, G: 125, B: 35, A: 255},  // orange
	color.RGBA{R: 102, G: 44, B: 145, A: 255},  // purple
	color.RGBA{R: 0, G: 0, B: 0, A: 255},       // black
	color.RGBA{R: 180, G: 56, B: 148, A: 255},  // magenta
	color.RGBA{R: 128, G: 128, B: 128, A: 255}, // grey
}

// glyphs are the point shapes, indexed by series number.
var glyphs = []draw.GlyphDrawer{
	draw.CircleGlyph{},
	draw.SquareGlyph{},
	draw.TriangleGlyph{},
	draw.CrossGlyph{},
	draw.RingGlyph{},
	draw.BoxGlyph{},
	draw.PyramidGlyph{},
	draw.PlusGlyph{},
}

func seriesColor(i int) color.Color      { return palette[i%len(palette)] }
func seriesGlyph(i int) draw.GlyphDrawer { return glyphs[i%len(glyphs)] }

// seriesName names series i in error messages.
func seriesName(label string, i int) string {
	if label != "" {
		return strconv.Quote(label)
	}
	return "#" + strconv.Itoa(i)
}

// validate checks the figure's data and returns an error naming the first
// offending series.
func (f *Figure) validate() error {
	if err := checkSize(f.WidthCm, f.HeightCm); err != nil {
		return err
	}
	for i, s := range f.Series {
		name := seriesName(s.Label, i)
		if len(s.X) != len(s.Y) {
			return fmt.Errorf("metrics: series %s: %d x values but %d y values", name, len(s.X), len(s.Y))
		}
		if (s.YLow == nil) != (s.YHigh == nil) {
			return fmt.Errorf("metrics: series %s: YLow and YHigh must be given together", name)
		}
		if s.YLow != nil && (len(s.YLow) != len(s.Y) || len(s.YHigh) != len(s.Y)) {
			return fmt.Errorf("metrics: series %s: %d y values but %d YLow and %d YHigh", name, len(s.Y), len(s.YLow), len(s.YHigh))
		}
		if s.Style < Points || s.Style > Dashed {
			return fmt.Errorf("metrics: series %s: unknown style %d", name, s.Style)
		}
		for j, x := range s.X {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("metrics: series %s: x[%d] = %v is not finite", name, j, x)
			}
			if f.LogX2 && x <= 0 {
				return fmt.Errorf("metrics: series %s: x[%d] = %v is not positive, as a log2 x axis requires", name, j, x)
			}
			if math.IsInf(s.Y[j], 0) {
				return fmt.Errorf("metrics: series %s: y[%d] is infinite", name, j)
			}
			if s.YLow != nil {
				lo, hi := s.YLow[j], s.YHigh[j]
				if math.IsInf(lo, 0) || math.IsInf(hi, 0) {
					return fmt.Errorf("metrics: series %s: error bar %d is infinite", name, j)
				}
				if lo > hi {
					return fmt.Errorf("metrics: series %s: error bar %d has YLow %v > YHigh %v", name, j, lo, hi)
				}
			}
		}
	}
	return nil
}

func checkSize(w, h float64) error {
	if !(w >= 0 && h >= 0) || math.IsInf(w, 0) || math.IsInf(h, 0) {
		return fmt.Errorf("metrics: invalid figure size %v × %v cm", w, h)
	}
	return nil
}

// imageSize returns the image size, substituting defaults for zeros.
func imageSize(wcm, hcm float64) (vg.Length, vg.Length) {
	if wcm == 0 {
		wcm = defaultWidthCm
	}
	if hcm == 0 {
		hcm = defaultHeightCm
	}
	return vg.Length(wcm) * vg.Centimeter, vg.Length(hcm) * vg.Centimeter
}

// errBars adapts the valid error bars of a series to plotter.YErrorBars,
// which draws from Y-|Low| to Y+|High|: each bar is given as the point
// (x, YLow) with errors (0, YHigh-YLow).
type errBars struct {
	x, lo, hi []float64
}

func (e errBars) Len() int                        { return len(e.x) }
func (e errBars) XY(i int) (float64, float64)     { return e.x[i], e.lo[i] }
func (e errBars) YError(i int) (float64, float64) { return 0, e.hi[i] - e.lo[i] }

// SavePNG renders the figure and writes it to path as a PNG image, through
// [WriteFileAtomic]. It returns an error, naming the series, if the data is
// invalid (see [Series]). [Figure.Save] writes SVG and PDF as well.
func (f *Figure) SavePNG(path string) error { return f.Save(path) }

// Save renders the figure into the format that path's extension names
// (.png, .svg or .pdf), through [metrics.WriteFileAtomic]. It returns an
// error, naming the series, if the data is invalid (see [Series]).
func (f *Figure) Save(path string) error {
	if err := f.validate(); err != nil {
		return err
	}
	p, legend, err := f.build()
	if err != nil {
		return err
	}
	w, h := imageSize(f.WidthCm, f.HeightCm)
	return save(p, legend, w, h, path)
}

// SaveAll writes the figure as base.png, base.svg and base.pdf: the PNG
// for a quick look, the vector formats for a paper.
func (f *Figure) SaveAll(base string) error {
	for _, ext := range Formats {
		if err := f.Save(base + ext); err != nil {
			return err
		}
	}
	return nil
}

// Drawn returns the series as they are drawn: error bars clamped to
// YBounds. Tests of figures check it against the quantity's range.
func (f *Figure) Drawn() []Series {
	out := make([]Series, len(f.Series))
	for i, s := range f.Series {
		out[i] = f.clamped(s)
	}
	return out
}

// clamped returns s with its error bars clamped to f.YBounds.
func (f *Figure) clamped(s Series) Series {
	if f.YBounds == nil || s.YLow == nil {
		return s
	}
	lo, hi := make([]float64, len(s.YLow)), make([]float64, len(s.YHigh))
	for j := range s.YLow {
		lo[j], hi[j] = f.YBounds.Clamp(s.YLow[j]), f.YBounds.Clamp(s.YHigh[j])
	}
	s.YLow, s.YHigh = lo, hi
	return s
}

// build lays out the figure's plot (without its legend, which save draws
// below the data) and returns the legend's entries.
func (f *Figure) build() (*plot.Plot, []legendItem, error) {
	p := plot.New()
	p.Title.Text = f.Title
	p.X.Label.Text = f.XLabel
	p.Y.Label.Text = f.YLabel
	style(p)
	p.Add(plotter.NewGrid())

	xmin, xmax := math.Inf(1), math.Inf(-1)
	var xs []float64
	for _, s := range f.Series {
		for _, x := range s.X {
			xmin, xmax = math.Min(xmin, x), math.Max(xmax, x)
			if !s.NoTicks {
				xs = append(xs, x)
			}
		}
	}
	var legend []legendItem
	for i, s := range f.Series {
		s = f.clamped(s)
		if s.XShift != 0 && xmax > xmin {
			// Shift by a fraction of the data's span, on the axis's scale.
			s.X = slices.Clone(s.X)
			for j := range s.X {
				if f.LogX2 {
					s.X[j] *= math.Pow(xmax/xmin, s.XShift)
				} else {
					s.X[j] += s.XShift * (xmax - xmin)
				}
			}
		}
		item, err := addSeries(p, i, s)
		if err != nil {
			return nil, nil, err
		}
		if item.label != "" {
			legend = append(legend, item)
		}
	}

	// Start the y axis at 0 unless there is negative data; p.Y.Min is +Inf
	// here if there is no data at all, which plot later maps to 0 as well.
	if !(p.Y.Min < 0) {
		p.Y.Min = 0
	}
	if f.YBounds != nil && p.Y.Min < f.YBounds.Lo {
		p.Y.Min = f.YBounds.Lo
	}
	if !math.IsInf(p.Y.Max, 0) && p.Y.Max > p.Y.Min {
		// Headroom above the highest point, so glyphs and error bar caps
		// are not cut by the frame.
		p.Y.Max += 0.04 * (p.Y.Max - p.Y.Min)
	}
	slices.Sort(xs)
	xs = slices.Compact(xs)
	if f.LogX2 {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = plot.TickerFunc(pow2Ticks)
		switch {
		case math.IsInf(p.X.Min, 0): // no data: show 1..2
			p.X.Min, p.X.Max = 1, 2
		case p.X.Min == p.X.Max:
			// plot would widen a single x by ±1, which may reach 0 and
			// break the log scale; widen by a factor of 2 instead.
			p.X.Min, p.X.Max = p.X.Min/2, p.X.Max*2
		default:
			// A margin of 5% of the span on each side, so points at the
			// ends are not cut by the frame.
			m := math.Pow(xmax/xmin, 0.05)
			p.X.Min, p.X.Max = xmin/m, xmax*m
		}
		if len(xs) >= 2 && len(xs) <= maxValueTicks && !allPow2(xs) {
			p.X.Tick.Marker = valueTicks(xs)
		}
	} else {
		if xmax > xmin {
			p.X.Min, p.X.Max = xmin-0.05*(xmax-xmin), xmax+0.05*(xmax-xmin)
		}
		if len(xs) >= 2 && len(xs) <= maxValueTicks {
			p.X.Tick.Marker = valueTicks(xs)
		}
		if len(f.XCategories) > 0 {
			ticks := make(plot.ConstantTicks, len(f.XCategories))
			for i, c := range f.XCategories {
				ticks[i] = plot.Tick{Value: float64(i), Label: c}
			}
			p.X.Tick.Marker = ticks
			p.X.Min, p.X.Max = -0.5, float64(len(f.XCategories))-0.5
		}
	}
	return p, legend, nil
}

// addSeries adds series i to p, with its error bars, and returns its legend
// entry.
func addSeries(p *plot.Plot, i int, s Series) (legendItem, error) {
	var pts plotter.XYs
	var bars errBars
	for j := range s.X {
		if !math.IsNaN(s.Y[j]) {
			pts = append(pts, plotter.XY{X: s.X[j], Y: s.Y[j]})
		}
		if s.YLow != nil && !math.IsNaN(s.YLow[j]) && !math.IsNaN(s.YHigh[j]) {
			bars.x = append(bars.x, s.X[j])
			bars.lo = append(bars.lo, s.YLow[j])
			bars.hi = append(bars.hi, s.YHigh[j])
		}
	}
	clr := seriesColor(i)
	line := draw.LineStyle{Color: clr, Width: vg.Points(1.5)}
	glyph := draw.GlyphStyle{Color: clr, Radius: vg.Points(3), Shape: seriesGlyph(i)}

	var (
		plotters []plot.Plotter
		thumbs   []plot.Thumbnailer
	)
	switch s.Style {
	case Points:
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return legendItem{}, fmt.Errorf("metrics: series %s: %w", seriesName(s.Label, i), err)
		}
		sc.GlyphStyle = glyph
		plotters, thumbs = append(plotters, sc), append(thumbs, sc)
	case Line, Dashed:
		l, err := plotter.NewLine(pts)
		if err != nil {
			return legendItem{}, fmt.Errorf("metrics: series %s: %w", seriesName(s.Label, i), err)
		}
		l.LineStyle = line
		if s.Style == Dashed {
			l.LineStyle.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
		}
		plotters, thumbs = append(plotters, l), append(thumbs, l)
	case LinePoints:
		l, sc, err := plotter.NewLinePoints(pts)
		if err != nil {
			return legendItem{}, fmt.Errorf("metrics: series %s: %w", seriesName(s.Label, i), err)
		}
		l.LineStyle = line
		sc.GlyphStyle = glyph
		plotters, thumbs = append(plotters, l, sc), append(thumbs, l, sc)
	}
	if len(bars.x) > 0 {
		eb, err := plotter.NewYErrorBars(bars)
		if err != nil {
			return legendItem{}, fmt.Errorf("metrics: series %s: %w", seriesName(s.Label, i), err)
		}
		eb.LineStyle = draw.LineStyle{Color: clr, Width: vg.Points(1)}
		plotters = append(plotters, eb)
	}
	// An empty series still gets its legend entry, but plotters with no
	// points are not added: there is nothing to draw or to range over.
	if len(pts) > 0 || len(bars.x) > 0 {
		p.Add(plotters...)
	}
	return legendItem{label: s.Label, thumbs: thumbs}, nil
}

// pow2Ticks returns major ticks at the powers of two in [min, max]. If
// there are more than 12, only every step-th is labelled and the others are
// minor ticks, so that labels do not overlap. Labels are plain numbers when
// all labelled powers are at most 8192, otherwise 2ᵏ typeset with a superscript (2¹⁴).
func pow2Ticks(min, max float64) []plot.Tick {
	if !(min > 0) || !(max >= min) {
		return nil
	}
	kmin := int(math.Ceil(math.Log2(min)))
	kmax := int(math.Floor(math.Log2(max)))
	count := kmax - kmin + 1
	if count <= 0 {
		// No power of two in range: fall back to ordinary ticks rather
		// than leave the axis unlabelled.
		return plot.DefaultTicks{}.Ticks(min, max)
	}
	step := 1
	if count > 12 {
		step = (count + 9) / 10
	}
	plain := true
	for k := kmin; k <= kmax; k++ {
		if (k-kmin)%step == 0 && (k > 13 || k < -13) {
			plain = false
		}
	}
	ticks := make([]plot.Tick, 0, count)
	for k := kmin; k <= kmax; k++ {
		v := math.Ldexp(1, k)
		t := plot.Tick{Value: v}
		if (k-kmin)%step == 0 {
			if plain {
				t.Label = metrics.Float(v).String()
			} else {
				t.Label = Pow(2, k)
			}
		}
		ticks = append(ticks, t)
	}
	return ticks
}
