package yamlconf

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

var fuzzSeeds = []string{
	"",
	"n: 5\nchord:\n  successors: [1, 2]\n  stabilize_every: 10s\nnetwork:\n  latency: exp:1ms\n",
	"experiment: \"a\\tb\"\nseed: 18446744073709551615\n",
	"n: &a [1, 2]\nchord: {successors: *a}\n",
	"network: &n\n  fault: *n\n",
	"chord:\n  <<: {bits: 3}\n",
	"- a\n- b\n",
	"n: [\n",
	"\tn: 1\n",
	"n: 1\n---\nn: 2\n",
	"? [a]\n: b\n",
	"bootstrap: [ideal, protocol]\nchord:\n  jitter: [.5, 1e-3]\n",
	"{n: 1e6, seed: 0x10, replicates: 0b11}",
	"experiment: |\n  multi\n  line\n",
	"n: !!str 5\nexperiment: !custom x\n",
	"&a n: *a\n",
}

// FuzzDecode checks that Decode never panics, that every problem is one
// line, and that whatever decodes survives an Encode/Decode round trip.
func FuzzDecode(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		cfg := defaults()
		axes, err := Decode(src, "f.yaml", cfg)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || len(e.Problems) == 0 {
				t.Fatalf("error %T %q is not a non-empty *Error", err, err)
			}
			for _, p := range e.Problems {
				if strings.ContainsAny(p.Message, "\n\r") || p.Message == "" {
					t.Fatalf("problem is not one non-empty line: %q", p.Message)
				}
			}
			if !reflect.DeepEqual(cfg, defaults()) {
				t.Fatalf("failed Decode changed the config")
			}
			return
		}
		roundTrip(t, cfg, axes)
	})
}

// FuzzParseSet checks that ParseSet and Set never panic and that what they
// accept can be encoded and decoded again.
func FuzzParseSet(f *testing.F) {
	for _, s := range []string{"n=5", "n=[1,2]", "experiment=[\"a,b\", c]", "x", "=", "chord.successors=[1, [2]]",
		"bootstrap=idael", "chord.stabilize_every=[1s,2s]", "network.latency=exp:1ms", "seed=[1,2]", "n=[&a 1, *a]",
		"experiment=\xff", "experiment=[\"\\x00\"]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arg string) {
		path, values, err := ParseSet(arg)
		if err != nil {
			if strings.ContainsAny(err.Error(), "\n\r") {
				t.Fatalf("error is not one line: %q", err)
			}
			return
		}
		if len(values) == 0 {
			t.Fatalf("ParseSet(%q) returned no values and no error", arg)
		}
		cfg := defaults()
		axes, err := Set(cfg, nil, path, values)
		if err != nil {
			if strings.ContainsAny(err.Error(), "\n\r") {
				t.Fatalf("error is not one line: %q", err)
			}
			if !reflect.DeepEqual(cfg, defaults()) {
				t.Fatalf("failed Set changed the config")
			}
			return
		}
		roundTrip(t, cfg, axes)
	})
}

func roundTrip(t *testing.T, cfg *testConfig, axes []Axis) {
	t.Helper()
	out := Encode(cfg, axes)
	back := defaults()
	axes2, err := Decode(out, "out.yaml", back)
	if err != nil {
		t.Fatalf("Encode output does not decode: %v\n%s", err, out)
	}
	if !reflect.DeepEqual(cfg, back) {
		t.Fatalf("round trip changed the config:\n got %+v\nwant %+v\n%s", back, cfg, out)
	}
	if len(axes) != len(axes2) {
		t.Fatalf("round trip changed the axes: got %+v, want %+v", axes2, axes)
	}
	for i := range axes {
		if axes[i].Path != axes2[i].Path || !reflect.DeepEqual(axes[i].Values, axes2[i].Values) {
			t.Fatalf("round trip changed axis %d: got %+v, want %+v\n%s", i, axes2[i], axes[i], out)
		}
	}
}
