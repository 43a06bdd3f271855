package layers

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/chordsim/chordsim/"

// allowed lists, for every package of the module, the packages of the
// module its non-test files may import: the layers of ARCHITECTURE.md,
// bottom first. A new package must be added here, which is the moment to
// decide where it sits.
var allowed = map[string][]string{
	"internal/prefetch":             nil,
	"internal/hugepage":             nil,
	"internal/yamlconf":             nil,
	"internal/layers":               nil,
	"internal/bounded":              nil,
	"metrics":                       nil,
	"metrics/lincheck":              nil,
	"workload":                      nil,
	"metrics/plot":                  {"metrics"},
	"sim":                           {"internal/prefetch"},
	"chord/invariant":               nil,
	"churn":                         {"sim"},
	"topology":                      {"sim", "internal/prefetch"},
	"topology/internal/mkplanetlab": {"topology"},
	"chord":                         {"sim", "chord/invariant", "internal/prefetch", "internal/hugepage"},
	"chord/kv":                      {"sim", "chord"},
	"chord/chordtest":               {"sim", "chord", "chord/invariant"},
	"ringdraw":                      {"chord"},
	"config":                        {"sim", "topology", "chord", "chord/kv", "churn", "workload", "internal/yamlconf", "internal/bounded"},
	"run":                           {"sim", "topology", "chord", "chord/kv", "chord/invariant", "churn", "metrics", "metrics/lincheck", "workload", "config", "internal/yamlconf"},
	"experiments":                   {"sim", "topology", "chord", "chord/kv", "churn", "metrics", "workload", "config", "run", "internal/yamlconf", "internal/hugepage", "internal/bounded"},
	"shell":                         {"sim", "chord", "chord/kv", "config", "run", "ringdraw", "internal/yamlconf", "internal/bounded"},
	"explore":                       {"sim", "chord", "chord/invariant", "chord/chordtest"},
	"figures":                       {"metrics", "metrics/plot", "config", "experiments", "internal/yamlconf"},
	"bench":                         {"sim", "topology", "chord/kv", "config", "run", "experiments", "internal/hugepage"},
	"cmd/chordsim":                  {"sim", "chord", "chord/kv", "explore", "config", "run", "experiments", "figures", "bench", "shell", "ringdraw", "internal/yamlconf", "internal/bounded"},
}

// imports returns, for every directory of the module below root that holds
// non-test Go files, the module packages those files import.
func imports(t *testing.T, root string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(rel)
		if _, seen := out[pkg]; !seen {
			out[pkg] = nil
		}
		for _, imp := range f.Imports {
			p, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				return err
			}
			if dep, ours := strings.CutPrefix(p, module); ours && !slices.Contains(out[pkg], dep) {
				out[pkg] = append(out[pkg], dep)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestImportsPointDown fails if a package imports one of the module that
// its row of allowed does not list (an upward or sideways import, such as
// metrics importing chord or sim importing anything of ours but the
// prefetch hint), or if a package has no row.
func TestImportsPointDown(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found: %v", err)
	}
	got := imports(t, root)
	if len(got) < len(allowed)/2 {
		t.Fatalf("found only %d packages under %s", len(got), root)
	}
	for pkg, deps := range got {
		ok, known := allowed[pkg]
		if !known {
			t.Errorf("package %s is not in the layering table; add it to allowed (and to ARCHITECTURE.md) with the packages it may import", pkg)
			continue
		}
		for _, d := range deps {
			if !slices.Contains(ok, d) {
				t.Errorf("%s imports %s, which its layer may not import", pkg, d)
			}
		}
	}
}

// builders are the constructors of a simulated world's parts, by package:
// only package run (and the packages themselves and their tests) may call
// them, so that a world is assembled one way (DESIGN: run must "not be
// assembled a second way anywhere else").
var builders = map[string][]string{
	"chord":    {"New"},
	"chord/kv": {"New"},
}

// mayBuild lists the packages that may call builders: their own packages
// (ring and service constructors call each other's parts), run, and the
// interaction harness chord/chordtest, whose hand-steered rings of a few
// nodes are the point of the package and never a run's world.
var mayBuild = []string{"chord", "chord/kv", "chord/chordtest", "run"}

// TestOneWorldBuilder fails if a non-test file outside mayBuild calls
// chord.New or kv.New: the shell and the benchmark get their worlds from
// package run.
func TestOneWorldBuilder(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		if slices.Contains(mayBuild, filepath.ToSlash(rel)) {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		// The local name of each builder package this file imports.
		local := map[string]string{}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			dep, ours := strings.CutPrefix(p, module)
			if _, builds := builders[dep]; !ours || !builds {
				continue
			}
			name := dep[strings.LastIndex(dep, "/")+1:]
			if imp.Name != nil {
				name = imp.Name.Name
			}
			local[name] = dep
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			x, ok := sel.X.(*ast.Ident)
			if !ok {
				return true
			}
			if dep, ok := local[x.Name]; ok && slices.Contains(builders[dep], sel.Sel.Name) {
				t.Errorf("%s calls %s.%s: build the world with package run (run.New) instead", fset.Position(call.Pos()), dep, sel.Sel.Name)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
