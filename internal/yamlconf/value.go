package yamlconf

import (
	"encoding"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxQuoted bounds how much of a bad value is echoed in a message, so that a
// stray paste of a whole file still yields a one-line message.
const maxQuoted = 60

// quote renders user text for a message: Go-quoted (so control characters
// and newlines cannot break the one-line format) and shortened.
func quote(s string) string {
	if utf8.RuneCountInString(s) > maxQuoted {
		r := []rune(s)
		return strconv.Quote(string(r[:maxQuoted])) + "..."
	}
	return strconv.Quote(s)
}

// oneLine folds a multi-line error text (for example from a third-party
// TextUnmarshaler) so that each problem stays on one line.
func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", "; ")), " ")
}

// parse converts text to a value of n's Go type. On failure it returns a
// message of the form "<what is wrong>; <how to fix>" without the path.
func (n *node) parse(text string) (reflect.Value, string) {
	v := reflect.New(n.goType).Elem()
	switch n.kind {
	case kindString:
		if !utf8.ValidString(text) {
			return v, fmt.Sprintf("%s is not valid UTF-8 text; write plain text", quote(text))
		}
		if len(n.enum) > 0 && !contains(n.enum, text) {
			msg := fmt.Sprintf("%s is not one of %s", quote(text), strings.Join(n.enum, "|"))
			if s := closest(text, n.enum); len(s) > 0 {
				msg += "; did you mean " + orList(s) + "?"
			}
			return v, msg
		}
		v.SetString(text)
	case kindBool:
		switch strings.TrimSpace(text) {
		case "true", "True", "TRUE":
			v.SetBool(true)
		case "false", "False", "FALSE":
			v.SetBool(false)
		default:
			return v, fmt.Sprintf("%s is not a boolean; write true or false", quote(text))
		}
	case kindInt:
		i, msg := parseInt(strings.TrimSpace(text), n.bits)
		if msg != "" {
			return v, n.realRange(text, msg)
		}
		v.SetInt(i)
	case kindUint:
		u, msg := parseUint(strings.TrimSpace(text), n.bits)
		if msg != "" {
			return v, n.realRange(text, msg)
		}
		v.SetUint(u)
	case kindFloat:
		f, msg := parseFloat(strings.TrimSpace(text), n.bits)
		if msg != "" {
			return v, msg
		}
		v.SetFloat(f)
	case kindText:
		if len(n.enum) > 0 && !contains(n.enum, text) {
			msg := fmt.Sprintf("%s is not one of %s", quote(text), strings.Join(n.enum, "|"))
			if s := closest(text, n.enum); len(s) > 0 {
				msg += "; did you mean " + orList(s) + "?"
			}
			return v, msg
		}
		if err := unmarshalText(v.Addr().Interface().(encoding.TextUnmarshaler), text); err != nil {
			return v, fmt.Sprintf("%s is not a valid %s: %s", quote(text), n.typeName, oneLine(err.Error()))
		}
	}
	return v, ""
}

// realRange replaces the Go type's range in an out-of-range message with
// the field's own (its range tag), which is what the user can write.
func (n *node) realRange(text, msg string) string {
	if n.span == "" || !strings.Contains(msg, "is out of range") {
		return msg
	}
	return fmt.Sprintf("%s is out of range; write a whole number from %s", quote(strings.TrimSpace(text)), n.span)
}

// unmarshalText calls u.UnmarshalText, turning a panic into an error: the
// decoder promises never to panic on user input, and the unmarshaler is
// code outside this package.
func unmarshalText(u encoding.TextUnmarshaler, text string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the parser panicked: %v", r)
		}
	}()
	return u.UnmarshalText([]byte(text))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// normalizeInt drops a leading '+' and leading zeros of a decimal number so
