package experiments

import (
	"os"
	"strings"
	"testing"

	"github.com/chordsim/chordsim/config"
	"github.com/chordsim/chordsim/internal/yamlconf"
)

// The manual (docs/manual.md, linked from the README) documents every
// config field and every results.csv column (figures checks the built-in
// experiments).
func TestManualDocumentsEverything(t *testing.T) {
	b, err := os.ReadFile("../docs/manual.md")
	if err != nil {
		t.Fatal(err)
	}
	manual := string(b)
	d := config.Defaults()
	for _, f := range yamlconf.Fields(&d) {
		if !strings.Contains(manual, "`"+f.Path+"`") {
			t.Errorf("docs/manual.md does not document config field %s", f.Path)
		}
		if !strings.Contains(manual, "`"+f.Default+"`") {
			t.Errorf("docs/manual.md does not show the default %q of %s", f.Default, f.Path)
		}
	}
	for _, m := range metricsList {
		// The per-kind columns are documented as messages_KIND and
		// bytes_KIND, with the kinds listed once; one row documents the
		// dead_finger_lK levels.
		name := strings.TrimPrefix(strings.TrimPrefix(m.name, "messages_"), "bytes_")
		if strings.HasPrefix(name, "dead_finger_l") {
			name = "dead_finger_lK"
		}
		if !strings.Contains(manual, "`"+m.name+"`") && !strings.Contains(manual, "`"+name+"`") {
			t.Errorf("docs/manual.md does not document results.csv column %s", m.name)
		}
	}
}
