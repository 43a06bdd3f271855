package chordtest

import (
	"strings"
	"testing"

	"github.com/chordsim/chordsim/chord"
)

// Session runs a script one directive at a time, for a program that
// decides the next directive from the state the previous ones left (the
// fault explorer generates its campaigns this way and writes them out as
// scripts that Play replays to the same bytes).
type Session struct{ sc *scenario }

// NewSession starts an empty script; the first directive must be config.
// t receives the harness's fatal errors (a lookup that never ends).
func NewSession(t testing.TB) *Session { return &Session{sc: &scenario{t: t}} }

// Run executes one directive line and returns what it prints (events,
// then output; "error: ..." lines for a refused command), without the
// trailing newline, exactly as Play records it.
func (s *Session) Run(line string) string { return strings.TrimRight(s.sc.run(line), "\n") }

// Ring is the simulated ring, nil before config. Callers read it; a
// change made through it is not in the script.
func (s *Session) Ring() *chord.Ring { return s.sc.r }

// Handle is the current incarnation of the node named name.
func (s *Session) Handle(name string) (chord.Handle, bool) {
	h, ok := s.sc.byName[name]
	return h, ok
}

// Name is the printed name of handle h ("n3", "n3#2" for a later
// incarnation).
func (s *Session) Name(h chord.Handle) string { return s.sc.name(h) }
