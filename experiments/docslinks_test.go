package experiments

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// The documentation is split across README.md, ARCHITECTURE.md and
// docs/*.md; every relative link among them (and to the repository's
// files) must reach an existing file, and every #anchor an existing
// heading of the file it names, as GitHub renders it.
func TestDocsLinksResolve(t *testing.T) {
	docs, err := filepath.Glob("../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	files := append([]string{"../README.md", "../ARCHITECTURE.md"}, docs...)
	anchors := map[string]map[string]bool{} // cleaned path → anchors
	anchorsOf := func(path string) (map[string]bool, error) {
		if a, ok := anchors[path]; ok {
			return a, nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		a := headingAnchors(string(b))
		anchors[path] = a
		return a, nil
	}
	checked := 0
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range markdownLinks(string(b)) {
			target, anchor, _ := strings.Cut(l.target, "#")
			if strings.Contains(target, ":") { // http:, https:, mailto:
				continue
			}
			checked++
			path := filepath.Clean(file)
			if target != "" {
				path = filepath.Clean(filepath.Join(filepath.Dir(file), target))
				if _, err := os.Stat(path); err != nil {
					t.Errorf("%s:%d: link to %q: no such file", file, l.line, l.target)
					continue
				}
			}
			if anchor == "" || !strings.HasSuffix(path, ".md") {
				continue
			}
			a, err := anchorsOf(path)
			if err != nil {
				t.Fatal(err)
			}
			if !a[anchor] {
				t.Errorf("%s:%d: link to %q: %s has no heading with anchor #%s", file, l.line, l.target, path, anchor)
			}
		}
	}
	if checked < 20 {
		t.Errorf("only %d local links found; the link parser is broken", checked)
	}
}

// TestHeadingAnchors pins the GitHub anchor rule the link test relies on.
func TestHeadingAnchors(t *testing.T) {
	a := headingAnchors("# chordsim\n## Fault explorer: `chordsim explore`\n" +
		"### The reference systems' replication experiments\n```\n# not a heading\n```\n" +
		"## Results\n## Results\n")
	for _, want := range []string{"chordsim", "fault-explorer-chordsim-explore",
		"the-reference-systems-replication-experiments", "results", "results-1"} {
		if !a[want] {
			t.Errorf("anchor %q missing from %v", want, a)
		}
	}
	if a["not-a-heading"] {
		t.Errorf("a line in a code block made an anchor: %v", a)
	}
}

type mdLink struct {
	target string
	line   int
}

var (
	linkRE = regexp.MustCompile(`\]\(([^()\s]+)(?:\s+"[^"]*")?\)`)
	codeRE = regexp.MustCompile("`[^`]*`")
)

// markdownLinks returns the targets of the inline links and images of a
// Markdown text, outside code blocks and code spans.
func markdownLinks(text string) []mdLink {
	var out []mdLink
	fence := false
	for i, line := range strings.Split(text, "\n") {
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			fence = !fence
			continue
		}
		if fence {
			continue
		}
		// A code span may hold link text ([`x`](y)); blank its content
		// but keep the brackets around it.
		line = codeRE.ReplaceAllString(line, "``")
		for _, m := range linkRE.FindAllStringSubmatch(line, -1) {
			out = append(out, mdLink{target: m[1], line: i + 1})
		}
	}
	return out
}

// headingAnchors returns the anchors GitHub gives the ATX headings of a
// Markdown text: lower case, punctuation dropped, spaces made hyphens, and
// -1, -2, ... appended to repeats.
func headingAnchors(text string) map[string]bool {
	a := map[string]bool{}
	seen := map[string]int{}
	fence := false
	for _, line := range strings.Split(text, "\n") {
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			fence = !fence
			continue
		}
		if fence || !strings.HasPrefix(line, "#") {
			continue
		}
		title := strings.TrimLeft(line, "#")
		if len(line)-len(title) > 6 || !strings.HasPrefix(title, " ") {
			continue
		}
		var b strings.Builder
		for _, r := range strings.ToLower(strings.TrimSpace(title)) {
			switch {
			case r == ' ':
				b.WriteByte('-')
			case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
				b.WriteRune(r)
			}
		}
		slug := b.String()
		if n := seen[slug]; n > 0 {
			a[slug+"-"+strconv.Itoa(n)] = true
		} else {
			a[slug] = true
		}
		seen[slug]++
	}
	return a
}

// ARCHITECTURE.md's table of the chord package names every one of its
// source files, so that a new file is placed (and a renamed one found)
// in the map a newcomer reads first.
func TestArchitectureNamesEveryChordFile(t *testing.T) {
	b, err := os.ReadFile("../ARCHITECTURE.md")
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("../chord/*.go")
	if err != nil {
		t.Fatal(err)
	}
	named := 0
	for _, f := range files {
		name := filepath.Base(f)
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		if !strings.Contains(string(b), "`"+name+"`") {
			t.Errorf("ARCHITECTURE.md does not name chord/%s in its table of the chord package", name)
		}
		named++
	}
	if named == 0 {
		t.Fatal("no chord source files found")
	}
}
