package figures

import (
	"os"
	"strings"
	"testing"
)

// The manual (docs/manual.md, linked from the README) documents every
// built-in experiment (experiments checks the config fields and the
// columns).
func TestManualDocumentsEveryBuiltin(t *testing.T) {
	b, err := os.ReadFile("../docs/manual.md")
	if err != nil {
		t.Fatal(err)
	}
	manual := string(b)
	for _, bi := range Builtins {
		if !strings.Contains(manual, "`"+bi.Name+"`") {
			t.Errorf("docs/manual.md does not document built-in experiment %s", bi.Name)
		}
	}
}
