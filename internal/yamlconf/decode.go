package yamlconf

import (
	"bytes"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Axis is a list-valued field: one sweep dimension.
type Axis struct {
	Path   string   // dotted path of the swept leaf, e.g. "chord.successors"
	Values []string // the values as written, in order; at least one
	Line   int      // line of the field in the config file; 0 if it came from --set
}

// Problem is one mistake found in a config file.
type Problem struct {
	File    string // the filename given to Decode
	Line    int    // 1-based; 0 if unknown
	Path    string // dotted path of the field concerned; "" if none
	Message string // the text after "file:line: ", e.g. `n: "ten" is not an integer; write ...`
}

// String renders the problem as "<file>:<line>: <message>".
func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
	}
	return p.File + ": " + p.Message
}

// Error is the error returned by Decode. It holds every problem found, so
// that a user fixes a config in one round rather than one error per run.
type Error struct {
	Problems []Problem // sorted by line; never empty
}

// MaxShown bounds the problems Error lists; a file with more (a data file
// given as a config, a paste gone wrong) gets MaxShown−1 of them and a last
// line counting the rest.
const MaxShown = 20

// Error lists the problems one per line, at most MaxShown lines.
func (e *Error) Error() string {
	var lines []string
	for i, p := range e.Problems {
		if i == MaxShown-1 && len(e.Problems) > MaxShown {
			lines = append(lines, fmt.Sprintf("and %d more problems; fix these first", len(e.Problems)-i))
			break
		}
		lines = append(lines, p.String())
	}
	return strings.Join(lines, "\n")
}

// Decode reads the YAML document src onto *cfg, a pointer to a struct that
// holds the defaults; filename is used only in messages.
//
// A scalar sets its field. A sequence of scalars in place of a scalar
// becomes an Axis (each value is parsed and validated, and the field is set
// to the first value so that validating the base config sees a plausible
// value). The axes are returned in field declaration order, not document
// order.
//
// If anything is wrong, Decode returns an *Error listing every problem and
// leaves *cfg unchanged; otherwise *cfg is updated. Decode never panics on
// any src; it panics (with a "config: " message) if cfg is not a non-nil
// pointer to a struct following the schema convention.
func Decode(src []byte, filename string, cfg any) ([]Axis, error) {
	return decode(src, filename, cfg, false)
}

// DecodePartial is Decode, except that on problems *cfg still receives
// every field that was read without one (the others keep their values), so
// that the caller can check the values' meaning in the same pass and report
// every problem at once. The axes returned are those read without a
// problem.
func DecodePartial(src []byte, filename string, cfg any) ([]Axis, error) {
	return decode(src, filename, cfg, true)
}

func decode(src []byte, filename string, cfg any, partial bool) ([]Axis, error) {
	target := structOf(cfg, "Decode", true)
	d := &decoder{
		s:      schemaOf(target.Type()),
		file:   filename,
		work:   reflect.New(target.Type()).Elem(),
		axes:   map[string]Axis{},
		active: map[*yaml.Node]bool{},
	}
	d.work.Set(target) // decode into a copy so a failed Decode changes nothing
	doc, line, msg := parseYAML(src)
	if at, ok := binaryAt(src); ok {
		// A binary file confuses the YAML parser into messages about
		// tabs or indentation; say what it is instead.
		doc, line, msg = nil, 1+bytes.Count(src[:at], []byte("\n")), fmt.Sprintf("not a YAML text file: it holds binary data (byte %d is %s); give the path of a YAML config", at, binaryByteName(src, at))
	}
	switch {
	case msg != "":
		d.problem(line, "", msg)
	case doc != nil:
		d.document(doc)
	}
	var axes []Axis
	for _, n := range d.s.leaves {
		if a, ok := d.axes[n.path]; ok {
			axes = append(axes, a)
		}
	}
	if len(d.problems) > 0 {
		sort.SliceStable(d.problems, func(i, j int) bool { return d.problems[i].Line < d.problems[j].Line })
		if partial {
			target.Set(d.work)
			return axes, &Error{Problems: d.problems}
		}
		return nil, &Error{Problems: d.problems}
	}
	target.Set(d.work)
	return axes, nil
}

// Lines maps the dotted path of every field written in the YAML document
// src to its line, so that problems found later (by a Validate) can name
// the line. It returns nil if src is not YAML.
func Lines(src []byte) map[string]int {
	doc, _, msg := parseYAML(src)
	if msg != "" || doc == nil || len(doc.Content) != 1 {
		return nil
	}
	out := map[string]int{}
	var walk func(m *yaml.Node, prefix string, depth int)
	walk = func(m *yaml.Node, prefix string, depth int) {
		m = deref(m)
		if m.Kind != yaml.MappingNode || depth > 8 {
			return
		}
		for i := 0; i+1 < len(m.Content); i += 2 {
			k := deref(m.Content[i])
			if k.Kind != yaml.ScalarNode {
				continue
			}
			path := prefix + k.Value
			if _, dup := out[path]; !dup {
				out[path] = m.Content[i].Line
			}
			walk(m.Content[i+1], path+".", depth+1)
		}
	}
	walk(doc.Content[0], "", 0)
	return out
}

