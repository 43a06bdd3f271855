package run

import (
	"testing"

	"github.com/chordsim/chordsim/metrics/lincheck"
)

// TestFreshness checks the stale-read rule on hand-built histories.
func TestFreshness(t *testing.T) {
	put := func(v string, call, ret int64) lincheck.Op {
		return lincheck.Op{Kind: lincheck.Put, Key: "k", Value: v, Call: call, Return: ret}
	}
	get := func(v string, found bool, call, ret int64) lincheck.Op {
		return lincheck.Op{Kind: lincheck.Get, Key: "k", Value: v, Found: found, Call: call, Return: ret}
	}
	unknown := func(op lincheck.Op) lincheck.Op { op.Unknown = true; return op }
	del := func(call, ret int64) lincheck.Op {
		return lincheck.Op{Kind: lincheck.Delete, Key: "k", Call: call, Return: ret}
	}
	for _, tc := range []struct {
		name  string
		ops   []lincheck.Op
		stale int
	}{
		{"nothing written: not found is fresh", []lincheck.Op{get("", false, 0, 1)}, 0},
		{"latest value", []lincheck.Op{put("a", 0, 1), put("b", 2, 3), get("b", true, 4, 5)}, 0},
		{"superseded value", []lincheck.Op{put("a", 0, 1), put("b", 2, 3), get("a", true, 4, 5)}, 1},
		{"not found after a completed write", []lincheck.Op{put("a", 0, 1), get("", false, 2, 3)}, 1},
		{"concurrent write: old value fine", []lincheck.Op{put("a", 0, 1), put("b", 2, 6), get("a", true, 3, 4)}, 0},
		{"concurrent write: new value fine", []lincheck.Op{put("a", 0, 1), put("b", 2, 6), get("b", true, 3, 4)}, 0},
		{"overlapping writes both acknowledged: either is fresh", []lincheck.Op{put("a", 0, 3), put("b", 1, 2), get("a", true, 4, 5)}, 0},
		{"value from the future", []lincheck.Op{get("b", true, 0, 1), put("b", 2, 3)}, 1},
		{"unknown write may land late", []lincheck.Op{put("a", 0, 1), unknown(put("b", 2, 3)), put("c", 4, 5), get("b", true, 6, 7)}, 0},
		{"delete then not found", []lincheck.Op{put("a", 0, 1), del(2, 3), get("", false, 4, 5)}, 0},
		{"delete then old value", []lincheck.Op{put("a", 0, 1), del(2, 3), get("a", true, 4, 5)}, 1},
	} {
		reads, stale := freshness(tc.ops)
		if reads == 0 || stale != tc.stale {
			t.Errorf("%s: %d stale of %d reads, want %d", tc.name, stale, reads, tc.stale)
		}
	}
}
