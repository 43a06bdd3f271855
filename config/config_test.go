package config

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/internal/yamlconf"
)

func TestValidateNamesEveryProblem(t *testing.T) {
	c := Defaults()
	c.N, c.Chord.Bits, c.Chord.Successors, c.Chord.StabilizeEvery, c.Network.Loss, c.Replicates = 0, 70, 0, -1, 1.5, 0
	c.Workload.PerNodeRate = -0.1
	err := c.Validate()
	if err == nil {
		t.Fatal("accepted")
	}
	for _, field := range []string{"n:", "chord.m:", "chord.successors:", "chord.stabilize_every:", "network.loss:", "replicates:", "workload.lookup_rate_per_node:"} {
		if !strings.Contains(err.Error(), field) {
			t.Errorf("error does not name %s:\n%v", field, err)
		}
	}
}

// Every field has a default that survives a round trip through the
// resolved config, and every enum default is one of its choices.
func TestDefaultsRoundTrip(t *testing.T) {
	d := Defaults()
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	back, axes, err := Parse(yamlconf.Encode(&d, nil), "resolved.yaml")
	if err != nil || len(axes) != 0 || back != d {
		t.Fatalf("resolved defaults do not decode to the defaults: %v", err)
	}
}

// A ring whose node state would not fit is refused up front with the
// estimate and the largest n that fits; the scale target's 2^24 nodes at
// the default m and r fit.
func TestMemoryEstimateRefusesTooLargeRings(t *testing.T) {
	c := Defaults()
	c.N = 1 << 24
	if err := c.Validate(); err != nil {
		t.Fatalf("2^24 nodes refused: %v", err)
	}
	c.N = 1 << 25
	err := c.Validate()
	if err == nil {
		t.Fatal("2^25 nodes at m = 64, r = 16 (19.25 GiB) accepted")
	}
	per := chord.StateBytes(1, 64, 16)
	for _, want := range []string{"n: 33554432 ring members", "19.2 GiB", fmt.Sprintf("use at most %d members", MaxRingBytes/per)} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	c.Chord.Bits, c.Chord.Successors = 32, 8 // 328 bytes a member: 10.25 GiB
	if err := c.Validate(); err != nil {
		t.Fatalf("2^25 nodes at m = 32, r = 8 refused: %v", err)
	}
}

// The refusal of a ring too large for the node-state limit states the
// bytes: at 27,889,399 members the estimate is 600 bytes over 16 GiB, which
// "about 16.0 GiB … more than the 16 GiB limit" hid (issue 22).
func TestRingLimitStatesTheBytes(t *testing.T) {
	c := Defaults()
	c.N = 27_889_399
	err := c.Validate()
	if err == nil || !strings.Contains(err.Error(), "need 17179869784 bytes (16.0 GiB)") {
		t.Fatalf("err = %v", err)
	}
}

// timeseries.every and pointers.every (the rows from 30s on, and those
// naming it): negative or below a millisecond is refused, and the static
// engine, which has no simulated time to sample, refuses them.
func TestValidateTimeSeries(t *testing.T) {
	for _, c := range []struct {
		every       string
		engine      string
		wantField   string
		wantMessage string
	}{
		{"-1s", "auto", "timeseries.every:", "negative"},
		{"1us", "auto", "timeseries.every:", "shorter than"},
		{"60s", "static", "engine:", "timeseries.every"},
		{"60s", "auto", "", ""},
		{"0s", "static", "", ""},
		{"-1s", "auto", "pointers.every:", "negative"},
		{"1us", "auto", "pointers.every:", "shorter than"},
		{"30s", "static", "engine:", "pointers.every"},
		{"30s", "auto", "", ""},
	} {
		cfg := Defaults()
		cfg.Chord.StabilizeEvery, cfg.Chord.FixFingersEvery, cfg.Chord.CheckPredecessorEvery = 0, 0, 0
		cfg.Network.Draws, cfg.Engine = "keyed", c.engine
		if err := cfg.Network.Latency.UnmarshalText([]byte("const:20ms")); err != nil {
			t.Fatal(err)
		}
		every := &cfg.TimeSeries.Every
		if strings.HasPrefix(c.wantField, "pointers") || strings.Contains(c.wantMessage, "pointers") || c.every == "30s" {
			every = &cfg.Pointers.Every
		}
		if err := every.UnmarshalText([]byte(c.every)); err != nil {
			t.Fatal(err)
		}
		err := cfg.Validate()
		switch {
		case c.wantField == "" && err != nil:
			t.Errorf("every %s, engine %s: refused: %v", c.every, c.engine, err)
		case c.wantField != "" && (err == nil || !strings.Contains(err.Error(), c.wantField) || !strings.Contains(err.Error(), c.wantMessage)):
			t.Errorf("every %s, engine %s: error %v, want one naming %s with %q", c.every, c.engine, err, c.wantField, c.wantMessage)
		}
	}
}