// binaryAt returns the offset of the first byte that no YAML text holds: a
// NUL, another C0 control other than tab, newline and carriage return, or
// bytes that are not UTF-8.
func binaryAt(src []byte) (int, bool) {
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		if (r == utf8.RuneError && size == 1) || (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f {
			return i, true
		}
		i += size
	}
	return 0, false
}

func binaryByteName(src []byte, at int) string {
	if src[at] == 0 {
		return "NUL"
	}
	return fmt.Sprintf("0x%02x", src[at])
}

type decoder struct {
	s        *schema
	file     string
	work     reflect.Value // the struct being filled
	axes     map[string]Axis
	active   map[*yaml.Node]bool // mappings being walked, to stop recursive aliases
	problems []Problem
}

func (d *decoder) problem(line int, path, msg string) {
	d.problems = append(d.problems, Problem{File: d.file, Line: line, Path: path, Message: msg})
}

// fieldProblem reports msg about the field at path, prefixed by the path.
func (d *decoder) fieldProblem(line int, path, msg string) {
	d.problem(line, path, path+": "+msg)
}

// deref follows an alias to the anchored node. The line of the alias stays
// the place to report: that is where the user used the value.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if isNull(n) {
			return "no value"
		}
		return "the value " + quote(n.Value)
	}
	return "an unresolvable alias"
}

func (d *decoder) document(doc *yaml.Node) {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		d.problem(doc.Line, "", "unexpected YAML structure; the file must be a mapping of field names to values, such as \"n: 1024\"")
		return
	}
	root := deref(doc.Content[0])
	switch {
	case root.Kind == yaml.MappingNode:
		d.mapping(root, d.s.root, root.Line)
	case isNull(root):
		// A document with only "---" or a null: all defaults, like an empty file.
	default:
		d.problem(doc.Content[0].Line, "", fmt.Sprintf("the file must be a mapping of field names to values, such as %q; found %s", d.example(d.s.root), kindName(root)))
	}
}

// example renders "name: value" for the first field of sec, using the
// current value, to show the expected shape in messages.
func (d *decoder) example(sec *node) string {
	if len(sec.children) == 0 {
		return "name: value"
	}
	c := sec.children[0]
	if c.section {
		return c.name + ":"
	}
	return c.name + ": " + yamlScalar(c.render(d.work.FieldByIndex(c.index)), false)
}

// mapping walks the mapping m for section sec; line is where m is used
// (which differs from m.Line when m is reached through an alias).
func (d *decoder) mapping(m *yaml.Node, sec *node, line int) {
	if d.active[m] {
		d.problem(line, sec.path, fmt.Sprintf("%s: an alias refers to a mapping that contains it; YAML aliases cannot be recursive here", sec.path))
		return
	}
	d.active[m] = true
	defer delete(d.active, m)
	seen := map[string]int{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		kr := deref(k)
		if kr.Kind != yaml.ScalarNode {
			d.problem(k.Line, sec.path, fmt.Sprintf("a key must be a plain field name, found %s; write \"name: value\"", kindName(kr)))
			continue
		}
		if kr.ShortTag() == "!!merge" {
			d.problem(k.Line, sec.path, `merge keys ("<<") are not supported; write the fields out in full (plain aliases such as "n: *size" do work)`)
			continue
		}
		name := kr.Value
		path := name
		if sec.path != "" {
			path = sec.path + "." + name
		}
		if first, dup := seen[name]; dup {
			d.fieldProblem(k.Line, path, fmt.Sprintf("duplicate key (first set on line %d); keep only one of them", first))
			continue
		}
		seen[name] = k.Line
		var child *node
		for _, c := range sec.children {
			if c.name == name {
				child = c
				break
			}
		}
		if child == nil {
			d.unknown(k.Line, sec, name)
			continue
		}
		if child.section {
			d.section(child, v, k.Line)
		} else {
			d.leaf(child, v, k.Line)
		}
	}
}

func (d *decoder) unknown(line int, sec *node, name string) {
	parts := strings.Split(name, ".")
	path := name
	if sec.path != "" {
		path = sec.path + "." + name
	}
	if len(parts) > 1 {
		if n, _ := d.s.resolve(sec, parts); n != nil && n != sec {
			d.problem(line, path, fmt.Sprintf("unknown field %s; dotted names work only with --set: in the file, write %q and then %q indented on the next line",
				quote(name), parts[0]+":", strings.Join(parts[1:], ".")+": ..."))
			return
		}
	}
	d.problem(line, path, d.s.unknownMessage(sec, parts))
}

func (d *decoder) section(sec *node, v *yaml.Node, line int) {
	vr := deref(v)
	switch {
	case vr.Kind == yaml.MappingNode:
		d.mapping(vr, sec, line)
	case isNull(vr):
		// "chord:" with nothing below, e.g. after commenting out its fields.
	case vr.Kind == yaml.SequenceNode:
		d.fieldProblem(line, sec.path, fmt.Sprintf("expected a section of fields, found a list; a whole section cannot be swept: put the list on a field inside it, such as %q", "  "+d.example(sec)))
	default:
		d.fieldProblem(line, sec.path, fmt.Sprintf("expected a section of fields, found %s; write its fields on the lines below, indented, such as %q", kindName(vr), "  "+d.example(sec)))
	}
}

