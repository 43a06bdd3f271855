package shell

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/chordsim/chordsim/chord"

	"golang.org/x/term"
)

// interruptMark is what Ctrl-C becomes on its way to the line editor: go
// to the end of the line, show ^C there, and end the line (which the
// session then drops), as a shell does.
const interruptMark = "\x05^C\r"

// ctrlC is the terminal's input with each Ctrl-C turned into
// interruptMark; pending counts the marks not yet seen by the session.
// (The line editor ends ReadLine on Ctrl-C as on end of input, so the
// session could not otherwise tell "clear this line" from "quit".)
type ctrlC struct {
	r       io.Reader
	pending int
	buf     []byte
}

func (c *ctrlC) Read(p []byte) (int, error) {
	if len(c.buf) == 0 {
		raw := make([]byte, max(1, len(p)/len(interruptMark)))
		n, err := c.r.Read(raw)
		for _, b := range raw[:n] {
			if b == 3 {
				c.buf = append(c.buf, interruptMark...)
				c.pending++
			} else {
				c.buf = append(c.buf, b)
			}
		}
		if len(c.buf) == 0 {
			return 0, err
		}
	}
	n := copy(p, c.buf)
	c.buf = c.buf[n:]
	return n, nil
}

// History is the list of command lines the Up and Down keys walk through,
// kept in a file so that it outlives the session. It implements
// term.History; the session records a line itself once it knows it was
// not interrupted, so Add does nothing.
type History struct {
	lines []string // oldest first
	file  *os.File // appended to; nil keeps the history in memory only
}

// historyMax is how many lines a History keeps (and reads back).
const historyMax = 1000

// OpenHistory reads the history file at path (a missing file is an empty
// history) and opens it for appending; path "" keeps the history in
// memory only.
func OpenHistory(path string) (*History, error) {
	h := &History{}
	if path == "" {
		return h, nil
	}
	if f, err := os.Open(path); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if line := sc.Text(); strings.TrimSpace(line) != "" {
				h.lines = append(h.lines, line)
			}
		}
		f.Close()
		if len(h.lines) > historyMax {
			h.lines = h.lines[len(h.lines)-historyMax:]
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("history file: %v", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("history file: %v", err)
	}
	h.file = f
	return h, nil
}

// Record adds a line (not a blank one, nor a repeat of the last; trailing
// blanks, such as a completion's, dropped) to the history and its file.
func (h *History) Record(line string) {
	line = strings.TrimRight(line, " \t")
	if strings.TrimSpace(line) == "" || strings.ContainsAny(line, "\r\n") || (len(h.lines) > 0 && h.lines[len(h.lines)-1] == line) {
		return
	}
	h.lines = append(h.lines, line)
	if len(h.lines) > historyMax {
		h.lines = h.lines[1:]
	}
	if h.file != nil {
		fmt.Fprintln(h.file, line)
	}
}

// Close closes the history file.
func (h *History) Close() error {
	if h.file == nil {
		return nil
	}
	return h.file.Close()
}

// Add does nothing: see History.
func (h *History) Add(string) {}

// Len is the number of lines kept.
func (h *History) Len() int { return len(h.lines) }

// At is the idx-th most recent line (0 the last).
func (h *History) At(idx int) string { return h.lines[len(h.lines)-1-idx] }

// Terminal runs the session on a terminal in raw mode, reading keys from
// in and drawing on out: the line editor of golang.org/x/term (arrows,
// Home/End, Ctrl-A/E/K/U/W, Backspace), the history h (Up and Down; nil
// for none), tab completion of commands, node names and keys, Ctrl-C to
// abandon the line, Ctrl-D on an empty line to leave. Answers and errors
// are written in order on the terminal. It returns the number of commands
// that failed.
func (s *Session) Terminal(in io.Reader, out io.Writer, width, height int, h *History) int {
	cc := &ctrlC{r: in}
	t := term.NewTerminal(struct {
		io.Reader
		io.Writer
	}{cc, out}, s.opts.Prompt)
	if width > 0 && height > 0 {
		t.SetSize(width, height)
	}
	if h != nil {
		t.History = h
	}
	t.AutoCompleteCallback = func(line string, pos int, key rune) (string, int, bool) {
		if key != '\t' {
			return "", 0, false
		}
		return s.complete(line, pos, t)
	}
	failed := 0
	for !s.quit {
		line, err := t.ReadLine()
		if err != nil && !errors.Is(err, term.ErrPasteIndicator) {
			if err != io.EOF {
				fmt.Fprintf(t, "error: reading commands: %v\n", oneLine(err.Error()))
				failed++
			}
			break
		}
		if cc.pending > 0 && strings.HasSuffix(line, "^C") {
			cc.pending--
			continue
		}
		if h != nil {
			h.Record(line)
		}
		if err := s.Exec(line, t); err != nil {
			fmt.Fprintf(t, "error: %s\n", oneLine(err.Error()))
			failed++
		}
	}
	return failed
}

