package figures

import (
	"os"
	"strings"
	"testing"
)

// The README is the user's manual: it must document every built-in
// experiment (experiments checks the config fields and the columns).
func TestReadmeDocumentsEveryBuiltin(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	for _, bi := range Builtins {
		if !strings.Contains(readme, "`"+bi.Name+"`") {
			t.Errorf("README does not document built-in experiment %s", bi.Name)
		}
	}
}
