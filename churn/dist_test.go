package churn

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chordsim/chordsim/sim"
)

func TestParseDist(t *testing.T) {
	const h, m = sim.Hour, sim.Minute
	tests := []struct {
		in   string
		want Dist
		str  string // String() of the result
	}{
		{"", Dist{}, "none"},
		{"  ", Dist{}, "none"},
		{"none", Dist{}, "none"},
		{"exp:1h", Dist{Kind: Exponential, A: h}, "exp:1h0m0s"},
		{"exponential: 90s ", Dist{Kind: Exponential, A: 90 * sim.Second}, "exp:1m30s"},
		{"pareto:1h,1.5", Dist{Kind: Pareto, A: h, Shape: 1.5}, "pareto:1h0m0s,1.5"},
		{"pareto:1h, 2.5", Dist{Kind: Pareto, A: h, Shape: 2.5}, "pareto:1h0m0s,2.5"},
		{"weibull:1h,0.7", Dist{Kind: Weibull, A: h, Shape: 0.7}, "weibull:1h0m0s,0.7"},
		{"weibull:10m,0.1", Dist{Kind: Weibull, A: 10 * m, Shape: 0.1}, "weibull:10m0s,0.1"},
		{"weibull:1ns,1e6", Dist{Kind: Weibull, A: 1, Shape: 1e6}, "weibull:1ns,1e+06"},
		{"const:30m", Dist{Kind: Constant, A: 30 * m}, "const:30m0s"},
		{"constant:1ns", Dist{Kind: Constant, A: 1}, "const:1ns"},
		{"uniform:30m,90m", Dist{Kind: Uniform, A: 30 * m, B: 90 * m}, "uniform:30m0s,1h30m0s"},
		{"uniform:0,1s", Dist{Kind: Uniform, B: sim.Second}, "uniform:0s,1s"},
		{"uniform:5s,5s", Dist{Kind: Uniform, A: 5 * sim.Second, B: 5 * sim.Second}, "uniform:5s,5s"},
	}
	for _, tc := range tests {
		got, err := ParseDist(tc.in)
		if err != nil {
			t.Errorf("ParseDist(%q): %v", tc.in, err)
			continue
		}
		if got != tc.want {
			t.Errorf("ParseDist(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
		if got.String() != tc.str {
			t.Errorf("ParseDist(%q).String() = %q, want %q", tc.in, got.String(), tc.str)
		}
		if got.IsZero() != (tc.want.Kind == Off) {
			t.Errorf("ParseDist(%q).IsZero() = %v", tc.in, got.IsZero())
		}
		back, err := ParseDist(got.String())
		if err != nil || back != got {
			t.Errorf("round trip of %q via %q gave %+v, %v", tc.in, got.String(), back, err)
		}
		text, _ := got.MarshalText()
		var viaText Dist
		if err := viaText.UnmarshalText(text); err != nil || viaText != got {
			t.Errorf("text round trip of %q via %q gave %+v, %v", tc.in, text, viaText, err)
		}
	}
}

func TestParseDistErrors(t *testing.T) {
	tests := []struct {
		in      string
		mention []string
	}{
		{"1h", []string{"1h: not a distribution", "exp:1h", "none"}},
		{"gauss:1h", []string{`unknown distribution "gauss"`, "exp, pareto, weibull, const, uniform and none"}},
		{"none:1h", []string{"no parameters"}},
		{"exp:", []string{"mean", "not a duration"}},
		{"exp:1h,2", []string{"exp takes 1 parameter(s) (MEAN), got 2", "exp:1h"}},
		{"pareto:1h", []string{"pareto takes 2 parameter(s) (MEAN,ALPHA), got 1", "pareto:1h,1.5"}},
		{"weibull:1h,0.7,3", []string{"weibull takes 2", "weibull:1h,0.7"}},
		{"uniform:1s", []string{"uniform takes 2", "uniform:30m,90m"}},
		{"const:1s,2s", []string{"const takes 1"}},
		{"exp:1", []string{"mean", "no unit"}},
		{"exp:abc", []string{"mean", "not a duration"}},
		{"exp:0s", []string{"mean 0s must be > 0", "none to turn it off"}},
		{"exp:-1h", []string{"mean -1h0m0s must be > 0"}},
		{"pareto:0,2", []string{"must be > 0"}},
		{"pareto:1h,1", []string{"shape 1 must be greater than 1"}},
		{"pareto:1h,NaN", []string{`shape "NaN" is not a finite number`, "pareto:1h,1.5"}},
		{"pareto:1h,Inf", []string{"not a finite number"}},
		{"pareto:1h,1e400", []string{"not a finite number"}},
		{"weibull:1h,0", []string{"shape 0 must be at least 0.1", "weibull:1h,0.7"}},
		{"weibull:1h,-2", []string{"shape -2 must be at least 0.1"}},
		{"weibull:1h,0.05", []string{"at least 0.1"}},
		{"weibull:1h,x", []string{`shape "x" is not a finite number`}},
		{"weibull:1m,", []string{`shape "" is not a finite number`}},
		{"const:0s", []string{"duration 0s must be > 0", "const:1h"}},
		{"const:-1s", []string{"must be > 0"}},
		{"const:5", []string{"duration", "no unit"}},
		{"uniform:-1s,1s", []string{"low bound -1s is negative"}},
		{"uniform:2s,1s", []string{"range is empty (low 2s > high 1s)", "smaller bound first"}},
		{"uniform:0s,0s", []string{"high bound 0s must be > 0"}},
		{"uniform:1s,x", []string{"high bound", "not a duration"}},
		{"const:2000000h", []string{"longer than the longest draw"}},
		{"uniform:1s,1300000h", []string{"1300000h0m0s is longer than the longest draw"}},
		{"exp:\t\"1h\"", []string{`"exp:\t\"1h\"": mean`}},
	}
	for _, tc := range tests {
		_, err := ParseDist(tc.in)
		if err == nil {
			t.Errorf("ParseDist(%q) accepted it", tc.in)
			continue
		}
		msg := err.Error()
		// The input leads the message, quoted if it would be ambiguous.
		shown := tc.in
		if q := strconv.Quote(tc.in); q[1:len(q)-1] != tc.in {
			shown = q
		}
		if !strings.HasPrefix(msg, shown+": ") {
			t.Errorf("ParseDist(%q) error %q does not start with the input", tc.in, msg)
		}
		if strings.Contains(msg, "\n") {
			t.Errorf("ParseDist(%q) error spans lines: %q", tc.in, msg)
		}
		for _, w := range tc.mention {
			if !strings.Contains(msg, w) {
				t.Errorf("ParseDist(%q) error %q does not mention %q", tc.in, msg, w)
			}
		}
	}
	// The message the configs' users will see most, in full.
	_, err := ParseDist("pareto:1h,0.8")
	const want = "pareto:1h,0.8: shape 0.8 must be greater than 1 so that the mean is finite; use e.g. pareto:1h,1.5"
	if err == nil || err.Error() != want {
		t.Errorf("ParseDist(pareto:1h,0.8) error = %v, want %q", err, want)
	}
}

// Dist is a pflag.Value; Set must leave the value alone on error so that a
// bad flag does not half-apply.
func TestDistFlagValue(t *testing.T) {
	var v interface {
		String() string
		Set(string) error
		Type() string
	} = &Dist{}
	if err := v.Set("weibull:2h,0.5"); err != nil {
		t.Fatal(err)
	}
	if v.String() != "weibull:2h0m0s,0.5" || v.Type() != "dist" {
		t.Errorf("after Set: String %q, Type %q", v.String(), v.Type())
	}
	if err := v.Set("weibull:2h,0"); err == nil {
		t.Error("Set accepted a bad distribution")
	}
	if v.String() != "weibull:2h0m0s,0.5" {
		t.Errorf("failed Set changed the value to %q", v.String())
	}
}

func TestDistValidate(t *testing.T) {
	tests := []struct {
		d       Dist
		mention string // "" means valid
	}{
		{Dist{}, ""},
		{Dist{Kind: Exponential, A: sim.Hour}, ""},
		{Dist{Kind: 9}, "kind 9 is unknown"},
		{Dist{Kind: Pareto, A: sim.Hour, Shape: 0.5}, "greater than 1"},
		{Dist{Kind: Weibull, A: sim.Hour, Shape: math.NaN()}, "not a finite number"},
		{Dist{Kind: Exponential}, "must be > 0"},
		{Dist{Kind: Uniform, A: 3, B: 2}, "empty"},
	}
	for _, tc := range tests {
		err := tc.d.Validate()
		if tc.mention == "" {
			if err != nil {
				t.Errorf("%+v: %v", tc.d, err)
			}
		} else if err == nil || !strings.Contains(err.Error(), tc.mention) {
			t.Errorf("%+v: error %v, want one mentioning %q", tc.d, err, tc.mention)
		}
	}
}

func TestMeanDuration(t *testing.T) {
	tests := []struct {
		in   string
		want sim.Duration
	}{
		{"none", 0},
		{"exp:1h", sim.Hour},
		{"pareto:1h,1.5", sim.Hour},
		{"weibull:1h,0.7", sim.Hour},
		{"const:5m", 5 * sim.Minute},
		{"uniform:30m,90m", sim.Hour},
		{"uniform:1ns,2ns", 1},
	}
	for _, tc := range tests {
		if got := mustDist(tc.in).MeanDuration(); got != tc.want {
			t.Errorf("%s: MeanDuration = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// The sample mean of 200,000 draws must be close to MeanDuration. Pareto
// gets a wider margin: with α = 2.5 the variance is finite but the fourth
// moment is not, so the sample variance itself converges slowly and rare
// huge draws move the mean more than a light tail would.
func TestSampleMean(t *testing.T) {
	tests := []struct {
		in  string
		tol float64
	}{
		{"exp:1h", 0.02},
		{"weibull:1h,0.7", 0.02},
		{"weibull:1h,2", 0.02},
		{"uniform:30m,90m", 0.02},
		{"pareto:1h,2.5", 0.05},
		{"const:1h", 0},
	}
	for _, tc := range tests {
		d := mustDist(tc.in)
		rng := sim.Stream(1, "churn-test", tc.in)
		const n = 200_000
		var sum float64
		for range n {
			x := d.Sample(rng)
			if x < 1 || x > MaxSample {
				t.Fatalf("%s drew %d, outside [1ns, MaxSample]", tc.in, x)
			}
			if d.Kind == Uniform && (x < d.A || x > d.B) {
				t.Fatalf("%s drew %v outside its range", tc.in, x)
			}
			if d.Kind == Pareto && float64(x) < float64(d.A)*(d.Shape-1)/d.Shape-1 {
				t.Fatalf("%s drew %v below its scale", tc.in, x)
			}
			sum += float64(x)
		}
		mean, want := sum/n, float64(d.MeanDuration())
		if math.Abs(mean-want) > tc.tol*want {
			t.Errorf("%s: sample mean %v, want %v within %.0f%%", tc.in, sim.Duration(mean), sim.Duration(want), 100*tc.tol)
		}
	}
}

// A Kolmogorov–Smirnov test of the whole sampled CDF against the analytic
// one: the mean alone would not catch a wrong shape (e.g. a Weibull scale
// computed with the wrong Γ argument still has some mean).
func TestSampleCDF(t *testing.T) {
	tests := []struct {
		in  string
		cdf func(d Dist, x float64) float64
	}{
		{"exp:1h", func(d Dist, x float64) float64 { return 1 - math.Exp(-x/float64(d.A)) }},
		{"weibull:1h,0.7", weibullCDF},
		{"weibull:1h,2", weibullCDF},
		{"pareto:1h,1.5", func(d Dist, x float64) float64 {
			xm := float64(d.A) * (d.Shape - 1) / d.Shape
			if x < xm {
				return 0
			}
			return 1 - math.Pow(xm/x, d.Shape)
		}},
		{"uniform:30m,90m", func(d Dist, x float64) float64 {
			return min(1, max(0, (x-float64(d.A))/float64(d.B-d.A)))
		}},
	}
	for _, tc := range tests {
		d := mustDist(tc.in)
		rng := sim.Stream(2, "churn-ks", tc.in)
		const n = 50_000
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = float64(d.Sample(rng))
		}
		slices.Sort(xs)
		var D float64
		for i, x := range xs {
			f := tc.cdf(d, x)
			D = max(D, math.Abs(f-float64(i)/n), math.Abs(float64(i+1)/n-f))
		}
		// 1.95/√n is the KS critical value at the 0.1% level.
		if crit := 1.95 / math.Sqrt(n); D > crit {
			t.Errorf("%s: KS distance %.4f > %.4f", tc.in, D, crit)
		}
	}
}

func weibullCDF(d Dist, x float64) float64 {
	lambda := float64(d.A) / math.Gamma(1+1/d.Shape)
	return 1 - math.Exp(-math.Pow(x/lambda, d.Shape))
}

// Draws stay within [1ns, MaxSample] even at the extremes of the accepted
// parameters, and the zero Dist refuses to draw.
func TestSampleClamps(t *testing.T) {
	rng := sim.Stream(3, "clamp")
	for _, in := range []string{"exp:1ns", "weibull:1ns,0.1", "pareto:1ns,1.0001", "pareto:1000000h,1.0001", "weibull:1000000h,0.1", "uniform:0s,1ns"} {
		d := mustDist(in)
		for range 10_000 {
			if x := d.Sample(rng); x < 1 || x > MaxSample {
				t.Fatalf("%s drew %d", in, x)
			}
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("Sample of the zero Dist did not panic")
		}
	}()
	Dist{}.Sample(rng)
}

func FuzzParseDist(f *testing.F) {
	for _, s := range []string{"", "none", "exp:1h", "pareto:1h,1.5", "weibull:1h,0.7", "const:1ns", "uniform:0,1s",
		"exp:", ":", "pareto:1h,", "weibull:1h,1e-300", "pareto:1ns,1.0000000001", "uniform:1s,1s", "exp:1h,", "exponential:5m", "0\n0", "exp:\"1h\""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDist(s)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("%q: multi-line error %q", s, err)
			}
			return
		}
		if err := d.Validate(); err != nil {
			t.Fatalf("%q parsed to %+v, which does not validate: %v", s, d, err)
		}
		back, err := ParseDist(d.String())
		if err != nil || back != d {
			t.Fatalf("%q: round trip via %q gave %+v, %v", s, d.String(), back, err)
		}
		if back.String() != d.String() {
			t.Fatalf("%q: String not stable: %q then %q", s, d.String(), back.String())
		}
		if d.IsZero() {
			return
		}
		rng := sim.Stream(4, "fuzz")
		for range 20 {
			if x := d.Sample(rng); x < 1 || x > MaxSample {
				t.Fatalf("%q drew %d", s, x)
			}
		}
	})
}
