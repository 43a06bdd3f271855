package ringdraw

import (
	"bytes"
	"fmt"
	"html"
	"math"
	"sort"
	"strings"

	"github.com/chordsim/chordsim/chord"
)

// Spec is what a picture of the ring shows besides the nodes.
type Spec struct {
	Node    chord.Handle       // whose fingers, successors and predecessor are drawn; any node ever started
	Trace   *chord.LookupTrace // a lookup's path (chord.Ring.TraceLookup), or nil
	MaxDots int                // above this many nodes the dots are a sample by identifier (DefaultMaxDots is a good choice)
	Title   string             // the line at the top left
}

// DefaultMaxDots is how many nodes' dots a picture holds before it
// samples: 4096 dots are still legible at the picture's size.
const DefaultMaxDots = 4096

// MinDots and MaxDots bound Spec.MaxDots as the commands accept it: fewer
// than 16 dots show no ring, and more than 2^20 are a solid circle.
const (
	MinDots = 16
	MaxDots = 1 << 20
)

// The picture's geometry: the ring on the left, the text on the right.
const (
	drawW, drawH   = 1200.0, 860.0
	drawCX, drawCY = 420.0, 440.0
	drawR          = 340.0
)

// ringPoint is where identifier id sits: angle 2π·id/2^m, clockwise from
// the top, at radius rad from the centre.
func ringPoint(sp chord.Space, id chord.ID, rad float64) (x, y float64) {
	a := 2 * math.Pi * float64(id) / sp.Size()
	return drawCX + rad*math.Sin(a), drawCY - rad*math.Cos(a)
}

// drawChord is one line of the picture between two nodes.
type drawChord struct {
	Class    string // finger, successor, predecessor, hop, timeout
	From, To chord.Handle
	Label    string
}

// ringChords lists the chords of spec: node's fingers (one per distinct
// target, labelled with the finger numbers that point there), its
// successor list and its predecessor, and the lookup's hops.
func ringChords(r *chord.Ring, spec Spec) []drawChord {
	var out []drawChord
	n := spec.Node
	if p := r.Predecessor(n); p != chord.None && p != n {
		out = append(out, drawChord{Class: "predecessor", From: n, To: p, Label: "pred"})
	}
	for i, s := range r.Successors(n) {
		if s != n {
			out = append(out, drawChord{Class: "successor", From: n, To: s, Label: fmt.Sprintf("s%d", i+1)})
		}
	}
	m := r.FingerCount()
	for i := 0; i < m; {
		f := r.Finger(n, i)
		j := i
		for j+1 < m && r.Finger(n, j+1) == f {
			j++
		}
		if f != chord.None && f != n {
			label := fmt.Sprintf("f%d", i)
			if j > i {
				label = fmt.Sprintf("f%d–%d", i, j)
			}
			out = append(out, drawChord{Class: "finger", From: n, To: f, Label: label})
		}
		i = j + 1
	}
	if t := spec.Trace; t != nil {
		for i, hop := range t.Hops {
			c := drawChord{Class: "hop", From: hop.From, To: hop.To, Label: fmt.Sprintf("%d · %s", i+1, fmtMs(hop.Latency.Seconds()*1000))}
			if hop.TimedOut {
				c.Class, c.Label = "timeout", fmt.Sprintf("%d · timeout %s", i+1, fmtMs(hop.Latency.Seconds()*1000))
			}
			out = append(out, c)
		}
	}
	return out
}

func fmtMs(ms float64) string { return fmt.Sprintf("%.1f ms", ms) }

