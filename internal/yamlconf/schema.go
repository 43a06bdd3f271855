package yamlconf

import (
	"encoding"
	"fmt"
	"reflect"
	"strings"
	"sync"
)

// kind classifies a leaf by how its text is parsed and rendered.
type kind int

const (
	kindString kind = iota
	kindBool
	kindInt
	kindUint
	kindFloat
	kindText // encoding.TextUnmarshaler / encoding.TextMarshaler
)

// node is one field of a config struct: a section (children != nil, or an
// empty struct) or a leaf.
type node struct {
	name     string // yaml key
	path     string // dotted path from the root
	index    []int  // reflect field index path from the root struct
	section  bool
	children []*node // sections only, in declaration order

	// Leaves only.
	kind     kind
	goType   reflect.Type
	typeName string // "string", "bool", "int", "uint", "float" or the Go type name
	doc      string
	unit     string
	enum     []string
	sweep    bool
	bits     int // bit size for int, uint and float kinds
	// span is the field's real range, "LO to HI", from its range tag:
	// stated instead of the Go type's range when a number does not even
	// fit the type (Validate checks the range itself).
	span string
}

// schema is the parsed description of one config struct type.
type schema struct {
	root   *node
	leaves []*node          // depth-first declaration order
	all    []*node          // every node except the root, depth-first
	byPath map[string]*node // every node except the root
}

var (
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	textMarshalerType   = reflect.TypeFor[encoding.TextMarshaler]()
)

// schemas caches schemas by struct type: building one walks the type with
// reflection, and the same type is used over and over (once per sweep point).
var schemas sync.Map // reflect.Type -> *schema

// schemaOf returns the schema of t, which must be a struct type; it panics
// (with the "config: " prefix) if t breaks the schema convention.
func schemaOf(t reflect.Type) *schema {
	if s, ok := schemas.Load(t); ok {
		return s.(*schema)
	}
	s := &schema{root: &node{section: true}, byPath: map[string]*node{}}
	s.build(s.root, t, nil, "", map[reflect.Type]bool{})
	actual, _ := schemas.LoadOrStore(t, s)
	return actual.(*schema)
}

// structOf returns the struct value cfg holds or points to. Config
// arguments are supplied by the program, not the user, so a wrong kind is a
// programmer error.
func structOf(cfg any, fn string, needPointer bool) reflect.Value {
	v := reflect.ValueOf(cfg)
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			panic(fmt.Sprintf("config: %s: nil %T", fn, cfg))
		}
		v = v.Elem()
	} else if needPointer {
		panic(fmt.Sprintf("config: %s needs a pointer to a struct, got %T", fn, cfg))
	}
	if v.Kind() != reflect.Struct {
		panic(fmt.Sprintf("config: %s needs a struct or a pointer to one, got %T", fn, cfg))
	}
	return v
}

// isTextLeaf reports whether t is parsed with encoding.TextUnmarshaler. It is
// checked before the kind so that, say, a Duration over int64 or a latency
// spec struct is a leaf parsed from text rather than an int or a section.
func isTextLeaf(t reflect.Type) bool {
	return reflect.PointerTo(t).Implements(textUnmarshalerType)
}

// validName reports whether name can be a key: it must read back from
// YAML as itself and be unambiguous in a dotted path and in "path=value".
func validName(name string) bool {
	if name == "" {
		return false
	}
	for i, r := range name {
		letter := r == '_' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z')
		if !letter && (i == 0 || (r != '-' && (r < '0' || r > '9'))) {
			return false
		}
	}
	return true
}

