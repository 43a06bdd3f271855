package shell

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is one word of a command line. quoted records whether any part of
// it was written in double quotes: a quoted "*" or "at" is plain text, not
// the query-everything marker or the at keyword.
type token struct {
	text   string
	quoted bool
}

// tokenize splits a command line into words separated by white space. A
// double-quoted part may hold white space; inside it, \" stands for a
// quote and \\ for a backslash (any other backslash is kept as written).
// Quoted and unquoted parts that touch form one word, as in a POSIX shell:
// a"b c"d is the word «ab cd». An unterminated quote is an error.
func tokenize(line string) ([]token, error) {
	var toks []token
	var b strings.Builder
	i := 0
	for i < len(line) {
		r, size := utf8.DecodeRuneInString(line[i:])
		if unicode.IsSpace(r) {
			i += size
			continue
		}
		b.Reset()
		quoted := false
		for i < len(line) {
			r, size = utf8.DecodeRuneInString(line[i:])
			if unicode.IsSpace(r) {
				break
			}
			if r != '"' {
				b.WriteString(line[i : i+size]) // the bytes as written, even if not UTF-8
				i += size
				continue
			}
			quoted = true
			open := i
			i++
			closed := false
			for i < len(line) {
				c := line[i]
				if c == '\\' && i+1 < len(line) && (line[i+1] == '"' || line[i+1] == '\\') {
					b.WriteByte(line[i+1])
					i += 2
					continue
				}
				i++
				if c == '"' {
					closed = true
					break
				}
				b.WriteByte(c)
			}
			if !closed {
				return nil, fmt.Errorf("unterminated quote: the \" at column %d of %q has no closing \"; add one (write \\\" for a quote inside a value)", utf8.RuneCountInString(line[:open])+1, line)
			}
		}
		toks = append(toks, token{text: b.String(), quoted: quoted})
	}
	return toks, nil
}

// show renders s for output: as written when it is a plain word, else
// quoted (Go syntax), so that empty strings, spaces and control characters
// stay visible and every output line stays one line.
func show(s string) string {
	if s == "" {
		return `""`
	}
	for _, r := range s {
		if r == '"' || r == '\\' || unicode.IsSpace(r) || !unicode.IsGraphic(r) || r == utf8.RuneError {
			return fmt.Sprintf("%q", s)
		}
	}
	return s
}
