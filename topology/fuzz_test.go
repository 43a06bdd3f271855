package topology

import (
	"fmt"
	"strings"
	"testing"
)

// FuzzParseMatrix: whatever the bytes, ParseMatrix returns a square,
// symmetric (under Require) matrix or an error naming the file; never a
// panic. A parsed matrix written back in milliseconds parses to the same.
func FuzzParseMatrix(f *testing.F) {
	for _, s := range []string{"0 1\n1 0\n", "0,2,3\n2,0,4\n3,4,0\n", "# c\n0\t1e3\n1e3\t0\n", "0 -1\n-1 0", "0,,1", "0 1 2\n1 0\n", "\uFEFF0"} {
		f.Add([]byte(s), uint8(0))
	}
	f.Fuzz(func(t *testing.T, src []byte, s uint8) {
		sym := Symmetry(s % 3)
		m, err := ReadMatrix(src, "fuzz.tsv", sym)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.tsv") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		n := m.Hosts()
		if n < 1 || len(m.full)+len(m.tri) != map[bool]int{true: n * (n + 1) / 2, false: n * n}[m.Symmetric()] {
			t.Fatalf("%d hosts, %d + %d entries", n, len(m.full), len(m.tri))
		}
		var b strings.Builder
		for a := range n {
			for c := range n {
				if sym != Directed && m.OneWay(a, c) != m.OneWay(c, a) {
					t.Fatalf("asymmetric under %d: (%d, %d)", sym, a, c)
				}
				fmt.Fprintf(&b, "%g ", float64(2*m.OneWay(a, c))/1e6)
			}
			b.WriteByte('\n')
		}
		again, err := ReadMatrix([]byte(b.String()), "again", Directed)
		if err != nil {
			t.Fatalf("written back, it does not parse: %v", err)
		}
		for a := range n {
			for c := range n {
				if again.OneWay(a, c) != m.OneWay(a, c) {
					t.Fatalf("entry (%d, %d): %v, written back %v", a, c, m.OneWay(a, c), again.OneWay(a, c))
				}
			}
		}
	})
}
