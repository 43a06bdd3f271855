package workload

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// draws is the sample size of the statistical tests.
const draws = 200_000

// checkBinomial fails unless count is within 5 standard deviations of the
// mean of a Binomial(n, p) draw. For seeded tests this is deterministic; the
// bound only makes sure a correct generator is not rejected by chance
// (probability below 1e-6 per check) whatever seed is chosen.
func checkBinomial(t *testing.T, what string, count, n int, p float64) {
	t.Helper()
	mean := float64(n) * p
	tol := 5 * math.Sqrt(float64(n)*p*(1-p))
	if math.Abs(float64(count)-mean) > tol {
		t.Errorf("%s: %d of %d, want %.1f ± %.1f (5σ, p = %.5f)", what, count, n, mean, tol, p)
	}
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)) }

func mustGenerator(t testing.TB, s Spec) *Generator {
	t.Helper()
	g, err := NewGenerator(s)
	if err != nil {
		t.Fatalf("NewGenerator(%+v): %v", s, err)
	}
	return g
}

func TestGeneratorDeterministic(t *testing.T) {
	spec := Spec{Keys: 50, Dist: Zipf, ZipfExponent: 0.8, ReadFraction: 0.5, DeleteFraction: 0.1}
	run := func(seed uint64) []Request {
		g, rng := mustGenerator(t, spec), newRand(seed)
		reqs := make([]Request, 1000)
		for i := range reqs {
			reqs[i] = g.Next(rng)
		}
		return reqs
	}
	a, b, c := run(1), run(1), run(2)
	same := true
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("same seed, request %d differs: %+v vs %+v", i, a[i], b[i])
		}
		same = same && a[i] == c[i]
	}
	if same {
		t.Error("seeds 1 and 2 gave the same 1000 requests")
	}
}

func TestGeneratorFractions(t *testing.T) {
	for _, tt := range []struct{ read, del float64 }{
		{0, 0}, {1, 0}, {0, 1}, {0.5, 0.2}, {0.7, 0.3}, {0.95, 0.01}, {0.001, 0.999},
	} {
		name := strconv.FormatFloat(tt.read, 'g', -1, 64) + "/" + strconv.FormatFloat(tt.del, 'g', -1, 64)
		t.Run(name, func(t *testing.T) {
			g := mustGenerator(t, Spec{Keys: 10, ReadFraction: tt.read, DeleteFraction: tt.del})
			rng := newRand(7)
			var count [3]int
			for range draws {
				r := g.Next(rng)
				if r.Line != 0 {
					t.Fatalf("generated request %+v has a line number", r)
				}
				count[r.Kind]++
			}
			checkBinomial(t, "queries", count[Query], draws, tt.read)
			checkBinomial(t, "deletes", count[Delete], draws, tt.del)
			checkBinomial(t, "inserts", count[Insert], draws, max(0, 1-tt.read-tt.del))
		})
	}
}

func TestGeneratorUniform(t *testing.T) {
	const keys = 10
	g, rng := mustGenerator(t, Spec{Keys: keys, ReadFraction: 1}), newRand(3)
	index := map[string]int{}
	for i := range keys {
		index[g.KeyName(i)] = i
	}
	var count [keys]int
	for range draws {
		i, ok := index[g.Next(rng).Key]
		if !ok {
			t.Fatal("key outside the population")
		}
		count[i]++
	}
	for i, c := range count {
		checkBinomial(t, g.KeyName(i), c, draws, 1.0/keys)
	}
}

// TestGeneratorZipf compares key frequencies with the exact probabilities
// p(i) = (i+1)^-s / Σ_j (j+1)^-s, including exponents below 1, which
// math/rand's Zipf cannot draw.
func TestGeneratorZipf(t *testing.T) {
	const keys = 100
	for _, s := range []float64{0.5, 1, 2, 50} {
		t.Run(strconv.FormatFloat(s, 'g', -1, 64), func(t *testing.T) {
			g, rng := mustGenerator(t, Spec{Keys: keys, Dist: Zipf, ZipfExponent: s, ReadFraction: 1}), newRand(11)
			norm := 0.0
			for i := range keys {
				norm += math.Pow(float64(i+1), -s)
			}
			count := map[string]int{}
			for range draws {
				count[g.Next(rng).Key]++
			}
			for _, i := range []int{0, 1, 9, 99} {
				checkBinomial(t, g.KeyName(i), count[g.KeyName(i)], draws, math.Pow(float64(i+1), -s)/norm)
			}
		})
	}
}

