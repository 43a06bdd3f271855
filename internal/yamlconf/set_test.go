package yamlconf

import (
	"reflect"
	"testing"
	"time"
)

func TestParseSet(t *testing.T) {
	tests := []struct {
		arg     string
		path    string
		values  []string
		wantErr string
	}{
		{arg: "n=1024", path: "n", values: []string{"1024"}},
		{arg: " chord.successors = 3 ", path: "chord.successors", values: []string{"3"}},
		{arg: "experiment=a=b", path: "experiment", values: []string{"a=b"}},
		{arg: "experiment=", path: "experiment", values: []string{""}},
		{arg: "experiment=it's, really", path: "experiment", values: []string{"it's, really"}},
		{arg: "n=[1,2, 3]", path: "n", values: []string{"1", "2", "3"}},
		{arg: `experiment=["a,b", 'c d', e]`, path: "experiment", values: []string{"a,b", "c d", "e"}},
		{arg: "n=[7]", path: "n", values: []string{"7"}},
		{arg: "n=[&a 1, *a]", path: "n", values: []string{"1", "1"}},
		{arg: "n", wantErr: `missing "="; write path=value, such as n=1024, or path=[v1, v2] for a sweep`},
		{arg: "=5", wantErr: `missing field name before "="; write path=value, such as n=1024`},
		{arg: "chord..x=5", wantErr: `"chord..x" is not a field path; write dotted field names such as chord.successors`},
		{arg: "n x=5", wantErr: `"n x" is not a field path; write dotted field names such as chord.successors`},
		{arg: "n=[]", wantErr: `n: empty list; a sweep needs at least one value, such as [64, 128]`},
		{arg: "n=[1,[2]]", wantErr: `n: a sweep list holds single values, but item 2 is a list; write a flat list such as [64, 128]`},
		{arg: "n=[1,{a: b}]", wantErr: `n: a sweep list holds single values, but item 2 is a mapping; write a flat list such as [64, 128]`},
		{arg: "n=[1,null]", wantErr: `n: item 2 of the sweep list is empty; remove it or write a value`},
		{arg: "n=[1,2", wantErr: `n: malformed list "[1,2" (did not find expected ',' or ']'); write a sweep as [v1, v2, ...]`},
		{arg: "n=[1] x", wantErr: `n: malformed list "[1] x" (did not find expected <document start>); write a sweep as [v1, v2, ...]`},
	}
	for _, tt := range tests {
		t.Run(tt.arg, func(t *testing.T) {
			path, values, err := ParseSet(tt.arg)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("err = %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseSet: %v", err)
			}
			if path != tt.path || !reflect.DeepEqual(values, tt.values) {
				t.Errorf("got %q %q, want %q %q", path, values, tt.path, tt.values)
			}
		})
	}
}

func TestApply(t *testing.T) {
	tests := []struct {
		path, value string
		want        func(*testConfig)
		wantErr     string
	}{
		{path: "n", value: "5", want: func(c *testConfig) { c.N = 5 }},
		{path: "seed", value: "99", want: func(c *testConfig) { c.Seed = 99 }},
		{path: "experiment", value: "", want: func(c *testConfig) { c.Experiment = "" }},
		{path: "experiment", value: "null", want: func(c *testConfig) { c.Experiment = "null" }},
		{path: "chord.stabilize_every", value: "2s", want: func(c *testConfig) { c.Chord.StabilizeEvery = Duration(2 * time.Second) }},
		{path: "network.latency", value: "const:1ms", want: func(c *testConfig) { c.Network.Latency = Latency{"const", Duration(time.Millisecond)} }},
		{path: "network.fault.churn", value: "0.5", want: func(c *testConfig) { c.Network.Fault.Churn = 0.5 }},
		{path: "chord.successor", value: "3", wantErr: `unknown field "chord.successor"; did you mean "chord.successors"?`},
		{path: "chrod.successors", value: "3", wantErr: `unknown field "chrod.successors"; did you mean "chord.successors"?`},
		{path: "successors", value: "3", wantErr: `unknown field "successors"; did you mean "chord.successors"?`},
		{path: "zzz", value: "3", wantErr: `unknown field "zzz"; see the list of fields with 'chordsim run --fields'`},
		{path: "", value: "3", wantErr: `empty field name in ""; write dotted field names such as "chord.successors"`},
		{path: "chord", value: "3", wantErr: `"chord" is a section, not a field; set one of its fields, such as "chord.successors"`},
		{path: "n.x", value: "3", wantErr: `unknown field "n.x"; "n" is a single value with no fields below it`},
		{path: "n", value: "ten", wantErr: `n: "ten" is not an integer; write a whole number such as 1024`},
		{path: "bootstrap", value: "protocl", wantErr: `bootstrap: "protocl" is not one of ideal|protocol; did you mean "protocol"?`},
		{path: "experiment", value: "\xff", wantErr: `experiment: "\xff" is not valid UTF-8 text; write plain text`},
		{path: "chord.bits", value: "-1", wantErr: `chord.bits: "-1" is negative; this field takes whole numbers of 0 or more, such as 1024`},
	}
	for _, tt := range tests {
		t.Run(tt.path+"="+tt.value, func(t *testing.T) {
			cfg := defaults()
			err := Apply(cfg, tt.path, tt.value)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("err = %v, want %s", err, tt.wantErr)
				}
				if !reflect.DeepEqual(cfg, defaults()) {
					t.Errorf("failed Apply changed the config: %+v", cfg)
				}
				return
			}
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			want := defaults()
			tt.want(want)
			if !reflect.DeepEqual(cfg, want) {
				t.Errorf("got %+v, want %+v", cfg, want)
			}
		})
	}
}

