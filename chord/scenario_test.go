package chord_test

// Golden scenario scripts (correctness reference §4): each file in
// testdata/scenarios replays one regression scenario against the real
// protocol, stepping every node by hand, through the interaction harness
// of package chordtest, whose doc comment lists the commands.
//
// go test ./chord -run TestScenarios -rewrite rewrites the expected outputs.
// Accepted outputs must be checked against the reference by hand; the
// comment above each check quotes what the reference expects.

import (
	"flag"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chordsim/chordsim/chord/chordtest"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the expected outputs of testdata/scenarios/*.txt")

func TestScenarios(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "scenarios", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no scenario scripts in testdata/scenarios")
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txt"), func(t *testing.T) { chordtest.RunFile(t, f, *rewrite) })
	}
}
