package ringdraw

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/sim"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the golden files of this package")

// handRing is a ring of members with the given identifiers, in the ideal
// state (every table exact), on a network of constant 10 ms delays.
func handRing(t *testing.T, m int, ids []uint64) (*chord.Ring, []chord.Handle) {
	t.Helper()
	cfg := chord.DefaultConfig()
	cfg.Bits, cfg.Successors = m, 3
	lat, err := sim.ParseLatency("const:10ms")
	if err != nil {
		t.Fatal(err)
	}
	r, err := chord.New(sim.NewScheduler(), chord.Options{Config: cfg, Net: sim.NetConfig{Latency: lat}, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	var hs []chord.Handle
	for _, id := range ids {
		h, err := r.AddNodeWithID(chord.ID(id), fmt.Sprintf("N%d", id))
		if err != nil {
			t.Fatal(err)
		}
		hs = append(hs, h)
	}
	if err := r.BuildIdeal(hs); err != nil {
		t.Fatal(err)
	}
	return r, hs
}

// tonRing is the ring of ToN Fig. 3: m = 6 and ten nodes.
var tonRing = []uint64{1, 8, 14, 21, 32, 38, 42, 48, 51, 56}

// The picture of ToN Fig. 3's ring, N8's tables and lookup(54) from N8,
// against a golden file; and the coordinates of nodes at known angles,
// worked out by hand: the ring's centre is (420, 440), its radius 340,
// and identifier x sits at angle 2πx/64 clockwise from the top.
func TestDrawGolden(t *testing.T) {
	r, hs := handRing(t, 6, tonRing)
	n8 := hs[1]
	tr := r.TraceLookup(n8, 54)
	// ToN Fig. 3(b): N8 asks N42, which names N51, whose successor N56
	// holds key 54; every round trip is 2 × 10 ms.
	var path []uint64
	for _, h := range tr.Hops {
		path = append(path, uint64(r.ID(h.To)))
		if h.TimedOut || h.Latency != 20*sim.Millisecond {
			t.Errorf("hop %+v: want answered in 20ms", h)
		}
	}
	if !slices.Equal(path, []uint64{42, 51}) || r.ID(tr.Owner) != 56 || tr.Outcome != chord.Correct {
		t.Fatalf("lookup(54) from N8: path %v, owner %d (%s); want [42 51], 56, correct", path, r.ID(tr.Owner), tr.Outcome)
	}
	svg := SVG(r, Spec{Node: n8, Trace: &tr, MaxDots: DefaultMaxDots, Title: "ToN Fig. 3"})
	for _, want := range []string{
		`cx="660.42" cy="199.58"`, // N8: 45°, 420 + 340·sin 45°, 440 − 340·cos 45°
		`cx="420.00" cy="780.00"`, // N32: 180°
		`cx="80.00" cy="440.00"`,  // N48: 270°
		`cx="179.58" cy="199.58"`, // N56: 315°
		`x1="660.42" y1="199.58" x2="`,
		`>1 · 20.0 ms<`, `>2 · 20.0 ms<`, `answer 56: correct`,
	} {
		if !strings.Contains(string(svg), want) {
			t.Errorf("the picture lacks %s", want)
		}
	}
	golden := filepath.Join("testdata", "draw_ton.svg")
	if *rewrite {
		if err := os.WriteFile(golden, svg, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test ./ringdraw -run TestDrawGolden -rewrite writes it)", err)
	}
	if !bytes.Equal(svg, want) {
		t.Errorf("the picture differs from %s (if the change is meant, look at it and rewrite with -rewrite)", golden)
	}
}

// Every finger chord ends at the node that brute force says finger i
// points to (the first member at or after id + 2^i), for every finger i
// its label names, and every finger not pointing at the node itself has
// its chord: on ToN's ring and on a random one, from every member.
func TestDrawFingerChords(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 5))
	random := map[uint64]bool{}
	for len(random) < 60 {
		random[rng.Uint64N(1<<12)] = true
	}
	var ids []uint64
	for id := range random {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, tc := range []struct {
		m   int
		ids []uint64
	}{{6, tonRing}, {12, ids}} {
		r, hs := handRing(t, tc.m, tc.ids)
		succ := func(x uint64) uint64 { // brute force
			x %= 1 << tc.m
			for _, id := range tc.ids {
				if id >= x {
					return id
				}
			}
			return tc.ids[0]
		}
		for _, h := range hs {
			self := uint64(r.ID(h))
			covered := map[int]bool{}
			svg := string(SVG(r, Spec{Node: h, MaxDots: DefaultMaxDots}))
			for _, c := range ringChords(r, Spec{Node: h}) {
				if c.Class != "finger" {
					continue
				}
				var lo, hi int
				if n, _ := fmt.Sscanf(c.Label, "f%d–%d", &lo, &hi); n == 1 {
					hi = lo
				}
				for i := lo; i <= hi; i++ {
					covered[i] = true
					if want := succ(self + 1<<i); uint64(r.ID(c.To)) != want {
						t.Errorf("m=%d node %d finger %d: chord to %d, want %d", tc.m, self, i, r.ID(c.To), want)
					}
				}
				x1, y1 := ringPoint(r.Space(), r.ID(h), drawR)
				x2, y2 := ringPoint(r.Space(), r.ID(c.To), drawR)
				line := fmt.Sprintf(`<line class="finger" x1="%.2f" y1="%.2f" x2="%.2f" y2="%.2f"/>`, x1, y1, x2, y2)
				if !strings.Contains(svg, line) {
					t.Errorf("m=%d node %d: the picture lacks %s", tc.m, self, line)
				}
			}
			for i := 0; i < tc.m; i++ {
				if succ(self+1<<i) != self && !covered[i] {
					t.Errorf("m=%d node %d: no chord for finger %d", tc.m, self, i)
				}
			}
		}
	}
}

// Above --max-dots the picture samples and says so, keeping the chosen
// node and every node its chords touch.
func TestDrawSamples(t *testing.T) {
	var ids []uint64
	for i := uint64(0); i < 200; i++ {
		ids = append(ids, i*97+3)
	}
	r, hs := handRing(t, 16, ids)
	chords := ringChords(r, Spec{Node: hs[5]})
	dots, k := dotsToDraw(r, chords, hs[5], 50)
	if k != 4 {
		t.Fatalf("200 nodes at most 50 dots: every %d-th, want every 4th", k)
	}
	for _, c := range chords {
		if !slices.Contains(dots, c.To) || !slices.Contains(dots, c.From) {
			t.Errorf("chord %+v: its nodes are not both drawn", c)
		}
	}
	svg := string(SVG(r, Spec{Node: hs[5], MaxDots: 50}))
	if !strings.Contains(svg, fmt.Sprintf("showing %d of the nodes: every 4-th by id", len(dots))) {
		t.Error("a sampled picture does not say so")
	}
}

// At m = 64 identifiers have up to 20 digits; every line of the text
// panel that holds one must still fit the panel's 350 pixels beside the
// ring. Widths are estimated with DejaVu Sans's advances at 13 px: a digit
// 8.3 px, and 8 px for any other character (above the average letter).
func TestPanelLinesFitAt64Bits(t *testing.T) {
	big := uint64(1) << 63
	ids := []uint64{big + 1, big + 1<<61, big + 1<<62, big + 3<<61, 18446744073709551000, 1 << 40, 1 << 50, 1 << 60}
	r, hs := handRing(t, 64, ids)
	tr := r.TraceLookup(hs[0], chord.ID(1<<59))
	if len(tr.Hops) == 0 {
		t.Fatal("the lookup made no hop: nothing to check")
	}
	lines := panelLines(r, Spec{Node: hs[0], Trace: &tr, MaxDots: DefaultMaxDots}, len(ids), 1)
	checked := 0
	for _, l := range lines {
		w, run, longest := 0.0, 0, 0
		for _, c := range l.text {
			if c >= '0' && c <= '9' {
				w += 8.3
				run++
				longest = max(longest, run)
				continue
			}
			w += 8
			run = 0
		}
		if longest < 19 {
			continue // no 64-bit identifier on this line
		}
		checked++
		if w > 350 {
			t.Errorf("panel line %q is about %.0f px wide, more than the panel's 350", l.text, w)
		}
	}
	if checked < 5 {
		t.Fatalf("only %d panel lines hold a 19- or 20-digit identifier: the test checks too little", checked)
	}
}
