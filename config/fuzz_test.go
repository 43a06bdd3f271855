package config

import (
	"errors"
	"strings"
	"testing"

	"github.com/chordsim/chordsim/internal/yamlconf"
)

// The configs of issue 22 and issue 21 item 5 that got through or
// panicked, as seeds.
var fuzzSeeds = []string{
	"",
	"# only a comment\n",
	"---\n",
	"n: \"16\"\n",
	"n: !foo 16\n",
	"n: 99999999999999999999999\n",
	"workload: {keys_per_node: 1e300}\n",
	"network: {latency: \"lognormal:50ms,1000\"}\n",
	"workload: {lookups: 9000000000000000000}\n",
	"chord: {virtual_nodes: 9000000000000000000}\n",
	"chord: {stabilize_every: 1ns}\n",
	"settle: 2562047h\n",
	"chord: {successors: -3}\nnetwork: {loss: 1.5}\n",
	"chord: {successors: -3, m: ten}\n",
	"n: 16\n\x00\x01\x02\tELF",
	"n: [16777216, 16777215]\n",
	"bootstrap: protocol\nn: 33554432\njoin_every: 87600h\n",
}

// FuzzParse checks that Parse and Validate never panic on any text below
// the file bound, and that every problem is one line.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > MaxFileBytes {
			return // ReadFile refuses it before Parse sees it
		}
		cfg, _, err := Parse(src, "f.yaml")
		if err != nil {
			var e *yamlconf.Error
			if !errors.As(err, &e) || len(e.Problems) == 0 {
				t.Fatalf("error %T %q is not a non-empty *yamlconf.Error", err, err)
			}
			for _, p := range e.Problems {
				if p.Message == "" || strings.ContainsAny(p.Message, "\n\r") {
					t.Fatalf("problem is not one non-empty line: %q", p.Message)
				}
			}
			return
		}
		if err := cfg.Validate(); err == nil {
			cfg.RunBytes()
			cfg.PlacedKeys()
		}
	})
}

// Each seed that is not a valid config is refused (the fuzz target only
// asks that nothing panics).
func TestFuzzSeedsRefused(t *testing.T) {
	for _, s := range fuzzSeeds {
		cfg, _, err := Parse([]byte(s), "f.yaml")
		if err == nil {
			err = cfg.Validate()
		}
		if err == nil && s != "n: [16777216, 16777215]\n" {
			t.Errorf("%q was accepted", s)
		}
	}
}