func TestZipfZeroIsUniform(t *testing.T) {
	spec := Spec{Keys: 37, ReadFraction: 0.3, DeleteFraction: 0.3}
	u := mustGenerator(t, spec)
	spec.Dist = Zipf
	z := mustGenerator(t, spec)
	ru, rz := newRand(5), newRand(5)
	for i := range 10_000 {
		if a, b := u.Next(ru), z.Next(rz); a != b {
			t.Fatalf("request %d: uniform %+v, zipf s=0 %+v", i, a, b)
		}
	}
}

func TestGeneratorValuesSequential(t *testing.T) {
	g, rng := mustGenerator(t, Spec{Keys: 3, Dist: Zipf, ZipfExponent: 1, ReadFraction: 0.4, DeleteFraction: 0.2}), newRand(9)
	want := 0
	for range 5000 {
		r := g.Next(rng)
		switch {
		case r.Kind == Insert:
			want++
			if r.Value != "v"+strconv.Itoa(want) {
				t.Fatalf("insert %d has value %q", want, r.Value)
			}
		case r.Value != "":
			t.Fatalf("%v request has value %q", r.Kind, r.Value)
		}
	}
	if want < 1000 {
		t.Errorf("only %d inserts in 5000 requests", want)
	}
}

func TestKeyName(t *testing.T) {
	g := mustGenerator(t, Spec{Keys: 100})
	for i, want := range map[int]string{0: "key0", 7: "key7", 99: "key99"} {
		if got := g.KeyName(i); got != want {
			t.Errorf("KeyName(%d) = %q, want %q", i, got, want)
		}
	}
	if r := g.Next(newRand(1)); !strings.HasPrefix(r.Key, "key") {
		t.Errorf("Next drew key %q", r.Key)
	}
}

func TestSpecValidate(t *testing.T) {
	good := []Spec{
		{Keys: 1},
		{Keys: maxKeys, Dist: Zipf, ZipfExponent: 0},
		{Keys: 10, Dist: Zipf, ZipfExponent: 1e300, ReadFraction: 1},
		{Keys: 10, ReadFraction: 0.7, DeleteFraction: 0.3},
		{Keys: 10, ReadFraction: 0.1, DeleteFraction: 0.2 + 0.7}, // sums to 1 only up to rounding
	}
	for _, s := range good {
		if err := s.Validate(); err != nil {
			t.Errorf("Validate(%+v) = %v", s, err)
		}
	}
	nan := math.NaN()
	bad := []struct {
		spec   Spec
		fields []string // in the order of the error lines
	}{
		{Spec{Keys: 0}, []string{"keys = 0"}},
		{Spec{Keys: -5}, []string{"keys = -5"}},
		{Spec{Keys: maxKeys + 1}, []string{"keys = 16777217"}},
		{Spec{Keys: 1, Dist: 2}, []string{"dist = KeyDist(2)"}},
		{Spec{Keys: 1, Dist: Zipf, ZipfExponent: -1}, []string{"zipf_exponent = -1"}},
		{Spec{Keys: 1, Dist: Zipf, ZipfExponent: nan}, []string{"zipf_exponent = NaN"}},
		{Spec{Keys: 1, Dist: Zipf, ZipfExponent: math.Inf(1)}, []string{"zipf_exponent = +Inf"}},
		{Spec{Keys: 1, ReadFraction: 1.5}, []string{"read_fraction = 1.5"}},
		{Spec{Keys: 1, ReadFraction: nan}, []string{"read_fraction = NaN"}},
		{Spec{Keys: 1, DeleteFraction: -0.1}, []string{"delete_fraction = -0.1"}},
		{Spec{Keys: 1, ReadFraction: 0.6, DeleteFraction: 0.5}, []string{"read_fraction + delete_fraction = 0.6 + 0.5"}},
		{Spec{Keys: 0, Dist: 9, ZipfExponent: -2, ReadFraction: 2, DeleteFraction: -1},
			[]string{"keys = 0", "dist = KeyDist(9)", "zipf_exponent = -2", "read_fraction = 2", "delete_fraction = -1"}},
	}
	for _, tt := range bad {
		err := tt.spec.Validate()
		if err == nil {
			t.Errorf("Validate(%+v) = nil, want errors for %q", tt.spec, tt.fields)
			continue
		}
		lines := strings.Split(err.Error(), "\n")
		if len(lines) != len(tt.fields) {
			t.Errorf("Validate(%+v) = %q, want %d lines", tt.spec, err, len(tt.fields))
			continue
		}
		for i, f := range tt.fields {
			if !strings.HasPrefix(lines[i], f+": ") || !strings.Contains(lines[i], "; ") {
				t.Errorf("Validate(%+v): line %q should start with %q and give a fix", tt.spec, lines[i], f)
			}
		}
		if g, err := NewGenerator(tt.spec); g != nil || err == nil {
			t.Errorf("NewGenerator(%+v) = %v, %v; want an error", tt.spec, g, err)
		}
	}
}