func (s *schema) build(parent *node, t reflect.Type, index []int, prefix string, active map[reflect.Type]bool) {
	active[t] = true
	defer delete(active, t)
	seen := map[string]string{}
	for i := range t.NumField() {
		sf := t.Field(i)
		where := t.String() + "." + sf.Name
		if !sf.IsExported() {
			panic(fmt.Sprintf("config: field %s is unexported; config structs may hold only exported, yaml-tagged fields", where))
		}
		name, ok := sf.Tag.Lookup("yaml")
		if !ok {
			panic(fmt.Sprintf("config: field %s has no yaml tag; every config field needs yaml:\"name\"", where))
		}
		if name == ",inline" {
			// An embedded struct whose fields belong to this mapping, so
			// that a subsystem's own config type can be part of a section
			// without a level of its own.
			if !sf.Anonymous || sf.Type.Kind() != reflect.Struct || isTextLeaf(sf.Type) {
				panic(fmt.Sprintf("config: field %s: yaml:\",inline\" is for embedded structs only", where))
			}
			if active[sf.Type] {
				panic(fmt.Sprintf("config: field %s: struct type %s contains itself", where, sf.Type))
			}
			s.build(parent, sf.Type, append(append([]int(nil), index...), i), prefix, active)
			continue
		}
		if !validName(name) {
			panic(fmt.Sprintf("config: field %s: yaml tag %q must be a plain key: a letter or '_', then letters, digits, '_' or '-' (no options, no \"-\")", where, name))
		}
		if other, dup := seen[name]; dup {
			panic(fmt.Sprintf("config: fields %s and %s have the same yaml name %q", other, where, name))
		}
		seen[name] = where
		for _, c := range parent.children {
			if c.name == name {
				panic(fmt.Sprintf("config: field %s has the yaml name %q of a field of the same mapping (through an inline struct)", where, name))
			}
		}
		n := &node{
			name:  name,
			path:  name,
			index: append(append([]int(nil), index...), i),
			doc:   sf.Tag.Get("doc"),
			unit:  sf.Tag.Get("unit"),
			span:  sf.Tag.Get("range"),
		}
		if prefix != "" {
			n.path = prefix + "." + name
		}
		if strings.ContainsAny(n.doc, "\n\r") {
			panic(fmt.Sprintf("config: field %s: doc tag must be a single line", where))
		}
		ft := sf.Type
		if ft.Kind() == reflect.Struct && !isTextLeaf(ft) {
			if active[ft] {
				panic(fmt.Sprintf("config: field %s: struct type %s contains itself", where, ft))
			}
			for _, tag := range []string{"unit", "enum", "sweep"} {
				if _, has := sf.Tag.Lookup(tag); has {
					panic(fmt.Sprintf("config: field %s is a section; the %s tag belongs on leaf fields only", where, tag))
				}
			}
			n.section = true
			parent.children = append(parent.children, n)
			s.all = append(s.all, n)
			s.byPath[n.path] = n
			s.build(n, ft, n.index, n.path, active)
			continue
		}
		s.leaf(n, sf, where)
		parent.children = append(parent.children, n)
		s.all = append(s.all, n)
		s.leaves = append(s.leaves, n)
		s.byPath[n.path] = n
	}
}

// leaf fills in the leaf-specific parts of n from the struct field sf.
func (s *schema) leaf(n *node, sf reflect.StructField, where string) {
	ft := sf.Type
	n.goType = ft
	switch {
	case isTextLeaf(ft):
		if !ft.Implements(textMarshalerType) && !reflect.PointerTo(ft).Implements(textMarshalerType) {
			panic(fmt.Sprintf("config: field %s: type %s implements encoding.TextUnmarshaler but not encoding.TextMarshaler, so its value cannot be rendered", where, ft))
		}
		if ft.Name() == "" {
			panic(fmt.Sprintf("config: field %s: text-parsed type %s must be a named type", where, ft))
		}
		n.kind, n.typeName = kindText, ft.Name()
	default:
		switch ft.Kind() {
		case reflect.String:
			n.kind, n.typeName = kindString, "string"
		case reflect.Bool:
			n.kind, n.typeName = kindBool, "bool"
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			n.kind, n.typeName, n.bits = kindInt, "int", ft.Bits()
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			n.kind, n.typeName, n.bits = kindUint, "uint", ft.Bits()
		case reflect.Float32, reflect.Float64:
			n.kind, n.typeName, n.bits = kindFloat, "float", ft.Bits()
		default:
			panic(fmt.Sprintf("config: field %s has type %s; config fields must be string, bool, int/uint kinds, float, an encoding.TextUnmarshaler, or a nested struct", where, ft))
		}
	}
	if n.doc == "" {
		panic(fmt.Sprintf("config: field %s has no doc tag; every leaf needs doc:\"...\" (it feeds --fields and docs/manual.md)", where))
	}
	switch sw, has := sf.Tag.Lookup("sweep"); {
	case !has || sw == "yes":
		n.sweep = true
	case sw == "no":
		n.sweep = false
	default:
		panic(fmt.Sprintf("config: field %s: sweep tag must be \"no\" or \"yes\", not %q", where, sw))
	}
	if e, has := sf.Tag.Lookup("enum"); has {
		if n.kind != kindString && n.kind != kindText {
			panic(fmt.Sprintf("config: field %s: enum tag is supported on string and text-parsed fields only, not %s", where, ft))
		}
		if n.kind == kindText {
			// An enumeration type with UnmarshalText: its value is
			// written as one of the choices, so it reads as a string.
			n.typeName = "string"
		}
		n.enum = strings.Split(e, "|")
		seen := map[string]bool{}
		for _, c := range n.enum {
			if c == "" || seen[c] {
				panic(fmt.Sprintf("config: field %s: enum tag %q has an empty or repeated choice", where, e))
			}
			seen[c] = true
		}
	}
}
