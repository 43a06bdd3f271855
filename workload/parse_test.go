package workload

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
)

func TestParseGood(t *testing.T) {
	long := strings.Repeat("k", maxLine)
	ins := func(key, value string, line int) Request { return Request{Insert, key, value, line} }
	qry := func(key string, line int) Request { return Request{Query, key, "", line} }
	del := func(key string, line int) Request { return Request{Delete, key, "", line} }
	tests := []struct {
		name string
		mode Mode
		in   string
		want []Request
	}{
		{"insert basic", ModeInsert, "a,1\nb,2\n", []Request{ins("a", "1", 1), ins("b", "2", 2)}},
		{"insert no final newline", ModeInsert, "a,1\nb,2", []Request{ins("a", "1", 1), ins("b", "2", 2)}},
		{"insert comments and blank lines", ModeInsert, "# header\n\na,1\n   \n  # indented\n\t\nb,2\n#",
			[]Request{ins("a", "1", 3), ins("b", "2", 7)}},
		{"insert CRLF", ModeInsert, "a,1\r\n\r\nb,2\r\n", []Request{ins("a", "1", 1), ins("b", "2", 3)}},
		{"insert BOM", ModeInsert, "\uFEFFa,1\n", []Request{ins("a", "1", 1)}},
		{"insert BOM then comment", ModeInsert, "\uFEFF# c\r\na,1\r\n", []Request{ins("a", "1", 2)}},
		{"insert commas in value", ModeInsert, "Hey Jude,The Beatles, 1968\nx,,\n",
			[]Request{ins("Hey Jude", "The Beatles, 1968", 1), ins("x", ",", 2)}},
		{"insert whitespace trimmed", ModeInsert, "  a b  ,  x y  \n\ta\t,\tv\t\n",
			[]Request{ins("a b", "x y", 1), ins("a", "v", 2)}},
		{"insert hash not first", ModeInsert, "a#,#1\n", []Request{ins("a#", "#1", 1)}},
		{"insert unicode", ModeInsert, "ключ,значение ☃\n", []Request{ins("ключ", "значение ☃", 1)}},
		{"insert line of maximal length", ModeInsert, "k," + long[2:] + "\r\n", []Request{ins("k", long[2:], 1)}},

		{"query bare keys", ModeQuery, "a\nb c\n", []Request{qry("a", 1), qry("b c", 2)}},
		{"query replays insert file", ModeQuery, "a,1\n b , 2, 3\nc,\n",
			[]Request{qry("a", 1), qry("b", 2), qry("c", 3)}},
		{"query all", ModeQuery, " * \n", []Request{qry("*", 1)}},
		{"query comments CRLF BOM", ModeQuery, "\uFEFF\r\n# c\r\na\r\n", []Request{qry("a", 3)}},
		{"query line of maximal length", ModeQuery, long + "\n", []Request{qry(long, 1)}},

		{"mix ops", ModeMix, "insert,a,1\nquery,a\ndelete,a\nquery,*\n",
			[]Request{ins("a", "1", 1), qry("a", 2), del("a", 3), qry("*", 4)}},
		{"mix case and spaces", ModeMix, " INSERT , a , x, y \r\nQuery,a\r\n\r\nDeLeTe , a\r\n",
			[]Request{ins("a", "x, y", 1), qry("a", 2), del("a", 4)}},
		{"mix comments BOM", ModeMix, "\uFEFF# ops\n\n  #insert,a,1\ninsert,b,2",
			[]Request{ins("b", "2", 4)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tt.in), "w.txt", tt.mode)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

// lineErr is the shape of an error about one line.
var lineErr = regexp.MustCompile(`^songs\.txt:(\d+): [^\n]+ \(the line was "[^\n]*"\); [^\n]+$`)

func TestParseBad(t *testing.T) {
	tests := []struct {
		name   string
		mode   Mode
		in     string
		line   int
		phrase string
	}{
		{"insert missing value", ModeInsert, "a,1\nb\n", 2, "missing value"},
		{"insert missing value hint", ModeInsert, "b\n", 1, "kv.request_type: query"},
		{"insert empty value", ModeInsert, "a,\n", 1, "empty value"},
		{"insert blank value", ModeInsert, "a, \t \r\n", 1, "empty value"},
		{"insert empty key", ModeInsert, "# c\n\n , v\n", 3, "empty key"},
		{"insert star", ModeInsert, "*,v\n", 1, "'*' is reserved for query-all"},
		{"insert control in key", ModeInsert, "a\tb,v\n", 1, "key contains control character U+0009"},
		{"insert control in value", ModeInsert, "a,x\x01y\n", 1, "value contains control character U+0001"},
		{"insert lone CR in value", ModeInsert, "a,x\ry\r\n", 1, "control character U+000D"},
		{"insert C1 control", ModeInsert, "a,x\u0085y\n", 1, "control character U+0085"},
		{"insert invalid UTF-8 key", ModeInsert, "\xff,v\n", 1, "key is not valid UTF-8"},
		{"insert invalid UTF-8 value", ModeInsert, "k,v\xc3\n", 1, "value is not valid UTF-8"},
		{"insert first error wins", ModeInsert, "a,1\n,b\nc\n", 2, "empty key"},
		{"insert BOM only at start", ModeInsert, "a,1\n\uFEFF\n", 2, "missing value"},
		{"insert error after BOM", ModeInsert, "\uFEFF,v\n", 1, `(the line was ",v")`},

		{"query empty key", ModeQuery, "a\n ,x\n", 2, "empty key"},
		{"query DEL", ModeQuery, "a\x7f\n", 1, "control character U+007F"},
		{"query invalid UTF-8", ModeQuery, "\xfe\xff\n", 1, "not valid UTF-8"},

		{"mix unknown op", ModeMix, "upsert,a,1\n", 1, `unknown operation "upsert"`},
		{"mix unknown op lists valid", ModeMix, "get,a\n", 1, "insert, query or delete"},
		{"mix insert file", ModeMix, "a,1\n", 1, "kv.request_type: insert"},
		{"mix query extra", ModeMix, "query,a,b\n", 1, "query takes only a key (the line was \"query,a,b\"); write query,KEY"},
		{"mix delete extra", ModeMix, "delete,a,\n", 1, "delete takes only a key (the line was \"delete,a,\"); write delete,KEY"},
		{"mix insert no value", ModeMix, "insert,a\n", 1, "missing value"},
		{"mix insert alone", ModeMix, "insert\n", 1, "missing key and value"},
		{"mix insert empty value", ModeMix, "insert,a, \n", 1, "empty value"},
		{"mix insert empty key", ModeMix, "insert, ,v\n", 1, "write insert,KEY,VALUE with a non-empty key"},
		{"mix query alone", ModeMix, "query\n", 1, "write query,KEY with a non-empty key"},
		{"mix delete star", ModeMix, "delete,*\n", 1, "'*' is reserved"},
		{"mix insert star", ModeMix, "insert,*,v\n", 1, "'*' is reserved"},
		{"mix control in value", ModeMix, "insert,a,b\x00c\n", 1, "U+0000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tt.in), "songs.txt", tt.mode)
			if err == nil || got != nil {
				t.Fatalf("Parse = %+v, %v; want nil and an error", got, err)
			}
			m := lineErr.FindStringSubmatch(err.Error())
			if m == nil {
				t.Fatalf("error %q is not of the form songs.txt:LINE: what (the line was \"…\"); fix", err)
			}
			if m[1] != strconv.Itoa(tt.line) {
				t.Errorf("error %q: line %s, want %d", err, m[1], tt.line)
			}
			if !strings.Contains(err.Error(), tt.phrase) {
				t.Errorf("error %q does not contain %q", err, tt.phrase)
			}
		})
	}
}

// TestParseBadFile covers errors that are about the file, not one line.
func TestParseBadFile(t *testing.T) {
	errBoom := errors.New("boom")
	tests := []struct {
		name   string
		mode   Mode
		in     io.Reader
		prefix string
		phrase string
	}{
		{"empty", ModeInsert, strings.NewReader(""), "songs.txt: ", "no requests (the file is empty); add lines of the form KEY,VALUE"},
		{"BOM only", ModeQuery, strings.NewReader("\uFEFF"), "songs.txt: ", "no requests"},
		{"comments only", ModeMix, strings.NewReader("# a\n\n  \r\n"), "songs.txt: ", "no requests (all 3 lines are blank or comments)"},
		{"long line", ModeQuery, strings.NewReader("a\n" + strings.Repeat("k", maxLine+1) + "\n"), "songs.txt:2: ", "longer than 1 MiB"},
		{"long line CRLF", ModeQuery, strings.NewReader(strings.Repeat("k", maxLine+1) + "\r\n"), "songs.txt:1: ", "longer than 1 MiB"},
		{"very long line", ModeInsert, strings.NewReader("a,1\n\n" + strings.Repeat("k", 3*maxLine)), "songs.txt:3: ", "longer than 1 MiB"},
		{"read error", ModeInsert, io.MultiReader(strings.NewReader("a,1\n"), iotest.ErrReader(errBoom)), "songs.txt:2: ", "read failed: boom"},
		{"unknown mode", Mode(7), strings.NewReader("a,1\n"), "songs.txt: ", "unknown mode Mode(7)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in, "songs.txt", tt.mode)
			if err == nil || got != nil {
				t.Fatalf("Parse = %+v, %v; want nil and an error", got, err)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, tt.prefix) || !strings.Contains(msg, tt.phrase) || strings.Contains(msg, "\n") {
				t.Errorf("error %q: want one line starting %q containing %q", msg, tt.prefix, tt.phrase)
			}
		})
	}
	_, err := Parse(io.MultiReader(strings.NewReader("a,1\n"), iotest.ErrReader(errBoom)), "x", ModeInsert)
	if !errors.Is(err, errBoom) {
		t.Errorf("read error %v does not wrap the reader's error", err)
	}
}

