package metrics

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"
)

func TestCellString(t *testing.T) {
	tests := []struct {
		c    Cell
		want string
	}{
		{Cell{}, ""},
		{Int(0), "0"},
		{Int(-42), "-42"},
		{Int(math.MaxInt64), "9223372036854775807"},
		{Str("a,b"), "a,b"},
		{Float(5.85), "5.85"},
		{Float(0.0093), "0.0093"},
		{Float(1048576), "1048576"},
		{Float(100), "100"},
		{Float(-2.5), "-2.5"},
		{Float(0), "0"},
		{Float(math.Copysign(0, -1)), "0"},
		{Float(0.1 + 0.2), "0.3"}, // 0.30000000000000004 rounds to 10 digits
		{Float(1.0 / 3), "0.3333333333"},
		{Float(2.0 / 3), "0.6666666667"},
		{Float(-2.0 / 3), "-0.6666666667"},
		{Float(12345.678901234), "12345.6789"},
		{Float(123.456), "123.456"},
		{Float(0.000123456789012), "0.000123456789"},
		{Float(1e-6), "0.000001"},
		{Float(9.99999e-7), "9.99999e-07"},
		{Float(1.5e-7), "1.5e-07"},
		{Float(1e14), "100000000000000"},
		{Float(123456789012345), "123456789000000"},
		{Float(999999999999999), "1e+15"}, // rounds up out of the plain range
		{Float(1e15), "1e+15"},
		{Float(1.5e20), "1.5e+20"},
		{Float(-1.234567890123e-9), "-1.23456789e-09"},
		{Float(9.9999999999), "10"},
		{Float(math.NaN()), ""},
		{Float(math.Inf(1)), "inf"},
		{Float(math.Inf(-1)), "-inf"},
	}
	for _, tc := range tests {
		if got := tc.c.String(); got != tc.want {
			t.Errorf("%#v.String() = %q, want %q", tc.c, got, tc.want)
		}
	}
}

func TestWriteCSV(t *testing.T) {
	tests := []struct {
		name string
		tab  Table
		want string
	}{
		{
			name: "mixed",
			tab: Table{
				Columns: []string{"n", "mean_hops", "note"},
				Rows: [][]Cell{
					{Int(1024), Float(5.85), Str("ok")},
					{Int(2048), Float(math.NaN()), Str(`a "quoted", comma`)},
					{Int(4096), Float(math.Inf(1)), Str(" leading space")},
				},
			},
			want: "n,mean_hops,note\n" +
				"1024,5.85,ok\n" +
				"2048,,\"a \"\"quoted\"\", comma\"\n" +
				"4096,inf,\" leading space\"\n",
		},
		{
			name: "header only",
			tab:  Table{Columns: []string{"a", "b"}},
			want: "a,b\n",
		},
		{
			// A lone empty field must not become an empty line, which
			// CSV readers skip.
			name: "single column with missing values",
			tab:  Table{Columns: []string{"x"}, Rows: [][]Cell{{Float(1)}, {Float(math.NaN())}, {Str("")}}},
			want: "x\n1\n\"\"\n\"\"\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tc.tab.WriteCSV(&buf); err != nil {
				t.Fatal(err)
			}
			if got := buf.String(); got != tc.want {
				t.Errorf("WriteCSV wrote\n%q\nwant\n%q", got, tc.want)
			}
			back, err := ReadCSV(strings.NewReader(buf.String()))
			if err != nil {
				t.Fatalf("ReadCSV of our own output: %v", err)
			}
			if !tablesEqual(back, &tc.tab) {
				t.Errorf("round trip: got %v, want %v", back, tc.tab)
			}
		})
	}
}

// tablesEqual compares two tables by the text of their cells.
func tablesEqual(a, b *Table) bool {
	if strings.Join(a.Columns, "\x00") != strings.Join(b.Columns, "\x00") || len(a.Rows) != len(b.Rows) {
		return false
	}
	for i := range a.Rows {
		if len(a.Rows[i]) != len(b.Rows[i]) {
			return false
		}
		for j := range a.Rows[i] {
			if a.Rows[i][j].String() != b.Rows[i][j].String() {
				return false
			}
		}
	}
	return true
}

func TestWriteCSVPanics(t *testing.T) {
	var buf bytes.Buffer
	mustPanic(t, "short row", func() {
		tab := Table{Columns: []string{"a", "b"}, Rows: [][]Cell{{Int(1), Int(2)}, {Int(1)}}}
		tab.WriteCSV(&buf)
	})
	mustPanic(t, "no columns", func() { (&Table{}).WriteCSV(&buf) })
	if buf.Len() != 0 {
		t.Errorf("a panicking WriteCSV wrote %q; the check must come first", buf.String())
	}
}

type failWriter struct{}

var errFail = errors.New("disk full")

func (failWriter) Write([]byte) (int, error) { return 0, errFail }

func TestWriteCSVError(t *testing.T) {
	for _, tab := range []Table{
		{Columns: []string{"a"}, Rows: [][]Cell{{Int(1)}}},
		{Columns: []string{""}},
	} {
		if err := tab.WriteCSV(failWriter{}); !errors.Is(err, errFail) {
			t.Errorf("WriteCSV to a failing writer returned %v, want %v", err, errFail)
		}
	}
}

func TestReadCSV(t *testing.T) {
	tab, err := ReadCSV(strings.NewReader("a,b\n1,x\n\"2\",\"y,z\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := &Table{Columns: []string{"a", "b"}, Rows: [][]Cell{{Str("1"), Str("x")}, {Str("2"), Str("y,z")}}}
	if !tablesEqual(tab, want) {
		t.Errorf("ReadCSV = %v, want %v", tab, want)
	}
	for _, bad := range []string{
		"",
		"\n\n",
		"a,b\n1\n",
		"a\n\"unterminated\n",
		"a\nx\"y\n",
	} {
		if _, err := ReadCSV(strings.NewReader(bad)); err == nil {
			t.Errorf("ReadCSV(%q) succeeded, want an error", bad)
		} else if !strings.HasPrefix(err.Error(), "metrics: ") {
			t.Errorf("ReadCSV(%q) error %q lacks the metrics: prefix", bad, err)
		}
	}
}

// FuzzReadCSV checks that ReadCSV never panics and that whatever it
// accepts survives a WriteCSV/ReadCSV round trip unchanged.
func FuzzReadCSV(f *testing.F) {
	for _, seed := range []string{
		"a,b\n1,2\n",
		"x\n\"\"\n",
		"a,b\n\"q\"\"uote\",\" sp\"\n",
		"a\r\nb\r\n",
		"\"multi\nline\",b\n1,2\n",
		"",
		"a,b\n1\n",
		"\"\r\"\n",
		"\\.\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		tab, err := ReadCSV(strings.NewReader(in))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := tab.WriteCSV(&buf); err != nil {
			t.Fatalf("WriteCSV: %v", err)
		}
		back, err := ReadCSV(&buf)
		if err != nil {
			t.Fatalf("ReadCSV of WriteCSV output %q: %v", buf.String(), err)
		}
		if !tablesEqual(tab, back) {
			t.Fatalf("round trip changed %q into %q", in, buf.String())
		}
	})
}
