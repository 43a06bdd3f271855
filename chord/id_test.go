package chord

import (
	"math/rand/v2"
	"testing"
)

// naiveBetween walks clockwise from a+1 until it reaches b, the definition
// of the open arc (a, b) with (a, a) the whole ring but a.
func naiveBetween(m int, a, x, b uint64) bool {
	size := uint64(1) << uint(m)
	for y := (a + 1) % size; y != b; y = (y + 1) % size {
		if y == x {
			return true
		}
	}
	return false
}

// Exhaustive check against the naive walk for every triple when m ≤ 6.
func TestIntervalsAgainstNaiveWalk(t *testing.T) {
	for m := 1; m <= 6; m++ {
		s := MustSpace(m)
		size := uint64(1) << uint(m)
		for a := uint64(0); a < size; a++ {
			for b := uint64(0); b < size; b++ {
				for x := uint64(0); x < size; x++ {
					want := naiveBetween(m, a, x, b)
					if got := s.Between(ID(a), ID(x), ID(b)); got != want {
						t.Fatalf("m=%d: Between(%d,%d,%d) = %v, want %v", m, a, x, b, got, want)
					}
					wantIncl := want || x == b
					if got := s.BetweenIncl(ID(a), ID(x), ID(b)); got != wantIncl {
						t.Fatalf("m=%d: BetweenIncl(%d,%d,%d) = %v, want %v", m, a, x, b, got, wantIncl)
					}
				}
			}
		}
	}
}

// boundaryID draws identifiers biased to the places where wrap-around bugs
// live: 0, 1, the top of the space, and neighbours of other points.
func boundaryID(r *rand.Rand, s Space, near ...ID) ID {
	switch r.IntN(6) {
	case 0:
		return s.Add(0, uint64(r.IntN(3)))
	case 1:
		return s.Add(s.Max(), -uint64(r.IntN(3)))
	case 2, 3:
		if len(near) > 0 {
			p := near[r.IntN(len(near))]
			return s.Add(p, uint64(r.IntN(5))-2)
		}
	}
	return s.FromUint64(r.Uint64())
}

// The ring axioms (Ivy's btw) and Zave's identities, on random triples that
// favour boundaries, for large m where exhaustive checking is impossible.
func TestIntervalAxioms(t *testing.T) {
	for _, m := range []int{1, 2, 16, 32, 63, 64} {
		s := MustSpace(m)
		r := rand.New(rand.NewPCG(uint64(m), 99))
		for i := 0; i < 200_000; i++ {
			w := boundaryID(r, s)
			x := boundaryID(r, s, w)
			y := boundaryID(r, s, w, x)
			z := boundaryID(r, s, w, x, y)
			in := s.Between
			if in(w, x, y) && in(w, y, z) && !in(w, x, z) {
				t.Fatalf("m=%d transitivity fails for %d %d %d %d", m, w, x, y, z)
			}
			if in(w, x, y) && in(w, y, x) {
				t.Fatalf("m=%d acyclicity fails for %d %d %d", m, w, x, y)
			}
			if !(in(w, x, y) || in(w, y, x) || w == x || x == y) {
				t.Fatalf("m=%d totality fails for %d %d %d", m, w, x, y)
			}
			if in(x, y, z) && x != z && !in(y, z, x) {
				t.Fatalf("m=%d cyclicity fails for %d %d %d", m, x, y, z)
			}
			if w != x && !in(w, x, w) {
				t.Fatalf("m=%d: (a,a) must contain every other point: %d %d", m, w, x)
			}
			if w != y {
				// Partition: exactly one of x = w, x = y, x ∈ (w,y), x ∈ (y,w).
				k := 0
				for _, c := range []bool{x == w, x == y, in(w, x, y), in(y, x, w)} {
					if c {
						k++
					}
				}
				if k != 1 {
					t.Fatalf("m=%d partition fails for a=%d x=%d b=%d", m, w, x, y)
				}
				// Zave: for a ≠ b, ¬in(a,x,b) ⇔ includedIn(b,x,a), the closed arc [b, a].
				if !in(w, x, y) != (s.BetweenIncl(y, x, w) || x == y) {
					t.Fatalf("m=%d complement fails for a=%d x=%d b=%d", m, w, x, y)
				}
			}
			// Rotation invariance.
			c := s.FromUint64(r.Uint64())
			if in(w, x, y) != in(s.Add(w, uint64(c)), s.Add(x, uint64(c)), s.Add(y, uint64(c))) {
				t.Fatalf("m=%d rotation by %d changes (%d,%d,%d)", m, c, w, x, y)
			}
		}
	}
}

func TestFingerStartsAndHash(t *testing.T) {
	for _, m := range []int{1, 5, 64} {
		s := MustSpace(m)
		for _, n := range []ID{0, 1, s.Max()} {
			prev := uint64(0)
			for i := 0; i < m; i++ {
				d := s.Dist(n, s.FingerStart(n, i))
				if d != uint64(1)<<uint(i) {
					t.Fatalf("m=%d n=%d: start %d is at distance %d, want 2^%d", m, n, i, d, i)
				}
				if d <= prev {
					t.Fatalf("m=%d n=%d: finger starts not increasing at %d", m, n, i)
				}
				prev = d
			}
		}
	}
	// SHA-1("127.0.0.1:5000") = b660cd61..., computed with sha1sum; m = 8 keeps
	// the top byte, 0xb6, and m = 32 the top four bytes.
	if got := MustSpace(8).Hash("127.0.0.1:5000"); got != 0xb6 || MustSpace(32).Hash("127.0.0.1:5000") != 0xb660cd61 {
		t.Fatalf("Hash top byte = %#x", got)
	}
	for _, m := range []int{0, 65, -1} {
		if _, err := NewSpace(m); err == nil {
			t.Fatalf("NewSpace(%d) accepted", m)
		}
	}
}

func TestOracleOwnership(t *testing.T) {
	s := MustSpace(6)
	r := rand.New(rand.NewPCG(5, 5))
	for trial := 0; trial < 300; trial++ {
		var o Oracle
		n := 1 + r.IntN(20)
		for len(o.ids) < n {
			id := ID(r.IntN(64))
			if !o.Contains(id) {
				o.insert(id, Handle(len(o.ids)))
			}
		}
		for k := ID(0); k < 64; k++ {
			// Exactly one member has k in (pred, self].
			owners := 0
			var owner Handle
			for i := 0; i < o.Len(); i++ {
				id, h := o.At(i)
				pid, _ := o.At((i + o.Len() - 1) % o.Len())
				if s.BetweenIncl(pid, k, id) {
					owners++
					owner = h
				}
			}
			if owners != 1 || owner != o.Successor(k) {
				t.Fatalf("key %d: %d owners, oracle says %d, walk says %d", k, owners, o.Successor(k), owner)
			}
		}
	}
}
