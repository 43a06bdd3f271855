package metrics

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func TestJSONFloatMarshal(t *testing.T) {
	tests := []struct {
		v    float64
		want string
	}{
		{5.85, "5.85"},
		{0.0093, "0.0093"},
		{1048576, "1048576"},
		{-0.5, "-0.5"},
		{1.0 / 3, "0.3333333333"},
		{1e-7, "1e-07"},
		{2e20, "2e+20"},
		{math.Copysign(0, -1), "0"},
		{math.NaN(), "null"},
		{math.Inf(1), "null"},
		{math.Inf(-1), "null"},
	}
	for _, tc := range tests {
		b, err := json.Marshal(JSONFloat(tc.v))
		if err != nil {
			t.Errorf("Marshal(%v): %v", tc.v, err)
			continue
		}
		if string(b) != tc.want {
			t.Errorf("Marshal(%v) = %s, want %s", tc.v, b, tc.want)
		}
		// Everything written must be valid JSON that reads back.
		var back JSONFloat
		if err := json.Unmarshal(b, &back); err != nil {
			t.Errorf("Unmarshal(%s): %v", b, err)
		}
	}
}

func TestWriteJSON(t *testing.T) {
	nan := math.NaN()
	v := map[string]any{
		"zeta":  1,
		"alpha": JSONFloat(nan),
		"html":  "a<b&c",
		"summary": Summary{
			N: 2, Mean: 3, Stddev: math.Sqrt2,
			CILow: -9.706204736174705, CIHigh: 15.706204736174705,
		},
		"one":  Summary{N: 1, Mean: 7, Stddev: nan, CILow: nan, CIHigh: nan},
		"list": []JSONFloat{0.25, JSONFloat(math.Inf(1))},
	}
	want := `{
  "alpha": null,
  "html": "a<b&c",
  "list": [
    0.25,
    null
  ],
  "one": {
    "n": 1,
    "mean": 7,
    "stddev": null,
    "ci95_low": null,
    "ci95_high": null
  },
  "summary": {
    "n": 2,
    "mean": 3,
    "stddev": 1.414213562,
    "ci95_low": -9.706204736,
    "ci95_high": 15.70620474
  },
  "zeta": 1
}
`
	var buf bytes.Buffer
	if err := WriteJSON(&buf, v); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != want {
		t.Errorf("WriteJSON wrote\n%s\nwant\n%s", got, want)
	}
}

func TestWriteJSONRejectsPlainNaN(t *testing.T) {
	var buf bytes.Buffer
	err := WriteJSON(&buf, map[string]float64{"x": math.NaN()})
	if err == nil || !strings.HasPrefix(err.Error(), "metrics: ") {
		t.Errorf("WriteJSON of a plain NaN returned %v, want a metrics: error", err)
	}
	if buf.Len() != 0 {
		t.Errorf("WriteJSON wrote %q despite failing", buf.String())
	}
	if err := WriteJSON(failWriter{}, 1); err == nil {
		t.Error("WriteJSON to a failing writer returned nil")
	}
}

func TestSummaryJSONRoundTrip(t *testing.T) {
	nan := math.NaN()
	for _, s := range []Summary{
		{N: 5, Mean: 3.25, Stddev: 0.5, CILow: 2.5, CIHigh: 4},
		{N: 1, Mean: 7, Stddev: nan, CILow: nan, CIHigh: nan},
		{N: 0, Mean: nan, Stddev: nan, CILow: nan, CIHigh: nan},
	} {
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var back Summary
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("Unmarshal(%s): %v", b, err)
		}
		if back.N != s.N || !sameFloat(back.Mean, s.Mean, 0) || !sameFloat(back.Stddev, s.Stddev, 0) ||
			!sameFloat(back.CILow, s.CILow, 0) || !sameFloat(back.CIHigh, s.CIHigh, 0) {
			t.Errorf("round trip of %+v via %s gave %+v", s, b, back)
		}
	}
	var missing Summary
	if err := json.Unmarshal([]byte(`{"n": 0}`), &missing); err != nil || !math.IsNaN(missing.Mean) {
		t.Errorf("missing fields: got %+v, %v; want NaN fields", missing, err)
	}
}