// dotsToDraw returns the nodes whose dots the picture holds, in identifier
// order (ties by handle): every node ever started, or above max a sample
// of every k-th by identifier plus the nodes the chords touch; and k (1
// when nothing was left out).
func dotsToDraw(r *chord.Ring, chords []drawChord, node chord.Handle, max int) ([]chord.Handle, int) {
	var all []chord.Handle
	for h := range chord.Handle(r.Nodes()) {
		if r.State(h) != chord.Idle {
			all = append(all, h)
		}
	}
	sort.Slice(all, func(i, j int) bool {
		a, b := r.ID(all[i]), r.ID(all[j])
		return a < b || a == b && all[i] < all[j]
	})
	if len(all) <= max {
		return all, 1
	}
	k := (len(all) + max - 1) / max
	keep := map[chord.Handle]bool{node: true}
	for _, c := range chords {
		keep[c.From], keep[c.To] = true, true
	}
	var out []chord.Handle
	for i, h := range all {
		if i%k == 0 || keep[h] {
			out = append(out, h)
		}
	}
	return out, k
}

// SVG renders the ring as SVG (1200 × 860 pixels). The output depends
// only on the ring's state and spec: same inputs, same bytes.
func SVG(r *chord.Ring, spec Spec) []byte {
	var b bytes.Buffer
	paintRing(r, spec, &svgPainter{b: &b})
	return b.Bytes()
}

// textKind is the role of a piece of text in the picture, which fixes its
// size, colour and anchoring.
type textKind uint8

const (
	txTitle textKind = iota // top left
	txZero                  // where identifier 0 is
	txID                    // a node's identifier beside its dot
	txHop                   // a lookup hop's number and delay, on the chord
	txChord                 // a chord's label (finger numbers, s1…, pred) beside the node it points to
	txKey                   // the looked-up key
	txPanel                 // a line of the text beside the ring
)

// ringPainter draws the picture's elements at SVG coordinates (x right, y
// down, in pixels of a drawW × drawH picture). The SVG and PNG painters
// share paintRing's geometry, so the two pictures agree.
type ringPainter interface {
	begin(title string)
	circle()                                       // the ring itself
	tick(x1, y1, x2, y2 float64)                   // a quarter mark
	chord(class string, x1, y1, x2, y2 float64)    // a straight chord, with an arrow for hop and timeout
	curve(x1, y1, qx, qy, x2, y2 float64)          // a successor, bowed outward
	dot(st chord.State, x, y, rad float64)         // a node
	chosen(x, y float64)                           // the ring round the chosen node
	keyMark(x, y float64)                          // the diamond at the key
	text(k textKind, x, y float64, fill, s string) // fill: the colour of txChord and txPanel ("" for txPanel: black)
	end()
}

// Label sizes, for the overlap test: the font sizes of the SVG.
func labelSize(k textKind) float64 {
	switch k {
	case txHop:
		return 12
	case txID, txChord:
		return 11
	}
	return 13
}

// A label to place on the ring, with its rank: lower ranks are placed
// first, and a label that would overlap one placed before is left out.
type ringLabel struct {
	kind       textKind
	x, y       float64
	fill, text string
	rank       int
	seq        int // the order of output
	centred    bool
}

// box is the label's extent, estimated from its length and font size
// (DejaVu and Liberation Sans average about 0.6 em a character).
func (l *ringLabel) box() (x0, y0, x1, y1 float64) {
	size := labelSize(l.kind)
	w := 0.6 * size * float64(len([]rune(l.text)))
	x0, x1 = l.x-w/2, l.x+w/2
	if l.centred {
		return x0, l.y - size/2, x1, l.y + size/2
	}
	return x0, l.y - size, x1, l.y + size*0.25
}

// placeLabels keeps the labels that do not overlap one of lower rank, in
// output order, and counts those left out.
func placeLabels(ls []ringLabel) ([]ringLabel, int) {
	order := make([]int, len(ls))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return ls[order[a]].rank < ls[order[b]].rank })
	keep := make([]bool, len(ls))
	var placed [][4]float64
	left := 0
	for _, i := range order {
		x0, y0, x1, y1 := ls[i].box()
		clash := false
		for _, p := range placed {
			if x0 < p[2] && p[0] < x1 && y0 < p[3] && p[1] < y1 {
				clash = true
				break
			}
		}
		if clash {
			left++
			continue
		}
		keep[i] = true
		placed = append(placed, [4]float64{x0, y0, x1, y1})
	}
	var out []ringLabel
	for i, l := range ls {
		if keep[i] {
			out = append(out, l)
		}
	}
	return out, left
}

