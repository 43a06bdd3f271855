package yamlconf

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ParseSet parses a --set argument. Two forms are accepted:
//
//	path=value          one value, taken literally (no quoting or escapes)
//	path=[v1, v2, ...]  a sweep axis, written as a YAML flow list, so an
//	                    item containing a comma can be quoted: ["a,b", c]
//
// Spaces around the path and the value are ignored. A value that starts
// with '[' is always read as a list (there is no other way to spell a list
// on a command line, and a bare "v1,v2" would be ambiguous for text fields);
// a one-item list is the same as a plain value, so values has length one
// exactly when no sweep was asked for. ParseSet checks only the syntax;
// [Apply] or [Set] check the path and the values against a config.
func ParseSet(arg string) (path string, values []string, err error) {
	eq := strings.IndexByte(arg, '=')
	if eq < 0 {
		return "", nil, fmt.Errorf(`missing "="; write path=value, such as n=1024, or path=[v1, v2] for a sweep`)
	}
	path, value := strings.TrimSpace(arg[:eq]), strings.TrimSpace(arg[eq+1:])
	if path == "" {
		return "", nil, fmt.Errorf(`missing field name before "="; write path=value, such as n=1024`)
	}
	for _, p := range strings.Split(path, ".") {
		if !validName(p) {
			return "", nil, fmt.Errorf("%s is not a field path; write dotted field names such as chord.successors", quote(path))
		}
	}
	if !strings.HasPrefix(value, "[") {
		return path, []string{value}, nil
	}
	values, msg := parseFlowList(value)
	if msg != "" {
		return "", nil, fmt.Errorf("%s: %s", path, msg)
	}
	return path, values, nil
}

// parseFlowList parses "[v1, v2, ...]" into its items.
func parseFlowList(s string) ([]string, string) {
	const how = "write a sweep as [v1, v2, ...]"
	doc, _, msg := parseYAML([]byte(s))
	if msg != "" {
		msg = strings.TrimPrefix(msg, "invalid YAML: ")
		if i := strings.LastIndex(msg, "; "); i >= 0 {
			msg = msg[:i] // drop the hint about files and lines
		}
		return nil, fmt.Sprintf("malformed list %s (%s); %s", quote(s), msg, how)
	}
	if doc == nil || len(doc.Content) != 1 {
		return nil, fmt.Sprintf("malformed list %s; %s", quote(s), how)
	}
	seq := deref(doc.Content[0])
	if seq.Kind != yaml.SequenceNode {
		return nil, fmt.Sprintf("malformed list %s; %s", quote(s), how)
	}
	if len(seq.Content) == 0 {
		return nil, "empty list; a sweep needs at least one value, such as [64, 128]"
	}
	values := make([]string, 0, len(seq.Content))
	for i, e := range seq.Content {
		e = deref(e)
		switch {
		case e.Kind != yaml.ScalarNode:
			return nil, fmt.Sprintf("a sweep list holds single values, but item %d is %s; write a flat list such as [64, 128]", i+1, kindName(e))
		case isNull(e):
			return nil, fmt.Sprintf("item %d of the sweep list is empty; remove it or write a value", i+1)
		}
		values = append(values, e.Value)
	}
	return values, ""
}

// lookup finds the leaf at path, or explains why there is none.
func (s *schema) lookup(path string) (*node, error) {
	parts := strings.Split(path, ".")
	n, i := s.resolve(s.root, parts)
	switch {
	case n == nil && i > 0 && !s.byPath[strings.Join(parts[:i], ".")].section:
		leaf := strings.Join(parts[:i], ".")
		return nil, fmt.Errorf("unknown field %s; %s is a single value with no fields below it", quote(path), quote(leaf))
	case n == nil:
		sec := s.root
		if i > 0 {
			sec = s.byPath[strings.Join(parts[:i], ".")]
		}
		return nil, errors.New(s.unknownMessage(sec, parts[i:]))
	case n.section:
		ex := "section.field"
		if len(n.children) > 0 {
			ex = n.children[0].path
		}
		return nil, fmt.Errorf("%s is a section, not a field; set one of its fields, such as %s", quote(path), quote(ex))
	}
	return n, nil
}

// Apply sets the field at the dotted path of *cfg from text, as --set,
// --seed and sweep points do. Errors name the path and the value, such as
// `n: "ten" is not an integer; write a whole number such as 1024` or
// `unknown field "chord.successor"; did you mean "chord.successors"?`; the
// caller adds where the text came from (e.g. "--set n=ten: "). Apply does not
// check the sweep tag: sweep points are applied with it.
func Apply(cfg any, path string, value string) error {
	v := structOf(cfg, "Apply", true)
	n, err := schemaOf(v.Type()).lookup(path)
	if err != nil {
		return err
	}
	val, msg := n.parse(value)
	if msg != "" {
		return fmt.Errorf("%s: %s", n.path, msg)
	}
	v.FieldByIndex(n.index).Set(val)
	return nil
}

// Set applies one parsed --set (see [ParseSet]) to *cfg and to the axes from
// [Decode], and returns the new axes, in field declaration order; axes is
// not modified. One value sets the field and drops any axis on that path
// (the command line overrides a sweep in the file). Several values validate
// each, set the field to the first, and add or replace the axis for path
// (with Line 0); that is an error on a field tagged sweep:"no". On error
// *cfg is unchanged.
func Set(cfg any, axes []Axis, path string, values []string) ([]Axis, error) {
	v := structOf(cfg, "Set", true)
	s := schemaOf(v.Type())
	n, err := s.lookup(path)
	if err != nil {
		return nil, err
	}
	var kept []Axis
	for _, a := range axes {
		if a.Path != n.path {
			kept = append(kept, a)
		}
	}
	switch len(values) {
	case 0:
		return nil, fmt.Errorf("%s: no value given; write %s=value", n.path, n.path)
	case 1:
		if err := Apply(cfg, n.path, values[0]); err != nil {
			return nil, err
		}
		return kept, nil
	}
	if !n.sweep {
		return nil, fmt.Errorf("%s cannot be swept (it is fixed for the whole experiment); give a single value, such as %s=%s", n.path, n.path, n.render(v.FieldByIndex(n.index)))
	}
	var first reflect.Value
	seen := map[string]int{}
	for i, text := range values {
		val, msg := n.parse(text)
		if msg != "" {
			return nil, fmt.Errorf("%s: %s", n.path, msg)
		}
		canon := n.render(val)
		if at, dup := seen[canon]; dup {
			return nil, fmt.Errorf("%s: %s is listed twice in the sweep (items %d and %d); remove one", n.path, quote(text), at, i+1)
		}
		seen[canon] = i + 1
		if i == 0 {
			first = val
		}
	}
	v.FieldByIndex(n.index).Set(first)
	kept = append(kept, Axis{Path: n.path, Values: append([]string(nil), values...)})
	order := map[string]int{}
	for i, l := range s.leaves {
		order[l.path] = i
	}
	sort.SliceStable(kept, func(i, j int) bool { return order[kept[i].Path] < order[kept[j].Path] })
	return kept, nil
}