func TestSet(t *testing.T) {
	fileAxes := []Axis{
		{Path: "n", Values: []string{"64", "128"}, Line: 4},
		{Path: "chord.jitter", Values: []string{"0", "0.5"}, Line: 9},
	}
	tests := []struct {
		name    string
		path    string
		values  []string
		want    func(*testConfig)
		axes    []Axis
		wantErr string
	}{
		{
			name: "a single value replaces a sweep", path: "n", values: []string{"10"},
			want: func(c *testConfig) { c.N = 10 },
			axes: fileAxes[1:],
		},
		{
			name: "a new axis goes in declaration order", path: "chord.successors", values: []string{"2", "4"},
			want: func(c *testConfig) { c.Chord.Successors = 2 },
			axes: []Axis{fileAxes[0], {Path: "chord.successors", Values: []string{"2", "4"}}, fileAxes[1]},
		},
		{
			name: "an axis replaces the file's axis", path: "chord.jitter", values: []string{"0.2", "0.3", "0.4"},
			want: func(c *testConfig) { c.Chord.Jitter = 0.2 },
			axes: []Axis{fileAxes[0], {Path: "chord.jitter", Values: []string{"0.2", "0.3", "0.4"}}},
		},
		{name: "sweep:no", path: "seed", values: []string{"1", "2"},
			wantErr: `seed cannot be swept (it is fixed for the whole experiment); give a single value, such as seed=1`},
		{name: "bad value", path: "n", values: []string{"1", "x"},
			wantErr: `n: "x" is not an integer; write a whole number such as 1024`},
		{name: "repeated value", path: "n", values: []string{"1", "01"},
			wantErr: `n: "01" is listed twice in the sweep (items 1 and 2); remove one`},
		{name: "no values", path: "n", values: nil, wantErr: `n: no value given; write n=value`},
		{name: "unknown", path: "chord.succesors", values: []string{"1"},
			wantErr: `unknown field "chord.succesors"; did you mean "chord.successors"?`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := defaults()
			in := append([]Axis(nil), fileAxes...)
			axes, err := Set(cfg, in, tt.path, tt.values)
			if !reflect.DeepEqual(in, fileAxes) {
				t.Errorf("Set modified its input axes: %+v", in)
			}
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("err = %v, want %s", err, tt.wantErr)
				}
				if !reflect.DeepEqual(cfg, defaults()) {
					t.Errorf("failed Set changed the config: %+v", cfg)
				}
				return
			}
			if err != nil {
				t.Fatalf("Set: %v", err)
			}
			want := defaults()
			tt.want(want)
			if !reflect.DeepEqual(cfg, want) {
				t.Errorf("config = %+v, want %+v", cfg, want)
			}
			if !reflect.DeepEqual(axes, tt.axes) {
				t.Errorf("axes = %+v, want %+v", axes, tt.axes)
			}
		})
	}
}

// The flow the command line uses: ParseSet, then Set.
func TestParseSetThenSet(t *testing.T) {
	cfg := defaults()
	var axes []Axis
	for _, arg := range []string{"n=[8, 16]", "chord.recursive=true", "bootstrap=[ideal]"} {
		path, values, err := ParseSet(arg)
		if err != nil {
			t.Fatal(err)
		}
		if axes, err = Set(cfg, axes, path, values); err != nil {
			t.Fatal(err)
		}
	}
	want := defaults()
	want.N, want.Chord.Recursive = 8, true
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("config = %+v, want %+v", cfg, want)
	}
	if wantAxes := []Axis{{Path: "n", Values: []string{"8", "16"}}}; !reflect.DeepEqual(axes, wantAxes) {
		t.Errorf("axes = %+v, want %+v", axes, wantAxes)
	}
}
