package config

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/chordsim/chordsim/internal/yamlconf"

	"go.yaml.in/yaml/v3"
)

var rewrite = flag.Bool("rewrite", false, "rewrite docs/config.schema.json from JSONSchema")

const schemaFile = "../docs/config.schema.json"

// modeline is the first line of every example and built-in config: it
// points editors with a YAML language server at the schema.
const modelinePrefix = "# yaml-language-server: $schema="

// TestSchemaFileIsCurrent checks that the schema in docs/ is the one
// `chordsim schema` prints (go test ./config -rewrite updates it).
func TestSchemaFileIsCurrent(t *testing.T) {
	got := JSONSchema()
	if *rewrite {
		if err := os.WriteFile(schemaFile, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is not what JSONSchema gives; run go test ./config -rewrite and check the diff", schemaFile)
	}
}

// configFiles are the example and built-in configs.
func configFiles(t *testing.T) []string {
	var files []string
	for _, g := range []string{"../examples/*.yaml", "../figures/builtin/*.yaml"} {
		m, err := filepath.Glob(g)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 10 {
		t.Fatalf("found only %d example and built-in configs", len(files))
	}
	return files
}

// TestExamplesMatchSchema validates every example and built-in against
// the schema, and checks that each names the schema in its modeline with
// a path that leads to it.
func TestExamplesMatchSchema(t *testing.T) {
	schema := loadSchema(t, JSONSchema())
	for _, f := range configFiles(t) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		first, _, _ := strings.Cut(string(src), "\n")
		rel, ok := strings.CutPrefix(first, modelinePrefix)
		if !ok {
			t.Errorf("%s: first line %q is not the modeline %q", f, first, modelinePrefix+"...")
		} else if p := filepath.Join(filepath.Dir(f), rel); filepath.Clean(p) != filepath.Clean(schemaFile) {
			t.Errorf("%s: the modeline points at %s, not at %s", f, p, schemaFile)
		}
		var doc any
		if err := yaml.Unmarshal(src, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, p := range validate(schema, doc, "") {
			t.Errorf("%s: %s", f, p)
		}
	}
}

// TestSchemaAgreesWithParse checks the schema against the decoder on
// configs that are right or wrong in ways a schema can state: both must
// accept the first kind and reject the second.
func TestSchemaAgreesWithParse(t *testing.T) {
	schema := loadSchema(t, JSONSchema())
	cases := []struct {
		name, src string
		ok        bool
	}{
		{"empty", "{}", true},
		{"scalars", "n: 64\nseed: 3\nbootstrap: protocol\nsettle: 10s\nchord:\n  jitter: 0.25\n  routing: fingers\nfailure:\n  stop_maintenance: true\n", true},
		{"sweep", "n: [64, 128]\nchord:\n  successors: [4, 8]\n", true},
		{"zero duration", "settle: 0\n", true},
		{"float for float", "network:\n  loss: 1\n", true},
		{"unknown key", "nodes: 64\n", false},
		{"unknown nested key", "chord:\n  fingers: 3\n", false},
		{"bad enum", "bootstrap: ideally\n", false},
		{"bad enum in a sweep", "chord:\n  routing: [fingers, successors]\n", false},
		{"text for int", "n: many\n", false},
		{"fraction for int", "n: 64.5\n", false},
		{"negative seed", "seed: -1\n", false},
		{"int for bool", "check_invariants: 1\n", false},
		{"sweep of a fixed field", "replicates: [1, 2]\n", false},
		{"empty sweep", "n: []\n", false},
		{"repeated sweep value", "n: [64, 64]\n", false},
		{"nested list", "n: [[64]]\n", false},
		{"section as scalar", "chord: 3\n", false},
		{"list for a section", "chord: [1]\n", false},
	}
	for _, c := range cases {
		_, _, perr := Parse([]byte(c.src), "case.yaml")
		var doc any
		if err := yaml.Unmarshal([]byte(c.src), &doc); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		probs := validate(schema, doc, "")
		if (perr == nil) != c.ok {
			t.Errorf("%s: Parse gives %v, the case expects ok=%v", c.name, perr, c.ok)
		}
		if (len(probs) == 0) != c.ok {
			t.Errorf("%s: the schema gives %v, Parse gives %v", c.name, probs, perr)
		}
	}
}

// TestSchemaDescribesEveryField checks that each field of --fields is in the
// schema at its path with its default, its enum and its unit.
func TestSchemaDescribesEveryField(t *testing.T) {
	schema := loadSchema(t, JSONSchema())
	d := Defaults()
	for _, f := range yamlconf.Fields(&d) {
		node := schema
		for _, part := range strings.Split(f.Path, ".") {
			props, _ := node["properties"].(map[string]any)
			node, _ = props[part].(map[string]any)
		}
		if node == nil {
			t.Errorf("%s is not in the schema", f.Path)
			continue
		}
		if got := fmt.Sprint(node["default"]); got != f.Default && !(f.Type == "string" && f.Default == `""` && got == "") {
			t.Errorf("%s: schema default %v, --fields default %s", f.Path, node["default"], f.Default)
		}
		if f.Unit != "" && node["x-unit"] != f.Unit {
			t.Errorf("%s: schema unit %v, want %s", f.Path, node["x-unit"], f.Unit)
		}
		if desc, _ := node["description"].(string); !strings.HasPrefix(desc, f.Doc) {
			t.Errorf("%s: description %q does not start with the doc %q", f.Path, desc, f.Doc)
		}
		if len(f.Enum) > 0 {
			one := node
			if alts, ok := node["anyOf"].([]any); ok {
				one = alts[0].(map[string]any)
			}
			if got := fmt.Sprint(one["enum"]); got != fmt.Sprint(f.Enum) {
				t.Errorf("%s: schema enum %s, want %v", f.Path, got, f.Enum)
			}
		}
		if _, swept := node["anyOf"]; swept != f.Sweep && f.Type != "Duration" {
			t.Errorf("%s: schema sweepable %v, field sweepable %v", f.Path, swept, f.Sweep)
		}
	}
}

func loadSchema(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var s map[string]any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&s); err != nil {
		t.Fatalf("the schema is not JSON: %v", err)
	}
	return s
}

// validate checks v against the subset of JSON Schema that JSONSchema
// emits (type, enum, const, minimum, maximum, properties,
// additionalProperties, anyOf, items, minItems, uniqueItems) and returns
// the problems, each with its path. An unknown keyword fails the test run
// (so the subset cannot grow unnoticed) through a problem naming it.
func validate(s map[string]any, v any, path string) []string {
	var probs []string
	bad := func(format string, args ...any) {
		probs = append(probs, fmt.Sprintf("%s: %s", orRoot(path), fmt.Sprintf(format, args...)))
	}
	keys := make([]string, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch k {
		case "$schema", "$id", "title", "description", "default", "x-unit":
		case "type":
			if !hasType(v, s[k].(string)) {
				bad("%v is not of type %s", v, s[k])
			}
		case "enum":
			found := false
			for _, e := range s[k].([]any) {
				if fmt.Sprint(e) == fmt.Sprint(v) {
					found = true
				}
			}
			if !found {
				bad("%v is not one of %v", v, s[k])
			}
		case "const":
			if n, ok := number(v); !ok || fmt.Sprint(n) != fmt.Sprint(s[k]) {
				bad("%v is not %v", v, s[k])
			}
		case "minimum", "maximum":
			lim, _ := s[k].(json.Number).Float64()
			if n, ok := number(v); ok && ((k == "minimum" && n < lim) || (k == "maximum" && n > lim)) {
				bad("%v is beyond the %s %v", v, k, lim)
			}
		case "properties":
			m, ok := v.(map[string]any)
			if !ok {
				continue
			}
			props := s[k].(map[string]any)
			names := make([]string, 0, len(m))
			for name := range m {
				names = append(names, name)
			}
			sort.Strings(names)
			for _, name := range names {
				ps, known := props[name].(map[string]any)
				if !known {
					if s["additionalProperties"] == false {
						bad("unknown field %q", name)
					}
					continue
				}
				probs = append(probs, validate(ps, m[name], join(path, name))...)
			}
		case "additionalProperties":
			if s[k] != false {
				bad("schema: additionalProperties other than false is not in the subset")
			}
		case "anyOf":
			var first []string
			ok := false
			for i, alt := range s[k].([]any) {
				p := validate(alt.(map[string]any), v, path)
				if len(p) == 0 {
					ok = true
					break
				}
				if i == 0 {
					first = p
				}
			}
			if !ok {
				bad("matches none of the alternatives (first: %v)", first)
			}
		case "items":
			if list, ok := v.([]any); ok {
				for i, e := range list {
					probs = append(probs, validate(s[k].(map[string]any), e, fmt.Sprintf("%s[%d]", orRoot(path), i))...)
				}
			}
		case "minItems":
			min, _ := s[k].(json.Number).Int64()
			if list, ok := v.([]any); ok && int64(len(list)) < min {
				bad("%d items, fewer than %d", len(list), min)
			}
		case "uniqueItems":
			if list, ok := v.([]any); ok {
				seen := map[string]bool{}
				for _, e := range list {
					if seen[fmt.Sprint(e)] {
						bad("%v is repeated", e)
					}
					seen[fmt.Sprint(e)] = true
				}
			}
		default:
			bad("schema keyword %q is not in the validator's subset", k)
		}
	}
	return probs
}

func hasType(v any, typ string) bool {
	switch typ {
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "number":
		_, ok := number(v)
		return ok
	case "integer":
		n, ok := number(v)
		return ok && n == math.Trunc(n)
	}
	return false
}

// number is v as a float64 if it is a YAML number.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func orRoot(path string) string {
	if path == "" {
		return "(top)"
	}
	return path
}
