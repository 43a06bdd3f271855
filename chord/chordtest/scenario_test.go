package chordtest

import (
	"fmt"
	"testing"

	"github.com/chordsim/chordsim/chord"
)

// The rotation harness itself: a shift by 2^m is no shift, and shifting
// then unshifting is the identity at the ends of the space.
func TestScenarioShift(t *testing.T) {
	for _, m := range []int{1, 4, 64} {
		sc := &scenario{t: t, rot: 1<<uint(min(m, 63)) + 3}
		if err := sc.config([]string{fmt.Sprintf("m=%d", m)}); err != nil {
			t.Fatal(err)
		}
		max := sc.r.Space().Max()
		for _, x := range []chord.ID{0, 1, max, max - 1} {
			x &= max
			if got := sc.unshift(sc.shift(x)); got != x {
				t.Fatalf("m=%d: unshift(shift(%d)) = %d", m, x, got)
			}
		}
	}
}
