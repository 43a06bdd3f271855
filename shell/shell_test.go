package shell

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/chord/kv"
	"github.com/chordsim/chordsim/sim"
)

var rewrite = flag.Bool("rewrite", false, "rewrite testdata/transcript.golden from the current output")

// transcript runs testdata/transcript.chord with echo on and returns
// everything written (output and errors interleaved) and Run's count.
func transcript(t *testing.T) ([]byte, int) {
	t.Helper()
	script, err := os.ReadFile(filepath.Join("testdata", "transcript.chord"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{Seed: 1, Echo: true})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	n := s.Run(bytes.NewReader(script), &buf, &buf)
	return buf.Bytes(), n
}

// TestTranscriptGolden replays CHORD-KV's session and compares the output
// byte for byte with testdata/transcript.golden (go test -rewrite to
// regenerate it after a deliberate change, then read the diff).
func TestTranscriptGolden(t *testing.T) {
	got, n := transcript(t)
	golden := filepath.Join("testdata", "transcript.golden")
	if *rewrite {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -rewrite to create it)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) || i < len(wl); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("output differs from %s at line %d:\n got: %s\nwant: %s\n(go test -rewrite regenerates it)", golden, i+1, g, w)
			}
		}
	}
	// The script's mistakes: isert, query, insert with an unquoted
	// value, fingers of a departed node, a second join of 5000, run soon,
	// an unterminated quote.
	if n != 7 {
		t.Errorf("Run counted %d failed commands, want 7", n)
	}
}

