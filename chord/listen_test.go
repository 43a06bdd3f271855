package chord

import (
	"slices"
	"testing"
)

// A lookup's result reaches the layer its Tag names and no other; a
// lookup tagged NoLayer reaches nobody. State changes reach every layer
// that follows them, in the order the layers were attached.
func TestHooksRouteByLayer(t *testing.T) {
	cfg := staticConfig(8)
	r, s, _ := testRing(t, cfg, 3)
	var got [3][]uint64
	var order []string
	a := r.Attach(Hooks{LookupDone: func(res *LookupResult) { got[1] = append(got[1], res.Tag.Op) }})
	b := r.Attach(Hooks{
		LookupDone: func(res *LookupResult) { got[2] = append(got[2], res.Tag.Op) },
		StateChanged: func(h Handle, st State) {
			order = append(order, "b:"+st.String())
		},
	})
	c := r.Attach(Hooks{StateChanged: func(h Handle, st State) { order = append(order, "c:"+st.String()) }})
	if a == NoLayer || b == NoLayer || c == NoLayer || a == b || b == c {
		t.Fatalf("layers %d, %d, %d: want three distinct, none NoLayer", a, b, c)
	}
	if err := r.BootstrapIdeal(20); err != nil {
		t.Fatal(err)
	}
	h := r.Oracle().HandleAt(0)
	for op := uint64(1); op <= 6; op++ {
		layer := []LayerID{a, b, NoLayer}[op%3]
		r.Lookup(h, r.Space().FromUint64(op*0x9e3779b97f4a7c15), Tag{Layer: layer, Op: op})
	}
	s.Run()
	if r.InFlight() != 0 {
		t.Fatalf("%d lookups still in flight", r.InFlight())
	}
	if want := []uint64{3, 6}; !slices.Equal(got[1], want) {
		t.Fatalf("layer a heard ops %v, want %v", got[1], want)
	}
	if want := []uint64{1, 4}; !slices.Equal(got[2], want) {
		t.Fatalf("layer b heard ops %v, want %v", got[2], want)
	}
	if err := r.Fail(r.Oracle().HandleAt(3)); err != nil {
		t.Fatal(err)
	}
	if want := []string{"b:failed", "c:failed"}; !slices.Equal(order, want) {
		t.Fatalf("state changes heard as %v, want %v", order, want)
	}
}
