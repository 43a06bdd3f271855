package churn

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chordsim/chordsim/sim"
)

// docExample is the example of the package documentation.
const docExample = `# join two nodes, crash one, retire an initial node, rejoin a name
0        join  alice
12.5     join  10.0.0.7:4000   # a bare number is seconds
90s      fail  alice
2m       leave #3              # #K: the K-th initial node, in identifier order
2m       join  alice           # a name can rejoin once it is gone
1h2m3.5s join  bob
`

// The trace replays exactly its events at from+TIME, resolves #K through
// Initial and gives a rejoined name its identifier back.
func TestTraceReplay(t *testing.T) {
	tr, err := ParseTrace(strings.NewReader(docExample), "doc.trace", 5)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		until  sim.Time
		want   []string
		counts Counts
	}{
		{"whole", NoEnd, []string{
			"10s named(alice)=5",
			"22.5s named(10.0.0.7:4000)=6",
			"1m40s fail 5",
			"2m10s leave 3",
			"2m10s named(alice)=7",
			"1h2m13.5s named(bob)=8",
		}, Counts{Joins: 4, Fails: 1, Leaves: 1}},
		// until = from+2m excludes the two events at 2m.
		{"cut", secs(130), []string{
			"10s named(alice)=5",
			"22.5s named(10.0.0.7:4000)=6",
			"1m40s fail 5",
		}, Counts{Joins: 2, Fails: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := sim.NewScheduler()
			f := newFake(s, 5)
			h := tr.Start(s, f, nil, secs(10), tc.until)
			s.Run()
			if !slices.Equal(f.log, tc.want) {
				t.Errorf("calls\n%q\nwant\n%q", f.log, tc.want)
			}
			if h.Counts() != tc.counts {
				t.Errorf("counts %+v, want %+v", h.Counts(), tc.counts)
			}
		})
	}
	// Started twice, the same Trace replays the same way: runs share no state.
	s := sim.NewScheduler()
	f := newFake(s, 5)
	tr.Start(s, f, nil, secs(10), NoEnd)
	s.Run()
	if f.ident[7] != f.ident[5] {
		t.Errorf("alice rejoined with identifier %d, first had %d", f.ident[7], f.ident[5])
	}
	if tr.Len() != 6 || tr.End() != 3723500*sim.Millisecond || tr.InitialSize() != 5 || tr.Filename() != "doc.trace" {
		t.Errorf("Len %d, End %v, InitialSize %d, Filename %q", tr.Len(), tr.End(), tr.InitialSize(), tr.Filename())
	}
}

// A trace fail of a node that another generator already removed is
// skipped, not passed to the target.
func TestTraceSkipsRemoved(t *testing.T) {
	tr, err := ParseTrace(strings.NewReader("0 join a\n10s fail #0\n20s leave a\n30s join a\n"), "t", 2)
	if err != nil {
		t.Fatal(err)
	}
	s := sim.NewScheduler()
	f := newFake(s, 2)
	at(s, secs(5), func() { f.Fail(0) })
	at(s, secs(15), func() { f.Fail(2) }) // a's node
	h := tr.Start(s, f, nil, 0, NoEnd)
	s.Run()
	want := []string{"0s named(a)=2", "5s fail 0", "15s fail 2", "30s named(a)=3"}
	if !slices.Equal(f.log, want) {
		t.Errorf("calls\n%q\nwant\n%q", f.log, want)
	}
	if c := h.Counts(); c != (Counts{Joins: 2, Skipped: 2}) {
		t.Errorf("counts %+v", c)
	}
}