// TestTranscriptFacts checks what the CHORD-KV transcript shows without
// the golden file: SHA-1 order 5002 < 5001 < 5000, song1 and song2 stored
// at 5002, song1 gone after its delete.
func TestTranscriptFacts(t *testing.T) {
	s, err := New(Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	exec := func(line string) string {
		t.Helper()
		var out bytes.Buffer
		if err := s.Exec(line, &out); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		return out.String()
	}
	wantIDs := map[string]string{
		"127.0.0.1:5000": "b660cd6180a4629b",
		"127.0.0.1:5001": "876d5b4697f76904",
		"127.0.0.1:5002": "785ff6d152184a62",
	}
	for _, name := range []string{"127.0.0.1:5000", "127.0.0.1:5001", "127.0.0.1:5002"} {
		if got, want := exec("join "+name), "joined "+name+" id="+wantIDs[name]+"\n"; got != want {
			t.Fatalf("join: got %q, want %q", got, want)
		}
	}
	exec("run 60s")
	o := s.ring.Oracle()
	var order []string
	for i := 0; i < o.Len(); i++ {
		_, h := o.At(i)
		order = append(order, s.ring.Name(h))
	}
	if got := strings.Join(order, " "); got != "127.0.0.1:5002 127.0.0.1:5001 127.0.0.1:5000" {
		t.Fatalf("ring order %s, want the transcript's 5002 5001 5000", got)
	}
	ov := exec("overlay")
	if !strings.HasPrefix(ov, "785ff6d152184a62 127.0.0.1:5002 pred=127.0.0.1:5000 succ=127.0.0.1:5001\n876d5b4697f76904 127.0.0.1:5001 ") ||
		!strings.HasSuffix(ov, "3 nodes\n") {
		t.Fatalf("overlay:\n%s", ov)
	}
	for _, c := range []struct{ line, prefix string }{
		{"insert song1 artist1 at 127.0.0.1:5001", "Key:song1 inserted at node:127.0.0.1:5002 (version 1, "},
		{"insert song2 artist2 at 127.0.0.1:5002", "Key:song2 inserted at node:127.0.0.1:5002 (version 1, "},
		{"query song1", "Key:song1 has value:artist1 found at node:127.0.0.1:5002 ("},
		{"query song2", "Key:song2 has value:artist2 found at node:127.0.0.1:5002 ("},
		{"find song1", "Key:song1 id=f8d513252775e1bd is owned by node:127.0.0.1:5002 id=785ff6d152184a62 ("},
		{"delete song1 at 127.0.0.1:5001", "Key:song1 deleted at node:127.0.0.1:5002 (version 2, "},
		{"query song1", "Key:song1 not found (asked 127.0.0.1:5002)"},
		{"insert song2 artist2b", "Key:song2 updated at node:127.0.0.1:5002 (version 2, "},
	} {
		if got := exec(c.line); !strings.HasPrefix(got, c.prefix) || strings.Count(got, "\n") != 1 {
			t.Errorf("%s:\n got %q\nwant %q…", c.line, got, c.prefix)
		}
	}
	// The pairs sit at 5002 alone (k = 1).
	h := s.live("127.0.0.1:5002", false)
	if p := s.svc.Pairs(h); len(p) != 1 || p[0].Key != "song2" || p[0].Value != "artist2b" {
		t.Errorf("5002 holds %+v, want song2 = artist2b", p)
	}
	all := exec("query *")
	if !strings.Contains(all, "node:127.0.0.1:5002 id=785ff6d152184a62\n    song2 = artist2b\n") || !strings.HasSuffix(all, "1 pair on 3 nodes\n") {
		t.Errorf("query *:\n%s", all)
	}
	// song43 belongs to 5001; departing hands it to 5000.
	if got := exec("insert song43 x"); !strings.HasPrefix(got, "Key:song43 inserted at node:127.0.0.1:5001 ") {
		t.Fatalf("insert song43: %s", got)
	}
	if got := exec("depart 127.0.0.1:5001"); got != "Node 127.0.0.1:5001 departed; its 1 key went to 127.0.0.1:5000\n" {
		t.Fatalf("depart: %q", got)
	}
	if got := exec("query song43"); !strings.HasPrefix(got, "Key:song43 has value:x found at node:127.0.0.1:5000 ") {
		t.Fatalf("after depart: %s", got)
	}
	fg := exec("fingers 127.0.0.1:5000")
	want := "node:127.0.0.1:5000 id=b660cd6180a4629b\n  0..63   b660cd6180a4629c → 127.0.0.1:5002\nsuccessors: 127.0.0.1:5002\npredecessor: 127.0.0.1:5002\n"
	if fg != want {
		t.Errorf("fingers:\n%s\nwant\n%s", fg, want)
	}
}

// TestDeterministic: the same script and seed give the same bytes.
func TestDeterministic(t *testing.T) {
	a, _ := transcript(t)
	b, _ := transcript(t)
	if !bytes.Equal(a, b) {
		t.Fatal("two runs of the same script differ")
	}
	// A different seed changes the random draws (latencies at least).
	script, _ := os.ReadFile(filepath.Join("testdata", "transcript.chord"))
	s, _ := New(Options{Seed: 2, Echo: true})
	var c bytes.Buffer
	s.Run(bytes.NewReader(script), &c, &c)
	if bytes.Equal(a, c.Bytes()) {
		t.Error("seeds 1 and 2 print the same transcript")
	}
}

// setup is the ring the error tests start from.
const setup = "join a\njoin b\njoin c\nrun 10s\n"

// TestErrors: each bad line prints exactly one error line with the
// distinctive phrase, Run counts it, and the next command works.
func TestErrors(t *testing.T) {
	for _, c := range []struct{ line, phrase string }{
		{"isert song1 x", `unknown command "isert"; type help for the commands (did you mean insert?)`},
		{"frobnicate", `unknown command "frobnicate"; type help`},
		{"query", "query: missing KEY (usage: query KEY|* [at NAME])"},
		{`query ""`, "query: KEY is empty"},
		{"query k near a", `query: unexpected argument after KEY "near"`},
		{"query k at", "query: missing NAME after at"},
		{"query k at a b", `query: unexpected argument "b" after at a`},
		{"query * at nobody", `query: no live node named "nobody" to start at`},
		{"insert k", "insert: missing VALUE (usage: insert KEY VALUE [at NAME])"},
		{"insert k Led Zeppelin", `insert: unexpected argument after VALUE "Zeppelin"`},
		{"insert k v at nobody", `insert: no live node named "nobody" to start at; type overlay for the members`},
		{`insert k "unterminated`, `insert: unterminated quote: the " at column 10`},
		{`"unterminated`, `error: unterminated quote: the " at column 1`},
		{"depart a\nfingers a", `fingers: no live node named "a" (it left); type overlay`},
		{"fail a\nquery k at a", `query: no live node named "a" (it failed) to start at`},
		{"delete", "delete: missing KEY"},
		{"find k at", "find: missing NAME after at"},
		{"join", "join: missing NAME (usage: join NAME [via NAME])"},
		{"join a", `join: node "a" is already in the ring`},
		{`join ""`, "join: NAME is empty"},
		{"join d via nobody", `join: no live node named "nobody" to join via`},
		{"join d at a", `join: unexpected argument after NAME "at"`},
		{"depart nobody", `depart: no live node named "nobody"`},
		{"depart", "depart: missing NAME"},
		{"fail nobody", `fail: no live node named "nobody"`},
		{"fingers x", `fingers: no live node named "x"`},
		{"fingers a b", `fingers: unexpected argument after NAME "b"`},
		{"overlay now", `overlay: unexpected argument "now"`},
		{"stats all", `stats: unexpected argument "all"`},
		{"run", "run: missing DURATION"},
		{"run soon", `run: "soon" is not a duration`},
		{"run 30", `run: "30" has no unit`},
		{"run -5s", "run: duration -5s is negative"},
		{"run 1000h", "run: 1000h is too long"},
		{"help nothing", `help: unknown command "nothing"`},
		{"quit now", `quit: unexpected argument "now"`},
	} {
		t.Run(c.line, func(t *testing.T) {
			s, err := New(Options{Seed: 3})
			if err != nil {
				t.Fatal(err)
			}
			var out, errs bytes.Buffer
			n := s.Run(strings.NewReader(setup+c.line+"\noverlay\n"), &out, &errs)
			if n != 1 {
				t.Errorf("Run returned %d, want 1; errors:\n%s", n, errs.String())
			}
			lines := strings.Split(strings.TrimSuffix(errs.String(), "\n"), "\n")
			if len(lines) != 1 || !strings.HasPrefix(lines[0], "error: ") {
				t.Fatalf("want one error line, got %q", errs.String())
			}
			if !strings.Contains(lines[0], c.phrase) {
				t.Errorf("error %q does not contain %q", lines[0], c.phrase)
			}
			if !strings.HasSuffix(out.String(), " nodes\n") {
				t.Errorf("the session did not go on after the error; output:\n%s", out.String())
			}
		})
	}
}

// TestJoinCollision: with few bits two names can share an identifier; the
// second join is refused with both names.
func TestJoinCollision(t *testing.T) {
	const bits = 4
	sp := chord.MustSpace(bits)
	var other string
	for i := 0; other == ""; i++ {
		if n := fmt.Sprint("n", i); sp.Hash(n) == sp.Hash("a") {
			other = n
		}
	}
	s, err := New(Options{Bits: bits, Successors: 2})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := s.Exec("join a", &out); err != nil {
		t.Fatal(err)
	}
	err = s.Exec("join "+other, &out)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf(`join: node %q hashes to id %x, which live node "a" has; pick another name`, other, uint64(sp.Hash("a")))) {
		t.Fatalf("collision: %v", err)
	}
	// Once a has departed, the identifier is free again.
	if err := s.Exec("depart a", &out); err != nil {
		t.Fatal(err)
	}
	if err := s.Exec("join "+other, &out); err != nil {
		t.Fatal(err)
	}
}

