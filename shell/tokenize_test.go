package shell

import (
	"reflect"
	"strings"
	"testing"
)

func TestTokenize(t *testing.T) {
	for _, c := range []struct {
		line   string
		want   []string
		quoted []bool
	}{
		{"", nil, nil},
		{"   \t ", nil, nil},
		{"insert song1 artist1", []string{"insert", "song1", "artist1"}, []bool{false, false, false}},
		{"  query\tsong1  ", []string{"query", "song1"}, []bool{false, false}},
		{`insert k "Led Zeppelin"`, []string{"insert", "k", "Led Zeppelin"}, []bool{false, false, true}},
		{`insert k "say \"hi\""`, []string{"insert", "k", `say "hi"`}, []bool{false, false, true}},
		{`insert k "back\\slash"`, []string{"insert", "k", `back\slash`}, []bool{false, false, true}},
		{`insert k "a\nb"`, []string{"insert", "k", `a\nb`}, []bool{false, false, true}}, // other escapes stay as written
		{`insert k ""`, []string{"insert", "k", ""}, []bool{false, false, true}},
		{`a"b c"d e`, []string{"ab cd", "e"}, []bool{true, false}},
		{`query "*"`, []string{"query", "*"}, []bool{false, true}},
		{`x\y`, []string{`x\y`}, []bool{false}}, // backslash outside quotes is literal
		{"naïve café", []string{"naïve", "café"}, []bool{false, false}},
		{"a\xffb c", []string{"a\xffb", "c"}, []bool{false, false}},
		{"a\u00a0b", []string{"a", "b"}, []bool{false, false}}, // Unicode space separates
		{`"# not a comment"`, []string{"# not a comment"}, []bool{true}},
	} {
		toks, err := tokenize(c.line)
		if err != nil {
			t.Errorf("%q: %v", c.line, err)
			continue
		}
		var got []string
		var quoted []bool
		for _, tk := range toks {
			got = append(got, tk.text)
			quoted = append(quoted, tk.quoted)
		}
		if !reflect.DeepEqual(got, c.want) || !reflect.DeepEqual(quoted, c.quoted) {
			t.Errorf("%q: got %q %v, want %q %v", c.line, got, quoted, c.want, c.quoted)
		}
	}
}

func TestTokenizeUnterminated(t *testing.T) {
	for _, c := range []struct {
		line string
		col  string
	}{
		{`"abc`, "column 1 "},
		{`insert k "abc`, "column 10 "},
		{`insert k "abc\"`, "column 10 "},
		{`insert k "ok" "bad`, "column 15 "},
		{`é "x`, "column 3 "},
		{`insert k "abc\`, "column 10 "},
	} {
		_, err := tokenize(c.line)
		if err == nil || !strings.Contains(err.Error(), "unterminated quote") || !strings.Contains(err.Error(), c.col) {
			t.Errorf("%q: %v, want an unterminated quote at %s", c.line, err, c.col)
		}
	}
}

func TestShow(t *testing.T) {
	for in, want := range map[string]string{
		"song1":          "song1",
		"127.0.0.1:5001": "127.0.0.1:5001",
		"":               `""`,
		"a b":            `"a b"`,
		`a"b`:            `"a\"b"`,
		"a\nb":           `"a\nb"`,
		"\xff":           `"\xff"`,
		"café":           "café",
	} {
		if got := show(in); got != want {
			t.Errorf("show(%q) = %s, want %s", in, got, want)
		}
	}
}

// FuzzTokenize: tokenizing never panics, and rendering the words with
// quotes where needed and tokenizing again gives the same words when they
// are valid text.
func FuzzTokenize(f *testing.F) {
	for _, s := range []string{`insert k "a b"`, `"x\"y\\z"`, `a"b c"d`, `"`, `\`, "\xff\"", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		toks, err := tokenize(line)
		if err != nil {
			if !strings.Contains(err.Error(), "unterminated quote") || strings.ContainsAny(err.Error(), "\n\r") {
				t.Fatalf("%q: bad error %q", line, err)
			}
			return
		}
		var parts []string
		for _, tk := range toks {
			if tk.text == "" && !tk.quoted {
				t.Fatalf("%q: an empty unquoted word", line)
			}
			parts = append(parts, `"`+strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(tk.text)+`"`)
		}
		again, err := tokenize(strings.Join(parts, " "))
		if err != nil {
			t.Fatalf("%q: requoted words do not tokenize: %v", line, err)
		}
		if len(again) != len(toks) {
			t.Fatalf("%q: %d words, %d after requoting", line, len(toks), len(again))
		}
		for i := range toks {
			if again[i].text != toks[i].text {
				t.Fatalf("%q: word %d %q became %q", line, i, toks[i].text, again[i].text)
			}
		}
	})
}
