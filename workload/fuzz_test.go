package workload

import (
	"bytes"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzParse reads every input in all three modes and checks that Parse
// never panics, that it returns either requests or one error line, and
// that what it accepts obeys the documented rules.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"a,1\nb,2\n",
		"\uFEFF# c\r\n\r\nk , v,w \r\n",
		"insert,a,1\nQUERY,a\ndelete , a\nquery,*\n",
		"query,a,b\n",
		"*,v\n",
		"a\tb,\x00\xff\n",
		"\n\n#\n",
		"x\ry,\u0085",
		"",
		"insert,k1,v1\nquery,k1\n", // issue 22: a mix file read as insert or query
		strings.Repeat("\x00", maxLine+3),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := bytes.Count(data, []byte("\n"))
		if len(data) > 0 && data[len(data)-1] != '\n' {
			lines++
		}
		for _, mode := range []Mode{ModeInsert, ModeQuery, ModeMix} {
			reqs, err := Parse(bytes.NewReader(data), "f", mode)
			if err != nil {
				if reqs != nil {
					t.Fatalf("%v: Parse returned %d requests with error %v", mode, len(reqs), err)
				}
				if msg := err.Error(); !strings.HasPrefix(msg, "f:") || strings.ContainsAny(msg, "\n\r") {
					t.Fatalf("%v: error %q is not one line starting with the name", mode, msg)
				}
				continue
			}
			if len(reqs) == 0 {
				t.Fatalf("%v: no requests and no error", mode)
			}
			prev := 0
			for _, r := range reqs {
				checkRequest(t, mode, r)
				if r.Line <= prev || r.Line > lines {
					t.Fatalf("%v: request %+v: line not in (%d, %d]", mode, r, prev, lines)
				}
				prev = r.Line
			}
		}
	})
}

func checkRequest(t *testing.T, mode Mode, r Request) {
	t.Helper()
	switch {
	case r.Kind > Delete:
		t.Fatalf("%v: request %+v: invalid kind", mode, r)
	case mode == ModeInsert && r.Kind != Insert, mode == ModeQuery && r.Kind != Query:
		t.Fatalf("%v: request %+v: wrong kind for the mode", mode, r)
	case r.Key == "" || strings.Contains(r.Key, ","):
		t.Fatalf("%v: request %+v: empty key or key with a comma", mode, r)
	case r.Key == "*" && r.Kind != Query:
		t.Fatalf("%v: request %+v: only a query may name *", mode, r)
	case (r.Kind == Insert) != (r.Value != ""):
		t.Fatalf("%v: request %+v: value must be set exactly for inserts", mode, r)
	}
	for _, s := range []string{r.Key, r.Value} {
		if !utf8.ValidString(s) || strings.TrimSpace(s) != s || strings.IndexFunc(s, unicode.IsControl) >= 0 {
			t.Fatalf("%v: request %+v: key or value not valid trimmed UTF-8 free of control characters", mode, r)
		}
	}
}

// A mix file read in insert or query mode is refused with the fix (issue
// 22): each operation used to become a key.
func TestMixFileInOtherModes(t *testing.T) {
	for _, mode := range []Mode{ModeInsert, ModeQuery} {
		_, err := Parse(strings.NewReader("insert,k1,v1\nquery,k1\n"), "f", mode)
		if err == nil || !strings.Contains(err.Error(), "f:1:") || !strings.Contains(err.Error(), "kv.request_type: mix") {
			t.Errorf("%v: err = %v", mode, err)
		}
	}
	if _, err := Parse(strings.NewReader("insert,k1,v1\nquery,k1\n"), "f", ModeMix); err != nil {
		t.Errorf("mix: %v", err)
	}
}
