package hugepage

import "testing"

// Advise leaves every value as it was, on slices smaller than a huge page,
// empty ones, and ones spanning several (where the advice is taken).
func TestAdviseChangesNoValue(t *testing.T) {
	for _, n := range []int{0, 1, 1000, 3 << 20} {
		s := make([]uint64, n)
		for i := range s {
			s[i] = uint64(i)*0x9e3779b97f4a7c15 + 1
		}
		Advise(s)
		for i, x := range s {
			if x != uint64(i)*0x9e3779b97f4a7c15+1 {
				t.Fatalf("len %d: s[%d] changed to %d", n, i, x)
			}
		}
	}
}
