package run

import (
	"testing"

	"github.com/chordsim/chordsim/chord/kv"
	"github.com/chordsim/chordsim/metrics/lincheck"
)

// TestLostAcked checks the lost-write rule on hand-built histories: an
// acknowledged write is lost when the key's final state is explained only
// by writes acknowledged before it was called (or by nothing).
func TestLostAcked(t *testing.T) {
	put := func(v string, call, ret int64) lincheck.Op {
		return lincheck.Op{Kind: lincheck.Put, Key: "k", Value: v, Call: call, Return: ret}
	}
	del := func(call, ret int64) lincheck.Op {
		return lincheck.Op{Kind: lincheck.Delete, Key: "k", Call: call, Return: ret}
	}
	unknown := func(op lincheck.Op) lincheck.Op { op.Unknown = true; return op }
	get := lincheck.Op{Kind: lincheck.Get, Key: "k", Value: "x", Found: true, Call: 0, Return: 100}
	value := func(v string) *kv.Entry { return &kv.Entry{Key: "k", Value: v, Version: 1} }
	tomb := &kv.Entry{Key: "k", Version: 1, Deleted: true}
	for _, tc := range []struct {
		name  string
		ops   []lincheck.Op
		final *kv.Entry // nil: no live copy
		lost  int
	}{
		{"the last write survives", []lincheck.Op{put("a", 0, 1)}, value("a"), 0},
		{"a later acknowledged write is lost", []lincheck.Op{put("a", 0, 1), put("b", 2, 3)}, value("a"), 1},
		{"concurrent writes: either may be last", []lincheck.Op{put("a", 0, 3), put("b", 1, 2)}, value("a"), 0},
		{"no copy left", []lincheck.Op{put("a", 0, 1), put("b", 2, 3)}, nil, 2},
		{"deleted after the put", []lincheck.Op{put("a", 0, 1), del(2, 3)}, tomb, 0},
		{"a delete undone", []lincheck.Op{put("a", 0, 1), del(2, 3)}, value("a"), 1},
		{"an unknown write may land last", []lincheck.Op{put("a", 0, 1), unknown(put("b", 2, 3))}, value("b"), 0},
		{"an unknown write lost is not counted", []lincheck.Op{put("a", 0, 1), unknown(put("b", 2, 3))}, value("a"), 0},
		{"the preload is an acknowledged write", []lincheck.Op{{Client: -1, Kind: lincheck.Put, Key: "k", Value: "v0", Call: -2, Return: -1}}, nil, 1},
		{"reads change nothing", []lincheck.Op{get, put("a", 0, 1)}, value("a"), 0},
	} {
		got := lostAcked(tc.ops, func(string) (kv.Entry, bool) {
			if tc.final == nil {
				return kv.Entry{}, false
			}
			return *tc.final, true
		})
		if got != tc.lost {
			t.Errorf("%s: %d lost, want %d", tc.name, got, tc.lost)
		}
	}
}
