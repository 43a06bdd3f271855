package metrics

import (
	"math"
	"strings"
	"testing"
)

// mustPanic fails the test unless fn panics with a message starting with
// "metrics: ".
func mustPanic(t *testing.T, name string, fn func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Errorf("%s: did not panic", name)
			return
		}
		msg, ok := r.(string)
		if !ok || !strings.HasPrefix(msg, "metrics: ") {
			t.Errorf("%s: panic %v, want a string starting with \"metrics: \"", name, r)
		}
	}()
	fn()
}

// sameFloat reports whether got and want are equal within tol, treating
// two NaNs as equal.
func sameFloat(got, want, tol float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	if math.IsInf(want, 0) {
		return got == want
	}
	return math.Abs(got-want) <= tol
}