// chord.protocol fills the choices the file leaves out; the file's own
// win; the resolved config names every choice, and reads back the same.
func TestProtocolPreset(t *testing.T) {
	src := []byte("experiment: x\nchord:\n  protocol: ton-sim\n  stabilize_on_join: false\n  fix_fingers: [one, random]\n")
	cfg, axes, err := Parse(src, "x.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c := cfg.Chord
	if c.Protocol != chord.ProtocolToNSim || c.Variant != chord.Original || c.SuspectConfirm != 0 ||
		c.Stabilize != chord.StabilizeSuccessorPlusOne || !c.NotifyOldPredecessor || c.ForgetOnTimeout != chord.ForgetNone || c.Detect != chord.DetectOracle {
		t.Errorf("the preset's choices were not applied: %+v", c)
	}
	if c.StabilizeOnJoin {
		t.Error("stabilize_on_join: false in the file lost to the preset")
	}
	if len(axes) != 1 || axes[0].Path != "chord.fix_fingers" {
		t.Errorf("axes %+v", axes)
	}
	out := string(yamlconf.Encode(&cfg, axes))
	for _, k := range append(chord.PresetKeys(), "protocol") {
		if !strings.Contains(out, "\n  "+k+":") {
			t.Errorf("the resolved config does not print chord.%s:\n%s", k, out)
		}
	}
	back, _, err := Parse([]byte(out), "config.yaml")
	if err != nil || back.Chord != cfg.Chord {
		t.Errorf("the resolved config reads back as %+v (%v), want %+v", back.Chord, err, cfg.Chord)
	}
	// --set chord.protocol applies the preset over the file's choices,
	// except swept ones; a later --set wins again.
	d, ax, err := Parse([]byte("experiment: y\nchord:\n  variant: zave\n"), "y.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if ax, err = Set(&d, ax, "chord.protocol", []string{"s01-sim"}); err != nil {
		t.Fatal(err)
	}
	if d.Chord.Variant != chord.Original || d.Chord.FixFingers != chord.FixRandom || d.Chord.Routing != chord.FingersOnly {
		t.Errorf("--set chord.protocol=s01-sim: %+v", d.Chord)
	}
	if _, err = Set(&d, ax, "chord.routing", []string{"fingers+successors"}); err != nil || d.Chord.Routing != chord.FingersAndSuccessors {
		t.Errorf("a later --set lost: %v %+v", err, d.Chord)
	}
	if _, _, err := Parse([]byte("chord:\n  protocol: [ton, zave]\n"), "z.yaml"); err == nil {
		t.Error("a sweep of chord.protocol was accepted")
	}
}

// Issue 19's bad inputs each get one error naming the field: a base that
// is not a power of two or is too big for m, pns beyond the successor
// list, a malformed cost list. Bigger bases and PNS's round-trip tables
// count in the memory check: 2^24 nodes fit at base 2 and not at base 16
// (2,024 bytes a member), and PNS adds 32 entries of 8 bytes a member.
func TestValidateProximityFields(t *testing.T) {
	for _, tc := range []struct {
		set  func(c *Config)
		want string
	}{
		{func(c *Config) { c.Chord.Base = 6 }, "chord.base: 6 is not a power of two"},
		{func(c *Config) { c.Chord.Bits, c.Chord.Base = 4, 32 }, "chord.base: 32 is larger than the 4-bit identifier space"},
		{func(c *Config) { c.Chord.PNS = 17 }, "chord.pns: 17 is larger than the successor list (successors = 16)"},
		{func(c *Config) { c.Chord.RTTTimeout = 0.5 }, "chord.rtt_timeout: 0.5 is outside 1..100"},
		{func(c *Config) { c.Costs.Kinds = "ping=x" }, "costs.kinds: ping=x is not a whole number"},
		{func(c *Config) { c.N, c.Chord.Base = 1<<24, 16 }, "chord.base = 16"},
		{func(c *Config) { c.Churn.LeaveWait = -1 }, "churn.leave_wait: -1ns is negative"},
		{func(c *Config) { c.Chord.FingerLookupRandomStart = -2 }, "chord.finger_lookup_random_start: -2 is outside 0..64"},
	} {
		c := Defaults()
		tc.set(&c)
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("got %v, want %q", err, tc.want)
		}
	}
	c := Defaults()
	plain := c.RunBytes()
	c.Chord.PNS = 2
	if got := c.RunBytes() - plain; got != 256*uint64(c.N) {
		t.Errorf("PNS adds %d bytes to the estimate of %d nodes, want %d", got, c.N, 256*c.N)
	}
}

