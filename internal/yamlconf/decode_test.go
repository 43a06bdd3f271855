package yamlconf

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDecodeValid(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want func(c *testConfig) // mutation of the defaults
		axes []Axis
	}{
		{name: "empty file", src: "", want: func(*testConfig) {}},
		{name: "only comments", src: "# nothing here\n\n", want: func(*testConfig) {}},
		{name: "explicit document", src: "---\n", want: func(*testConfig) {}},
		{name: "empty mapping", src: "{}\n", want: func(*testConfig) {}},
		{name: "empty section", src: "chord:\n# successors: 4\n", want: func(*testConfig) {}},
		{
			name: "scalars at every depth",
			src: `experiment: "churn test"
seed: 42
n: 64
bootstrap: protocol
chord:
  successors: 4
  stabilize_every: 1m30s
  jitter: .25
  recursive: true
  bits: 0xff
  skew: -128
network:
  latency: const:5ms
  loss: 0.5
  fault:
    churn: 1e-3
`,
			want: func(c *testConfig) {
				c.Experiment, c.Seed, c.N, c.Bootstrap = "churn test", 42, 64, "protocol"
				c.Chord = chordConfig{Successors: 4, StabilizeEvery: Duration(90 * time.Second), Jitter: 0.25, Recursive: true, Bits: 255, Skew: -128}
				c.Network = netConfig{Latency: Latency{"const", Duration(5 * time.Millisecond)}, Loss: 0.5, Fault: faultCfg{Churn: 0.001}}
			},
		},
		{
			name: "integer spellings",
			src:  "n: 010\nreplicates: 1_000\nseed: 1e6\nchord:\n  skew: +7\n  successors: 0b101\n  bits: 0o17\n",
			want: func(c *testConfig) {
				c.N, c.Replicates, c.Seed = 10, 1000, 1000000
				c.Chord.Skew, c.Chord.Successors, c.Chord.Bits = 7, 5, 15
			},
		},
		{
			name: "numeric strings are read by field type",
			src:  "experiment: 10\nchord:\n  recursive: True\n",
			want: func(c *testConfig) { c.Experiment, c.Chord.Recursive = "10", true },
		},
		{
			name: "uint64 extremes",
			src:  "seed: 18446744073709551615\n",
			want: func(c *testConfig) { c.Seed = 1<<64 - 1 },
		},
		{
			name: "sweeps are returned in declaration order with the first value set",
			src:  "chord:\n  stabilize_every: [10s, 1m]\nn: [64, 128, 256]\nbootstrap:\n  - protocol\n  - ideal\n",
			want: func(c *testConfig) {
				c.N, c.Bootstrap, c.Chord.StabilizeEvery = 64, "protocol", Duration(10*time.Second)
			},
			axes: []Axis{
				{Path: "n", Values: []string{"64", "128", "256"}, Line: 3},
				{Path: "bootstrap", Values: []string{"protocol", "ideal"}, Line: 4},
				{Path: "chord.stabilize_every", Values: []string{"10s", "1m"}, Line: 2},
			},
		},
		{
			name: "one-value sweep is kept as an axis",
			src:  "n: [32]\n",
			want: func(c *testConfig) { c.N = 32 },
			axes: []Axis{{Path: "n", Values: []string{"32"}, Line: 1}},
		},
		{
			name: "aliases stand for the anchored value",
			src:  "n: &size 77\nchord:\n  successors: *size\n  stabilize_every: &p [1s, 2s]\nnetwork: &net\n  loss: 0.25\n",
			want: func(c *testConfig) {
				c.N, c.Chord.Successors, c.Chord.StabilizeEvery, c.Network.Loss = 77, 77, Duration(time.Second), 0.25
			},
			axes: []Axis{{Path: "chord.stabilize_every", Values: []string{"1s", "2s"}, Line: 4}},
		},
		{
			name: "aliased section",
			src:  "chord: &c {successors: 3}\n",
			want: func(c *testConfig) { c.Chord.Successors = 3 },
		},
		{
			name: "flow style document",
			src:  "{n: 5, chord: {bits: 8}}",
			want: func(c *testConfig) { c.N, c.Chord.Bits = 5, 8 },
		},
		{
			name: "byte-order mark and CRLF line ends",
			src:  "\ufeffn: 5\r\nchord:\r\n  bits: 9\r\n",
			want: func(c *testConfig) { c.N, c.Chord.Bits = 5, 9 },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := defaults()
			axes, err := Decode([]byte(tt.src), "t.yaml", got)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			want := defaults()
			tt.want(want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("config:\n got %+v\nwant %+v", got, want)
			}
			if !reflect.DeepEqual(axes, tt.axes) {
				t.Errorf("axes:\n got %+v\nwant %+v", axes, tt.axes)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"misspelled nested field", "chord:\n  stabilise_every: 3s\n",
			`my.yaml:2: unknown field "chord.stabilise_every"; did you mean "chord.stabilize_every"?`},
		{"field in the wrong section", "n: 1\nstabilize_every: 3s\n",
			`my.yaml:2: unknown field "stabilize_every"; did you mean "chord.stabilize_every"?`},
		{"near miss in another section", "successor: 3\n",
			`my.yaml:1: unknown field "successor"; did you mean "chord.successors"?`},
		{"case and underscores", "chord:\n  stabilizeEvery: 3s\n",
			`my.yaml:2: unknown field "chord.stabilizeEvery"; did you mean "chord.stabilize_every"?`},
		{"misspelled section", "chrod:\n  successors: 3\n",
			`my.yaml:1: unknown field "chrod"; did you mean "chord"?`},
		{"no suggestion", "colour: blue\n",
			`my.yaml:1: unknown field "colour"; see the list of fields with 'chordsim run --fields'`},
		{"one letter is not matched to another", "x: 1\n",
			`my.yaml:1: unknown field "x"; see the list of fields with 'chordsim run --fields'`},
		{"dotted key", "chord.successors: 3\n",
			`my.yaml:1: unknown field "chord.successors"; dotted names work only with --set: in the file, write "chord:" and then "successors: ..." indented on the next line`},
		{"quoted number", "n: \"16\"\n",
			`my.yaml:1: n: "16" is quoted, so YAML reads it as text, not a number; write it without quotes, such as "n: 16"`},
		{"quoted boolean in a sweep", "chord:\n  recursive: ['true', false]\n",
			`my.yaml:2: chord.recursive: "true" is quoted, so YAML reads it as text, not a boolean; write it without quotes, such as "recursive: true"`},
		{"custom tag", "n: !foo 16\n",
			`my.yaml:1: n: the tag "!foo" is not used in a config; remove it and write the plain value, such as "n: 16"`},
		{"standard tag", "experiment: !!str x\n",
			`my.yaml:1: experiment: the tag "!!str" is not used in a config; remove it and write the plain value, such as "experiment: x"`},
		{"binary file", "n: 1\n\x00\x01\x02\tgarbage",
			`my.yaml:2: not a YAML text file: it holds binary data (byte 5 is NUL); give the path of a YAML config`},
		{"not UTF-8", "n: \xff\xfe\n",
			`my.yaml:1: not a YAML text file: it holds binary data (byte 3 is 0xff); give the path of a YAML config`},
		{"not an integer", "n: ten\n",
			`my.yaml:1: n: "ten" is not an integer; write a whole number such as 1024`},
		{"not whole", "replicates: 2.5\n",
			`my.yaml:1: replicates: "2.5" is not a whole number; write a whole number such as 1024`},
		{"int8 overflow", "chord:\n  skew: 128\n",
			`my.yaml:2: chord.skew: "128" is out of range; write a whole number from -128 to 127`},
		{"int overflow", "n: 9223372036854775808\n",
			`my.yaml:1: n: "9223372036854775808" is out of range; write a whole number from -9223372036854775808 to 9223372036854775807`},
		{"uint8 overflow", "chord:\n  bits: 256\n",
			`my.yaml:2: chord.bits: "256" is out of range; write a whole number from 0 to 255`},
		{"uint64 overflow", "seed: 18446744073709551616\n",
			`my.yaml:1: seed: "18446744073709551616" is out of range; write a whole number from 0 to 18446744073709551615`},
		{"negative uint", "seed: -3\n",
			`my.yaml:1: seed: "-3" is negative; this field takes whole numbers of 0 or more, such as 1024`},
		{"negative uint in exponent form", "seed: -1e3\n",
			`my.yaml:1: seed: "-1e3" is negative; this field takes whole numbers of 0 or more, such as 1024`},
		{"huge exponent int", "n: 1e30\n",
			`my.yaml:1: n: "1e30" is too large to write in exponent form exactly; write all its digits`},
		{"not a float", "chord:\n  jitter: lots\n",
			`my.yaml:2: chord.jitter: "lots" is not a number; write a decimal number such as 0.5`},
		{"infinite float", "chord:\n  jitter: .inf\n",
			`my.yaml:2: chord.jitter: ".inf" is not a number; write a decimal number such as 0.5`},
		{"nan float", "chord:\n  jitter: NaN\n",
			`my.yaml:2: chord.jitter: "NaN" is not a finite number; write a decimal number such as 0.5`},
		{"float32 overflow", "network:\n  loss: 1e39\n",
			`my.yaml:2: network.loss: "1e39" is out of range; write a number of reasonable size, such as 0.5`},
		{"not a bool", "chord:\n  recursive: yes\n",
			`my.yaml:2: chord.recursive: "yes" is not a boolean; write true or false`},
		{"enum", "bootstrap: idael\n",
			`my.yaml:1: bootstrap: "idael" is not one of ideal|protocol; did you mean "ideal"?`},
		{"enum without suggestion", "bootstrap: random\n",
			`my.yaml:1: bootstrap: "random" is not one of ideal|protocol`},
		{"text unmarshaler", "chord:\n  stabilize_every: 30 s\n",
			`my.yaml:2: chord.stabilize_every: "30 s" is not a valid Duration: unknown unit " s" in duration "30 s"`},
		{"struct text unmarshaler", "network:\n  latency: gauss:3ms\n",
			`my.yaml:2: network.latency: "gauss:3ms" is not a valid Latency: want dist:mean with dist exp or const, such as exp:50ms`},
		{"mapping for a leaf", "chord:\n  successors:\n    count: 3\n",
			`my.yaml:2: chord.successors: expected a single value, found a mapping; write it on one line, such as "successors: 8"`},
		{"value for a section", "chord: fast\n",
			`my.yaml:1: chord: expected a section of fields, found the value "fast"; write its fields on the lines below, indented, such as "  successors: 8"`},
		{"list for a section", "network: [a, b]\n",
			`my.yaml:1: network: expected a section of fields, found a list; a whole section cannot be swept: put the list on a field inside it, such as "  latency: exp:50ms"`},
		{"nested list", "n: [1, [2, 3]]\n",
			`my.yaml:1: n: a sweep list holds single values, but item 2 is a list; write a flat list such as "n: [64, 128]"`},
		{"list of mappings", "chord:\n  jitter:\n    - a: 1\n",
			`my.yaml:3: chord.jitter: a sweep list holds single values, but item 1 is a mapping; write a flat list such as "jitter: [0.1, 0.5]"`},
		{"empty list", "bootstrap: []\n",
			`my.yaml:1: bootstrap: empty list; a sweep needs at least one value, such as "bootstrap: [ideal, protocol]"`},
		{"empty item", "n: [1, ~]\n",
			`my.yaml:1: n: item 2 of the sweep list is empty; remove it or write a value`},
		{"bad item", "n:\n  - 1\n  - two\n",
			`my.yaml:3: n: "two" is not an integer; write a whole number such as 1024`},
		{"repeated item", "n: [64, 0x40]\n",
			`my.yaml:1: n: "0x40" is listed twice in the sweep (items 1 and 2); remove one`},
		{"list on a sweep:no field", "seed: [1, 2]\n",
			`my.yaml:1: seed: cannot be swept (it is fixed for the whole experiment); give a single value, such as "seed: 1"`},
		{"duplicate key", "n: 1\nchord:\n  bits: 3\nn: 2\n",
			`my.yaml:4: n: duplicate key (first set on line 1); keep only one of them`},
		{"duplicate section", "chord: {}\nchord: {}\n",
			`my.yaml:2: chord: duplicate key (first set on line 1); keep only one of them`},
		{"no value", "n:\n",
			`my.yaml:1: n: no value given; write one, such as "n: 1024", or delete the line to keep the default`},
		{"null string", "experiment: null\n",
			`my.yaml:1: experiment: no value given; write one, such as "experiment: demo", or delete the line to keep the default`},
		{"list document", "- n: 1\n",
			`my.yaml:1: the file must be a mapping of field names to values, such as "experiment: demo"; found a list`},
		{"scalar document", "hello\n",
			`my.yaml:1: the file must be a mapping of field names to values, such as "experiment: demo"; found the value "hello"`},
		{"syntax error", "n: [1, 2\nseed: 3\n",
			`my.yaml:1: invalid YAML: did not find expected ',' or ']'; check the indentation and quoting on this line and the one before`},
		{"bad indentation", "chord:\n  bits: 3\n   successors: 4\n",
			`my.yaml:3: invalid YAML: mapping values are not allowed in this context; check the indentation and quoting on this line and the one before`},
		{"tab indentation", "chord:\n\tbits: 3\n",
			`my.yaml:2: invalid YAML: found character that cannot start any token; indent with spaces: YAML does not allow tabs for indentation`},
		{"two documents", "n: 1\n---\nn: 2\n",
			`my.yaml:2: a second YAML document starts here; put the whole configuration in one document (remove the "---")`},
		{"anchor on an unknown key", "base: &b {successors: 3}\n",
			`my.yaml:1: unknown field "base"; see the list of fields with 'chordsim run --fields'`},
		{"merge key in a section", "chord:\n  <<: {bits: 3}\n",
			`my.yaml:2: merge keys ("<<") are not supported; write the fields out in full (plain aliases such as "n: *size" do work)`},
		{"recursive alias", "chord: &c\n  successors: *c\n",
			`my.yaml:2: chord.successors: expected a single value, found a mapping; write it on one line, such as "successors: 8"`},
		{"alias to the enclosing section", "network: &n\n  fault: *n\n",
			`my.yaml:2: network.fault: an alias refers to a mapping that contains it; YAML aliases cannot be recursive here`},
		{"mapping key", "? [a, b]\n: 1\n",
			`my.yaml:1: a key must be a plain field name, found a list; write "name: value"`},
		{"empty key", "\"\": 1\n",
			`my.yaml:1: empty field name in ""; write dotted field names such as "chord.successors"`},
		{
			"every problem is reported, sorted by line",
			"n: ten\nbootstrap: idael\nchord:\n  stabilise_every: 3s\n  successors: [2, 4, [5]]\nstabilize_every: 1s\nseed: [1,2]\n",
			strings.Join([]string{
				`my.yaml:1: n: "ten" is not an integer; write a whole number such as 1024`,
				`my.yaml:2: bootstrap: "idael" is not one of ideal|protocol; did you mean "ideal"?`,
				`my.yaml:4: unknown field "chord.stabilise_every"; did you mean "chord.stabilize_every"?`,
				`my.yaml:5: chord.successors: a sweep list holds single values, but item 3 is a list; write a flat list such as "successors: [64, 128]"`,
				`my.yaml:6: unknown field "stabilize_every"; did you mean "chord.stabilize_every"?`,
				`my.yaml:7: seed: cannot be swept (it is fixed for the whole experiment); give a single value, such as "seed: 1"`,
			}, "\n"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := defaults()
			axes, err := Decode([]byte(tt.src), "my.yaml", cfg)
			if err == nil {
				t.Fatalf("Decode succeeded (axes %v), want error:\n%s", axes, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("error:\n got %s\nwant %s", err, tt.want)
			}
			var e *Error
			if !errors.As(err, &e) || len(e.Problems) != strings.Count(tt.want, "\n")+1 {
				t.Errorf("error is %T, want *Error with one problem per line", err)
			}
			if axes != nil {
				t.Errorf("axes = %v on error, want nil", axes)
			}
			if !reflect.DeepEqual(cfg, defaults()) {
				t.Errorf("config changed by a failed Decode: %+v", cfg)
			}
		})
	}
}

func TestProblemFields(t *testing.T) {
	_, err := Decode([]byte("n: 1\nchord:\n  bits: x\n"), "f.yaml", defaults())
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want *Error", err)
	}
	want := []Problem{{File: "f.yaml", Line: 3, Path: "chord.bits", Message: `chord.bits: "x" is not a whole number; write a whole number of 0 or more, such as 1024`}}
	if !reflect.DeepEqual(e.Problems, want) {
		t.Errorf("problems = %+v, want %+v", e.Problems, want)
	}
}

// A sweep in one field and an error in another: nothing may be applied.
func TestDecodeIsAllOrNothing(t *testing.T) {
	cfg := defaults()
	if _, err := Decode([]byte("n: [5, 6]\nchord:\n  bits: 3\nseed: x\n"), "f", cfg); err == nil {
		t.Fatal("want error")
	}
	if !reflect.DeepEqual(cfg, defaults()) {
		t.Errorf("config changed: %+v", cfg)
	}
}

func TestDecodeFromFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "exp.yaml")
	if err := os.WriteFile(path, []byte("n: 5\nchord:\n  bits: x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Decode(src, path, defaults())
	want := path + `:3: chord.bits: "x" is not a whole number; write a whole number of 0 or more, such as 1024`
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
}
