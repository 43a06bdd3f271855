package shell

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Keys as a terminal sends them.
const (
	keyUp    = "\x1b[A"
	keyLeft  = "\x1b[D"
	keyRight = "\x1b[C"
	keyHome  = "\x1b[H"
	keyBack  = "\x7f"
	keyTab   = "\t"
	keyCtrlC = "\x03"
	keyCtrlD = "\x04"
	keyEnter = "\r"
)

// terminalSession types keys into a session on a terminal and returns
// what the terminal showed, with the escape sequences of the line editor
// left in.
func terminalSession(t *testing.T, s *Session, h *History, keys ...string) string {
	t.Helper()
	var out bytes.Buffer
	s.Terminal(strings.NewReader(strings.Join(keys, "")), &out, 200, 50, h)
	return out.String()
}

// The line editor: arrows and Backspace edit the line instead of becoming
// part of it, Up recalls the last line, Tab completes, Ctrl-C abandons a
// line without running it, Ctrl-D leaves; answers and errors come in
// order on the terminal.
func TestTerminalEditing(t *testing.T) {
	s, _ := New(Options{Seed: 1, Prompt: "chordsim> "})
	h, err := OpenHistory(filepath.Join(t.TempDir(), "history"))
	if err != nil {
		t.Fatal(err)
	}
	screen := terminalSession(t, s, h,
		"join a", keyEnter,
		"insert k1 v1", keyEnter,
		// "quary k1" corrected: Home, two Rights, Backspace, e.
		"quary k1", keyHome, keyRight, keyRight, keyRight, keyBack, "e", keyEnter,
		// "k" completes to the only key.
		"query k", keyTab, keyEnter,
		keyUp, keyEnter, // the same query again
		"fail a and more", keyCtrlC, // abandoned
		"isert x", keyEnter, // an error, in order with the answers
		keyCtrlD,
	)
	if n := strings.Count(screen, "Key:k1 has value:v1"); n != 3 {
		t.Errorf("want the query answered 3 times, got %d; screen:\n%q", n, screen)
	}
	if strings.Contains(screen, "failed a") || strings.Contains(screen, "no live node") || strings.Contains(screen, "\x1b[D\x1b") && strings.Contains(screen, `"k1\x1b`) {
		t.Errorf("an abandoned or garbled line ran; screen:\n%q", screen)
	}
	i, j := strings.Index(screen, "has value:v1"), strings.Index(screen, `error: unknown command "isert"`)
	if j < 0 || j < i {
		t.Errorf("the error is missing or before the earlier answers; screen:\n%q", screen)
	}
	want := []string{"join a", "insert k1 v1", "query k1", "isert x"}
	if got := h.lines; !reflect.DeepEqual(got, want) {
		t.Errorf("history %q, want %q (no repeats, no abandoned line)", got, want)
	}
}

// The history file outlives the session: a new one recalls its lines with
// Up.
func TestHistoryFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history")
	h, _ := OpenHistory(path)
	s, _ := New(Options{Seed: 1})
	terminalSession(t, s, h, "join a", keyEnter, "run 2s", keyEnter, keyCtrlD)
	h.Close()
	b, err := os.ReadFile(path)
	if err != nil || string(b) != "join a\nrun 2s\n" {
		t.Fatalf("history file %q (%v)", b, err)
	}
	h2, _ := OpenHistory(path)
	defer h2.Close()
	s2, _ := New(Options{Seed: 1})
	screen := terminalSession(t, s2, h2, keyUp, keyUp, keyEnter, keyCtrlD)
	if !strings.Contains(screen, "joined a id=") {
		t.Errorf("Up Up did not recall join a from the file; screen:\n%q", screen)
	}
	// Bounded: only the last historyMax lines are read back.
	var many strings.Builder
	for i := 0; i < historyMax+10; i++ {
		many.WriteString("run 1s #" + string(rune('a'+i%26)) + "\n")
	}
	os.WriteFile(path, []byte(many.String()), 0o600)
	h3, _ := OpenHistory(path)
	defer h3.Close()
	if h3.Len() != historyMax {
		t.Errorf("read back %d lines, want %d", h3.Len(), historyMax)
	}
	if _, err := OpenHistory(filepath.Join(path, "below-a-file")); err == nil {
		t.Error("a history path below a file opened")
	}
}

