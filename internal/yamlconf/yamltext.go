package yamlconf

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// yamlLineRE extracts the line from go.yaml.in/yaml's messages, which look
// like "yaml: line 3: mapping values are not allowed in this context".
var yamlLineRE = regexp.MustCompile(`^yaml: (?:line (\d+): )?`)

// parseYAML parses src as exactly one YAML document. It returns nil and no
// problem for an empty input (only whitespace or comments). It never panics:
// a panic inside the YAML library is reported as a problem, because a bad
// file must never crash the program.
func parseYAML(src []byte) (doc *yaml.Node, line int, msg string) {
	defer func() {
		if r := recover(); r != nil {
			doc, line, msg = nil, 0, fmt.Sprintf("invalid YAML (the parser failed: %v); check the file's syntax", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var n yaml.Node
	if err := dec.Decode(&n); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, 0, ""
		}
		line, msg := syntaxProblem(src, err)
		return nil, line, msg
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case err == nil:
		return nil, extra.Line, `a second YAML document starts here; put the whole configuration in one document (remove the "---")`
	case !errors.Is(err, io.EOF):
		line, msg := syntaxProblem(src, err)
		return nil, line, msg
	}
	return &n, 0, ""
}

// syntaxProblem turns a YAML library error into a line and a message.
func syntaxProblem(src []byte, err error) (int, string) {
	text := oneLine(err.Error())
	line := 0
	if m := yamlLineRE.FindStringSubmatch(text); m != nil {
		if m[1] != "" {
			line, _ = strconv.Atoi(m[1])
		}
		text = text[len(m[0]):]
	}
	hint := "check the indentation and quoting on this line and the one before"
	if line == 0 {
		hint = "check the file's syntax"
	}
	// Tabs in indentation are the commonest cause of baffling YAML errors,
	// and the library does not always say so (or give the line).
	for i, l := range bytes.Split(src, []byte("\n")) {
		indent := l[:len(l)-len(bytes.TrimLeft(l, " \t"))]
		if bytes.IndexByte(indent, '\t') >= 0 && (line == 0 || i+1 == line || i+2 == line) {
			hint = "indent with spaces: YAML does not allow tabs for indentation"
			if line == 0 {
				line = i + 1
			}
			break
		}
	}
	return line, fmt.Sprintf("invalid YAML: %s; %s", text, hint)
}

// isNull reports whether a scalar is YAML's null ("", "~", "null").
func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// yamlScalar renders s as a YAML scalar that reads back as exactly s (and
// not as null): plain when that is unambiguous, double-quoted otherwise. In
// a flow sequence ("[a, b]") the rules for plain scalars are stricter, hence
// flow.
func yamlScalar(s string, flow bool) string {
	if s != "" && plainOK(s, flow) {
		return s
	}
	return doubleQuote(s)
}

// plainOK asks the YAML parser itself whether s survives as a plain scalar;
// that is simpler and safer than re-implementing YAML's plain-scalar rules.
func plainOK(s string, flow bool) bool {
	if strings.ContainsAny(s, "\n\r\t\"'\\") {
		return false
	}
	src := "k: " + s
	if flow {
		src = "k: [" + s + "]"
	}
	doc, _, msg := parseYAML([]byte(src))
	if msg != "" || doc == nil || len(doc.Content) != 1 {
		return false
	}
	m := doc.Content[0]
	if m.Kind != yaml.MappingNode || len(m.Content) != 2 {
		return false
	}
	v := m.Content[1]
	if flow {
		if v.Kind != yaml.SequenceNode || len(v.Content) != 1 {
			return false
		}
		v = v.Content[0]
	}
	return v.Kind == yaml.ScalarNode && v.Style == 0 && v.Value == s && !isNull(v) && v.ShortTag() != "!!merge"
}

// doubleQuote renders s as a YAML double-quoted scalar on one line. Bytes
// that are not valid UTF-8 cannot be written in YAML at all; they become
// U+FFFD (values parsed by this package are always valid UTF-8).
func doubleQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case yamlPrintable(r):
			b.WriteRune(r)
		case r < 0x100:
			fmt.Fprintf(&b, `\x%02X`, r)
		case r < 0x10000:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			fmt.Fprintf(&b, `\U%08X`, r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// yamlPrintable is YAML's c-printable set minus the characters that YAML
// parsers treat as line breaks or byte-order marks inside scalars.
func yamlPrintable(r rune) bool {
	switch {
	case r >= 0x20 && r <= 0x7E:
		return true
	case r == 0x2028 || r == 0x2029 || r == 0xFEFF:
		return false
	case r >= 0xA0 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD, r >= 0x10000 && r <= 0x10FFFF:
		return true
	}
	return false
}