// TestUnavailable: an operation that fails is one error line, counted by
// Run and in stats. Maintenance every hour leaves the dead primary's
// successor refusing its keys for the whole operation.
func TestUnavailable(t *testing.T) {
	s, err := New(Options{Seed: 5, StabilizeEvery: sim.Hour})
	if err != nil {
		t.Fatal(err)
	}
	key := "song1"
	var out, errs bytes.Buffer
	n := s.Run(strings.NewReader("join a\njoin b\njoin c\nrun 5h\n"), &out, &errs)
	if n != 0 {
		t.Fatalf("setup: %s", errs.String())
	}
	owner := s.ring.Oracle().Successor(s.ring.Space().Hash(key))
	var at string
	for _, name := range []string{"a", "b", "c"} {
		if name != s.ring.Name(owner) {
			at = name
			break
		}
	}
	n = s.Run(strings.NewReader(fmt.Sprintf("fail %s\nquery %s at %s\nstats\n", s.ring.Name(owner), key, at)), &out, &errs)
	if n != 1 || !strings.HasPrefix(errs.String(), "error: query song1: unavailable after 4 attempts (") || strings.Count(errs.String(), "\n") != 1 {
		t.Fatalf("Run = %d, errors %q", n, errs.String())
	}
	if !strings.Contains(out.String(), "operations: 0 done, 1 failed\n") {
		t.Errorf("stats do not count the failure:\n%s", out.String())
	}
}

