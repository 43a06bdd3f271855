package yamlconf

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

const wantEncoded = `# free-text name of the experiment
experiment: demo
# master random seed
seed: 1
# independent runs per sweep point
replicates: 3
# number of nodes
n: [64, 128]
# how the ring is built; one of ideal|protocol
bootstrap: ideal

# protocol parameters
chord:
  # successor-list length r
  successors: 8
  # period of stabilize (duration)
  stabilize_every: 30s
  # relative jitter of periods (fraction)
  jitter: 0.1
  # route lookups recursively
  recursive: false
  # identifier bits (bits)
  bits: 32
  # clock skew
  skew: 0

network:
  # one-way latency distribution
  latency: [exp:50ms, const:1ms]
  # message loss probability (fraction)
  loss: 0

  fault:
    # churn rate (1/s)
    churn: 0
`

func TestEncodeGolden(t *testing.T) {
	axes := []Axis{
		{Path: "n", Values: []string{"64", "128"}},
		{Path: "network.latency", Values: []string{"exp:50ms", "const:1ms"}},
	}
	got := string(Encode(defaults(), axes))
	if got != wantEncoded {
		t.Errorf("Encode:\n%s\nwant:\n%s", got, wantEncoded)
	}
	if again := string(Encode(*defaults(), axes)); again != got {
		t.Error("Encode of the same config differs between calls, or between struct and pointer")
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		src  string
	}{
		{"defaults", ""},
		{"sweeps", "n: [64, 128]\nbootstrap: [protocol, ideal]\nchord:\n  jitter: [0, 1e-9, 0.3]\n  recursive: [true, false]\nnetwork:\n  latency: ['exp:1ms', 'const:2ms']\n"},
		{"awkward strings", `experiment: "a: b # c, [d] {e} 'f' \"g\" \\ \t\n\r\u0085\u2028\ufeff\u0001 \U0001F600 "` + "\n"},
		{"strings that look like other things", "experiment: \"null\"\n"},
		{"string tilde", "experiment: \"~\"\n"},
		{"string true", "experiment: \"true\"\n"},
		{"string empty", "experiment: \"\"\n"},
		{"string dash", "experiment: \"- x\"\n"},
		{"string merge", "experiment: \"<<\"\n"},
		{"string alias", "experiment: \"*x\"\n"},
		{"leading space", "experiment: \" x \"\n"},
		{"extremes", "seed: 18446744073709551615\nn: -9223372036854775808\nchord:\n  jitter: 1.7976931348623157e308\n  skew: -128\nnetwork:\n  loss: 1e-45\n"},
		{"sweep of awkward strings", "bootstrap: [ideal, protocol]\nnetwork:\n  fault:\n    churn: [5e-324, 123456789012345678]\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first := defaults()
			axes, err := Decode([]byte(tt.src), "in.yaml", first)
			if err != nil {
				t.Fatalf("Decode input: %v", err)
			}
			out := Encode(first, axes)
			second := defaults()
			second.Experiment, second.N = "changed", 1 // the output must set every field
			axes2, err := Decode(out, "out.yaml", second)
			if err != nil {
				t.Fatalf("Decode output: %v\n%s", err, out)
			}
			if !reflect.DeepEqual(first, second) {
				t.Errorf("round trip changed the config:\n got %+v\nwant %+v\n%s", second, first, out)
			}
			if len(axes) != len(axes2) {
				t.Fatalf("axes: got %+v, want %+v", axes2, axes)
			}
			for i := range axes {
				if axes[i].Path != axes2[i].Path || !reflect.DeepEqual(axes[i].Values, axes2[i].Values) {
					t.Errorf("axis %d: got %+v, want %+v", i, axes2[i], axes[i])
				}
			}
			if out2 := Encode(second, axes2); string(out2) != string(out) {
				t.Errorf("second Encode differs:\n%s\nvs\n%s", out2, out)
			}
		})
	}
}

func TestEncodePanicsOnBadAxes(t *testing.T) {
	tests := []struct {
		name string
		axes []Axis
	}{
		{"unknown path", []Axis{{Path: "nope", Values: []string{"1"}}}},
		{"section", []Axis{{Path: "chord", Values: []string{"1"}}}},
		{"sweep:no", []Axis{{Path: "seed", Values: []string{"1", "2"}}}},
		{"empty", []Axis{{Path: "n"}}},
		{"repeated", []Axis{{Path: "n", Values: []string{"1"}}, {Path: "n", Values: []string{"2"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantPanic(t, "config: Encode: ", func() { Encode(defaults(), tt.axes) })
		})
	}
}

func TestFields(t *testing.T) {
	cfg := defaults()
	cfg.Chord.StabilizeEvery = Duration(time.Minute)
	fields := Fields(cfg)
	var paths []string
	for _, f := range fields {
		paths = append(paths, f.Path)
	}
	wantPaths := []string{"experiment", "seed", "replicates", "n", "bootstrap",
		"chord.successors", "chord.stabilize_every", "chord.jitter", "chord.recursive", "chord.bits", "chord.skew",
		"network.latency", "network.loss", "network.fault.churn"}
	if !reflect.DeepEqual(paths, wantPaths) {
		t.Errorf("paths = %q, want %q", paths, wantPaths)
	}
	checks := map[string]Field{
		"seed":                  {Path: "seed", Doc: "master random seed", Type: "uint", Default: "1", Sweep: false},
		"bootstrap":             {Path: "bootstrap", Doc: "how the ring is built", Enum: []string{"ideal", "protocol"}, Type: "string", Default: "ideal", Sweep: true},
		"chord.stabilize_every": {Path: "chord.stabilize_every", Doc: "period of stabilize", Unit: "duration", Type: "Duration", Default: "1m0s", Sweep: true},
		"network.latency":       {Path: "network.latency", Doc: "one-way latency distribution", Type: "Latency", Default: "exp:50ms", Sweep: true},
		"network.loss":          {Path: "network.loss", Doc: "message loss probability", Unit: "fraction", Type: "float", Default: "0", Sweep: true},
	}
	for _, f := range fields {
		if want, ok := checks[f.Path]; ok && !reflect.DeepEqual(f, want) {
			t.Errorf("field %s = %+v, want %+v", f.Path, f, want)
		}
	}
	if !reflect.DeepEqual(Fields(*cfg), fields) {
		t.Error("Fields of a struct value differs from Fields of the pointer")
	}
}

func TestMarkdownTable(t *testing.T) {
	type small struct {
		Name  string `yaml:"name" doc:"a | b" sweep:"no"`
		Code  string `yaml:"code" doc:"code" enum:"x|y\x60z"`
		Limit uint16 `yaml:"limit" doc:"limit" unit:"msg/s"`
	}
	got := MarkdownTable(small{Name: "", Code: "x", Limit: 7})
	want := "| field | type | default | unit | meaning |\n" +
		"|---|---|---|---|---|\n" +
		"| `name` | string | `\"\"` |  | a \\| b (cannot be swept) |\n" +
		"| `code` | string | `x` |  | code; one of `x`, `` y`z `` |\n" +
		"| `limit` | uint | `7` | msg/s | limit |\n"
	if got != want {
		t.Errorf("MarkdownTable:\n%s\nwant:\n%s", got, want)
	}
	if full := MarkdownTable(defaults()); strings.Count(full, "\n") != 2+len(Fields(defaults())) {
		t.Errorf("MarkdownTable of the test config has the wrong number of rows:\n%s", full)
	}
}