// that "010" means ten, as in YAML 1.2, rather than Go's octal eight. It
// returns the sign separately.
func normalizeInt(s string) (neg bool, digits string) {
	switch {
	case strings.HasPrefix(s, "-"):
		neg, s = true, s[1:]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	for len(s) > 1 && s[0] == '0' && s[1] >= '0' && s[1] <= '9' {
		s = s[1:]
	}
	return neg, s
}

func intRange(bits int) (int64, int64) {
	return -1 << (bits - 1), 1<<(bits-1) - 1
}

func uintMax(bits int) uint64 {
	return math.MaxUint64 >> (64 - bits)
}

// wholeFloat accepts exponent or decimal notation for a whole number
// ("1e6", "64.0"); it reports ok=false if s is not such a number. Only values
// exactly representable in a float64 are accepted, so nothing is rounded.
func wholeFloat(s string) (f float64, ok bool, msg string) {
	if !strings.ContainsAny(s, ".eE") || strings.HasPrefix(strings.TrimLeft(s, "+-"), "0x") {
		return 0, false, ""
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false, ""
	}
	if f != math.Trunc(f) {
		return 0, true, fmt.Sprintf("%s is not a whole number; write a whole number such as 1024", quote(s))
	}
	if math.Abs(f) > 1<<53 {
		return 0, true, fmt.Sprintf("%s is too large to write in exponent form exactly; write all its digits", quote(s))
	}
	return f, true, ""
}

func parseInt(s string, bits int) (int64, string) {
	lo, hi := intRange(bits)
	rangeMsg := fmt.Sprintf("%s is out of range; write a whole number from %d to %d", quote(s), lo, hi)
	neg, digits := normalizeInt(s)
	t := digits
	if neg {
		t = "-" + digits
	}
	i, err := strconv.ParseInt(t, 0, bits)
	if err == nil && digits != "" && digits[0] != '-' && digits[0] != '+' {
		return i, ""
	}
	if errors.Is(err, strconv.ErrRange) {
		return 0, rangeMsg
	}
	if f, ok, msg := wholeFloat(s); ok {
		if msg != "" {
			return 0, msg
		}
		if f < float64(lo) || f > float64(hi) {
			return 0, rangeMsg
		}
		return int64(f), ""
	}
	return 0, fmt.Sprintf("%s is not an integer; write a whole number such as 1024", quote(s))
}

func parseUint(s string, bits int) (uint64, string) {
	rangeMsg := fmt.Sprintf("%s is out of range; write a whole number from 0 to %d", quote(s), uintMax(bits))
	neg, digits := normalizeInt(s)
	if digits != "" && digits[0] != '-' && digits[0] != '+' {
		if u, err := strconv.ParseUint(digits, 0, bits); err == nil {
			if neg && u != 0 {
				return 0, fmt.Sprintf("%s is negative; this field takes whole numbers of 0 or more, such as 1024", quote(s))
			}
			return u, ""
		} else if errors.Is(err, strconv.ErrRange) {
			if neg {
				return 0, fmt.Sprintf("%s is negative; this field takes whole numbers of 0 or more, such as 1024", quote(s))
			}
			return 0, rangeMsg
		}
	}
	if f, ok, msg := wholeFloat(s); ok {
		if msg != "" {
			return 0, msg
		}
		if f < 0 {
			return 0, fmt.Sprintf("%s is negative; this field takes whole numbers of 0 or more, such as 1024", quote(s))
		}
		if f > float64(uintMax(bits)) {
			return 0, rangeMsg
		}
		return uint64(f), ""
	}
	return 0, fmt.Sprintf("%s is not a whole number; write a whole number of 0 or more, such as 1024", quote(s))
}

func parseFloat(s string, bits int) (float64, string) {
	f, err := strconv.ParseFloat(s, bits)
	switch {
	case errors.Is(err, strconv.ErrRange):
		return 0, fmt.Sprintf("%s is out of range; write a number of reasonable size, such as 0.5", quote(s))
	case err != nil:
		return 0, fmt.Sprintf("%s is not a number; write a decimal number such as 0.5", quote(s))
	case math.IsInf(f, 0) || math.IsNaN(f):
		return 0, fmt.Sprintf("%s is not a finite number; write a decimal number such as 0.5", quote(s))
	}
	return f, ""
}

// formatFloat renders whole numbers of ordinary size without an exponent
// (1000000 rather than 1e+06), which is easier to read in a config file; all
// other values use the shortest text that parses back to the same value.
func formatFloat(f float64, bits int) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatFloat(f, 'f', -1, bits)
	}
	return strconv.FormatFloat(f, 'g', -1, bits)
}

// render returns the text of leaf value v; parse(render(v)) == v.
func (n *node) render(v reflect.Value) string {
	switch n.kind {
	case kindString:
		return v.String()
	case kindBool:
		return strconv.FormatBool(v.Bool())
	case kindInt:
		return strconv.FormatInt(v.Int(), 10)
	case kindUint:
		return strconv.FormatUint(v.Uint(), 10)
	case kindFloat:
		return formatFloat(v.Float(), n.bits)
	}
	c := reflect.New(n.goType)
	c.Elem().Set(v)
	var m encoding.TextMarshaler
	if n.goType.Implements(textMarshalerType) {
		m = c.Elem().Interface().(encoding.TextMarshaler)
	} else {
		m = c.Interface().(encoding.TextMarshaler)
	}
	b, err := m.MarshalText()
	if err != nil {
		panic(fmt.Sprintf("config: %s: MarshalText of %s failed: %v", n.path, n.typeName, err))
	}
	return string(b)
}
