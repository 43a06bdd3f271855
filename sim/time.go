package sim

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Time is a point in virtual time: nanoseconds since the start of the run.
// It is an integer so that event order never depends on floating-point
// rounding.
type Time int64

// Duration is a span of virtual time in nanoseconds. Configs write it as a Go
// duration ("30s", "500ms").
type Duration int64

// Common durations.
const (
	Nanosecond  Duration = 1
	Microsecond          = 1000 * Nanosecond
	Millisecond          = 1000 * Microsecond
	Second               = 1000 * Millisecond
	Minute               = 60 * Second
	Hour                 = 60 * Minute
)

// MaxTime is later than any event a run can schedule.
const MaxTime Time = 1<<63 - 1

// Add returns t+d.
func (t Time) Add(d Duration) Time { return t + Time(d) }

// Sub returns t-u.
func (t Time) Sub(u Time) Duration { return Duration(t - u) }

// Seconds returns t in seconds since the start of the run.
func (t Time) Seconds() float64 { return float64(t) / 1e9 }

// String formats t as a duration since the start, e.g. "1m30s".
func (t Time) String() string { return Duration(t).String() }

// Seconds returns d in seconds.
func (d Duration) Seconds() float64 { return float64(d) / 1e9 }

// Milliseconds returns d in milliseconds, with fractions.
func (d Duration) Milliseconds() float64 { return float64(d) / 1e6 }

// String formats d like time.Duration ("1.5s", "500ms", "0s").
func (d Duration) String() string { return time.Duration(d).String() }

// ParseDuration reads a Go duration such as "30s", "1h30m" or "500ms".
// A bare "0" is accepted; any other number needs a unit, because a bare
// number is ambiguous (seconds? milliseconds?) and a wrong guess silently
// changes an experiment by a factor of a thousand.
func ParseDuration(s string) (Duration, error) {
	s = strings.TrimSpace(s)
	if s == "0" {
		return 0, nil
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return 0, fmt.Errorf("%q has no unit; write it like 30s, 500ms or 1h", s)
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration; write it like 30s, 500ms or 1h", s)
	}
	return Duration(d), nil
}

// UnmarshalText parses a duration for configs and flags.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalText renders d so that UnmarshalText reads it back exactly.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }
