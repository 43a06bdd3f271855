package lincheck

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestCheckHandBuilt(t *testing.T) {
	tests := []struct {
		name string
		why  string
		ops  []Op
		bad  []string // nil: linearizable
	}{
		{
			name: "sequential put get delete get",
			why:  "no overlap, every read returns the latest write: the real-time order is a linearization",
			ops: []Op{
				put(0, "k", "v1", 0, 10),
				get(1, "k", "v1", 20, 30),
				del(0, "k", 40, 50),
				miss(1, "k", 60, 70),
			},
		},
		{
			name: "stale read",
			why:  "put v2 completed after put v1 completed and before the get was called, so the get must see v2",
			ops: []Op{
				put(0, "k", "v1", 0, 10),
				put(0, "k", "v2", 20, 30),
				get(1, "k", "v1", 40, 50),
			},
			bad: []string{"k"},
		},
		{
			name: "concurrent put, get returns old",
			why:  "the get overlaps put v2, so it may be linearized before it and see v1",
			ops: []Op{
				put(0, "k", "v1", 0, 10),
				put(0, "k", "v2", 20, 40),
				get(1, "k", "v1", 25, 35),
			},
		},
		{
			name: "concurrent put, get returns new",
			why:  "the get overlaps put v2, so it may be linearized after it and see v2",
			ops: []Op{
				put(0, "k", "v1", 0, 10),
				put(0, "k", "v2", 20, 40),
				get(1, "k", "v2", 25, 35),
			},
		},
		{
			name: "get before put returns in flight value",
			why:  "a get called before the put is called cannot see it, but one overlapping the put can",
			ops: []Op{
				put(0, "k", "v1", 20, 40),
				miss(1, "k", 0, 10),
				get(2, "k", "v1", 30, 50),
			},
		},
		{
			name: "read of a value never written",
			why:  "no put wrote zzz, so no order explains the get",
			ops: []Op{
				put(0, "k", "v1", 0, 10),
				get(1, "k", "zzz", 20, 30),
			},
			bad: []string{"k"},
		},
		{
			name: "read of a value on an empty store",
			why:  "the key starts absent and is never written",
			ops: []Op{
				get(1, "k", "v1", 20, 30),
			},
			bad: []string{"k"},
		},
		{
			name: "read from the future",
			why:  "the get returned before put v1 was called, so it cannot have seen v1",
			ops: []Op{
				get(1, "k", "v1", 0, 10),
				put(0, "k", "v1", 20, 30),
			},
			bad: []string{"k"},
		},
		{
			name: "not found after completed put",
			why:  "the put completed before the get was called and nothing deleted the key",
			ops: []Op{
				put(0, "k", "v1", 0, 10),
				miss(1, "k", 20, 30),
			},
			bad: []string{"k"},
		},
		{
			name: "found after completed delete",
			why:  "the delete completed before the get was called and nothing rewrote the key",
			ops: []Op{
				put(0, "k", "v1", 0, 10),
				del(0, "k", 20, 30),
				get(1, "k", "v1", 40, 50),
			},
			bad: []string{"k"},
		},
		{
			name: "two keys, one bad",
			why:  "keys are independent registers: the stale read on b does not taint a",
			ops: []Op{
				put(0, "a", "1", 0, 10),
				put(0, "b", "1", 0, 10),
				put(0, "b", "2", 20, 30),
				get(1, "a", "1", 40, 50),
				get(1, "b", "1", 40, 50),
			},
			bad: []string{"b"},
		},
		{
			name: "three keys, two bad, listed sorted",
			why:  "z reads a never-written value, a misses a completed put; m is fine",
			ops: []Op{
				get(0, "z", "nope", 0, 10),
				put(0, "m", "1", 0, 10),
				put(0, "a", "1", 20, 30),
				miss(1, "a", 40, 50),
				get(1, "m", "1", 40, 50),
			},
			bad: []string{"a", "z"},
		},
		{
			name: "unknown put read later",
			why:  "a timed-out put may have taken effect, so a later read of its value is explained by it",
			ops: []Op{
				lost(put(0, "k", "v1", 0, 0)),
				get(1, "k", "v1", 100, 110),
			},
		},
		{
			name: "unknown put never observed",
			why:  "a timed-out put may not have taken effect (it is linearized at the very end)",
			ops: []Op{
				lost(put(0, "k", "v1", 0, 0)),
				miss(1, "k", 100, 110),
				miss(1, "k", 120, 130),
			},
		},
		{
			name: "unknown put observed, then unobserved",
			why:  "once a read saw v1 the put has taken effect, and with no delete a later read must still see it",
			ops: []Op{
				lost(put(0, "k", "v1", 0, 0)),
				get(1, "k", "v1", 100, 110),
				miss(1, "k", 120, 130),
			},
			bad: []string{"k"},
		},
		{
			name: "unknown put read before it was called",
			why:  "an unknown operation is pending from its Call on, never before",
			ops: []Op{
				get(1, "k", "v1", 0, 10),
				lost(put(0, "k", "v1", 20, 0)),
			},
			bad: []string{"k"},
		},
		{
			name: "unknown delete",
			why:  "a timed-out delete may have taken effect, so a later not-found is explained",
			ops: []Op{
				put(0, "k", "v1", 0, 10),
				lost(del(0, "k", 20, 0)),
				miss(1, "k", 100, 110),
			},
		},
		{
			name: "new-old inversion",
			why: "the first get saw v2, so put v2 took effect before it returned; the second get " +
				"started after that and put v1 had completed long before, so it cannot see v1",
			ops: []Op{
				put(0, "k", "v1", 0, 10),
				put(0, "k", "v2", 20, 100),
				get(1, "k", "v2", 30, 40),
				get(1, "k", "v1", 50, 60),
			},
			bad: []string{"k"},
		},
		{
			name: "tie: call at another op's return is concurrent",
			why:  "closed intervals: the get called at 10 overlaps the put returning at 10, so it may precede it",
			ops: []Op{
				put(0, "k", "v1", 0, 10),
				miss(1, "k", 10, 20),
			},
		},
		{
			name: "no tie: call one ns after return is ordered",
			why:  "the put returned at 10, strictly before the get was called at 11, so the get must see it",
			ops: []Op{
				put(0, "k", "v1", 0, 10),
				miss(1, "k", 11, 20),
			},
			bad: []string{"k"},
		},
		{
			name: "tie rescues a stale read",
			why:  "put v2 returned at 20 and the get was called at 20: concurrent, so the get may precede put v2",
			ops: []Op{
				put(0, "k", "v1", 0, 10),
				put(0, "k", "v2", 10, 20),
				get(1, "k", "v1", 20, 30),
			},
		},
		{
			name: "instantaneous operations",
			why:  "Call == Return is a valid point interval; the real-time order is a linearization",
			ops: []Op{
				put(0, "k", "v1", 5, 5),
				get(1, "k", "v1", 6, 6),
			},
		},
		{
			name: "empty history",
			why:  "nothing to explain",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Check(tc.ops, 0)
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			want := Result{Verdict: Linearizable, Ops: len(tc.ops), Keys: countKeys(tc.ops)}
			if tc.bad != nil {
				want.Verdict = NotLinearizable
				want.BadKeys = tc.bad
			}
			if !equalResult(res, want) {
				t.Errorf("%s\ngot  %+v\nwant %+v", tc.why, res, want)
			}
			if got := bruteBadKeys(tc.ops); !slices.Equal(got, tc.bad) {
				t.Errorf("brute force disagrees with the table: %v", got)
			}
		})
	}
}

func countKeys(ops []Op) int {
	m := map[string]bool{}
	for _, o := range ops {
		m[o.Key] = true
	}
	return len(m)
}

func equalResult(a, b Result) bool {
	return a.Verdict == b.Verdict && a.Ops == b.Ops && a.Keys == b.Keys && slices.Equal(a.BadKeys, b.BadKeys)
}

func TestCheckMalformed(t *testing.T) {
	ok := put(0, "k", "v", 0, 10)
	tests := []struct {
		name string
		ops  []Op
		want string // substring of the error
	}{
		{"return before call", []Op{ok, ok, put(0, "k", "v", 10, 9)}, "op 2:"},
		{"unknown get", []Op{ok, lost(get(0, "k", "v", 0, 10))}, "op 1:"},
		{"unknown kind", []Op{{Kind: 3}}, "op 0:"},
		{"first bad op wins", []Op{ok, {Kind: 9}, put(0, "k", "v", 10, 9)}, "op 1:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Check(tc.ops, 0)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Check error = %v, want one containing %q", err, tc.want)
			}
			err = Visualize(&bytes.Buffer{}, tc.ops)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Visualize error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// An Unknown write's Return is ignored, so garbage there is not an error.
func TestUnknownReturnIgnored(t *testing.T) {
	ops := []Op{put(0, "k", "v", 0, 10), lost(put(0, "k", "w", 100, 0))}
	ops[1].Return = math.MinInt64
	if res, err := Check(ops, 0); err != nil || res.Verdict != Linearizable {
		t.Fatalf("Check = %+v, %v", res, err)
	}
}

// Times at the extremes of int64 must not overflow the pending return time.
func TestExtremeTimes(t *testing.T) {
	ops := []Op{
		put(0, "k", "v1", math.MinInt64, math.MinInt64),
		lost(put(1, "k", "v2", math.MaxInt64-1, 0)),
		get(0, "k", "v1", math.MaxInt64, math.MaxInt64),
		lost(del(2, "k", math.MaxInt64, 0)),
	}
	// The get may precede both pending writes: linearizable.
	if res, err := Check(ops, 0); err != nil || res.Verdict != Linearizable {
		t.Fatalf("Check = %+v, %v", res, err)
	}
	ops[2].Value = "v2" // put v2 may have landed before the get
	if res, err := Check(ops, 0); err != nil || res.Verdict != Linearizable {
		t.Fatalf("Check = %+v, %v", res, err)
	}
	ops[2].Value = "v3"
	if res, err := Check(ops, 0); err != nil || res.Verdict != NotLinearizable {
		t.Fatalf("Check = %+v, %v", res, err)
	}
}

func TestStrings(t *testing.T) {
	for v, want := range map[Verdict]string{
		Linearizable: "linearizable", NotLinearizable: "not_linearizable", Inconclusive: "inconclusive", 7: "Verdict(7)",
	} {
		if got := v.String(); got != want {
			t.Errorf("Verdict(%d).String() = %q, want %q", v, got, want)
		}
	}
	for k, want := range map[Kind]string{Put: "put", Get: "get", Delete: "delete", 5: "Kind(5)"} {
		if got := k.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", k, got, want)
		}
	}
}

// Random sequential histories produced by a map are linearizable; replacing
// one read's result with a value nobody wrote makes exactly its key bad.
func TestPropertySequential(t *testing.T) {
	for seed := range uint64(300) {
		r := rand.New(rand.NewPCG(seed, 0x5eed))
		ops := seqHistory(r, 1+r.IntN(200), 1+r.IntN(8))
		res, err := Check(ops, 0)
		if err != nil {
			t.Fatal(err)
		}
		if res.Verdict != Linearizable || res.Ops != len(ops) || res.BadKeys != nil {
			t.Fatalf("seed %d: %+v, want linearizable", seed, res)
		}

		var gets []int
		for i, o := range ops {
			if o.Kind == Get {
				gets = append(gets, i)
			}
		}
		if len(gets) == 0 {
			continue
		}
		i := gets[r.IntN(len(gets))]
		ops[i].Found, ops[i].Value = true, "never-written"
		res, err = Check(ops, 0)
		if err != nil {
			t.Fatal(err)
		}
		if res.Verdict != NotLinearizable || !slices.Equal(res.BadKeys, []string{ops[i].Key}) {
			t.Fatalf("seed %d: corrupted op %d (%s): %+v", seed, i, ops[i].Key, res)
		}
	}
}

// Concurrent histories from an atomic store, with timed-out writes recorded
// as Unknown and timed-out reads dropped, are linearizable; a read of a
// never-written value is not. The result does not depend on op order.
func TestPropertyConcurrent(t *testing.T) {
	for seed := range uint64(50) {
		r := rand.New(rand.NewPCG(seed, 0xc0c0))
		ops := concHistory(r, 50+r.IntN(1000), 1+r.IntN(20), 1+r.IntN(8))
		res, err := Check(ops, 0)
		if err != nil {
			t.Fatal(err)
		}
		if res.Verdict != Linearizable {
			t.Fatalf("seed %d: %+v, want linearizable", seed, res)
		}
		i := r.IntN(len(ops))
		ops[i] = Op{Client: ops[i].Client, Kind: Get, Key: ops[i].Key, Value: "never-written", Found: true,
			Call: ops[i].Call, Return: max(ops[i].Call, ops[i].Return)}
		want, err := Check(ops, 0)
		if err != nil {
			t.Fatal(err)
		}
		if want.Verdict != NotLinearizable || !slices.Equal(want.BadKeys, []string{ops[i].Key}) {
			t.Fatalf("seed %d: corrupted op %d: %+v", seed, i, want)
		}
		r.Shuffle(len(ops), func(a, b int) { ops[a], ops[b] = ops[b], ops[a] })
		got, err := Check(ops, 0)
		if err != nil || !equalResult(got, want) {
			t.Fatalf("seed %d: shuffled: %+v, %v; want %+v", seed, got, err, want)
		}
	}
}

