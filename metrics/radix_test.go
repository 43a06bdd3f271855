package metrics

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// sortFloats must put any slice Samples can hold (no NaN, no negative
// zero) in exactly the order slices.Sort does, bit for bit, whatever the
// mix of signs, magnitudes and repeats, on both sides of radixMin.
func TestSortFloatsMatchesSlicesSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	draws := map[string]func() float64{
		"whole nanoseconds": func() float64 { return float64(10_000_000 + rng.IntN(170_000_000)) },
		"signed, any magnitude": func() float64 {
			return (rng.Float64() - 0.5) * math.Pow(2, float64(rng.IntN(200)-100))
		},
		"few distinct": func() float64 { return float64(rng.IntN(5)) - 2 },
		"specials": func() float64 {
			return []float64{math.Inf(1), math.Inf(-1), 0, math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64,
				math.MaxFloat64, -math.MaxFloat64, 1, -1}[rng.IntN(9)]
		},
		"one value": func() float64 { return 42.5 },
	}
	names := make([]string, 0, len(draws))
	for name := range draws {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		for _, n := range []int{0, 1, 7, radixMin - 1, radixMin, radixMin + 1, 5000, 100_000} {
			xs := make([]float64, n)
			for i := range xs {
				xs[i] = draws[name]()
			}
			want := slices.Clone(xs)
			slices.Sort(want)
			sortFloats(xs)
			for i := range xs {
				if math.Float64bits(xs[i]) != math.Float64bits(want[i]) {
					t.Fatalf("%s, n = %d: position %d holds %v, slices.Sort puts %v there", name, n, i, xs[i], want[i])
				}
			}
		}
	}
}

// orderedBits is a bijection that orders words as the floats order.
func TestOrderedBitsOrdersAsFloats(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for range 100_000 {
		a, b := rng.Uint64(), rng.Uint64()
		fa, fb := math.Float64frombits(a), math.Float64frombits(b)
		if math.IsNaN(fa) || math.IsNaN(fb) || fa == 0 || fb == 0 {
			continue
		}
		if floatBits(orderedBits(a)) != a {
			t.Fatalf("floatBits(orderedBits(%#x)) = %#x", a, floatBits(orderedBits(a)))
		}
		if (fa < fb) != (orderedBits(a) < orderedBits(b)) {
			t.Fatalf("%v < %v is %v, but their words order the other way", fa, fb, fa < fb)
		}
	}
}

func BenchmarkSortFloats(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	xs := make([]float64, 1_000_000)
	for i := range xs {
		xs[i] = float64(10_000_000 + rng.IntN(170_000_000))
	}
	work := make([]float64, len(xs))
	b.ResetTimer()
	for range b.N {
		copy(work, xs)
		sortFloats(work)
	}
}
