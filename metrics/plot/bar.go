package plot

import (
	"fmt"
	"image/color"
	"math"
	"slices"

	"github.com/chordsim/chordsim/metrics"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// groupFill is the fraction of the spacing between adjacent x positions
// that a group of bars occupies, leaving a visible gap between groups.
const groupFill = 0.8

// validate checks the bar figure's data, naming the first offending group.
func (f *BarFigure) validate() error {
	if err := checkSize(f.WidthCm, f.HeightCm); err != nil {
		return err
	}
	for i, s := range f.Overlay {
		if len(s.X) != len(s.Y) || s.YLow != nil || s.Style < Points || s.Style > Dashed {
			return fmt.Errorf("metrics: overlay series %s: needs equal X and Y, no error bars and a known style", seriesName(s.Label, i))
		}
	}
	for i, g := range f.Groups {
		name := seriesName(g.Label, i)
		if len(g.X) != len(g.Y) {
			return fmt.Errorf("metrics: bar series %s: %d x values but %d y values", name, len(g.X), len(g.Y))
		}
		for j, x := range g.X {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("metrics: bar series %s: x[%d] = %v is not finite", name, j, x)
			}
			if math.IsInf(g.Y[j], 0) {
				return fmt.Errorf("metrics: bar series %s: y[%d] is infinite", name, j)
			}
		}
	}
	return nil
}

// SavePNG renders the grouped bar chart and writes it to path as a PNG
// image, through [metrics.WriteFileAtomic]; see [BarFigure.Save].
func (f *BarFigure) SavePNG(path string) error { return f.Save(path) }

// SaveAll writes the chart as base.png, base.svg and base.pdf.
func (f *BarFigure) SaveAll(base string) error {
	for _, ext := range Formats {
		if err := f.Save(base + ext); err != nil {
			return err
		}
	}
	return nil
}

// Save renders the grouped bar chart into the format that path's extension
// names (.png, .svg or .pdf), through [metrics.WriteFileAtomic].
//
// Each x position holds one bar per group, side by side in the order of
// Groups; together they fill 80% of the smallest distance between distinct
// x values (1 if there is only one), so integer x values such as hop counts
// give groups of width 0.8. The x axis is labelled at the distinct x values.
// The Overlay series are drawn on top.
func (f *BarFigure) Save(path string) error {
	if err := f.validate(); err != nil {
		return err
	}
	var xs []float64
	for _, g := range f.Groups {
		xs = append(xs, g.X...)
	}
	slices.Sort(xs)
	xs = slices.Compact(xs)
	spacing := 1.0
	for i := 1; i < len(xs); i++ {
		if i == 1 || xs[i]-xs[i-1] < spacing {
			spacing = xs[i] - xs[i-1]
		}
	}

	p := plot.New()
	p.Title.Text = f.Title
	p.X.Label.Text = f.XLabel
	p.Y.Label.Text = f.YLabel
	style(p)
	grid := plotter.NewGrid()
	grid.Vertical.Color = nil // vertical lines would cut through the bars
	p.Add(grid)

	var legend []legendItem
	n := len(f.Groups)
	width := groupFill * spacing / float64(max(n, 1))
	for i, g := range f.Groups {
		b := &bars{
			width: width,
			fill:  seriesColor(i),
			line:  draw.LineStyle{Color: color.Black, Width: vg.Points(0.5)},
		}
		// Centre the group on x: bar i of n sits at offset (i+½-n/2)·width.
		off := (float64(i) + 0.5 - float64(n)/2) * width
		for j, x := range g.X {
			if !math.IsNaN(g.Y[j]) {
				b.x = append(b.x, x+off)
				b.y = append(b.y, g.Y[j])
			}
		}
		if len(b.x) > 0 {
			p.Add(b)
		}
		if g.Label != "" {
			legend = append(legend, legendItem{label: g.Label, thumbs: []plot.Thumbnailer{b}})
		}
	}
	for i, s := range f.Overlay {
		item, err := addSeries(p, n+i, s)
		if err != nil {
			return err
		}
		if item.label != "" {
			legend = append(legend, item)
		}
	}
	if !(p.Y.Min < 0) {
		p.Y.Min = 0
	}
	if !math.IsInf(p.Y.Max, 0) && p.Y.Max > p.Y.Min {
		p.Y.Max += 0.04 * (p.Y.Max - p.Y.Min)
	}
	if len(xs) > 0 {
		// Half a spacing of room at each end, for the outer bars.
		p.X.Min = math.Min(p.X.Min, xs[0]-spacing/2)
		p.X.Max = math.Max(p.X.Max, xs[len(xs)-1]+spacing/2)
	}
	p.X.Tick.Marker = valueTicks(xs)

	w, h := imageSize(f.WidthCm, f.HeightCm)
	return save(p, legend, w, h, path)
}

// valueTicks returns ticks at the given sorted distinct values, labelling
// at most about 20 of them, or the default ticker if there are none.
func valueTicks(xs []float64) plot.Ticker {
	if len(xs) == 0 {
		return plot.DefaultTicks{}
	}
	step := (len(xs) + 19) / 20
	ticks := make(plot.ConstantTicks, len(xs))
	for i, x := range xs {
		ticks[i].Value = x
		if i%step == 0 {
			ticks[i].Label = metrics.Float(x).String()
		}
	}
	return ticks
}

// bars draws one group's bars from 0 to y, centred at x, width data units
// wide. plotter.BarChart cannot be used because it places bars at
// consecutive integers, while hop-count distributions may have gaps.
type bars struct {
	x, y  []float64
	width float64
	fill  color.Color
	line  draw.LineStyle
}

// Plot implements plot.Plotter.
func (b *bars) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for i := range b.x {
		x0, x1 := trX(b.x[i]-b.width/2), trX(b.x[i]+b.width/2)
		y0, y1 := trY(0), trY(b.y[i])
		pts := []vg.Point{{X: x0, Y: y0}, {X: x0, Y: y1}, {X: x1, Y: y1}, {X: x1, Y: y0}}
		c.FillPolygon(b.fill, c.ClipPolygonXY(pts))
		c.StrokeLines(b.line, c.ClipLinesXY(append(pts, pts[0]))...)
	}
}

// DataRange implements plot.DataRanger; the range includes 0, the base of
// every bar.
func (b *bars) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = math.Inf(1), math.Inf(-1)
	ymin, ymax = 0, 0
	for i := range b.x {
		xmin = math.Min(xmin, b.x[i]-b.width/2)
		xmax = math.Max(xmax, b.x[i]+b.width/2)
		ymin = math.Min(ymin, b.y[i])
		ymax = math.Max(ymax, b.y[i])
	}
	return xmin, xmax, ymin, ymax
}

// Thumbnail implements plot.Thumbnailer, drawing a filled box for the
// legend.
func (b *bars) Thumbnail(c *draw.Canvas) {
	pts := []vg.Point{
		{X: c.Min.X, Y: c.Min.Y},
		{X: c.Min.X, Y: c.Max.Y},
		{X: c.Max.X, Y: c.Max.Y},
		{X: c.Max.X, Y: c.Min.Y},
	}
	c.FillPolygon(b.fill, c.ClipPolygonY(pts))
	c.StrokeLines(b.line, c.ClipLinesY(append(pts, pts[0]))...)
}
