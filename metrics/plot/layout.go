package plot

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/chordsim/chordsim/metrics"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Formats are the file extensions [Figure.SaveAll] and [BarFigure.SaveAll]
// write, in order.
var Formats = []string{".png", ".svg", ".pdf"}

// Bounds is the range a plotted quantity can take. Hi may be +Inf.
type Bounds struct{ Lo, Hi float64 }

// The ranges of the usual quantities. A 95% Student-t interval over a few
// runs of a fraction near 0 reaches below 0; drawing it so would show a
// negative fraction of failed lookups.
var (
	// Fraction is [0, 1]: failed lookups, stale reads.
	Fraction = &Bounds{0, 1}
	// Count is [0, ∞): hops, timeouts, keys, latencies, throughputs.
	Count = &Bounds{0, math.Inf(1)}
)

// Clamp returns x limited to the bounds; NaN stays NaN.
func (b Bounds) Clamp(x float64) float64 {
	if x < b.Lo {
		return b.Lo
	}
	if x > b.Hi {
		return b.Hi
	}
	return x
}

// Contains reports whether x lies within the bounds.
func (b Bounds) Contains(x float64) bool { return x >= b.Lo && x <= b.Hi }

// superscripts are the Unicode superscript digits 0-9.
var superscripts = []rune("⁰¹²³⁴⁵⁶⁷⁸⁹")

// Pow typesets base raised to k with a Unicode superscript exponent, as
// "2¹⁰" or "10⁻³", for titles and tick labels (gonum/plot has no markup).
func Pow(base, k int) string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(base))
	if k < 0 {
		b.WriteRune('⁻')
		k = -k
	}
	for _, d := range strconv.Itoa(k) {
		b.WriteRune(superscripts[d-'0'])
	}
	return b.String()
}

// maxValueTicks is the most distinct x values that get a tick each; with
// more, the axis's own ticks are clearer.
const maxValueTicks = 14

// allPow2 reports whether every x is a power of two.
func allPow2(xs []float64) bool {
	for _, x := range xs {
		if _, e := math.Frexp(x); x != math.Ldexp(1, e-1) {
			return false
		}
	}
	return true
}

// legendItem is one legend entry: its label and the thumbnails that show
// the series' style.
type legendItem struct {
	label  string
	thumbs []plot.Thumbnailer
}

// style sets the fonts and paddings shared by all figures: a title set off
// from the top edge and the data.
func style(p *plot.Plot) {
	p.Title.Padding = vg.Points(8)
	p.Title.TextStyle.Font.Size = vg.Points(12)
	p.X.Label.Padding = vg.Points(3)
	p.Y.Label.Padding = vg.Points(3)
}

const (
	// margin is the blank border around the whole figure.
	margin = 0.25 * vg.Centimeter
	// legendGap separates the plot from the legend box below it.
	legendGap = 0.2 * vg.Centimeter
)

// legendColumns is how many columns the legend box uses for n entries.
func legendColumns(n int) int {
	if n <= 1 {
		return 1
	}
	return 2
}

// legendBoxes splits the entries into cols legends, filled column by
// column.
func legendBoxes(items []legendItem, cols int) []plot.Legend {
	rows := (len(items) + cols - 1) / cols
	legs := make([]plot.Legend, cols)
	for i := range legs {
		legs[i] = plot.NewLegend()
		legs[i].Left = true
		legs[i].Top = true
		legs[i].TextStyle.Font.Size = vg.Points(10)
		legs[i].Padding = vg.Points(2)
	}
	for i, it := range items {
		legs[i/rows].Add(it.label, it.thumbs...)
	}
	return legs
}