// On tiny random histories (many ties, overlaps, Unknown writes, repeated
// values) Check agrees with an exhaustive search over real-time-respecting
// orders, which pins down the tie and Unknown semantics independently of
// porcupine.
func TestAgreesWithBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(42, 4242))
	counts := [2]int{}
	for n := range 5000 {
		ops := tinyHistory(r)
		res, err := Check(ops, 0)
		if err != nil {
			t.Fatal(err)
		}
		bad := bruteBadKeys(ops)
		if !slices.Equal(res.BadKeys, bad) || (res.Verdict == NotLinearizable) != (bad != nil) {
			t.Fatalf("history %d: Check %+v, brute force bad keys %v\n%+v", n, res, bad, ops)
		}
		counts[res.Verdict]++
	}
	// Both outcomes must be well represented for the comparison to mean much.
	if counts[Linearizable] < 1000 || counts[NotLinearizable] < 1000 {
		t.Errorf("unbalanced sample: %d linearizable, %d not", counts[Linearizable], counts[NotLinearizable])
	}
}

// hardKey is a history on one key that porcupine cannot refute quickly: n
// mutually concurrent puts followed by a read of a value none of them wrote.
// The search must try every subset of puts with every last value, about
// n·2^n states, before giving up.
func hardKey(key string, n int) []Op {
	var ops []Op
	for i := range n {
		ops = append(ops, put(i, key, fmt.Sprint(i), 0, 1000))
	}
	return append(ops, get(n, key, "none", 2000, 2010))
}

