package figures

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chordsim/chordsim/experiments"
)

// index.md: provenance and scale from the manifest, the main figure before
// its PDF, our numbers rounded to the paper's decimals, verdicts that
// follow every agreement column (the replication table's "agrees" too),
// "differs" flagged at quick scale, and no "0 of 0 points".
func TestIndexVerdictsRoundingAndProvenance(t *testing.T) {
	root := t.TempDir()
	write := func(dir, name, text string) {
		if err := os.MkdirAll(filepath.Join(root, dir, "plots"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("pathlen", "paper_comparison.csv", "n,mean_hops,paper_mean_hops,mean_within_0.1\n8,1.391850001,1.72,false\n4096,5.868866667,5.85,true\n")
	write("pathlen", "plots/pathlen_pdf.png", "")
	write("pathlen", "plots/pathlen_vs_n.png", "")
	write("replication", "paper_comparison.csv", "k,claim,measured,agrees\n1,a claim,0.123456789,true\n")
	write("churn-leave", "paper_comparison.csv", "churn.rate,mean_hops\n0.05,3.912345678\n")
	prov := experiments.NewProvenance([]string{"chordsim", "repro", "--scale", "quick"}, "quick")
	prov.Seed, prov.End = 7, prov.Start
	for _, d := range []string{"pathlen", "replication", "churn-leave"} {
		if err := experiments.WriteManifest(filepath.Join(root, d), experiments.Manifest{Experiment: d, Provenance: prov}); err != nil {
			t.Fatal(err)
		}
	}
	var entries []IndexEntry
	for _, d := range []string{"pathlen", "replication", "churn-leave"} {
		b, err := FindBuiltin(d)
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, IndexEntry{Builtin: b, Dir: d})
	}
	if err := WriteIndex(root, entries); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "index.md"))
	if err != nil {
		t.Fatal(err)
	}
	md := string(b)
	for _, want := range []string{
		"command: `chordsim repro --scale quick`", "seed: 7", prov.GoVersion, "scale: quick",
		"| 8 | 1.39 | 1.72 | false | differs (quick scale) |",
		"| 4096 | 5.87 | 5.85 | true | agrees |",
		"| 1 | a claim | 0.1235 | true | agrees |",
		"| 0.05 | 3.912 | no paper value |",
		"1 of 2 points with a paper value agree (at quick scale",
		"1 of 1 points with a paper value agree.",
		"No agreement standard is set for these points",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("index.md lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "0 of 0") {
		t.Error("index.md says 0 of 0 points")
	}
	if i, j := strings.Index(md, "pathlen_vs_n.png"), strings.Index(md, "pathlen_pdf.png"); i < 0 || j < 0 || i > j {
		t.Errorf("the main figure (at %d) does not come before the PDF (at %d)", i, j)
	}
}
