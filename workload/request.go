package workload

import (
	"fmt"
	"strings"
)

// Kind is a request kind. It is a small integer, not a string, so that
// requests stay cheap to copy through the simulator's event queue.
type Kind uint8

// The request kinds of the reference key-value service.
const (
	Insert Kind = iota
	Query
	Delete
)

var kindNames = [...]string{Insert: "insert", Query: "query", Delete: "delete"}

// String returns the word used for k in mix-mode workload files, so that
// traces and error messages speak the file format's language.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// Request is one key-value request. The line number is kept so that a
// failure seen later in a run can be traced back to the workload file.
type Request struct {
	Kind  Kind
	Key   string // "*" (query only) means all pairs
	Value string // Insert only
	Line  int    // 1-based line in the file it came from; 0 for generated requests
}

// Mode says how to read a workload file. The same file can mean different
// things (KEY,VALUE is an insert or a query of KEY), so, as in the
// reference system's --request-type, the caller must say which.
type Mode uint8

// The file modes; see the package documentation for their line formats.
const (
	ModeInsert Mode = iota
	ModeQuery
	ModeMix
)

var modeNames = [...]string{ModeInsert: "insert", ModeQuery: "query", ModeMix: "mix"}

// ParseMode reads a mode as written on the command line or in a config
// (the reference system's --request-type values), ignoring case.
func ParseMode(s string) (Mode, error) {
	for m, name := range modeNames {
		if strings.EqualFold(strings.TrimSpace(s), name) {
			return Mode(m), nil
		}
	}
	return 0, fmt.Errorf("unknown request type %q; valid: %s", s, strings.Join(modeNames[:], ", "))
}

// String returns the name ParseMode accepts, so a mode round-trips through
// configs and output.
func (m Mode) String() string {
	if int(m) < len(modeNames) {
		return modeNames[m]
	}
	return fmt.Sprintf("Mode(%d)", m)
}
