package yamlconf

import (
	"fmt"
	"slices"
	"strings"
)

// FieldListHint ends an "unknown field" message when no known field is close
// enough to suggest. It names the command that lists the fields; a program
// embedding this package under another name may set it once at start-up.
var FieldListHint = "see the list of fields with 'chordsim run --fields'"

// normName folds the spelling differences that are never meaningful in a
// field name — case, '_' and '-' — so that "stabilizeEvery" matches
// "stabilize_every" exactly.
func normName(s string) []rune {
	var out []rune
	for _, r := range strings.ToLower(s) {
		if r != '_' && r != '-' {
			out = append(out, r)
		}
	}
	return out
}

// maxDist is the largest edit distance accepted for a suggestion: 3, but no
// more than a third of the name, so that short names are not matched to
// unrelated ones (while a single slip in a short name still is); and less
// than the whole name, so that "x" does not suggest "n".
func maxDist(name []rune) int {
	return min(3, max(1, len(name)/3), len(name)-1)
}

// editDistance is the optimal-string-alignment distance (Levenshtein plus
// transposition of adjacent letters, the commonest typo). It gives up early,
// returning limit+1, when the lengths alone exceed limit, so that huge
// garbage keys cost nothing.
func editDistance(a, b []rune, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// closest returns the candidates nearest to s within maxDist, ties in the
// candidates' order.
func closest(s string, candidates []string) []string {
	ns := normName(s)
	limit := maxDist(ns)
	best, out := limit+1, []string(nil)
	for _, c := range candidates {
		d := editDistance(ns, normName(c), limit)
		switch {
		case d < best:
			best, out = d, []string{c}
		case d == best && d <= limit:
			out = append(out, c)
		}
	}
	return out
}

// Closest returns the candidates nearest to s, ignoring case, '_' and
// '-', within a few edits (fewer for short names), ties in the candidates'
// order: the "did you mean" of every command-line vocabulary, not only of
// config fields.
func Closest(s string, candidates []string) []string { return closest(s, candidates) }

// orList renders `"a"`, `"a" or "b"`, `"a", "b" or "c"` (at most three, as
// a longer list stops being a suggestion).
func orList(items []string) string {
	if len(items) > 3 {
		items = items[:3]
	}
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = quote(s)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// resolve follows parts from section; it returns the node reached, or nil
// and the index of the first part that is not a field.
func (s *schema) resolve(section *node, parts []string) (*node, int) {
	n := section
	for i, p := range parts {
		if !n.section {
			return nil, i
		}
		var next *node
		for _, c := range n.children {
			if c.name == p {
				next = c
				break
			}
		}
		if next == nil {
			return nil, i
		}
		n = next
	}
	return n, len(parts)
}

// suggest proposes known paths for the unknown name parts[0] met inside
// section: near misses among the section's own fields and the same name in
// other sections (a field put in the wrong place); failing both, fields
// named like the last part; failing that, near misses anywhere. When a suggested node is a section and the rest of parts
// resolves under it, the full path is suggested.
func (s *schema) suggest(section *node, parts []string) []string {
	key := parts[0]
	var local []string
	for _, c := range section.children {
		local = append(local, c.name)
	}
	var picked []*node
	for _, nm := range closest(key, local) {
		n, _ := s.resolve(section, []string{nm})
		picked = append(picked, n)
	}
	nk := string(normName(key))
	for _, n := range s.all {
		if string(normName(n.name)) == nk && !slices.Contains(picked, n) {
			picked = append(picked, n)
		}
	}
	if len(picked) == 0 && len(parts) > 1 {
		// "d.timeout" with no section like "d": the field may still be known.
		last := string(normName(parts[len(parts)-1]))
		for _, n := range s.all {
			if string(normName(n.name)) == last {
				picked = append(picked, n)
			}
		}
		if len(picked) > 0 {
			return pathsOf(picked)
		}
	}
	if len(picked) == 0 {
		var all []string
		for _, n := range s.all {
			all = append(all, n.name)
		}
		want := map[string]bool{}
		for _, nm := range closest(key, all) {
			want[nm] = true
		}
		for _, n := range s.all {
			if want[n.name] {
				picked = append(picked, n)
			}
		}
	}
	var out []string
	for _, n := range picked {
		p := n.path
		if len(parts) > 1 && n.section {
			if m, _ := s.resolve(n, parts[1:]); m != nil {
				p = m.path
			}
		}
		out = append(out, p)
	}
	return out
}

// unknownMessage is the message for an unknown field: parts[0] is not a
// field of section. The user's whole path is echoed.
func (s *schema) unknownMessage(section *node, parts []string) string {
	full := strings.Join(parts, ".")
	if section.path != "" {
		full = section.path + "." + full
	}
	if parts[0] == "" {
		return fmt.Sprintf("empty field name in %s; write dotted field names such as %s", quote(full), quote(s.sampleLeaf()))
	}
	if sug := s.suggest(section, parts); len(sug) > 0 {
		return fmt.Sprintf("unknown field %s; did you mean %s?", quote(full), orList(sug))
	}
	return fmt.Sprintf("unknown field %s; %s", quote(full), FieldListHint)
}

// sampleLeaf is a field path to show in examples.
func (s *schema) sampleLeaf() string {
	for _, n := range s.leaves {
		if strings.Contains(n.path, ".") {
			return n.path
		}
	}
	if len(s.leaves) > 0 {
		return s.leaves[0].path
	}
	return "section.field"
}

func pathsOf(nodes []*node) []string {
	out := make([]string, len(nodes))
	for i, n := range nodes {
		out[i] = n.path
	}
	return out
}