func TestParseQuotesLine(t *testing.T) {
	line := strings.Repeat("é", 100) + "\tx,v"
	_, err := Parse(strings.NewReader(line), "songs.txt", ModeInsert)
	want := `(the line was "` + strings.Repeat("é", 60) + `…")`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v does not contain %s", err, want)
	}
	for _, tt := range []struct{ in, want string }{
		{"", `""`},
		{"a\tb\x00", `"a\tb\x00"`},
		{"\xff" + strings.Repeat("x", 59), `"\xff` + strings.Repeat("x", 59) + `"`},
		{"\xff" + strings.Repeat("x", 60), `"\xff` + strings.Repeat("x", 59) + `…"`},
	} {
		if got := quote(tt.in); got != tt.want {
			t.Errorf("quote(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestParseFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ops.csv")
	if err := os.WriteFile(path, []byte("insert,a,1\nquery,a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := ParseFile(path, ModeMix)
	want := []Request{{Insert, "a", "1", 1}, {Query, "a", "", 2}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("ParseFile = %v, %v; want %v", got, err, want)
	}
	if err := os.WriteFile(path, []byte("a,1\nb\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ParseFile(path, ModeInsert); err == nil || !strings.HasPrefix(err.Error(), path+":2: missing value") {
		t.Errorf("ParseFile of a bad file: error %v does not start with %s:2: missing value", err, path)
	}

	missing := filepath.Join(t.TempDir(), "missing.csv")
	got, err = ParseFile(missing, ModeInsert)
	if got != nil || err == nil || !strings.Contains(err.Error(), missing) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ParseFile(missing) = %v, %v; want nil and a not-exist error naming %s", got, err, missing)
	}
}

func TestParseMode(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Mode
	}{{"insert", ModeInsert}, {"QUERY", ModeQuery}, {" Mix ", ModeMix}} {
		if got, err := ParseMode(tt.in); got != tt.want || err != nil {
			t.Errorf("ParseMode(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, m := range []Mode{ModeInsert, ModeQuery, ModeMix} {
		if got, err := ParseMode(m.String()); got != m || err != nil {
			t.Errorf("ParseMode(%q) = %v, %v; want %v", m, got, err, m)
		}
	}
	_, err := ParseMode("mixed")
	if err == nil || !strings.Contains(err.Error(), `"mixed"`) || !strings.Contains(err.Error(), "insert, query, mix") {
		t.Errorf(`ParseMode("mixed") error %v should name the value and list insert, query, mix`, err)
	}
	if got := Mode(9).String(); got != "Mode(9)" {
		t.Errorf("Mode(9).String() = %q", got)
	}
}

func TestKindString(t *testing.T) {
	for k, want := range map[Kind]string{Insert: "insert", Query: "query", Delete: "delete", 3: "Kind(3)"} {
		if got := k.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", k, got, want)
		}
	}
}
