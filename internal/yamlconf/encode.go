package yamlconf

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// Field describes one leaf of a config struct.
type Field struct {
	Path    string   // dotted YAML path, e.g. "chord.stabilize_every"
	Doc     string   // the doc tag
	Unit    string   // the unit tag; "" if none
	Enum    []string // the allowed values from the enum tag; nil if any value is allowed
	Type    string   // "string", "bool", "int", "uint", "float", or the Go type name of a TextUnmarshaler (e.g. "Duration")
	Default string   // the value in the struct passed to Fields, rendered as text
	Sweep   bool     // false if tagged sweep:"no"
}

// Fields lists the leaves of cfg (a struct holding the defaults, or a
// pointer to one) in declaration order, depth-first.
func Fields(cfg any) []Field {
	v := structOf(cfg, "Fields", false)
	s := schemaOf(v.Type())
	out := make([]Field, len(s.leaves))
	for i, n := range s.leaves {
		out[i] = Field{
			Path:    n.path,
			Doc:     n.doc,
			Unit:    n.unit,
			Enum:    append([]string(nil), n.enum...),
			Type:    n.typeName,
			Default: n.render(v.FieldByIndex(n.index)),
			Sweep:   n.sweep,
		}
		if len(n.enum) == 0 {
			out[i].Enum = nil
		}
	}
	return out
}

// comment is the text of the comment line above leaf n in Encode's output.
func (n *node) comment() string {
	c := n.doc
	if n.unit != "" {
		c += " (" + n.unit + ")"
	}
	if len(n.enum) > 0 {
		c += "; one of " + strings.Join(n.enum, "|")
	}
	return c
}

// Encode renders cfg (a struct or a pointer to one) as YAML with every
// field, defaults included, nested like the struct; each leaf is preceded by
// a comment "# <doc> (<unit>)" and its enum choices, if any. Fields that are
// sweep axes are rendered as flow lists of the axis values, [a, b, c]. The
// output is deterministic and decodes back to the same config and axes.
// Encode panics (with "config: ") if an axis names no leaf of cfg, names a
// sweep:"no" leaf, is repeated, or is empty: axes come from Decode or Set,
// which never produce such axes, so that is a programmer error.
func Encode(cfg any, axes []Axis) []byte {
	v := structOf(cfg, "Encode", false)
	s := schemaOf(v.Type())
	byPath := map[string]Axis{}
	for _, a := range axes {
		n := s.byPath[a.Path]
		switch {
		case n == nil || n.section:
			panic(fmt.Sprintf("config: Encode: axis %q is not a field of %s", a.Path, v.Type()))
		case !n.sweep:
			panic(fmt.Sprintf("config: Encode: axis %q is on a field tagged sweep:\"no\"", a.Path))
		case len(a.Values) == 0:
			panic(fmt.Sprintf("config: Encode: axis %q has no values", a.Path))
		}
		if _, dup := byPath[a.Path]; dup {
			panic(fmt.Sprintf("config: Encode: two axes for %q", a.Path))
		}
		byPath[a.Path] = a
	}
	var b strings.Builder
	encodeSection(&b, s.root, v, "", byPath)
	return []byte(b.String())
}

func encodeSection(b *strings.Builder, sec *node, v reflect.Value, indent string, axes map[string]Axis) {
	prevSection := false
	for i, n := range sec.children {
		// Blank lines around sections make the nesting easy to see.
		if i > 0 && (n.section || prevSection) {
			b.WriteString("\n")
		}
		prevSection = n.section
		if n.section {
			if n.doc != "" {
				b.WriteString(indent + "# " + n.doc + "\n")
			}
			if len(n.children) == 0 {
				b.WriteString(indent + n.name + ": {}\n")
				continue
			}
			b.WriteString(indent + n.name + ":\n")
			encodeSection(b, n, v, indent+"  ", axes)
			continue
		}
		b.WriteString(indent + "# " + n.comment() + "\n")
		b.WriteString(indent + n.name + ": ")
		if a, ok := axes[n.path]; ok {
			q := make([]string, len(a.Values))
			for j, val := range a.Values {
				q[j] = yamlScalar(val, true)
			}
			b.WriteString("[" + strings.Join(q, ", ") + "]\n")
			continue
		}
		b.WriteString(yamlScalar(n.render(v.FieldByIndex(n.index)), false) + "\n")
	}
}

// mdCell escapes text for a Markdown table cell.
func mdCell(s string) string {
	return strings.ReplaceAll(s, "|", `\|`)
}

// mdCode renders s as inline code in a table cell; control characters are
// Go-escaped so the row stays on one line, and an empty value shows as "".
func mdCode(s string) string {
	if s == "" || strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		s = strconv.Quote(s)
	}
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if fence != "`" || strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return mdCell(fence + " " + s + " " + fence)
	}
	return mdCell(fence + s + fence)
}

// MarkdownTable returns a Markdown table
// | field | type | default | unit | meaning | of all the leaves of cfg (a
// struct holding the defaults, or a pointer to one), for docs/manual.md. The
// meaning column adds the enum choices and notes fields that cannot be
// swept.
func MarkdownTable(cfg any) string {
	var b strings.Builder
	b.WriteString("| field | type | default | unit | meaning |\n")
	b.WriteString("|---|---|---|---|---|\n")
	for _, f := range Fields(cfg) {
		meaning := mdCell(f.Doc)
		if len(f.Enum) > 0 {
			q := make([]string, len(f.Enum))
			for i, e := range f.Enum {
				q[i] = mdCode(e)
			}
			meaning += "; one of " + strings.Join(q, ", ")
		}
		if !f.Sweep {
			meaning += " (cannot be swept)"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", mdCode(f.Path), mdCell(f.Type), mdCode(f.Default), mdCell(f.Unit), meaning)
	}
	return b.String()
}
