package ringdraw

import (
	"bytes"
	"image/color"
	"math"
	"strings"

	"github.com/chordsim/chordsim/chord"
	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/font/liberation"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgimg"
)

// drawPNGScale is the PNG's pixels per SVG pixel: 2, so that the 11 px
// labels stay sharp (the image is 2400 × 1720).
const drawPNGScale = 2

// PNG renders the ring as PNG (2400 × 1720 pixels), with the SVG's
// geometry (paintRing). The same inputs give the same bytes on one
// machine; across machines the anti-aliasing may differ in the last bits,
// so tests look at pixels, not bytes.
func PNG(r *chord.Ring, spec Spec) ([]byte, error) {
	c := vgimg.NewWith(vgimg.UseWH(vg.Length(drawW), vg.Length(drawH)), vgimg.UseDPI(72*drawPNGScale), vgimg.UseBackgroundColor(color.White))
	paintRing(r, spec, &pngPainter{c: c, fonts: font.NewCache(liberation.Collection())})
	var b bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// pngPainter draws on a gonum/plot image canvas. The canvas measures in
// points with y up; the picture's coordinates are pixels with y down, one
// pixel a point.
type pngPainter struct {
	c     *vgimg.Canvas
	fonts *font.Cache
}

func hexColor(s string) color.Color {
	var v [3]uint8
	for i := range v {
		v[i] = uint8(strings.IndexByte("0123456789abcdef", s[1+2*i])<<4 | strings.IndexByte("0123456789abcdef", s[2+2*i]))
	}
	return color.RGBA{v[0], v[1], v[2], 255}
}

func pt(x, y float64) vg.Point { return vg.Point{X: vg.Length(x), Y: vg.Length(drawH - y)} }

func (p *pngPainter) stroke(col string, width float64, dash []vg.Length, path vg.Path) {
	p.c.SetColor(hexColor(col))
	p.c.SetLineWidth(vg.Length(width))
	p.c.SetLineDash(dash, 0)
	p.c.Stroke(path)
}

func (p *pngPainter) disc(x, y, rad float64, fill string) {
	var path vg.Path
	path.Move(pt(x+rad, y))
	path.Arc(pt(x, y), vg.Length(rad), 0, 2*math.Pi)
	path.Close()
	p.c.SetColor(hexColor(fill))
	p.c.Fill(path)
}

func (p *pngPainter) ringPath(x, y, rad float64) vg.Path {
	var path vg.Path
	path.Move(pt(x+rad, y))
	path.Arc(pt(x, y), vg.Length(rad), 0, 2*math.Pi)
	path.Close()
	return path
}

func (p *pngPainter) begin(title string) { p.text(txTitle, 20, 28, "", title) }

func (p *pngPainter) circle() { p.stroke("#bbbbbb", 1, nil, p.ringPath(drawCX, drawCY, drawR)) }

func (p *pngPainter) tick(x1, y1, x2, y2 float64) {
	p.stroke("#bbbbbb", 1, nil, vg.Path{{Type: vg.MoveComp, Pos: pt(x1, y1)}, {Type: vg.LineComp, Pos: pt(x2, y2)}})
}

func (p *pngPainter) chord(class string, x1, y1, x2, y2 float64) {
	line := vg.Path{{Type: vg.MoveComp, Pos: pt(x1, y1)}, {Type: vg.LineComp, Pos: pt(x2, y2)}}
	switch class {
	case "finger":
		p.stroke("#2c6fbb", 1.4, nil, line)
	case "predecessor":
		p.stroke("#777777", 1.4, []vg.Length{5, 4}, line)
	case "hop", "timeout":
		var dash []vg.Length
		if class == "timeout" {
			dash = []vg.Length{7, 4}
		}
		p.stroke("#c0392b", 2.2, dash, line)
		// The arrowhead at the end, as the SVG's marker draws it.
		a := math.Atan2(y2-y1, x2-x1)
		l, w := 10.0, 4.0
		bx, by := x2-l*math.Cos(a), y2-l*math.Sin(a)
		var head vg.Path
		head.Move(pt(x2, y2))
		head.Line(pt(bx-w*math.Sin(a), by+w*math.Cos(a)))
		head.Line(pt(bx+w*math.Sin(a), by-w*math.Cos(a)))
		head.Close()
		p.c.SetColor(hexColor("#c0392b"))
		p.c.Fill(head)
	}
}

func (p *pngPainter) curve(x1, y1, qx, qy, x2, y2 float64) {
	var path vg.Path
	path.Move(pt(x1, y1))
	path.QuadTo(pt(qx, qy), pt(x2, y2))
	p.stroke("#2e9e44", 2.4, nil, path)
}

func (p *pngPainter) dot(st chord.State, x, y, rad float64) {
	switch st {
	case chord.Member:
		p.disc(x, y, rad, "#222222")
	case chord.Joining:
		p.disc(x, y, rad+1.5, "#ffffff")
		p.stroke("#e67e22", 2, nil, p.ringPath(x, y, rad+1.5))
	case chord.Failed:
		d := rad + 1.5
		p.stroke("#d0021b", 2, nil, vg.Path{
			{Type: vg.MoveComp, Pos: pt(x-d, y-d)}, {Type: vg.LineComp, Pos: pt(x+d, y+d)},
			{Type: vg.MoveComp, Pos: pt(x-d, y+d)}, {Type: vg.LineComp, Pos: pt(x+d, y-d)},
		})
	case chord.Left:
		p.disc(x, y, rad, "#ffffff")
		p.stroke("#999999", 1.5, nil, p.ringPath(x, y, rad))
	}
}

func (p *pngPainter) chosen(x, y float64) { p.stroke("#2c6fbb", 3, nil, p.ringPath(x, y, 7)) }

func (p *pngPainter) keyMark(x, y float64) {
	var path vg.Path
	path.Move(pt(x, y))
	path.Line(pt(x+7, y+7))
	path.Line(pt(x, y+14))
	path.Line(pt(x-7, y+7))
	path.Close()
	p.c.SetColor(hexColor("#8e44ad"))
	p.c.Fill(path)
}

// pngText replaces the characters the Liberation fonts lack.
var pngText = strings.NewReplacer("✕", "×")

func (p *pngPainter) text(k textKind, x, y float64, fill, s string) {
	size, col, centre, middle, heavy, halo := 13.0, "#000000", true, false, false, false
	switch k {
	case txTitle:
		size, centre, heavy = 17, false, true
	case txZero:
		col = "#888888"
	case txID:
		size, col, middle = 11, "#555555", true
	case txHop:
		size, col, halo = 12, "#c0392b", true
	case txChord:
		size, col, middle = 11, fill, true
	case txKey:
		col, heavy = "#8e44ad", true
	case txPanel:
		centre = false
		switch fill {
		case "":
		case "bold":
			heavy = true
		default:
			col = fill
		}
	}
	if len(col) == 4 { // #rgb
		col = "#" + strings.Repeat(col[1:2], 2) + strings.Repeat(col[2:3], 2) + strings.Repeat(col[3:4], 2)
	}
	f := font.Font{Typeface: "Liberation", Variant: "Sans"}
	if heavy {
		f.Weight = xfont.WeightBold
	}
	face := p.fonts.Lookup(f, vg.Length(size))
	s = pngText.Replace(s)
	if centre {
		x -= float64(face.Width(s)) / 2
	}
	if middle {
		y += float64(face.Extents().Ascent) * 0.35
	}
	if halo {
		p.c.SetColor(color.White)
		for _, d := range [][2]float64{{-1.5, 0}, {1.5, 0}, {0, -1.5}, {0, 1.5}, {-1, -1}, {1, 1}, {-1, 1}, {1, -1}} {
			p.c.FillString(face, pt(x+d[0], y+d[1]), s)
		}
	}
	p.c.SetColor(hexColor(col))
	p.c.FillString(face, pt(x, y), s)
}

func (p *pngPainter) end() {}
