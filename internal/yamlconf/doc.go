// Package config maps experiment description files written in YAML onto Go
// structs, strictly.
//
// The package is generic: it knows nothing about Chord. A caller describes
// its configuration schema as a Go struct whose fields carry tags, fills a
// value of that struct with defaults, and lets this package
//
//   - Decode a YAML document onto the defaults, rejecting unknown fields,
//     wrong types, values outside an enumeration, duplicate keys and so on,
//     and reporting every problem at once, one per line, with the file name,
//     the line, the field path and a suggestion how to fix it;
//   - turn a list written where a single value is expected into a sweep
//     [Axis], and [Expand] the axes into the points of their cartesian
//     product (check [Count] first: the size comes from user data);
//   - apply command-line overrides of the form path=value or
//     path=[v1, v2] ([ParseSet], then [Set]; [Apply] for one value, as for
//     sweep points);
//   - render the resolved configuration back to commented YAML ([Encode]),
//     which decodes to the same configuration; and
//   - list every field with its documentation, unit and default ([Fields],
//     [MarkdownTable]) for docs/manual.md and for --help.
//
// # Schema convention
//
// Every field of a config struct must be exported and carry a yaml tag with
// its key name (letters, digits, '_' and '-'; no options, except ",inline"
// on an embedded struct, below). A field is either
//
//   - a section: a nested struct (that does not implement
//     encoding.TextUnmarshaler), written as a YAML mapping; or
//   - a leaf: a string, bool, any int or uint kind, float32 or float64, or
//     any type whose pointer implements encoding.TextUnmarshaler and that
//     implements encoding.TextMarshaler (by value or pointer), such as a
//     duration that parses "30s".
//
// Leaves must carry a doc tag (one line of documentation), and may carry
// unit:"..." (shown in comments and tables), enum:"a|b|c" (string kinds and
// text-parsed enumeration types; the value must be one of the choices) and
// sweep:"no" (a list there is an error instead of a sweep axis). An
// embedded struct tagged yaml:",inline" contributes its fields to the
// mapping it is embedded in, so a subsystem's own config type can make up
// part of a section. Sections may carry a doc tag, which
// becomes a comment in [Encode]'s output. Slices, maps, pointers,
// interfaces, channels, functions, complex numbers and unexported fields
// are not allowed. Violations are programmer errors: the functions of this
// package panic with a message that starts with "config: ". Problems in
// user data (YAML files, --set arguments) are returned as errors and never
// cause a panic.
//
// # YAML subset
//
// The document must be a single mapping. Anchors and aliases are supported
// (an alias stands for a copy of the anchored value); merge keys ("<<") are
// rejected, because their override rules are easy to misread and this
// package would have to report lines inside the anchored mapping. An empty
// document keeps all defaults; a section written with no value ("chord:"
// followed by nothing) is treated as empty. A leaf written with no value
// ("n:", "n: ~" or "n: null") is an error, since it is most likely an
// unfinished edit; delete the line to keep the default, or quote ("" or
// "null") to set a text field to that text. Every key must be a field, so
// an anchor cannot be parked on a scratch key.
//
// Values are taken from the text of the YAML scalar and parsed according
// to the Go type of the field, not according to YAML's own typing: n: "10"
// is the integer 10 and experiment: 10 is the string "10". Integers may be
// written in decimal (leading zeros are decimal, not octal), with 0x, 0o or
// 0b prefixes, with '_' digit separators, or in exponent form when the
// value is whole (1e6). Booleans are true or false.
//
// Determinism: nothing here depends on map iteration order; [Encode]
// produces the same bytes for the same input.
package yamlconf
