package sim

import (
	"math"
	"strings"
	"testing"
)

func TestParseLatency(t *testing.T) {
	good := []struct {
		in   string
		want Latency
	}{
		{"const:50ms", Latency{Kind: Constant, A: 50 * Millisecond}},
		{"constant:0", Latency{Kind: Constant}},
		{"uniform:10ms,90ms", Latency{Kind: Uniform, A: 10 * Millisecond, B: 90 * Millisecond}},
		{"uniform:5ms, 5ms", Latency{Kind: Uniform, A: 5 * Millisecond, B: 5 * Millisecond}},
		{"exp:50ms", Latency{Kind: Exponential, A: 50 * Millisecond}},
		{"lognormal:40ms,0.5", Latency{Kind: LogNormal, A: 40 * Millisecond, Sigma: 0.5}},
	}
	for _, g := range good {
		got, err := ParseLatency(g.in)
		if err != nil {
			t.Errorf("ParseLatency(%q): %v", g.in, err)
			continue
		}
		if got != g.want {
			t.Errorf("ParseLatency(%q) = %+v, want %+v", g.in, got, g.want)
		}
		back, err := ParseLatency(got.String())
		if err != nil || back != got {
			t.Errorf("round trip of %q via %q gave %+v, %v", g.in, got.String(), back, err)
		}
	}
	bad := []struct{ in, mention string }{
		{"50ms", "not a latency model"},
		{"gauss:50ms", "unknown latency model"},
		{"const:-1ms", "negative"},
		{"const:50", "no unit"},
		{"uniform:90ms,10ms", "empty"},
		{"uniform:10ms", "takes 2"},
		{"exp:0s", "must be > 0"},
		{"exp:1ms,2ms", "takes 1"},
		{"lognormal:0s,1", "must be > 0"},
		{"lognormal:10ms,-1", "sigma"},
		{"lognormal:10ms,NaN", "sigma"},
	}
	for _, b := range bad {
		_, err := ParseLatency(b.in)
		if err == nil {
			t.Errorf("ParseLatency(%q) accepted an impossible model", b.in)
			continue
		}
		if !strings.Contains(err.Error(), b.mention) {
			t.Errorf("ParseLatency(%q) error %q does not mention %q", b.in, err, b.mention)
		}
	}
}

// Sample means must match the analytic means (within 4 standard errors), and
// samples must respect the supports.
func TestLatencySampleMoments(t *testing.T) {
	models := []string{"const:7ms", "uniform:10ms,30ms", "exp:50ms", "lognormal:40ms,0.5"}
	for _, m := range models {
		l, err := ParseLatency(m)
		if err != nil {
			t.Fatal(err)
		}
		r := Stream(1, "latency-test", m)
		const n = 200_000
		var sum, sq float64
		for i := 0; i < n; i++ {
			d := l.Sample(r)
			if d < 0 {
				t.Fatalf("%s drew negative delay %d", m, d)
			}
			if l.Kind == Uniform && (d < l.A || d > l.B) {
				t.Fatalf("%s drew %v outside its range", m, d)
			}
			x := float64(d)
			sum += x
			sq += x * x
		}
		mean := sum / n
		sd := math.Sqrt(sq/n - mean*mean)
		want := float64(l.Mean())
		if math.Abs(mean-want) > 4*sd/math.Sqrt(n)+1 {
			t.Errorf("%s: sample mean %.0f ns, want %.0f ns", m, mean, want)
		}
	}
}

func FuzzParseLatency(f *testing.F) {
	for _, s := range []string{"const:50ms", "uniform:1ms,2ms", "exp:3s", "lognormal:1ms,2", ":", "exp:", "uniform:,", "lognormal:1ms,1e400"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, err := ParseLatency(s)
		if err != nil {
			return
		}
		if l.A < 0 || l.B < 0 || (l.Kind == Uniform && l.B < l.A) || l.Sigma < 0 {
			t.Fatalf("%q parsed to impossible %+v", s, l)
		}
		back, err := ParseLatency(l.String())
		if err != nil || back != l {
			t.Fatalf("%q: round trip via %q gave %+v, %v", s, l.String(), back, err)
		}
	})
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]Duration{"30s": 30 * Second, "500ms": 500 * Millisecond, "0": 0, "1h30m": 90 * Minute} {
		if got, err := ParseDuration(in); err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"30", "abc", "", "1.5"} {
		if _, err := ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q) accepted it", in)
		}
	}
}