// What the parser accepts, and the events it makes of it.
func TestParseTraceAccepts(t *testing.T) {
	ev := func(at sim.Duration, v Verb, node string, k int) TraceEvent {
		return TraceEvent{At: at, Verb: v, Node: node, Initial: k}
	}
	tests := []struct {
		name    string
		in      string
		initial int
		want    []TraceEvent
	}{
		{"empty", "", 0, nil},
		{"only comments", "# nothing\n\n   # indented\n\t\n", 3, nil},
		{"CRLF and BOM", "\uFEFF1s join a\r\n2s fail a\r\n", 0,
			[]TraceEvent{ev(sim.Second, VerbJoin, "a", -1), ev(2*sim.Second, VerbFail, "a", -1)}},
		{"tabs and trailing comment", "\t1m\tjoin\t10.0.0.7:4000\t# the first\n", 0,
			[]TraceEvent{ev(sim.Minute, VerbJoin, "10.0.0.7:4000", -1)}},
		{"comment without space after NODE", "1 join a #x\n", 0,
			[]TraceEvent{ev(sim.Second, VerbJoin, "a", -1)}},
		{"hash inside a name", "1 join a#1\n", 0,
			[]TraceEvent{ev(sim.Second, VerbJoin, "a#1", -1)}},
		{"bare seconds", "0 join a\n12.5 join b\n1e2 leave a\n", 0, []TraceEvent{
			ev(0, VerbJoin, "a", -1), ev(12500*sim.Millisecond, VerbJoin, "b", -1), ev(100*sim.Second, VerbLeave, "a", -1)}},
		{"#K canonical", "1h fail #003\n1h leave #0\n", 4, []TraceEvent{
			ev(sim.Hour, VerbFail, "#3", 3), ev(sim.Hour, VerbLeave, "#0", 0)}},
		{"initial node back under a new name", "1 fail #1\n2 join node1-again\n3 fail node1-again\n4 join node1-again\n", 2, []TraceEvent{
			ev(sim.Second, VerbFail, "#1", 1), ev(2*sim.Second, VerbJoin, "node1-again", -1),
			ev(3*sim.Second, VerbFail, "node1-again", -1), ev(4*sim.Second, VerbJoin, "node1-again", -1)}},
		{"equal times keep file order", "5 join b\n5 join a\n5 fail b\n", 0, []TraceEvent{
			ev(5*sim.Second, VerbJoin, "b", -1), ev(5*sim.Second, VerbJoin, "a", -1), ev(5*sim.Second, VerbFail, "b", -1)}},
		{"longest line", "1 join a" + strings.Repeat(" ", MaxTraceLine-8) + "\n", 0,
			[]TraceEvent{ev(sim.Second, VerbJoin, "a", -1)}},
		{"no final newline", "1.5h join a", 0, []TraceEvent{ev(90*sim.Minute, VerbJoin, "a", -1)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := ParseTrace(strings.NewReader(tc.in), "x.trace", tc.initial)
			if err != nil {
				t.Fatal(err)
			}
			if got := tr.Events(); !slices.Equal(got, tc.want) {
				t.Errorf("events\n%+v\nwant\n%+v", got, tc.want)
			}
			back, err := ParseTrace(strings.NewReader(tr.String()), "back", tc.initial)
			if err != nil || !slices.Equal(back.Events(), tc.want) {
				t.Errorf("re-encoded %q parses to %+v, %v", tr.String(), back, err)
			}
		})
	}
}

// Every rejection names the file and line, the problem and the fix.
func TestParseTraceErrors(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		initial int
		line    int
		mention []string
	}{
		{"unknown verb", "10s crash alice", 5, 1, []string{`unknown verb "crash"`, "join, leave and fail"}},
		{"time backwards", "1m join a\n\n30s join b", 5, 3, []string{"time 30s goes backwards", "line 1 is at 1m0s", "sort"}},
		{"too few fields", "10s join", 5, 1, []string{"want 3 fields TIME VERB NODE, got 2", "90s join alice"}},
		{"too many fields", "10s join a b", 5, 1, []string{"got 4", "cannot contain spaces"}},
		{"comment swallows the verb", "10s #join a", 5, 1, []string{"got 1"}},
		{"lone hash as NODE", "10s join # a", 5, 1, []string{"got 2"}},
		{"unparsable time", "abc join a", 5, 1, []string{`time "abc" is not a time`, "90s", "seconds like 90"}},
		{"negative seconds", "-5 join a", 5, 1, []string{`time "-5" is negative`}},
		{"negative duration", "-5s join a", 5, 1, []string{`time "-5s" is negative`}},
		{"infinite time", "inf join a", 5, 1, []string{`time "inf" is not a finite number`}},
		{"NaN time", "NaN join a", 5, 1, []string{"not a finite number"}},
		{"huge seconds", "1e300 join a", 5, 1, []string{"too large"}},
		{"huge overflowing seconds", "1e999 join a", 5, 1, []string{"not a finite number"}},
		{"huge duration", "9999999999h join a", 5, 1, []string{"is not a time"}},
		{"never joined", "10s fail bob", 5, 1, []string{`fail of unknown node "bob": it never joined`, "join bob"}},
		{"already failed", "1 join bob\n2 fail bob\n3 leave bob", 5, 3, []string{`leave of unknown node "bob": it already failed at line 2`, "join it again"}},
		{"already left", "1 join bob\n2 leave bob\n3 fail bob", 5, 3, []string{"already left at line 2"}},
		{"join of a live name", "1 join bob\n# x\n2 join bob", 5, 3, []string{`join of "bob", which is already live (joined at line 1)`, "another name"}},
		{"K too large", "1 fail #7", 5, 1, []string{"node #7 does not exist", "initial ring has 5 nodes", "#0 to #4"}},
		{"K huge", "1 fail #99999999999999999999999", 5, 1, []string{"does not exist"}},
		{"no initial nodes", "1 fail #0", 0, 1, []string{"node #0 does not exist", "initial ring is empty"}},
		{"join of #K", "1 join #2", 5, 1, []string{"join of initial node #2", "live from the start", "under a new name"}},
		{"bad K", "1 fail #x", 5, 1, []string{`node "#x" is not #K with a whole number K`, "cannot start with #"}},
		{"negative K", "1 fail #-1", 5, 1, []string{"is not #K"}},
		{"initial node gone", "1 fail #3\n2 leave #3", 5, 2, []string{`"#3": it already failed at line 1`, "only under a new name"}},
		{"line over the limit", "# c\n" + strings.Repeat("a", MaxTraceLine+1), 5, 2, []string{"longer than 4096 bytes", "TIME VERB NODE"}},
		{"line far over the limit", "1 join a\n2 join b\n" + strings.Repeat("a", 100_000) + "\n", 5, 3, []string{"longer than 4096 bytes"}},
		{"later error after good lines", "1 join a\n2 join b\n3 fail a\n4 fail a", 5, 4, []string{"already failed at line 3"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseTrace(strings.NewReader(tc.in), "x.trace", tc.initial)
			if err == nil {
				t.Fatal("accepted")
			}
			msg := err.Error()
			if prefix := "x.trace:" + strconv.Itoa(tc.line) + ": "; !strings.HasPrefix(msg, prefix) {
				t.Errorf("error %q does not start with %q", msg, prefix)
			}
			for _, w := range tc.mention {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not mention %q", msg, w)
				}
			}
		})
	}
	if _, err := ParseTrace(strings.NewReader(""), "x.trace", -1); err == nil || !strings.Contains(err.Error(), "initial ring size -1 is negative") {
		t.Errorf("negative initial size: %v", err)
	}
}

func TestParseTraceFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "churn.trace")
	if err := os.WriteFile(path, []byte("1 join a\n2 fail b\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ParseTraceFile(path, 0)
	if err == nil || !strings.HasPrefix(err.Error(), path+":2: ") {
		t.Errorf("error %v does not name %s:2", err, path)
	}
	if _, err := ParseTraceFile(filepath.Join(t.TempDir(), "missing"), 0); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

// WriteTo reports the bytes written and the writer's error.
func TestTraceWriteTo(t *testing.T) {
	tr, err := ParseTrace(strings.NewReader(docExample), "doc", 5)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	n, err := tr.WriteTo(&b)
	const want = "0s join alice\n12.5s join 10.0.0.7:4000\n1m30s fail alice\n2m0s leave #3\n2m0s join alice\n1h2m3.5s join bob\n"
	if err != nil || b.String() != want || n != int64(len(want)) {
		t.Errorf("WriteTo = %d, %v, wrote\n%s", n, err, b.String())
	}
	if _, err := tr.WriteTo(failWriter{}); err == nil {
		t.Error("WriteTo hid the writer's error")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func FuzzParseTrace(f *testing.F) {
	f.Add(docExample, uint8(5))
	f.Add("", uint8(0))
	f.Add("1 join a\n2 fail a\n3 join a\n", uint8(0))
	f.Add("0 fail #0\n1 join #0\n", uint8(1))
	f.Add("\uFEFF1e2 leave #00 # c\r\n", uint8(3))
	f.Add("1.5h join a b\n", uint8(0))
	f.Add("-1 join a\n", uint8(0))
	f.Add("2 join a\n1 join b\n", uint8(0))
	f.Add("1 join a\n1 join a\n", uint8(0))
	f.Add("1_0 fail #3\n", uint8(5))   // issue 22: Go digit separators
	f.Add("0x1p-2 join a\n", uint8(0)) // issue 22: Go hexadecimal floats
	f.Add(strings.Repeat("\x00", MaxTraceLine+3), uint8(0))
	f.Fuzz(func(t *testing.T, in string, initial uint8) {
		tr, err := ParseTrace(strings.NewReader(in), "fuzz", int(initial))
		if err != nil {
			if msg := err.Error(); !strings.HasPrefix(msg, "fuzz:") || strings.Contains(msg, "\n") {
				t.Fatalf("error %q is not one line starting with the file name", msg)
			}
			return
		}
		text := tr.String()
		back, err := ParseTrace(strings.NewReader(text), "back", int(initial))
		if err != nil {
			t.Fatalf("re-encoded trace %q does not parse: %v", text, err)
		}
		if !slices.Equal(back.Events(), tr.Events()) {
			t.Fatalf("re-encoding changed the events:\n%+v\n%+v", tr.Events(), back.Events())
		}
		if back.String() != text {
			t.Fatalf("encoding not stable: %q then %q", text, back.String())
		}
	})
}

// Go's number syntax is not a trace time (issue 22): digit separators and
// hexadecimal floats are refused, plain decimals still read.
func TestTraceTimesArePlainDecimal(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{{"10", true}, {"1.5", true}, {"1e2", true}, {"90s", true}, {"1_0", false}, {"0x1p-2", false}, {"0x10", false}, {"1_000s", false}} {
		_, err := ParseTrace(strings.NewReader(tc.in+" join a\n"), "t", 0)
		if (err == nil) != tc.ok {
			t.Errorf("time %q: err = %v, want ok=%v", tc.in, err, tc.ok)
		}
	}
}
