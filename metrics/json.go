package metrics

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
)

// JSONFloat is a float64 that marshals to JSON deterministically and
// without failing: NaN and ±Inf (which encoding/json refuses) are written as
// null, and other values with the same 10-significant-digit rule as CSV
// cells (see [Cell.String]), e.g. 5.85, 0.0093, 1048576, 1e-07.
//
// Use it for float fields of result structs that may be undefined, such as
// a standard deviation of one replicate.
type JSONFloat float64

// MarshalJSON implements json.Marshaler.
func (f JSONFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return []byte(formatFinite(v)), nil
}

// UnmarshalJSON implements json.Unmarshaler, reading null as NaN.
func (f *JSONFloat) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = JSONFloat(math.NaN())
		return nil
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("metrics: JSONFloat: %w", err)
	}
	*f = JSONFloat(v)
	return nil
}

// WriteJSON writes v to w as JSON indented by two spaces, followed by a
// newline. Map keys are sorted (encoding/json does this), HTML characters
// are not escaped, and float fields of type [JSONFloat] or [Summary] are
// formatted deterministically. A plain float64 holding NaN or ±Inf makes
// WriteJSON fail, as in encoding/json; use JSONFloat for such fields.
//
// Nothing is written to w if v cannot be marshalled.
func WriteJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("metrics: write JSON: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("metrics: write JSON: %w", err)
	}
	return nil
}