// chord.forget_on_timeout was a boolean: the old spellings still read
// (true is the initiator's rule, false nobody's), a resolved config
// writes the names, and a value that is neither names the field.
func TestForgetOnTimeoutSpellings(t *testing.T) {
	for _, c := range []struct {
		text string
		want chord.Forget
	}{
		{"true", chord.ForgetInitiator},
		{"false", chord.ForgetNone},
		{"initiator", chord.ForgetInitiator},
		{"none", chord.ForgetNone},
		{"namer", chord.ForgetNamer},
	} {
		cfg, axes, err := Parse([]byte("experiment: x\nchord:\n  protocol: ton\n  forget_on_timeout: "+c.text+"\n"), "x.yaml")
		if err != nil {
			t.Errorf("forget_on_timeout: %s: %v", c.text, err)
			continue
		}
		if cfg.Chord.ForgetOnTimeout != c.want {
			t.Errorf("forget_on_timeout: %s read as %v, want %v", c.text, cfg.Chord.ForgetOnTimeout, c.want)
		}
		if out := string(yamlconf.Encode(&cfg, axes)); !strings.Contains(out, "\n  forget_on_timeout: "+c.want.String()+"\n") {
			t.Errorf("forget_on_timeout: %s: the resolved config does not write %s:\n%s", c.text, c.want, out)
		}
	}
	_, _, err := Parse([]byte("experiment: x\nchord:\n  forget_on_timeout: nobody\n"), "x.yaml")
	if err == nil || !strings.Contains(err.Error(), "chord.forget_on_timeout") || !strings.Contains(err.Error(), "namer") {
		t.Errorf("forget_on_timeout: nobody gave %v, want an error naming the field and the choices", err)
	}
}

// network.drain_every: a bad value is refused by the decoder naming the
// field; off and T03's queue are accepted, the queue not with engine
// static (the static engine has no queue) nor with the key-value service.
func TestValidateDrainEvery(t *testing.T) {
	for _, c := range []struct {
		yaml        string
		wantMessage string // "" accepted
	}{
		{"network: {drain_every: off}", ""},
		{"network: {drain_every: 'uniform:250ms,750ms'}", ""},
		{"network: {drain_every: 'uniform:250ms,750ms', draws: keyed, latency: 'const:20ms'}\nengine: static\nchord: {stabilize_every: 0s, fix_fingers_every: 0s, check_predecessor_every: 0s}", "network.drain_every is uniform:250ms,750ms"},
		{"network: {drain_every: off, draws: keyed, latency: 'const:20ms'}\nengine: static\nchord: {stabilize_every: 0s, fix_fingers_every: 0s, check_predecessor_every: 0s}", ""},
		{"network: {drain_every: 'uniform:250ms,750ms'}\nkv: {requests: 10}", "network.drain_every: uniform:250ms,750ms with the key-value service"},
		{"network: {drain_every: 'const:0s'}", "network.drain_every"},
		{"network: {drain_every: 'const:100us'}", "below 1ms"},
		{"network: {drain_every: soon}", "not a latency model"},
	} {
		cfg, _, err := Parse([]byte(c.yaml), "t.yaml")
		if err == nil {
			err = cfg.Validate()
		}
		switch {
		case c.wantMessage == "" && err != nil:
			t.Errorf("%q: refused: %v", c.yaml, err)
		case c.wantMessage != "" && (err == nil || !strings.Contains(err.Error(), c.wantMessage)):
			t.Errorf("%q: error %v, want one containing %q", c.yaml, err, c.wantMessage)
		}
	}
}
