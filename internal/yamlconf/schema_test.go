package yamlconf

import (
	"strings"
	"testing"
)

func wantPanic(t *testing.T, prefix string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		s, ok := r.(string)
		if !ok || !strings.HasPrefix(s, prefix) {
			t.Errorf("panic = %#v, want a string starting with %q", r, prefix)
		}
	}()
	f()
}

type noMarshal struct{}

func (*noMarshal) UnmarshalText([]byte) error { return nil }

func TestSchemaPanics(t *testing.T) {
	type inner struct {
		X int `yaml:"x" doc:"x"`
	}
	tests := []struct {
		name string
		cfg  any
	}{
		{"missing yaml tag", &struct {
			A int `doc:"a"`
		}{}},
		{"missing doc", &struct {
			A int `yaml:"a"`
		}{}},
		{"yaml options", &struct {
			A int `yaml:"a,omitempty" doc:"a"`
		}{}},
		{"dotted name", &struct {
			A int `yaml:"a.b" doc:"a"`
		}{}},
		{"skip tag", &struct {
			A int `yaml:"-" doc:"a"`
		}{}},
		{"name starting with a digit", &struct {
			A int `yaml:"1a" doc:"a"`
		}{}},
		{"duplicate name", &struct {
			A int `yaml:"a" doc:"a"`
			B int `yaml:"a" doc:"b"`
		}{}},
		{"unexported", &struct {
			a int `yaml:"a" doc:"a"`
		}{}},
		{"slice", &struct {
			A []int `yaml:"a" doc:"a"`
		}{}},
		{"map", &struct {
			A map[string]int `yaml:"a" doc:"a"`
		}{}},
		{"pointer", &struct {
			A *int `yaml:"a" doc:"a"`
		}{}},
		{"interface", &struct {
			A any `yaml:"a" doc:"a"`
		}{}},
		{"complex", &struct {
			A complex128 `yaml:"a" doc:"a"`
		}{}},
		{"pointer to section", &struct {
			A *inner `yaml:"a"`
		}{}},
		{"bad sweep tag", &struct {
			A int `yaml:"a" doc:"a" sweep:"false"`
		}{}},
		{"enum on int", &struct {
			A int `yaml:"a" doc:"a" enum:"1|2"`
		}{}},
		{"empty enum choice", &struct {
			A string `yaml:"a" doc:"a" enum:"x||y"`
		}{}},
		{"repeated enum choice", &struct {
			A string `yaml:"a" doc:"a" enum:"x|x"`
		}{}},
		{"unit on section", &struct {
			A inner `yaml:"a" unit:"s"`
		}{}},
		{"unmarshaler without marshaler", &struct {
			A noMarshal `yaml:"a" doc:"a"`
		}{}},
		{"bad leaf inside a section", &struct {
			A struct {
				B []string `yaml:"b" doc:"b"`
			} `yaml:"a"`
		}{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantPanic(t, "config: ", func() { Fields(tt.cfg) })
			wantPanic(t, "config: ", func() { _, _ = Decode([]byte("{}"), "f", tt.cfg) })
		})
	}
}

func TestNotAStructPanics(t *testing.T) {
	var nilCfg *testConfig
	tests := []struct {
		name string
		f    func()
	}{
		{"Decode of a value", func() { _, _ = Decode(nil, "f", *defaults()) }},
		{"Decode of nil pointer", func() { _, _ = Decode(nil, "f", nilCfg) }},
		{"Apply of a value", func() { _ = Apply(*defaults(), "n", "1") }},
		{"Fields of an int", func() { Fields(3) }},
		{"Encode of nil", func() { Encode(nil, nil) }},
		{"Set of a value", func() { _, _ = Set(*defaults(), nil, "n", []string{"1"}) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantPanic(t, "config: ", tt.f) })
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"abc", "abc", 0},
		{"abc", "acb", 1},
		{"stabilise", "stabilize", 1},
		{"kitten", "sitting", 3},
		{"a", "abcdefgh", 4}, // gives up: limit+1
	}
	for _, tt := range tests {
		if got := editDistance([]rune(tt.a), []rune(tt.b), 3); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
