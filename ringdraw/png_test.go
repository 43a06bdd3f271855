package ringdraw

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/chordsim/chordsim/chord"
)

// textRecorder is a painter that keeps the ring's labels and the panel's
// lines, and draws nothing.
type textRecorder struct {
	svgPainter
	labels []ringLabel
	panel  []string
}

func (t *textRecorder) text(k textKind, x, y float64, fill, s string) {
	switch k {
	case txID, txChord:
		t.labels = append(t.labels, ringLabel{kind: k, x: x, y: y, text: s, centred: true})
	case txHop, txKey:
		t.labels = append(t.labels, ringLabel{kind: k, x: x, y: y, text: s})
	case txPanel:
		t.panel = append(t.panel, s)
	}
}

// On a ring of 2,000 nodes no two labels drawn on the ring overlap, the
// lookup's first hop, the key, the chosen node, its predecessor and first
// successor keep theirs, and the picture says how many were left out.
// (Without the overlap test, dozens of labels sit on each other here.)
func TestDrawLabelsDoNotOverlap(t *testing.T) {
	var ids []uint64
	for i := uint64(0); i < 2000; i++ {
		ids = append(ids, i*32+7)
	}
	r, hs := handRing(t, 16, ids)
	n := hs[100]
	tr := r.TraceLookup(n, chord.ID(40000))
	rec := &textRecorder{svgPainter: svgPainter{b: new(bytes.Buffer)}}
	paintRing(r, Spec{Node: n, Trace: &tr, MaxDots: DefaultMaxDots}, rec)
	for i := range rec.labels {
		a0, b0, a1, b1 := rec.labels[i].box()
		for j := range i {
			c0, d0, c1, d1 := rec.labels[j].box()
			if a0 < c1 && c0 < a1 && b0 < d1 && d0 < b1 {
				t.Errorf("labels %q at (%.0f, %.0f) and %q at (%.0f, %.0f) overlap", rec.labels[i].text, rec.labels[i].x, rec.labels[i].y, rec.labels[j].text, rec.labels[j].x, rec.labels[j].y)
			}
		}
	}
	has := func(s string) bool {
		for _, l := range rec.labels {
			if l.text == s {
				return true
			}
		}
		return false
	}
	// The predecessor and the first successor are 32 identifiers either
	// side of the node, closer than a label's width: one of them stays.
	if !has("pred") && !has("s1") {
		t.Error("neither pred nor s1 is labelled")
	}
	for _, want := range []string{fmt.Sprint(uint64(r.ID(n))), fmt.Sprintf("key %d", 40000)} {
		if !has(want) {
			t.Errorf("the label %q is missing", want)
		}
	}
	if len(tr.Hops) == 0 || !has(fmt.Sprintf("1 · %s", fmtMs(tr.Hops[0].Latency.Seconds()*1000))) {
		t.Errorf("the first hop's label is missing (%d hops)", len(tr.Hops))
	}
	if !strings.Contains(strings.Join(rec.panel, "\n"), "labels left out where they would overlap") {
		t.Error("the panel does not say that labels were left out")
	}
	// Above 64 dots, only the chosen node's and the lookup's nodes'
	// identifiers are written.
	ids2 := 0
	for _, l := range rec.labels {
		if l.kind == txID {
			ids2++
		}
	}
	if ids2 == 0 || ids2 > len(tr.Hops)+2 {
		t.Errorf("%d identifier labels on a ring of 2000; want the chosen node's and the lookup's (%d hops)", ids2, len(tr.Hops))
	}
}

