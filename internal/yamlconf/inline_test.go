package yamlconf

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// mode is an enumeration parsed from text, like the protocol's lookup mode.
type mode uint8

func (m *mode) UnmarshalText(b []byte) error {
	switch string(b) {
	case "iterative":
		*m = 0
	case "recursive":
		*m = 1
	default:
		return errors.New("unknown mode")
	}
	return nil
}

func (m mode) MarshalText() ([]byte, error) {
	return []byte([]string{"iterative", "recursive"}[m]), nil
}

// Service is a subsystem's own config, embedded inline in a section.
type Service struct {
	Replicas int  `yaml:"replicas" doc:"copies"`
	Mode     mode `yaml:"mode" doc:"how" enum:"iterative|recursive"`
}

type inlineConfig struct {
	KV struct {
		Service  `yaml:",inline"`
		Requests int `yaml:"requests" doc:"requests"`
	} `yaml:"kv"`
}

// An inline struct's fields are keys of the mapping it is embedded in, and
// an enum tag on a text-parsed type checks the choices before parsing,
// with the same message and suggestion as on a string.
func TestInlineAndTextEnum(t *testing.T) {
	var c inlineConfig
	c.KV.Replicas = 1
	axes, err := Decode([]byte("kv:\n  replicas: 3\n  mode: recursive\n  requests: 7\n"), "c.yaml", &c)
	if err != nil || len(axes) != 0 {
		t.Fatal(err)
	}
	if c.KV.Replicas != 3 || c.KV.Mode != 1 || c.KV.Requests != 7 {
		t.Fatalf("decoded %+v", c.KV)
	}
	var paths []string
	for _, f := range Fields(&c) {
		paths = append(paths, f.Path+":"+f.Type)
	}
	if want := []string{"kv.replicas:int", "kv.mode:string", "kv.requests:int"}; !reflect.DeepEqual(paths, want) {
		t.Fatalf("fields %v, want %v", paths, want)
	}
	_, err = Decode([]byte("kv:\n  mode: recursiv\n"), "c.yaml", &c)
	if err == nil || !strings.Contains(err.Error(), `kv.mode: "recursiv" is not one of iterative|recursive; did you mean "recursive"?`) {
		t.Fatalf("bad enum: %v", err)
	}
	var d inlineConfig
	if _, err := Decode(Encode(&c, nil), "back.yaml", &d); err != nil || d != c {
		t.Fatalf("round trip: %+v, %v", d, err)
	}
}

// An inline field that is not an embedded struct, and an inline struct
// whose key repeats one of the mapping's, are programmer errors.
func TestInlineMisuse(t *testing.T) {
	wantPanic(t, "config: ", func() {
		Fields(&struct {
			A Service `yaml:",inline"`
		}{})
	})
	wantPanic(t, "config: ", func() {
		Fields(&struct {
			Service  `yaml:",inline"`
			Replicas int `yaml:"replicas" doc:"again"`
		}{})
	})
}
