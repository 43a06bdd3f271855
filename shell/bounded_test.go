package shell

import (
	"bytes"
	"strings"
	"testing"
)

// endless is a reader that never ends and never sends a newline, like
// /dev/zero.
type endless struct{ read int }

func (e *endless) Read(p []byte) (int, error) {
	clear(p)
	e.read += len(p)
	return len(p), nil
}

// A script with a line longer than MaxLine stops the session with one
// error line, after reading about MaxLine bytes, instead of reading on.
func TestRunStopsAtAnEndlessLine(t *testing.T) {
	s, err := New(Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	e := &endless{}
	var out, errs bytes.Buffer
	if n := s.Run(e, &out, &errs); n != 1 {
		t.Fatalf("Run counted %d failures, want 1", n)
	}
	if !strings.Contains(errs.String(), "longer than") || strings.Count(errs.String(), "\n") != 1 {
		t.Fatalf("errors: %q", errs.String())
	}
	if e.read > 2*MaxLine+(64<<10) {
		t.Fatalf("read %d bytes for a %d-byte line bound", e.read, MaxLine)
	}
	// A long but bounded line is still a command (an unknown one here).
	s, _ = New(Options{Seed: 1})
	errs.Reset()
	s.Run(strings.NewReader(strings.Repeat("x", MaxLine-1)+"\nstats\n"), &out, &errs)
	if strings.Contains(errs.String(), "longer than") || strings.Count(errs.String(), "\n") != 1 {
		t.Fatalf("bounded long line: %q", errs.String())
	}
}

// FuzzRun feeds whole scripts to Run: it never panics, and every failed
// command is one error line.
func FuzzRun(f *testing.F) {
	for _, s := range []string{
		"join a\njoin b\ninsert k v\nquery k\nquit\n",
		"\x00\x00\x00",
		"join a\r\nrun 1s\r\n",
		strings.Repeat("j", 1<<12),
		"fail nobody\nrun -1s\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, script []byte) {
		if len(script) > 1<<16 {
			return
		}
		s, err := New(Options{Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		var out, errs bytes.Buffer
		n := s.Run(bytes.NewReader(script), &out, &errs)
		if got := strings.Count(errs.String(), "\n"); got != n {
			t.Fatalf("%d failures but %d error lines: %q", n, got, errs.String())
		}
	})
}