// styleProblem refuses what YAML would read differently from the value
// taken: a tag (YAML would give "!foo 16" another type, which this schema
// ignores), and a quoted number or boolean (YAML reads "16" as text, so a
// file meant for other YAML tools would disagree with chordsim).
func (n *node) styleProblem(v *yaml.Node) string {
	if v.Style&yaml.TaggedStyle != 0 {
		return fmt.Sprintf("the tag %s is not used in a config; remove it and write the plain value, such as %q", quote(v.Tag), n.name+": "+yamlScalar(v.Value, false))
	}
	if v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		what := "a number"
		switch n.kind {
		case kindBool:
			what = "a boolean"
			fallthrough
		case kindInt, kindUint, kindFloat:
			return fmt.Sprintf("%s is quoted, so YAML reads it as text, not %s; write it without quotes, such as %q", quote(v.Value), what, n.name+": "+strings.TrimSpace(v.Value))
		}
	}
	return ""
}

// listExample is a sample sweep list for n, for hints.
func (d *decoder) listExample(n *node) string {
	switch {
	case len(n.enum) > 1:
		return "[" + n.enum[0] + ", " + n.enum[1] + "]"
	case n.kind == kindBool:
		return "[true, false]"
	case n.kind == kindInt || n.kind == kindUint:
		return "[64, 128]"
	case n.kind == kindFloat:
		return "[0.1, 0.5]"
	}
	return "[" + yamlScalar(n.render(d.work.FieldByIndex(n.index)), true) + ", ...]"
}

func (d *decoder) leaf(n *node, v *yaml.Node, line int) {
	vr := deref(v)
	current := n.render(d.work.FieldByIndex(n.index))
	switch {
	case isNull(vr):
		d.fieldProblem(line, n.path, fmt.Sprintf("no value given; write one, such as %q, or delete the line to keep the default", n.name+": "+yamlScalar(current, false)))
	case vr.Kind == yaml.ScalarNode:
		val, msg := n.parse(vr.Value)
		if msg == "" {
			msg = n.styleProblem(vr)
		}
		if msg != "" {
			d.fieldProblem(v.Line, n.path, msg)
			return
		}
		d.work.FieldByIndex(n.index).Set(val)
	case vr.Kind == yaml.SequenceNode:
		d.list(n, vr, line)
	case vr.Kind == yaml.MappingNode:
		d.fieldProblem(line, n.path, fmt.Sprintf("expected a single value, found a mapping; write it on one line, such as %q", n.name+": "+yamlScalar(current, false)))
	default:
		d.fieldProblem(line, n.path, fmt.Sprintf("expected a single value, found %s", kindName(vr)))
	}
}

// list turns a sequence written for leaf n into an Axis.
func (d *decoder) list(n *node, seq *yaml.Node, line int) {
	if !n.sweep {
		d.fieldProblem(line, n.path, fmt.Sprintf("cannot be swept (it is fixed for the whole experiment); give a single value, such as %q",
			n.name+": "+yamlScalar(n.render(d.work.FieldByIndex(n.index)), false)))
		return
	}
	if len(seq.Content) == 0 {
		d.fieldProblem(line, n.path, fmt.Sprintf("empty list; a sweep needs at least one value, such as %q", n.name+": "+d.listExample(n)))
		return
	}
	bad := false
	values := make([]string, 0, len(seq.Content))
	var first reflect.Value
	seen := map[string]int{}
	for i, e := range seq.Content {
		er := deref(e)
		switch {
		case er.Kind != yaml.ScalarNode:
			d.fieldProblem(e.Line, n.path, fmt.Sprintf("a sweep list holds single values, but item %d is %s; write a flat list such as %q", i+1, kindName(er), n.name+": "+d.listExample(n)))
			bad = true
			continue
		case isNull(er):
			d.fieldProblem(e.Line, n.path, fmt.Sprintf("item %d of the sweep list is empty; remove it or write a value", i+1))
			bad = true
			continue
		}
		val, msg := n.parse(er.Value)
		if msg == "" {
			msg = n.styleProblem(er)
		}
		if msg != "" {
			d.fieldProblem(e.Line, n.path, msg)
			bad = true
			continue
		}
		canon := n.render(val)
		if at, dup := seen[canon]; dup {
			d.fieldProblem(e.Line, n.path, fmt.Sprintf("%s is listed twice in the sweep (items %d and %d); remove one", quote(er.Value), at, i+1))
			bad = true
			continue
		}
		seen[canon] = i + 1
		if len(values) == 0 {
			first = val
		}
		values = append(values, er.Value)
	}
	if bad {
		return
	}
	d.work.FieldByIndex(n.index).Set(first)
	d.axes[n.path] = Axis{Path: n.path, Values: values, Line: line}
}