// drawFigure draws p onto c with a margin, and its legend in a framed box
// on a light background below the data, where it cannot hide any point.
func drawFigure(c draw.Canvas, p *plot.Plot, items []legendItem) {
	c = draw.Crop(c, margin, -margin, margin, -margin)
	if len(items) > 0 {
		pad := vg.Points(4)
		cols := legendColumns(len(items))
		legs := legendBoxes(items, cols)
		for i := range legs {
			// Two columns only if every entry fits in its half.
			if r := legs[i].Rectangle(c); cols > 1 && r.Size().X > c.Size().X/vg.Length(cols)-3*pad {
				cols = 1
				legs = legendBoxes(items, 1)
				break
			}
		}
		var h vg.Length
		for i := range legs {
			if r := legs[i].Rectangle(c); r.Size().Y > h {
				h = r.Size().Y
			}
		}
		box := vg.Rectangle{Min: c.Min, Max: vg.Point{X: c.Max.X, Y: c.Min.Y + h + 2*pad}}
		c.FillPolygon(color.Gray{Y: 246}, []vg.Point{box.Min, {X: box.Min.X, Y: box.Max.Y}, box.Max, {X: box.Max.X, Y: box.Min.Y}})
		c.StrokeLines(draw.LineStyle{Color: color.Gray{Y: 160}, Width: vg.Points(0.5)},
			[]vg.Point{box.Min, {X: box.Min.X, Y: box.Max.Y}, box.Max, {X: box.Max.X, Y: box.Min.Y}, box.Min})
		inner := draw.Crop(draw.Canvas{Canvas: c.Canvas, Rectangle: box}, 2*pad, -pad, pad, -pad)
		colW := inner.Size().X / vg.Length(cols)
		for i := range legs {
			lc := inner
			lc.Min.X = inner.Min.X + vg.Length(i)*colW
			lc.Max.X = lc.Min.X + colW
			legs[i].Draw(lc)
		}
		c.Min.Y = box.Max.Y + legendGap
	}
	p.Draw(c)
}

// save renders p and its legend at w × h into the format path's extension
// names and writes it atomically. gonum/plot reports some data problems by
// panicking; those are turned into errors here so that a bad figure does
// not abort a long run.
func save(p *plot.Plot, items []legendItem, w, h vg.Length, path string) (err error) {
	var c interface {
		vg.CanvasWriterTo
	}
	switch ext := filepath.Ext(path); ext {
	case ".png":
		c = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(pngDPI))}
	case ".svg":
		c = vgsvg.New(w, h)
	case ".pdf":
		pc := vgpdf.New(w, h)
		pc.EmbedFonts(true) // the PDF must print the same everywhere
		c = cp1252Canvas{pc}
	default:
		return fmt.Errorf("metrics: plot %s: unknown format %q; use .png, .svg or .pdf", path, ext)
	}
	func() {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("metrics: plot %s: %v", path, r)
			}
		}()
		drawFigure(draw.New(c), p, items)
	}()
	if err != nil {
		return err
	}
	return metrics.WriteFileAtomic(path, func(w io.Writer) error {
		_, err := c.WriteTo(w)
		return err
	})
}

// cp1252Canvas passes text to the PDF canvas in the code page its fonts are
// embedded with (Windows-1252): gonum's PDF backend writes a string's bytes
// as they are, so UTF-8 beyond ASCII would print as mojibake.
type cp1252Canvas struct{ *vgpdf.Canvas }

// FillString implements vg.Canvas.
func (c cp1252Canvas) FillString(f font.Face, pt vg.Point, text string) {
	c.Canvas.FillString(f, pt, toCP1252(text))
}

// cp1252Extra maps the characters of Windows-1252's 0x80-0x9F range that
// labels use.
var cp1252Extra = map[rune]byte{'€': 0x80, '…': 0x85, '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97}

// toCP1252 encodes text in Windows-1252. What the code page lacks is
// written in ASCII: a run of superscript digits as ^digits (10⁴ → 10^4),
// subscript digits as digits (log₂ → log2), ≥ ≤ − as >= <= -, anything
// else as ?.
func toCP1252(text string) string {
	var b strings.Builder
	sup := false
	for _, r := range text {
		if d := strings.IndexRune("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", r); d >= 0 {
			if !sup {
				b.WriteByte('^')
				sup = true
			}
			b.WriteByte("0123456789-"[len([]rune("⁰¹²³⁴⁵⁶⁷⁸⁹⁻"[:d]))])
			continue
		}
		sup = false
		switch {
		case r < 0x80 || (r >= 0xA0 && r <= 0xFF):
			b.WriteByte(byte(r))
		case r >= '₀' && r <= '₉':
			b.WriteByte(byte('0' + r - '₀'))
		case r == '≥':
			b.WriteString(">=")
		case r == '≤':
			b.WriteString("<=")
		case r == '−':
			b.WriteByte('-')
		default:
			if c, ok := cp1252Extra[r]; ok {
				b.WriteByte(c)
			} else {
				b.WriteByte('?')
			}
		}
	}
	return b.String()
}
