package figures

import (
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chordsim/chordsim/experiments"
)

// tinyRepro runs the named built-ins, shrunk as in tiny, into root/NAME
// through a Session (outputs, manifest with provenance, figures), and
// writes the index.
func tinyRepro(t *testing.T, root string, names ...string) {
	t.Helper()
	var entries []IndexEntry
	for _, name := range names {
		b, _, p := quickBuiltin(t, name, append([]string{"replicates=2"}, tiny[name]...)...)
		s := &experiments.Session{Plan: p, Dir: filepath.Join(root, name), Builtin: name, Figures: b.Figures,
			Provenance: experiments.NewProvenance([]string{"chordsim", "repro", "--scale", "quick"}, "quick")}
		if _, err := s.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		entries = append(entries, IndexEntry{Builtin: b, Dir: name})
	}
	if err := WriteIndex(root, entries); err != nil {
		t.Fatal(err)
	}
}

var (
	attrURL  = regexp.MustCompile(`(?:href|src)="([^"]*)"`)
	svgStart = regexp.MustCompile(`<svg[ >]`)
)

// index.html is self-contained and offline: every figure inline as SVG,
// no script, no address outside the folder, every link to an existing file,
// the comparison tables with verdicts, the scale and the provenance.
func TestIndexHTMLSelfContained(t *testing.T) {
	root := t.TempDir()
	tinyRepro(t, root, "pathlen", "failures-nostab")
	b, err := os.ReadFile(filepath.Join(root, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	svgs, _ := filepath.Glob(filepath.Join(root, "*", "plots", "*.svg"))
	if got := len(svgStart.FindAllString(page, -1)); len(svgs) != 5 || got != len(svgs) {
		t.Errorf("%d inline <svg> for %d SVG files (want 5)", got, len(svgs))
	}
	if strings.Contains(page, "<script") || strings.Contains(page, "<?xml") {
		t.Error("index.html holds a script or an XML declaration")
	}
	for _, m := range attrURL.FindAllStringSubmatch(page, -1) {
		u := m[1]
		if strings.Contains(u, "://") || strings.HasPrefix(u, "//") {
			t.Errorf("index.html links outside the folder: %s", u)
			continue
		}
		if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(u))); err != nil {
			t.Errorf("index.html links to a missing file: %s", u)
		}
	}
	for _, want := range []string{"<h2 id=\"provenance\">", "chordsim repro --scale quick", "<b>Scale:</b> quick", "<th>verdict</th>",
		"differs (quick scale)", "agrees", "results.csv</a>", "summary.csv</a>", "<summary>Resolved config</summary>", "T03 Table II"} {
		if !strings.Contains(page, want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	if i, j := strings.Index(page, `id="pathlen-pathlen_vs_n"`), strings.Index(page, `id="pathlen-pathlen_pdf"`); i < 0 || j < 0 || i > j {
		t.Errorf("main figure at %d, PDF at %d: want the main figure first", i, j)
	}
	if os.Getenv("CHORDSIM_BROWSER_TEST") != "" {
		browserCheck(t, filepath.Join(root, "index.html"), len(svgs))
	}
}

// browserCheck loads the page in headless Chromium (set
// CHORDSIM_BROWSER_TEST=1; the browser is the chromium package): the page
// logs no error, the rendered DOM holds every figure, and a full-page
// screenshot is not blank.
func browserCheck(t *testing.T, page string, figures int) {
	bin := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		t.Fatal("CHORDSIM_BROWSER_TEST is set but no chromium is installed (apt-get install chromium)")
	}
	dir := t.TempDir()
	url := "file://" + page
	common := []string{"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=" + filepath.Join(dir, "profile"), "--enable-logging=stderr", "--v=0"}
	dom, err := exec.Command(bin, append(common, "--dump-dom", url)...).CombinedOutput()
	if err != nil {
		t.Fatalf("chromium --dump-dom: %v\n%s", err, dom)
	}
	out := string(dom)
	for _, bad := range []string{"Uncaught", ":CONSOLE(", "Failed to load", "ERR_FILE_NOT_FOUND"} {
		if strings.Contains(out, bad) {
			t.Errorf("chromium logged %q while loading the page:\n%s", bad, out)
		}
	}
	if got := len(svgStart.FindAllString(out, -1)); got != figures {
		t.Errorf("the rendered page holds %d <svg>, want %d", got, figures)
	}
	shot := filepath.Join(dir, "page.png")
	if msg, err := exec.Command(bin, append(common, "--window-size=1200,9000", "--screenshot="+shot, url)...).CombinedOutput(); err != nil {
		t.Fatalf("chromium --screenshot: %v\n%s", err, msg)
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	// Figures are mostly white; the page must show a good share of ink.
	b := img.Bounds()
	ink := 0
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			if r, g, bl, _ := img.At(x, y).RGBA(); r < 0xc000 || g < 0xc000 || bl < 0xc000 {
				ink++
			}
		}
	}
	if ink < figures*500 {
		t.Errorf("screenshot %s shows only %d dark samples for %d figures; blank page?", shot, ink, figures)
	}
	if keep := os.Getenv("CHORDSIM_BROWSER_SHOT"); keep != "" {
		if b, err := os.ReadFile(shot); err == nil {
			os.WriteFile(keep, b, 0o644)
		}
	}
}
