package yamlconf

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Duration is a test leaf parsed from text, like the real schema's duration.
type Duration int64

func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), "time: "))
	}
	*d = Duration(v)
	return nil
}

func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// Latency is a struct leaf parsed from text ("exp:50ms"), implementing the
// marshaler on the pointer to exercise that path.
type Latency struct {
	Dist string
	Mean Duration
}

func (l *Latency) UnmarshalText(b []byte) error {
	dist, mean, ok := strings.Cut(string(b), ":")
	if !ok || (dist != "exp" && dist != "const") {
		return fmt.Errorf("want dist:mean with dist exp or const, such as exp:50ms")
	}
	var d Duration
	if err := d.UnmarshalText([]byte(mean)); err != nil {
		return err
	}
	*l = Latency{Dist: dist, Mean: d}
	return nil
}

func (l *Latency) MarshalText() ([]byte, error) {
	m, _ := l.Mean.MarshalText()
	return []byte(l.Dist + ":" + string(m)), nil
}

type testConfig struct {
	Experiment string      `yaml:"experiment" doc:"free-text name of the experiment" sweep:"no"`
	Seed       uint64      `yaml:"seed" doc:"master random seed" sweep:"no"`
	Replicates int         `yaml:"replicates" doc:"independent runs per sweep point" sweep:"no"`
	N          int         `yaml:"n" doc:"number of nodes"`
	Bootstrap  string      `yaml:"bootstrap" doc:"how the ring is built" enum:"ideal|protocol"`
	Chord      chordConfig `yaml:"chord" doc:"protocol parameters"`
	Network    netConfig   `yaml:"network"`
}

type chordConfig struct {
	Successors     int      `yaml:"successors" doc:"successor-list length r"`
	StabilizeEvery Duration `yaml:"stabilize_every" doc:"period of stabilize" unit:"duration"`
	Jitter         float64  `yaml:"jitter" doc:"relative jitter of periods" unit:"fraction"`
	Recursive      bool     `yaml:"recursive" doc:"route lookups recursively"`
	Bits           uint8    `yaml:"bits" doc:"identifier bits" unit:"bits"`
	Skew           int8     `yaml:"skew" doc:"clock skew"`
}

type netConfig struct {
	Latency Latency  `yaml:"latency" doc:"one-way latency distribution"`
	Loss    float32  `yaml:"loss" doc:"message loss probability" unit:"fraction"`
	Fault   faultCfg `yaml:"fault"`
}

type faultCfg struct {
	Churn float64 `yaml:"churn" doc:"churn rate" unit:"1/s"`
}

func defaults() *testConfig {
	return &testConfig{
		Experiment: "demo",
		Seed:       1,
		Replicates: 3,
		N:          1024,
		Bootstrap:  "ideal",
		Chord: chordConfig{
			Successors:     8,
			StabilizeEvery: Duration(30 * time.Second),
			Jitter:         0.1,
			Recursive:      false,
			Bits:           32,
			Skew:           0,
		},
		Network: netConfig{
			Latency: Latency{Dist: "exp", Mean: Duration(50 * time.Millisecond)},
			Loss:    0,
			Fault:   faultCfg{Churn: 0},
		},
	}
}