// Tab completes commands, members after at and via and as the node of
// depart, fail and fingers, and inserted keys, draw's options and their
// values; several candidates complete
// to their common prefix or are listed.
func TestCompletion(t *testing.T) {
	s, _ := New(Options{Seed: 1})
	var out bytes.Buffer
	for _, l := range []string{"join alpha", "join alps", "join beta", "insert song1 x", "insert song2 y", "insert track z"} {
		if err := s.Exec(l, &out); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		line, want string
		listed     string
	}{
		{"qu", "", "query  quit"},
		{"que", "query ", ""},
		{"join-", "join-many ", ""},
		{"fingers b", "fingers beta ", ""},
		{"fail al", "fail alp", ""},
		{"fail alp", "", "alpha  alps"},
		{"query t", "query track ", ""},
		{"query s", "query song", ""},
		{"query song", "", "song1  song2"},
		{"query song1 ", "query song1 at ", ""},
		{"query song1 at b", "query song1 at beta ", ""},
		{"join gamma v", "join gamma via ", ""},
		{"insert song1 new at a", "insert song1 new at alp", ""},
		{"help dep", "help depart ", ""},
		{"dr", "draw ", ""},
		{"draw r.svg n", "draw r.svg node ", ""},
		{"draw r.svg node b", "draw r.svg node beta ", ""},
		{"draw r.svg l", "", "last  lookup"},
		{"draw r.svg lookup t", "draw r.svg lookup track ", ""},
		{"draw r.svg last ", "", "max-dots  node"},
		{"draw r.svg last l", "", ""},
		{"draw r.svg max-dots ", "", ""},
		{"zzz", "", ""},
	} {
		out.Reset()
		got, pos, ok := s.complete(c.line, len(c.line), &out)
		if !ok {
			got = ""
		}
		if got != c.want || (ok && pos != len(got)) {
			t.Errorf("%q completes to %q (cursor %d), want %q", c.line, got, pos, c.want)
		}
		if strings.TrimSpace(out.String()) != c.listed {
			t.Errorf("%q lists %q, want %q", c.line, out.String(), c.listed)
		}
	}
	// In the middle of a line, the rest stays after the completion.
	if got, pos, ok := s.complete("fingers be at", len("fingers be"), &out); !ok || got != "fingers beta  at" || pos != len("fingers beta ") {
		t.Errorf("mid-line: %q %d %v", got, pos, ok)
	}
}

func TestJoinMany(t *testing.T) {
	s, _ := New(Options{Seed: 3})
	var out bytes.Buffer
	if err := s.Exec("join node2", &out); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := s.Exec("join-many 4", &out); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "joined 4 nodes: node1 … node5 (t = ") {
		t.Errorf("join-many 4: %q", out.String())
	}
	if got := s.memberNames(); !reflect.DeepEqual(got, []string{"node1", "node2", "node3", "node4", "node5"}) {
		t.Errorf("members %v", got)
	}
	out.Reset()
	if err := s.Exec(`join-many 1 "peer "`, &out); err != nil || !strings.HasPrefix(out.String(), `joined 1 node: "peer 1" (t = `) {
		t.Errorf("join-many 1 with a prefix: %q, %v", out.String(), err)
	}
	for _, bad := range []string{"join-many", "join-many 0", "join-many x", "join-many 100001", "join-many 2 a b"} {
		if err := s.Exec(bad, &out); err == nil || !strings.HasPrefix(err.Error(), "join-many: ") {
			t.Errorf("%s: error %v", bad, err)
		}
	}
}

// ctrlC turns each Ctrl-C into the interrupt mark however the input is
// split into reads.
func TestCtrlCReader(t *testing.T) {
	c := &ctrlC{r: strings.NewReader("ab\x03c\x03")}
	var got []byte
	buf := make([]byte, 3)
	for {
		n, err := c.Read(buf)
		got = append(got, buf[:n]...)
		if err != nil {
			break
		}
	}
	if want := "ab" + interruptMark + "c" + interruptMark; string(got) != want || c.pending != 2 {
		t.Errorf("got %q (%d pending), want %q", got, c.pending, want)
	}
}