// With a timeout, a check that cannot finish is Inconclusive, a violation
// already proved still gives NotLinearizable (listing only the keys proved
// bad), and the verdict is never wrong in either direction.
func TestTimeout(t *testing.T) {
	if testing.Short() {
		t.Skip("uses wall-clock timeouts")
	}
	good := []Op{put(0, "good", "v", 0, 10), get(1, "good", "v", 20, 30)}
	res, err := Check(append(slices.Clone(good), hardKey("z-hard", 40)...), 100*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != Inconclusive || res.BadKeys != nil || res.Keys != 2 {
		t.Errorf("hard history: %+v, want inconclusive", res)
	}

	bad := []Op{put(0, "a-bad", "v", 0, 10), miss(1, "a-bad", 20, 30)}
	res, err = Check(append(slices.Clone(bad), hardKey("z-hard", 40)...), 100*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != NotLinearizable || !slices.Equal(res.BadKeys, []string{"a-bad"}) {
		t.Errorf("bad + hard history: %+v, want not_linearizable [a-bad]", res)
	}

	// A generous timeout on an easy history changes nothing.
	r := rand.New(rand.NewPCG(7, 7))
	ops := concHistory(r, 2000, 10, 5)
	if res, err := Check(ops, time.Minute); err != nil || res.Verdict != Linearizable {
		t.Errorf("easy history with timeout: %+v, %v", res, err)
	}
	// A tiny one may cut the check short, but never invents a verdict.
	if res, err := Check(ops, time.Nanosecond); err != nil || res.Verdict == NotLinearizable {
		t.Errorf("easy history with 1ns timeout: %+v, %v", res, err)
	}
	ops[0] = get(0, ops[0].Key, "never-written", ops[0].Call, max(ops[0].Call, ops[0].Return))
	if res, err := Check(ops, time.Nanosecond); err != nil || res.Verdict == Linearizable {
		t.Errorf("bad history with 1ns timeout: %+v, %v", res, err)
	}
}

func TestVisualize(t *testing.T) {
	ops := []Op{
		put(10, "alpha-key", "v1", 0, 10),
		put(10, "alpha-key", "v2", 20, 100),
		get(20, "alpha-key", "v2", 30, 40),
		get(20, "alpha-key", "v1", 50, 60),
		put(30, "beta-key", "x", 0, 5),
		lost(del(30, "beta-key", 10, 0)),
		miss(20, "beta-key", 70, 80),
	}
	var buf bytes.Buffer
	if err := Visualize(&buf, ops); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	for _, want := range []string{
		"<html", "alpha-key", "beta-key",
		"not_linearizable", // the verdict annotation
		"op 3, client 20",  // metadata tying a box back to ops
		"(timed out)",      // the Unknown delete
	} {
		if !strings.Contains(html, want) {
			t.Errorf("visualization lacks %q", want)
		}
	}

	// And to a file, as a user would.
	path := filepath.Join(t.TempDir(), "history.html")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := Visualize(f, ops[4:]); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte("beta-key")) || !bytes.Contains(b, []byte(`"Description":"linearizable"`)) {
		t.Errorf("file visualization lacks the key or the verdict (%d bytes)", len(b))
	}

	buf.Reset()
	if err := Visualize(&buf, nil); err != nil || buf.Len() == 0 {
		t.Errorf("empty history: %v, %d bytes", err, buf.Len())
	}
}

// A memory budget decides deterministically: the hard key runs out of it
// and is undecided (never guessed), a key proved bad stays bad, easy keys
// are decided, and the same call gives the same result whatever the
// number of workers the run budget allows.
func TestMemoryBudget(t *testing.T) {
	good := []Op{put(0, "good", "v", 0, 10), get(1, "good", "v", 20, 30)}
	bad := []Op{put(0, "a-bad", "v", 0, 10), miss(1, "a-bad", 20, 30)}
	ops := append(append(slices.Clone(good), bad...), hardKey("z-hard", 40)...)
	for _, b := range []Budget{
		{KeyMemory: 1 << 20},
		{KeyMemory: 1 << 20, Memory: 1 << 20},   // one key at a time
		{KeyMemory: 1 << 20, Memory: 64 << 20},  // several at once
		{Memory: 1 << 20},                       // the run's budget alone also bounds each key
		{KeyMemory: 1 << 30, Memory: 1<<20 + 1}, // the smaller one wins
	} {
		start := time.Now()
		res, err := CheckContext(context.Background(), ops, b)
		if err != nil {
			t.Fatal(err)
		}
		if res.Verdict != NotLinearizable || !slices.Equal(res.BadKeys, []string{"a-bad"}) || !slices.Equal(res.Undecided, []string{"z-hard"}) {
			t.Errorf("budget %+v: %+v; want a-bad bad and z-hard undecided", b, res)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("budget %+v: took %v; a 1 MiB budget should end in well under a second", b, d)
		}
	}
	res, err := CheckContext(context.Background(), append(slices.Clone(good), hardKey("z-hard", 40)...), Budget{KeyMemory: 1 << 20})
	if err != nil || res.Verdict != Inconclusive || res.BadKeys != nil || !slices.Equal(res.Undecided, []string{"z-hard"}) {
		t.Errorf("good + hard: %+v, %v; want inconclusive with z-hard undecided", res, err)
	}
	// A generous budget changes nothing on ordinary histories.
	r := rand.New(rand.NewPCG(7, 7))
	easy := concHistory(r, 2000, 10, 5)
	want, _ := Check(easy, 0)
	got, err := CheckContext(context.Background(), easy, Budget{KeyMemory: 256 << 20, Memory: 1 << 30})
	if err != nil || !equalResult(got, want) || got.Undecided != nil {
		t.Errorf("easy history with a budget: %+v, %v; without: %+v", got, err, want)
	}
}

// Cancelling the context stops a check that would run for hours within a
// second (Ctrl-C and SIGTERM during a run's check), with ctx's error and
// no verdict invented.
func TestCheckCancel(t *testing.T) {
	ops := append(hardKey("a-hard", 60), hardKey("b-hard", 60)...)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	var res Result
	var err error
	go func() {
		res, err = CheckContext(ctx, ops, Budget{})
		close(done)
	}()
	time.Sleep(100 * time.Millisecond)
	cancelled := time.Now()
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the check ignored the cancellation for 5 s")
	}
	if d := time.Since(cancelled); d > time.Second {
		t.Errorf("the check stopped %v after the cancellation; want under a second", d)
	}
	if !errors.Is(err, context.Canceled) || res.Verdict != Inconclusive || len(res.Undecided) != 2 {
		t.Errorf("cancelled check: %+v, %v; want inconclusive, both keys undecided, context.Canceled", res, err)
	}
}

// A per-key time budget leaves the hard key undecided and still decides the
// others.
func TestKeyTimeBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("uses wall-clock timeouts")
	}
	good := []Op{put(0, "good", "v", 0, 10), get(1, "good", "v", 20, 30)}
	start := time.Now()
	res, err := CheckContext(context.Background(), append(slices.Clone(good), hardKey("z-hard", 60)...), Budget{KeyTime: 100 * time.Millisecond})
	if err != nil || res.Verdict != Inconclusive || !slices.Equal(res.Undecided, []string{"z-hard"}) {
		t.Errorf("hard key with a key time budget: %+v, %v", res, err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v with a 100 ms key budget", d)
	}
}
