package experiments

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chordsim/chordsim/config"
)

// Every config in examples/ parses and validates as the README runs it
// (from the repository's root; their file paths are relative to examples/,
// as chordsim run resolves them).
func TestExamplesValidate(t *testing.T) {
	t.Chdir("..")
	files, err := filepath.Glob("examples/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples found: %v", err)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		cfg, axes, err := config.Parse(src, f)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		config.ResolvePaths(&cfg, axes, filepath.Dir(f))
		if _, err := NewPlan(cfg, axes); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}
