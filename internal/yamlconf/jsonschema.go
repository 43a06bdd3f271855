package yamlconf

import (
	"bytes"
	"encoding"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
)

// JSONSchema describes the YAML files that Decode accepts for cfg's type as
// a JSON Schema (draft-07, the dialect editors' YAML language servers read
// best), with cfg's values as the defaults. Each section is an object
// that admits only its own fields; each leaf carries its type (integers
// with the range of their Go type), its enum choices, its doc tag as the
// description (with the unit), its unit as "x-unit" and its default. A
// leaf that may be swept admits a non-empty list of distinct values in
// place of one value, as Decode does. Keys are written in declaration
// order, so the output is deterministic.
//
// The schema is a help for editors, not the validator: Decode remains the
// judge (it also accepts, say, "1e6" for an integer and a quoted number),
// and checks that a schema cannot state, such as a duration's syntax, are
// left to it.
func JSONSchema(cfg any, id, title string) []byte {
	v := structOf(cfg, "JSONSchema", false)
	s := schemaOf(v.Type())
	root := sectionSchema(s.root, v)
	head := obj{
		{"$schema", "http://json-schema.org/draft-07/schema#"},
		{"$id", id},
		{"title", title},
	}
	root = append(head, root...)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(root); err != nil {
		panic("config: JSONSchema: " + err.Error()) // only plain values are encoded
	}
	return b.Bytes()
}

// obj is a JSON object whose keys keep their order.
type obj []member

type member struct {
	key   string
	value any
}

// MarshalJSON writes the members in order.
func (o obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(m.key)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		var vb bytes.Buffer
		enc := json.NewEncoder(&vb)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(m.value); err != nil {
			return nil, err
		}
		b.Write(bytes.TrimRight(vb.Bytes(), "\n"))
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func sectionSchema(sec *node, v reflect.Value) obj {
	props := obj{}
	for _, c := range sec.children {
		if c.section {
			cs := obj{{"type", "object"}}
			if c.doc != "" {
				cs = append(cs, member{"description", c.doc})
			}
			cs = append(cs, sectionSchema(c, v)[1:]...)
			props = append(props, member{c.name, cs})
			continue
		}
		props = append(props, member{c.name, leafSchema(c, v.FieldByIndex(c.index))})
	}
	return obj{{"type", "object"}, {"properties", props}, {"additionalProperties", false}}
}

// leafSchema is the schema of leaf n, whose default is def.
func leafSchema(n *node, def reflect.Value) obj {
	one := valueSchema(n)
	desc := n.doc
	if n.unit != "" {
		desc += " (" + n.unit + ")"
	}
	out := obj{{"description", desc}}
	if n.unit != "" {
		out = append(out, member{"x-unit", n.unit})
	}
	out = append(out, member{"default", jsonValue(n, def)})
	if !n.sweep {
		return append(out, one...)
	}
	list := obj{{"type", "array"}, {"items", one}, {"minItems", 1}, {"uniqueItems", true}}
	return append(out, member{"anyOf", []any{one, list}})
}

// valueSchema is the schema of one value of leaf n.
func valueSchema(n *node) obj {
	switch n.kind {
	case kindBool:
		return obj{{"type", "boolean"}}
	case kindInt:
		if n.bits == 64 {
			// Its type's range says nothing a user needs (and a JSON
			// reader may not hold the bounds exactly); Decode names
			// the field's real range.
			return obj{{"type", "integer"}}
		}
		lo, hi := intRange(n.bits)
		return obj{{"type", "integer"}, {"minimum", lo}, {"maximum", hi}}
	case kindUint:
		if n.bits == 64 {
			return obj{{"type", "integer"}, {"minimum", 0}}
		}
		return obj{{"type", "integer"}, {"minimum", 0}, {"maximum", uintMax(n.bits)}}
	case kindFloat:
		return obj{{"type", "number"}}
	}
	if len(n.enum) > 0 {
		return obj{{"type", "string"}, {"enum", n.enum}}
	}
	if n.kind == kindText && parsesZero(n.goType) {
		// A bare 0 (a YAML integer) is read as the text "0", which such a
		// type accepts (a duration of 0).
		return obj{{"anyOf", []any{obj{{"type", "string"}}, obj{{"const", 0}}}}}
	}
	return obj{{"type", "string"}}
}

// parsesZero reports whether text type t accepts "0".
func parsesZero(t reflect.Type) bool {
	return unmarshalText(reflect.New(t).Interface().(encoding.TextUnmarshaler), "0") == nil
}

// jsonValue is def, leaf n's default, as a JSON value of the leaf's type.
func jsonValue(n *node, def reflect.Value) any {
	switch n.kind {
	case kindBool:
		return def.Bool()
	case kindInt:
		return def.Int()
	case kindUint:
		return def.Uint()
	case kindFloat:
		f, _ := strconv.ParseFloat(strings.TrimSpace(n.render(def)), 64)
		return f
	}
	return n.render(def)
}
