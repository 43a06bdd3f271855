package kv

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/sim"
)

// TestLateRetryNotReapplied: a copy of a write that arrives at the primary
// after many later writes to the same key (a retry whose first attempt was
// applied but whose answer was lost, delivered late) must not be applied
// again (issue 17, symptom 10: a window of the last 8 operation ids per key
// forgot it, and the late copy overwrote every newer value). The copy is
// rebuilt from the stored entry of the first write, whose identity fields
// (operation and client numbers) are exactly what its message carried.
func TestLateRetryNotReapplied(t *testing.T) {
	for _, tc := range []struct {
		k      int
		later  int
		change string // what happens to the primary before the late copy: "", "fail", "leave"
	}{
		{1, 1, ""}, {1, 8, ""}, {1, 9, ""}, {1, 40, ""}, {3, 1, ""}, {3, 9, ""}, {3, 40, ""},
		// The table must reach whoever serves the key next: down the
		// chain (a crash), with the hand-off (a graceful leave).
		{3, 40, "fail"}, {1, 40, "leave"}, {3, 40, "leave"},
	} {
		k, later := tc.k, tc.later
		{
			t.Run(fmt.Sprintf("k=%d/later=%d/%s", k, later, tc.change), func(t *testing.T) {
				kc := DefaultConfig()
				kc.Replicas = k
				w := newWorld(t, 7, chord.DefaultConfig(), kc, 8)
				_, origin := w.ring.Oracle().At(0)
				const key = "song"
				first := w.do(t, origin, Insert, key, "first")
				if first.Outcome != OK {
					t.Fatalf("first write: %s", first.Outcome)
				}
				dup, ok := w.svc.Stored(first.Primary, key)
				if !ok || dup.Value != "first" {
					t.Fatalf("primary holds %+v after the first write", dup)
				}
				last := ""
				for i := range later {
					last = fmt.Sprintf("v%d", i)
					if res := w.do(t, origin, Insert, key, last); res.Outcome != OK {
						t.Fatalf("write %s: %s", last, res.Outcome)
					}
				}
				to := first.Primary
				switch tc.change {
				case "fail":
					if err := w.ring.Fail(to); err != nil {
						t.Fatal(err)
					}
				case "leave":
					if err := w.ring.Leave(to); err != nil {
						t.Fatal(err)
					}
				}
				if tc.change != "" {
					w.run(300 * sim.Second) // the ring repairs, the kv service hands over and repairs
					to = chainOf(w, key, 1)[0]
					if to == first.Primary {
						t.Fatal("the primary did not change")
					}
				}
				// The late copy: nobody waits for its answer any more.
				slot, m := w.svc.compose(MsgWrite)
				m.E = dup
				m.E.Version = 0
				w.svc.net.Request(slot, origin, to, kc.RequestTimeout, reqID{kind: cookieOp, ref: 0, gen: 0xffffff}.pack())
				w.run(10 * kc.RequestTimeout)
				for _, h := range chainOf(w, key, k) {
					if e, _ := w.svc.Stored(h, key); e.Value != last {
						t.Errorf("node %v holds %q after the late copy, want the last write %q", h, e.Value, last)
					}
				}
				if res := w.do(t, origin, Query, key, ""); res.Value != last {
					t.Errorf("read %q after the late copy, want %q", res.Value, last)
				}
			})
		}
	}
}

// TestMergeSessions checks the table union against a map: per client the
// higher sequence number (with its reply), sorted by client, and the first
// table itself when the second adds nothing.
func TestMergeSessions(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	gen := func() []session {
		m := map[int32]session{}
		for range rng.IntN(6) {
			c := int32(rng.IntN(8))
			m[c] = session{client: c, seq: uint64(rng.IntN(5)), version: rng.Uint64()}
		}
		var out []session
		for c := int32(0); c < 8; c++ {
			if s, ok := m[c]; ok {
				out = append(out, s)
			}
		}
		return out
	}
	for range 2000 {
		a, b := gen(), gen()
		want := map[int32]session{}
		for _, s := range append(slices.Clone(a), b...) {
			if w, ok := want[s.client]; !ok || s.seq > w.seq {
				want[s.client] = s
			}
		}
		got := mergeSessions(a, b)
		if len(got) != len(want) {
			t.Fatalf("merge %v %v = %v: %d clients, want %d", a, b, got, len(got), len(want))
		}
		for i, s := range got {
			if i > 0 && got[i-1].client >= s.client {
				t.Fatalf("merge %v %v = %v: not sorted by client", a, b, got)
			}
			if w := want[s.client]; w.seq != s.seq {
				t.Fatalf("merge %v %v = %v: client %d seq %d, want %d", a, b, got, s.client, s.seq, w.seq)
			}
		}
		adds := false
		for _, y := range b {
			if x, ok := (&Entry{sessions: a}).session(y.client); !ok || x.seq < y.seq {
				adds = true
			}
		}
		if !adds && len(a) > 0 && &got[0] != &a[0] {
			t.Fatalf("merge %v %v allocated though b adds nothing", a, b)
		}
	}
}