// paintRing draws the ring with painter pt.
func paintRing(r *chord.Ring, spec Spec, pt ringPainter) {
	sp := r.Space()
	chords := ringChords(r, spec)
	dots, k := dotsToDraw(r, chords, spec.Node, spec.MaxDots)
	pt.begin(spec.Title)
	pt.circle()
	// Quarter marks of the identifier space.
	for q := 0; q < 4; q++ {
		id := chord.ID(uint64(sp.Max()/4+1) * uint64(q))
		if sp.Bits() < 2 {
			id = chord.ID(q % 2)
		}
		x1, y1 := ringPoint(sp, id, drawR-6)
		x2, y2 := ringPoint(sp, id, drawR+6)
		pt.tick(x1, y1, x2, y2)
	}
	x0, y0 := ringPoint(sp, 0, drawR+46)
	pt.text(txZero, x0, y0, "", fmt.Sprintf("id 0 (clockwise to 2^%d−1)", sp.Bits()))
	// Chords under the dots; hops last, so they stay on top.
	for _, class := range []string{"predecessor", "successor", "finger", "hop", "timeout"} {
		for _, c := range chords {
			if c.Class != class {
				continue
			}
			x1, y1 := ringPoint(sp, r.ID(c.From), drawR)
			x2, y2 := ringPoint(sp, r.ID(c.To), drawR)
			if class == "successor" {
				// Bowed outward, so that the list stays apart from the
				// fingers that point to the same nodes.
				d := sp.Dist(r.ID(c.From), r.ID(c.To))
				mid := sp.Add(r.ID(c.From), d/2)
				// The curve's apex lies just outside the ring, halfway.
				tx, ty := ringPoint(sp, mid, drawR+18)
				qx, qy := 2*tx-(x1+x2)/2, 2*ty-(y1+y2)/2
				pt.curve(x1, y1, qx, qy, x2, y2)
				continue
			}
			pt.chord(class, x1, y1, x2, y2)
		}
	}
	// Dots: members, joining, failed and departed nodes. With 64 dots or
	// fewer every node is labelled with its identifier; above, only the
	// chosen node and the nodes of the lookup's path.
	rad := 3.5
	if len(dots) > 256 {
		rad = 1.6
	}
	named := map[chord.Handle]bool{spec.Node: true}
	if t := spec.Trace; t != nil {
		for _, h := range t.Hops {
			named[h.To] = true
		}
		if t.Owner != chord.None {
			named[t.Owner] = true
		}
	}
	var labels []ringLabel
	for _, h := range dots {
		x, y := ringPoint(sp, r.ID(h), drawR)
		pt.dot(r.State(h), x, y, rad)
		if len(dots) <= 64 || named[h] {
			lx, ly := ringPoint(sp, r.ID(h), drawR+16)
			rank := 3
			if named[h] {
				rank = 1
			}
			labels = append(labels, ringLabel{kind: txID, x: lx, y: ly, text: strconv10(r.ID(h)), rank: rank, centred: true})
		}
	}
	// The chosen node, and the labels of its chords: the lookup's hops
	// first, then the predecessor and first successor, the fingers from
	// the farthest, the other successors, the identifiers; a label that
	// would overlap one before it is left out (the panel has them all).
	nx, ny := ringPoint(sp, r.ID(spec.Node), drawR)
	pt.chosen(nx, ny)
	for i, c := range chords {
		if c.Class == "hop" || c.Class == "timeout" {
			x1, y1 := ringPoint(sp, r.ID(c.From), drawR)
			x2, y2 := ringPoint(sp, r.ID(c.To), drawR)
			labels = append(labels, ringLabel{kind: txHop, x: (x1 + x2) / 2, y: (y1+y2)/2 - 4, text: c.Label, rank: 0})
			continue
		}
		at := drawR - 22
		fill := "#2c6fbb"
		rank := 2 + len(chords) - i // fingers are listed from finger 0: the farthest first
		switch c.Class {
		case "successor":
			at, fill = drawR+42, "#2e9e44"
			if c.Label != "s1" {
				rank = 2 + len(chords) + i
			}
		case "predecessor":
			at, fill = drawR+34, "#777"
		}
		if c.Class == "predecessor" || c.Label == "s1" {
			rank = 1
		}
		lx, ly := ringPoint(sp, r.ID(c.To), at)
		labels = append(labels, ringLabel{kind: txChord, x: lx, y: ly, fill: fill, text: c.Label, rank: rank, centred: true})
	}
	if t := spec.Trace; t != nil {
		lx, ly := ringPoint(sp, t.Key, drawR-40)
		labels = append(labels, ringLabel{kind: txKey, x: lx, y: ly, text: fmt.Sprintf("key %d", uint64(t.Key)), rank: -1})
	}
	for i := range labels {
		labels[i].seq = i
		if labels[i].kind == txID {
			labels[i].rank += 3 * len(chords) // after every chord label
		}
	}
	kept, left := placeLabels(labels)
	// Identifiers under the chord labels, as the picture always drew them.
	for _, l := range kept {
		if l.kind == txID {
			pt.text(l.kind, l.x, l.y, l.fill, l.text)
		}
	}
	for _, l := range kept {
		if l.kind != txID {
			pt.text(l.kind, l.x, l.y, l.fill, l.text)
		}
	}
	if t := spec.Trace; t != nil {
		kx, ky := ringPoint(sp, t.Key, drawR)
		pt.keyMark(kx, ky-7)
	}
	// The text panel.
	lines := panelLines(r, spec, len(dots), k)
	if left > 0 {
		lines = append(lines, panelLine{text: fmt.Sprintf("%d labels left out where they would overlap", left), fill: "#777"})
	}
	for i, l := range lines {
		fill := l.fill
		if l.bold {
			fill = "bold"
		}
		pt.text(txPanel, 850, float64(70+18*i), fill, l.text)
	}
	pt.end()
}