func TestParseKeyDist(t *testing.T) {
	for _, d := range []KeyDist{Uniform, Zipf} {
		if got, err := ParseKeyDist(strings.ToUpper(d.String())); got != d || err != nil {
			t.Errorf("ParseKeyDist(%q) = %v, %v", strings.ToUpper(d.String()), got, err)
		}
	}
	if _, err := ParseKeyDist("pareto"); err == nil || !strings.Contains(err.Error(), `"pareto"`) || !strings.Contains(err.Error(), "uniform, zipf") {
		t.Errorf(`ParseKeyDist("pareto") error %v should name the value and list uniform, zipf`, err)
	}
}

// TestNextAllocs checks that Next allocates only an insert's value.
func TestNextAllocs(t *testing.T) {
	for _, tt := range []struct {
		name string
		spec Spec
		want float64
	}{
		{"uniform queries", Spec{Keys: 1000, ReadFraction: 1}, 0},
		{"zipf deletes", Spec{Keys: 1000, Dist: Zipf, ZipfExponent: 1, DeleteFraction: 1}, 0},
		{"uniform inserts", Spec{Keys: 1000}, 1},
		{"zipf inserts", Spec{Keys: 1000, Dist: Zipf, ZipfExponent: 1.2}, 1},
	} {
		g, rng := mustGenerator(t, tt.spec), newRand(1)
		g.Next(rng) // size the scratch buffer
		if got := testing.AllocsPerRun(1000, func() { g.Next(rng) }); got != tt.want {
			t.Errorf("%s: %v allocations per Next, want %v", tt.name, got, tt.want)
		}
	}
}

func BenchmarkNext(b *testing.B) {
	for _, bb := range []struct {
		name string
		spec Spec
	}{
		{"uniform/read-heavy", Spec{Keys: 100_000, ReadFraction: 0.9, DeleteFraction: 0.05}},
		{"uniform/insert-only", Spec{Keys: 100_000}},
		{"zipf/read-heavy", Spec{Keys: 100_000, Dist: Zipf, ZipfExponent: 1, ReadFraction: 0.9, DeleteFraction: 0.05}},
		{"zipf/query-only", Spec{Keys: 100_000, Dist: Zipf, ZipfExponent: 1, ReadFraction: 1}},
	} {
		b.Run(bb.name, func(b *testing.B) {
			g, rng := mustGenerator(b, bb.spec), newRand(1)
			b.ReportAllocs()
			for b.Loop() {
				g.Next(rng)
			}
		})
	}
}
