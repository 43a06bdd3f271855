package experiments

import (
	"os"
	"strings"
	"testing"

	"github.com/chordsim/chordsim/config"
	"github.com/chordsim/chordsim/internal/yamlconf"
)

// The README is the user's manual: it must document every config field
// and every results.csv column (figures checks the built-in experiments).
func TestReadmeDocumentsEverything(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	d := config.Defaults()
	for _, f := range yamlconf.Fields(&d) {
		if !strings.Contains(readme, "`"+f.Path+"`") {
			t.Errorf("README does not document config field %s", f.Path)
		}
		if !strings.Contains(readme, "`"+f.Default+"`") {
			t.Errorf("README does not show the default %q of %s", f.Default, f.Path)
		}
	}
	for _, m := range metricsList {
		name := strings.TrimPrefix(m.name, "messages_")
		if !strings.Contains(readme, "`"+name+"`") {
			t.Errorf("README does not document results.csv column %s", m.name)
		}
	}
}