// TestOutcomeErrors covers the failure messages the ring rarely produces.
func TestOutcomeErrors(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := s.Exec("join a", &out); err != nil {
		t.Fatal(err)
	}
	h := s.live("a", false)
	for _, c := range []struct {
		res  kv.Result
		want string
	}{
		{kv.Result{Outcome: kv.Unavailable, Cause: kv.TimedOut, Attempts: 4}, "insert k: unavailable after 4 attempts (timeout); run 30s"},
		{kv.Result{Outcome: kv.Unavailable, Cause: kv.LookupFailed, Attempts: 1}, "insert k: unavailable after 1 attempt (lookup failed)"},
		{kv.Result{Outcome: kv.Unavailable, Cause: kv.Refused, Attempts: 2}, "insert k: unavailable after 2 attempts (refused: "},
		{kv.Result{Outcome: kv.Abandoned, Origin: h}, "insert k: abandoned: node a left or failed"},
	} {
		if err := s.outcome("insert k", &c.res); err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.res, err, c.want)
		}
	}
}

// TestReplication: with k = 3 a value survives the crash of its primary;
// with k = 1 it does not.
func TestReplication(t *testing.T) {
	for _, k := range []int{1, 3} {
		t.Run(fmt.Sprint("k=", k), func(t *testing.T) {
			s, err := New(Options{Seed: 7, Replicas: k})
			if err != nil {
				t.Fatal(err)
			}
			var out, errs bytes.Buffer
			if n := s.Run(strings.NewReader("join n0\njoin n1\njoin n2\njoin n3\njoin n4\nrun 60s\ninsert song1 artist1\n"), &out, &errs); n != 0 {
				t.Fatalf("setup: %s", errs.String())
			}
			primary := s.ring.Name(s.ring.Oracle().Successor(s.ring.Space().Hash("song1")))
			if !strings.Contains(out.String(), "Key:song1 inserted at node:"+primary+" ") {
				t.Fatalf("song1 not inserted at %s:\n%s", primary, out.String())
			}
			out.Reset()
			if n := s.Run(strings.NewReader("fail "+primary+"\nrun 2m\nquery song1\n"), &out, &errs); n != 0 {
				t.Fatalf("after the failure: %s", errs.String())
			}
			found := strings.Contains(out.String(), "Key:song1 has value:artist1 found at node:")
			if found != (k > 1) {
				t.Errorf("k = %d: found = %v after the primary failed:\n%s", k, found, out.String())
			}
			failMsg := "Node " + primary + " failed; it held 1 key, now lost (replicas = 1)\n"
			if k > 1 {
				failMsg = "Node " + primary + " failed; it held 1 key (replicas = 3: its successors keep copies, unless they failed too)\n"
			}
			if !strings.HasPrefix(out.String(), failMsg) {
				t.Errorf("fail output:\n%s", out.String())
			}
		})
	}
}

// TestQuitStopsRun: lines after quit are not read.
func TestQuitStopsRun(t *testing.T) {
	for _, word := range []string{"quit", "EXIT"} {
		s, _ := New(Options{})
		var out, errs bytes.Buffer
		n := s.Run(strings.NewReader("join a\n"+word+"\njoin b\n"), &out, &errs)
		if n != 0 || out.String() != "joined a id=86f7e437faa5a7fc\n" || !s.Done() {
			t.Errorf("%s: Run = %d, out %q, errs %q", word, n, out.String(), errs.String())
		}
	}
}