// complete is the Tab key: it completes the word before the cursor from
// what fits there (a command, a member's name, a key inserted in this
// session, the at and via keywords, draw's options). One candidate is written in full with
// a space after it; several are completed to their common prefix, or, if
// that adds nothing, listed above the prompt.
func (s *Session) complete(line string, pos int, out io.Writer) (string, int, bool) {
	before := line[:pos]
	start := strings.LastIndexAny(before, " \t") + 1
	word := before[start:]
	if strings.Contains(word, `"`) {
		return "", 0, false // inside a quoted word: leave it to the user
	}
	var cands []string
	for _, c := range s.candidates(strings.Fields(before[:start])) {
		if strings.HasPrefix(c, word) {
			cands = append(cands, c)
		}
	}
	if len(cands) == 0 {
		return "", 0, false
	}
	insert := func(text string) (string, int, bool) {
		nl := before[:start] + text + line[pos:]
		return nl, start + len(text), true
	}
	if len(cands) == 1 {
		return insert(show(cands[0]) + " ")
	}
	prefix := cands[0]
	for _, c := range cands[1:] {
		for !strings.HasPrefix(c, prefix) {
			prefix = prefix[:len(prefix)-1]
		}
	}
	if len(prefix) > len(word) && show(prefix) == prefix {
		return insert(prefix)
	}
	shown := make([]string, len(cands))
	for i, c := range cands {
		shown[i] = show(c)
	}
	fmt.Fprintln(out, strings.Join(shown, "  "))
	return "", 0, false
}

// candidates are the words that may come after the words already typed.
func (s *Session) candidates(typed []string) []string {
	if len(typed) == 0 {
		var names []string
		for _, c := range commands {
			names = append(names, c.name)
			if c.alias != "" {
				names = append(names, c.alias)
			}
		}
		sort.Strings(names)
		return names
	}
	cmd := strings.ToLower(typed[0])
	last := strings.ToLower(typed[len(typed)-1])
	if len(typed) > 1 && (last == "at" || last == "via") {
		return s.memberNames()
	}
	n := len(typed) - 1 // arguments before the word
	if cmd == "draw" && n >= 1 {
		switch last {
		case "node":
			return s.memberNames()
		case "lookup":
			return s.keyNames()
		case "max-dots":
			return nil
		}
		// The options not given yet (lookup and last exclude each other).
		var opts []string
		for _, o := range []string{"last", "lookup", "max-dots", "node"} {
			given := false
			for _, w := range typed[2:] {
				lw := strings.ToLower(w)
				given = given || lw == o || (o == "last" && lw == "lookup") || (o == "lookup" && lw == "last")
			}
			if !given {
				opts = append(opts, o)
			}
		}
		return opts
	}
	switch cmd {
	case "help":
		if n == 0 {
			return s.candidates(nil)
		}
	case "depart", "fail", "fingers":
		if n == 0 {
			return s.memberNames()
		}
	case "join":
		if n == 1 {
			return []string{"via"}
		}
	case "query", "delete", "find":
		if n == 0 {
			return s.keyNames()
		}
		if n == 1 {
			return []string{"at"}
		}
	case "insert":
		if n == 0 {
			return s.keyNames()
		}
		if n == 2 {
			return []string{"at"}
		}
	}
	return nil
}

// memberNames are the names of the ring's members, sorted.
func (s *Session) memberNames() []string {
	var names []string
	for h := chord.Handle(0); int(h) < s.ring.Nodes(); h++ {
		if s.ring.State(h) == chord.Member {
			names = append(names, s.ring.Name(h))
		}
	}
	sort.Strings(names)
	return names
}

// keyNames are the keys inserted in this session, sorted.
func (s *Session) keyNames() []string {
	keys := make([]string, 0, len(s.keys))
	for k := range s.keys {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
