package explore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// Shrink reduces lines (lines[0], the config, is kept) to a smaller list
// on which fails still holds, by delta debugging (Zeller's ddmin: drop
// chunks of directives, halving the chunk size down to single lines),
// then by dropping single nodes from ideal-ring directives and
// shortening the successor list r, repeated until nothing more can go.
// The result is 1-minimal: removing any one directive, ring node, or
// decrementing r, makes fails false. fails must be deterministic; it is
// called at most maxCalls times (the best list so far is returned when
// the budget or ctx runs out).
func Shrink(ctx context.Context, lines []string, fails func([]string) bool, maxCalls int) []string {
	calls := 0
	try := func(c []string) bool {
		if calls >= maxCalls || ctx.Err() != nil {
			return false
		}
		calls++
		return fails(c)
	}
	cur := slices0(lines)
	for {
		before := len(strings.Join(cur, "\n"))
		cur = ddmin(cur, try)
		cur = dropRingNodes(cur, try)
		cur = shortenR(cur, try)
		if len(strings.Join(cur, "\n")) == before || calls >= maxCalls || ctx.Err() != nil {
			return cur
		}
	}
}

func slices0(l []string) []string { return append([]string(nil), l...) }

// ddmin removes chunks of lines[1:], n chunks at a time, keeping the
// removal when the check still fails.
func ddmin(lines []string, try func([]string) bool) []string {
	head, body := lines[:1], slices0(lines[1:])
	n := 2
	for len(body) > 0 {
		size := (len(body) + n - 1) / n
		removed := false
		for start := 0; start < len(body); start += size {
			end := min(start+size, len(body))
			cand := append(slices0(head), body[:start]...)
			cand = append(cand, body[end:]...)
			if try(cand) {
				body = cand[1:]
				n = max(n-1, 2)
				removed = true
				break
			}
		}
		if removed {
			continue
		}
		if size == 1 {
			break
		}
		n = min(2*n, len(body))
	}
	return append(slices0(head), body...)
}

// dropRingNodes tries every ideal-ring directive without each of its
// nodes.
func dropRingNodes(lines []string, try func([]string) bool) []string {
	for i := 0; i < len(lines); i++ {
		f := strings.Fields(lines[i])
		if len(f) < 3 || f[0] != "ideal-ring" {
			continue
		}
		for k := 1; k < len(f); k++ {
			nf := append(slices0(f[:k]), f[k+1:]...)
			cand := slices0(lines)
			cand[i] = strings.Join(nf, " ")
			if try(cand) {
				lines, f = cand, nf
				k--
			}
		}
	}
	return lines
}

// shortenR tries the config with r one smaller, as long as it fails.
func shortenR(lines []string, try func([]string) bool) []string {
	for {
		f := strings.Fields(lines[0])
		done := true
		for k, a := range f {
			v, ok := strings.CutPrefix(a, "r=")
			if !ok {
				continue
			}
			r, err := strconv.Atoi(v)
			if err != nil || r <= 1 {
				break
			}
			nf := slices0(f)
			nf[k] = fmt.Sprintf("r=%d", r-1)
			cand := slices0(lines)
			cand[0] = strings.Join(nf, " ")
			if try(cand) {
				lines, done = cand, false
			}
			break
		}
		if done {
			return lines
		}
	}
}
