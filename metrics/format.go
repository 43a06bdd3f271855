package metrics

import (
	"math"
	"strconv"
	"strings"
)

// significantDigits is the number of significant decimal digits written for
// floats. Ten digits are far more than any simulation result warrants, yet
// few enough to hide the noise in the last bits of float64 arithmetic.
const significantDigits = 10

// formatFinite formats a finite v rounded to 10 significant digits. For
// magnitudes (after rounding) in [1e-6, 1e15) it writes a plain decimal
// with trailing zeros removed (5.85, 0.0093, 1048576), which spreadsheets
// and humans read without surprise; outside that range it uses
// strconv's 'g' form (1e-07, 1.5e+20). Negative zero is written as "0".
func formatFinite(v float64) string {
	if v == 0 {
		return "0"
	}
	// 'e' with 9 digits after the point rounds to exactly 10 significant
	// digits and exposes the decimal exponent of the rounded value, which
	// is what decides between plain and exponent form (9999999999999999
	// rounds up to 1e+16 and must use exponent form).
	e := strconv.FormatFloat(v, 'e', significantDigits-1, 64)
	neg := e[0] == '-'
	if neg {
		e = e[1:]
	}
	ePos := strings.IndexByte(e, 'e')
	digits := e[:1] + e[2:ePos] // the 10 significant digits, no point
	exp, err := strconv.Atoi(e[ePos+1:])
	if err != nil {
		panic("metrics: internal error: unexpected strconv output " + e)
	}
	if exp < -6 || exp >= 15 {
		return strconv.FormatFloat(v, 'g', significantDigits, 64)
	}
	var intPart, frac string
	switch {
	case exp < 0:
		intPart = "0"
		frac = strings.Repeat("0", -exp-1) + digits
	case exp+1 >= len(digits):
		intPart = digits + strings.Repeat("0", exp+1-len(digits))
	default:
		intPart, frac = digits[:exp+1], digits[exp+1:]
	}
	frac = strings.TrimRight(frac, "0")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	b.WriteString(intPart)
	if frac != "" {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// formatCSVFloat formats v for a CSV field: NaN as the empty field (the
// usual spelling of a missing value), ±Inf as "inf"/"-inf", anything else
// as formatFinite.
func formatCSVFloat(v float64) string {
	switch {
	case math.IsNaN(v):
		return ""
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	return formatFinite(v)
}