// TestPromptAndEcho: the prompt comes before every read, and echo puts the
// command after it.
func TestPromptAndEcho(t *testing.T) {
	s, _ := New(Options{Prompt: "chordsim> ", Echo: true})
	var out bytes.Buffer
	s.Run(strings.NewReader("# a comment\n\njoin a\nrun 1s"), &out, &out)
	want := "chordsim> # a comment\nchordsim> \nchordsim> join a\njoined a id=86f7e437faa5a7fc\nchordsim> run 1s\nt = 1s\nchordsim> \n"
	if got := out.String(); !strings.HasPrefix(got, "chordsim> # a comment\nchordsim> \nchordsim> join a\njoined a id=86f7e437faa5a7fc\nchordsim> run 1s\nt = ") ||
		!strings.HasSuffix(got, "s\nchordsim> \n") {
		t.Errorf("got %q\nlike %q", got, want)
	}
	s, _ = New(Options{Echo: true})
	out.Reset()
	s.Run(strings.NewReader("# a comment\n\njoin a\n"), &out, &out)
	if got := out.String(); got != "# a comment\n\n> join a\njoined a id=86f7e437faa5a7fc\n" {
		t.Errorf("echo without prompt: %q", got)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestReadError(t *testing.T) {
	s, _ := New(Options{})
	var out, errs bytes.Buffer
	if n := s.Run(failingReader{}, &out, &errs); n != 1 || errs.String() != "error: reading commands: disk on fire\n" {
		t.Errorf("Run = %d, errors %q", n, errs.String())
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	for _, o := range []Options{
		{Replicas: 17},
		{Bits: 65},
		{Successors: -1},
		{StabilizeEvery: -sim.Second},
	} {
		if _, err := New(o); err == nil {
			t.Errorf("New(%+v) accepted", o)
		}
	}
}

// TestQuotedValues: values with spaces and quotes go in and come out, and
// a quoted * is a key, not query-everything.
func TestQuotedValues(t *testing.T) {
	s, _ := New(Options{Seed: 9})
	var out, errs bytes.Buffer
	script := `join a
join b
run 10s
insert k "Led \"Zep\" Zeppelin"
query k
insert "*" star
query "*"
query *
`
	if n := s.Run(strings.NewReader(script), &out, &errs); n != 0 {
		t.Fatalf("errors: %s", errs.String())
	}
	got := out.String()
	for _, want := range []string{
		`Key:k has value:"Led \"Zep\" Zeppelin" found at node:`,
		"Key:* has value:star found at node:",
		`    k = "Led \"Zep\" Zeppelin"`,
		"    * = star",
		"2 pairs on 2 nodes",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}

// FuzzExec feeds arbitrary lines to a small session: no line may panic,
// and every error must be one line.
func FuzzExec(f *testing.F) {
	for _, l := range []string{
		"join d", "join d via a", "depart a", "fail b", "insert k v", "insert k v at c", "query k", "query *",
		"delete k at a", "find k", "overlay", "fingers a", "run 5s", "stats", "help", "help join", "quit",
		`insert "a b" "c \" d"`, `insert k "x`, "", "# c", "JOIN e", "run 0", "query * at b", "fail c\nquery k",
		"\x00", "join \xff", "fingers \"\"", "run 1m", "depart c",
		"draw r.svg", "draw r.png node a lookup k", "draw r.svg last", "draw r.svg node #1 max-dots 16",
	} {
		f.Add(l)
	}
	f.Chdir(f.TempDir()) // where draw writes
	f.Fuzz(func(t *testing.T, line string) {
		s, err := New(Options{Bits: 8, Successors: 3, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		s.maxRun = sim.Minute
		for _, name := range []string{"a", "b", "c"} {
			if err := s.Exec("join "+name, nopWriter{}); err != nil {
				t.Fatal(err)
			}
		}
		for _, l := range []string{line, line, "query k", "overlay"} {
			var out bytes.Buffer
			if err := s.Exec(l, &out); err != nil && strings.ContainsAny(err.Error(), "\n\r") {
				t.Fatalf("%q: error of more than one line: %q", l, err.Error())
			}
		}
	})
}

type nopWriter struct{}

func (nopWriter) Write(p []byte) (int, error) { return len(p), nil }