// svgPainter writes the picture as SVG.
type svgPainter struct{ b *bytes.Buffer }

func (s *svgPainter) p(format string, a ...any) { fmt.Fprintf(s.b, format, a...) }

func (s *svgPainter) begin(title string) {
	s.p(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	s.p(`<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="13">`+"\n", drawW, drawH, drawW, drawH)
	s.p(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#c0392b"/></marker></defs>` + "\n")
	s.p(`<style>.finger{stroke:#2c6fbb;stroke-width:1.4}.successor{stroke:#2e9e44;stroke-width:2.4}.predecessor{stroke:#777;stroke-width:1.4;stroke-dasharray:5 4}.hop{stroke:#c0392b;stroke-width:2.2}.timeout{stroke:#c0392b;stroke-width:2.2;stroke-dasharray:7 4}</style>` + "\n")
	s.p(`<rect width="100%%" height="100%%" fill="white"/>` + "\n")
	s.text(txTitle, 20, 28, "", title)
}

func (s *svgPainter) circle() {
	s.p(`<circle cx="%.2f" cy="%.2f" r="%.2f" fill="none" stroke="#bbb" stroke-width="1"/>`+"\n", drawCX, drawCY, drawR)
}

func (s *svgPainter) tick(x1, y1, x2, y2 float64) {
	s.p(`<line x1="%.2f" y1="%.2f" x2="%.2f" y2="%.2f" stroke="#bbb"/>`+"\n", x1, y1, x2, y2)
}

func (s *svgPainter) chord(class string, x1, y1, x2, y2 float64) {
	marker := ""
	if class == "hop" || class == "timeout" {
		marker = ` marker-end="url(#arrow)"`
	}
	s.p(`<line class="%s" x1="%.2f" y1="%.2f" x2="%.2f" y2="%.2f"%s/>`+"\n", class, x1, y1, x2, y2, marker)
}

func (s *svgPainter) curve(x1, y1, qx, qy, x2, y2 float64) {
	s.p(`<path class="successor" d="M%.2f,%.2f Q%.2f,%.2f %.2f,%.2f" fill="none"/>`+"\n", x1, y1, qx, qy, x2, y2)
}

func (s *svgPainter) dot(st chord.State, x, y, rad float64) {
	switch st {
	case chord.Member:
		s.p(`<circle cx="%.2f" cy="%.2f" r="%.1f" fill="#222"/>`+"\n", x, y, rad)
	case chord.Joining:
		s.p(`<circle class="joining" cx="%.2f" cy="%.2f" r="%.1f" fill="white" stroke="#e67e22" stroke-width="2"/>`+"\n", x, y, rad+1.5)
	case chord.Failed:
		d := rad + 1.5
		s.p(`<path class="failed" d="M%.2f,%.2f L%.2f,%.2f M%.2f,%.2f L%.2f,%.2f" stroke="#d0021b" stroke-width="2"/>`+"\n", x-d, y-d, x+d, y+d, x-d, y+d, x+d, y-d)
	case chord.Left:
		s.p(`<circle class="left" cx="%.2f" cy="%.2f" r="%.1f" fill="white" stroke="#999" stroke-width="1.5"/>`+"\n", x, y, rad)
	}
}

func (s *svgPainter) chosen(x, y float64) {
	s.p(`<circle cx="%.2f" cy="%.2f" r="7" fill="none" stroke="#2c6fbb" stroke-width="3"/>`+"\n", x, y)
}

func (s *svgPainter) keyMark(x, y float64) {
	s.p(`<path class="key" d="M%.2f,%.2f l7,7 l-7,7 l-7,-7 z" fill="#8e44ad"/>`+"\n", x, y)
}

func (s *svgPainter) text(k textKind, x, y float64, fill, str string) {
	switch k {
	case txTitle:
		s.p(`<text x="%.0f" y="%.0f" font-size="17" font-weight="bold">%s</text>`+"\n", x, y, esc(str))
	case txZero:
		s.p(`<text x="%.2f" y="%.2f" text-anchor="middle" fill="#888">%s</text>`+"\n", x, y, esc(str))
	case txID:
		s.p(`<text x="%.2f" y="%.2f" text-anchor="middle" dominant-baseline="middle" font-size="11" fill="#555">%s</text>`+"\n", x, y, esc(str))
	case txHop:
		s.p(`<text x="%.2f" y="%.2f" text-anchor="middle" font-size="12" fill="#c0392b" stroke="white" stroke-width="3" paint-order="stroke">%s</text>`+"\n", x, y, esc(str))
	case txChord:
		s.p(`<text x="%.2f" y="%.2f" text-anchor="middle" dominant-baseline="middle" font-size="11" fill="%s">%s</text>`+"\n", x, y, fill, esc(str))
	case txKey:
		s.p(`<text x="%.2f" y="%.2f" text-anchor="middle" fill="#8e44ad" font-weight="bold">%s</text>`+"\n", x, y, esc(str))
	case txPanel:
		attr := ""
		switch fill {
		case "":
		case "bold":
			attr = ` font-weight="bold"`
		default:
			attr = ` fill="` + fill + `"`
		}
		s.p(`<text x="%.0f" y="%.0f"%s>%s</text>`+"\n", x, y, attr, esc(str))
	}
}

func (s *svgPainter) end() { s.p("</svg>\n") }

// panelLine is a line of the text beside the ring: black, bold, or in
// colour fill.
// bold is the attribute panelLines' callers pass for a bold line.
const bold = ` font-weight="bold"`

type panelLine struct {
	text, fill string
	bold       bool
}

// panelLines is the text beside the ring: the legend, the chosen node's
// tables and the lookup's hops.
func panelLines(r *chord.Ring, spec Spec, drawn, k int) []panelLine {
	var out []panelLine
	add := func(attr, format string, a ...any) {
		l := panelLine{text: fmt.Sprintf(format, a...)}
		if attr == bold {
			l.bold = true
		} else if f, ok := strings.CutPrefix(attr, ` fill="`); ok {
			l.fill = strings.TrimSuffix(f, `"`)
		}
		out = append(out, l)
	}
	n := spec.Node
	add(bold, "node %s", r.Name(n))
	add("", "id %d, %s", uint64(r.ID(n)), r.State(n))
	if p := r.Predecessor(n); p != chord.None {
		add(` fill="#777"`, "predecessor %d", uint64(r.ID(p)))
	} else {
		add(` fill="#777"`, "predecessor unknown")
	}
	var succ []string
	for _, s := range r.Successors(n) {
		succ = append(succ, strconv10(r.ID(s)))
	}
	// A few identifiers a line, as many as fit beside the ring.
	per := 1
	if m := r.Space().Bits(); m <= 20 {
		per = 6
	} else if m <= 40 {
		per = 3
	} else if m <= 52 {
		per = 2
	}
	for i := 0; i == 0 || i < len(succ); i += per {
		head := "successors"
		if i > 0 {
			head = "   "
		}
		if i >= 3*per {
			add(` fill="#2e9e44"`, "%s … (%d in all)", head, len(succ))
			break
		}
		add(` fill="#2e9e44"`, "%s %s", head, joinWrap(succ[i:min(i+per, len(succ))], per))
	}
	fingers := 0
	for _, c := range ringChords(r, Spec{Node: n}) {
		if c.Class == "finger" {
			fingers++
		}
	}
	add(` fill="#2c6fbb"`, "fingers: %d distinct nodes (blue)", fingers)
	add("", "")
	// Above 40 bits an identifier has up to 20 digits: a line holding two
	// of them would run past the panel's 350 pixels, so it is split in two.
	wide := r.Space().Bits() > 40
	if t := spec.Trace; t != nil {
		if wide {
			add(bold, "lookup of key %d", uint64(t.Key))
			add(bold, "from %d", uint64(r.ID(t.Origin)))
		} else {
			add(bold, "lookup of key %d from %d", uint64(t.Key), uint64(r.ID(t.Origin)))
		}
		for i, h := range t.Hops {
			what := fmtMs(h.Latency.Seconds() * 1000)
			if h.TimedOut {
				what = "timeout (" + what + ")"
			}
			if wide {
				add(` fill="#c0392b"`, "%d. %d", i+1, uint64(r.ID(h.From)))
				add(` fill="#c0392b"`, "→ %d  %s", uint64(r.ID(h.To)), what)
				continue
			}
			add(` fill="#c0392b"`, "%d. %d → %d  %s", i+1, uint64(r.ID(h.From)), uint64(r.ID(h.To)), what)
		}
		owner := "none"
		if t.Owner != chord.None {
			owner = strconv10(r.ID(t.Owner))
		}
		timeouts := 0
		for _, h := range t.Hops {
			if h.TimedOut {
				timeouts++
			}
		}
		add("", "answer %s: %s", owner, t.Outcome)
		add("", "%d requests, %d timeouts, %s in all", len(t.Hops), timeouts, fmtMs(t.Latency.Seconds()*1000))
		if t.Keyed {
			add(` fill="#777"`, "delays: the run's keyed network")
		} else {
			add(` fill="#777"`, "delays: the latency model's mean")
		}
		add("", "")
	}
	add(bold, "legend")
	add("", "● member   ○ joining (orange)")
	add("", "✕ failed (red)   ○ departed (grey)")
	add("", "angle 2π·id/2^%d, clockwise from the top", r.Space().Bits())
	if k > 1 {
		add(` fill="#d0021b"`, "showing %d of the nodes: every %d-th by id", drawn, k)
	}
	return out
}

func strconv10(id chord.ID) string { return fmt.Sprintf("%d", uint64(id)) }

// joinWrap joins at most n items, saying how many more there are.
func joinWrap(items []string, n int) string {
	if len(items) == 0 {
		return "none"
	}
	s := ""
	for i, it := range items {
		if i == n {
			return s + fmt.Sprintf(" … (%d in all)", len(items))
		}
		if i > 0 {
			s += " "
		}
		s += it
	}
	return s
}

func esc(s string) string { return html.EscapeString(s) }
