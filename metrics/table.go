package metrics

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// cellKind says which field of a Cell is meaningful.
type cellKind uint8

const (
	kindStr cellKind = iota // the zero Cell is the empty string
	kindInt
	kindFloat
)

// Cell is one field of a [Table]: an int64, a float64 or a string. Build it
// with [Int], [Float] or [Str]; the zero Cell is the empty string.
type Cell struct {
	kind cellKind
	i    int64
	f    float64
	s    string
}

// Int returns a Cell holding the integer v.
func Int(v int64) Cell { return Cell{kind: kindInt, i: v} }

// Float returns a Cell holding the float v.
func Float(v float64) Cell { return Cell{kind: kindFloat, f: v} }

// Str returns a Cell holding the string v.
func Str(v string) Cell { return Cell{kind: kindStr, s: v} }

// String returns the text written to CSV for c.
//
// Integers are written in decimal. Floats are rounded to 10 significant
// digits and, for magnitudes in [1e-6, 1e15), written as plain decimals with
// trailing zeros removed (5.85, 0.0093, 1048576, never 1.048576e+06);
// outside that range strconv's exponent form is used (1e-07, 1.5e+20).
// NaN is written as the empty string (a missing value), +Inf as "inf",
// -Inf as "-inf" and -0 as "0". Strings are written unchanged.
func (c Cell) String() string {
	switch c.kind {
	case kindInt:
		return strconv.FormatInt(c.i, 10)
	case kindFloat:
		return formatCSVFloat(c.f)
	}
	return c.s
}

// Table is a rectangular table of cells with named columns, written as CSV
// with a header row.
type Table struct {
	Columns []string
	Rows    [][]Cell
}

// WriteCSV writes t to w as RFC 4180 CSV (comma separated, "\n" line ends),
// the header row first. It panics if t has no columns or a row's length
// differs from len(t.Columns), both of which are bugs in the caller.
func (t *Table) WriteCSV(w io.Writer) error {
	if len(t.Columns) == 0 {
		panic("metrics: Table.WriteCSV with no columns")
	}
	for i, row := range t.Rows {
		if len(row) != len(t.Columns) {
			panic(fmt.Sprintf("metrics: Table.WriteCSV: row %d has %d cells, want %d", i, len(row), len(t.Columns)))
		}
	}
	cw := csv.NewWriter(w)
	if err := writeRecord(cw, w, t.Columns); err != nil {
		return err
	}
	rec := make([]string, len(t.Columns))
	for _, row := range t.Rows {
		for j, c := range row {
			rec[j] = c.String()
		}
		if err := writeRecord(cw, w, rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeRecord writes one record. encoding/csv writes a record consisting of
// a single empty field as an empty line, which every CSV reader (including
// encoding/csv) skips, silently dropping the row. Such records are written
// as `""` instead, which reads back as one empty field.
func writeRecord(cw *csv.Writer, w io.Writer, rec []string) error {
	if len(rec) == 1 && rec[0] == "" {
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		_, err := io.WriteString(w, "\"\"\n")
		return err
	}
	return cw.Write(rec)
}

// ReadCSV reads a CSV table with a header row, as written by
// [Table.WriteCSV]. All cells are returned as strings ([Str]); callers parse
// the columns they need. It returns an error if the input is empty, is not
// valid CSV, or has rows of differing lengths.
func ReadCSV(r io.Reader) (*Table, error) {
	cr := csv.NewReader(r)
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("metrics: read CSV: %w", err)
	}
	if len(recs) == 0 {
		return nil, errors.New("metrics: read CSV: no header row")
	}
	t := &Table{Columns: recs[0], Rows: make([][]Cell, 0, len(recs)-1)}
	for _, rec := range recs[1:] {
		row := make([]Cell, len(rec))
		for j, s := range rec {
			row[j] = Str(s)
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}