// The PNG has the SVG's geometry: dark dots where the members are, a red
// cross on the failed node, the lookup's red chords, white background.
func TestDrawPNG(t *testing.T) {
	r, hs := handRing(t, 6, tonRing)
	if err := r.Fail(hs[9]); err != nil { // N56
		t.Fatal(err)
	}
	n8 := hs[1]
	tr := r.TraceLookup(n8, 54)
	b, err := PNG(r, Spec{Node: n8, Trace: &tr, MaxDots: DefaultMaxDots, Title: "ToN Fig. 3"})
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if got := img.Bounds().Size(); got != (image.Point{drawW * drawPNGScale, drawH * drawPNGScale}) {
		t.Fatalf("the PNG is %v pixels, want %v × %v", got, drawW*drawPNGScale, drawH*drawPNGScale)
	}
	at := func(x, y float64) (r, g, b uint32) {
		r, g, b, _ = img.At(int(x*drawPNGScale), int(y*drawPNGScale)).RGBA()
		return r >> 8, g >> 8, b >> 8
	}
	sp := r.Space()
	for _, h := range hs[:9] {
		x, y := ringPoint(sp, r.ID(h), drawR)
		if cr, cg, cb := at(x, y); cr > 0x70 || cg > 0x70 || cb > 0x70 {
			t.Errorf("node %d at (%.0f, %.0f): colour %02x%02x%02x, want a dark dot", r.ID(h), x, y, cr, cg, cb)
		}
	}
	x, y := ringPoint(sp, r.ID(hs[9]), drawR)
	if cr, cg, cb := at(x, y); cr < 0xa0 || cg > 0x60 || cb > 0x60 {
		t.Errorf("failed node 56: colour %02x%02x%02x at its centre, want red", cr, cg, cb)
	}
	// A point a third of the way along the first hop (N8 → N42).
	x1, y1 := ringPoint(sp, 8, drawR)
	x2, y2 := ringPoint(sp, 42, drawR)
	if cr, cg, cb := at(x1+(x2-x1)/3, y1+(y2-y1)/3); cr < 0xa0 || cg > 0x70 || cb > 0x70 {
		t.Errorf("the first hop's chord: colour %02x%02x%02x, want red", cr, cg, cb)
	}
	if cr, cg, cb := at(5, drawH-5); cr != 0xff || cg != 0xff || cb != 0xff {
		t.Errorf("background %02x%02x%02x, want white", cr, cg, cb)
	}

}

// placeLabels against its contract on random labels: the kept ones do not
// overlap, and each one left out overlaps a kept one of the same or lower
// rank (none is left out for nothing).
func TestPlaceLabels(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	overlap := func(a, b *ringLabel) bool {
		a0, b0, a1, b1 := a.box()
		c0, d0, c1, d1 := b.box()
		return a0 < c1 && c0 < a1 && b0 < d1 && d0 < b1
	}
	for trial := 0; trial < 200; trial++ {
		var ls []ringLabel
		for i := range 1 + rng.IntN(60) {
			ls = append(ls, ringLabel{kind: textKind(rng.IntN(2) + int(txHop)), x: rng.Float64() * 300, y: rng.Float64() * 300,
				text: strings.Repeat("x", 1+rng.IntN(8)), rank: rng.IntN(4), seq: i, centred: rng.IntN(2) == 0})
		}
		kept, left := placeLabels(ls)
		if len(kept)+left != len(ls) {
			t.Fatalf("trial %d: %d kept + %d left out of %d", trial, len(kept), left, len(ls))
		}
		in := map[int]bool{}
		for i := range kept {
			in[kept[i].seq] = true
			if i > 0 && kept[i].seq < kept[i-1].seq {
				t.Fatalf("trial %d: kept labels out of output order", trial)
			}
			for j := range i {
				if overlap(&kept[i], &kept[j]) {
					t.Fatalf("trial %d: kept labels %+v and %+v overlap", trial, kept[i], kept[j])
				}
			}
		}
		for i := range ls {
			if in[ls[i].seq] {
				continue
			}
			reason := false
			for j := range kept {
				if kept[j].rank <= ls[i].rank && overlap(&ls[i], &kept[j]) {
					reason = true
				}
			}
			if !reason {
				t.Fatalf("trial %d: label %+v left out though it overlaps no kept label of its rank or lower", trial, ls[i])
			}
		}
	}
}
