package churn

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/chordsim/chordsim/sim"
)

// MaxTraceLine is the longest trace line accepted, in bytes without the line
// break. Real lines are a few dozen bytes; a longer one is almost certainly
// not a trace (a binary file, a CSV with the wrong separator), and a limit
// lets the parser say so instead of buffering without bound.
const MaxTraceLine = 4096

// MaxTraceBytes bounds a trace file: 256 MiB is several million events,
// more than any run replays in reasonable time; a longer input is refused
// before it is read whole (a device such as /dev/zero never ends).
const MaxTraceBytes = 256 << 20

// Verb is what a trace event does.
type Verb uint8

// The trace verbs.
const (
	// VerbJoin starts a node under a name (Target.JoinNamed).
	VerbJoin Verb = iota
	// VerbLeave makes a node depart gracefully (Target.Leave).
	VerbLeave
	// VerbFail crashes a node (Target.Fail).
	VerbFail
)

var verbNames = [...]string{VerbJoin: "join", VerbLeave: "leave", VerbFail: "fail"}

// String renders v as it is written in traces.
func (v Verb) String() string {
	if int(v) < len(verbNames) {
		return verbNames[v]
	}
	return fmt.Sprintf("Verb(%d)", v)
}

// TraceEvent is one line of a trace.
type TraceEvent struct {
	// At is the event's time, relative to the start of churn.
	At sim.Duration
	// Verb is what happens to the node.
	Verb Verb
	// Node is the node as the trace names it: a name, or "#K" (in canonical
	// form, without leading zeros) for the K-th initial node.
	Node string
	// Initial is K when Node is "#K", and -1 for a named node.
	Initial int
}

// Trace is a parsed, validated churn trace: membership events at fixed times
// with nodes identified by name, so that a measured workload (or one written
// by hand) can be replayed exactly. Build one with ParseTrace or
// ParseTraceFile; it is immutable, so one Trace may be started in any number
// of runs.
type Trace struct {
	filename string
	initial  int
	events   []TraceEvent
	slots    []int32 // per event: dense index of its node, for the run's name→node table
	names    int     // number of distinct nodes named
}

// ParseTraceFile reads the trace at path; see ParseTrace.
func ParseTraceFile(path string, initial int) (*Trace, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseTrace(f, path, initial)
}

// ParseTrace reads a trace (format in the package documentation) and checks
// it completely, so that a bad trace fails before any run rather than in the
// middle of one: every name a fail or leave acts on must be live at that
// point of the trace, a join must not reuse a live name, #K must name one of
// the initial nodes, and times must not decrease. initial is the size of the
// initial ring the trace will run against. Errors read
// "filename:LINE: problem; fix".
func ParseTrace(r io.Reader, filename string, initial int) (*Trace, error) {
	if initial < 0 {
		return nil, fmt.Errorf("%s: initial ring size %d is negative; pass the number of nodes the ring starts with", filename, initial)
	}
	p := traceParser{tr: &Trace{filename: filename, initial: initial}, state: map[string]*nameState{}}
	sc := bufio.NewScanner(r)
	// Room for the longest accepted line plus "\r\n", so that anything
	// longer shows up as a line over the limit or as ErrTooLong, both of
	// which are reported the same way.
	sc.Buffer(make([]byte, 0, 512), MaxTraceLine+2)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Bytes()
		if line == 1 {
			text = bytes.TrimPrefix(text, []byte("\uFEFF")) // a byte order mark some editors add
		}
		if len(text) > MaxTraceLine {
			return nil, p.tooLong(line)
		}
		if err := p.line(line, string(text)); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, p.tooLong(line + 1)
		}
		return nil, fmt.Errorf("%s: reading the trace after line %d: %v", filename, line, err)
	}
	p.tr.names = len(p.state)
	return p.tr, nil
}

// nameState is what the parser knows about one name at the current line.
type nameState struct {
	slot int32
	live bool
	verb Verb // the last event on it
	line int  // the line of that event; 0 for an initial node not yet touched
}

type traceParser struct {
	tr       *Trace
	state    map[string]*nameState // looked up, never iterated
	prevAt   sim.Duration
	prevLine int
}

func (p *traceParser) errorf(line int, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", p.tr.filename, line, fmt.Sprintf(format, args...))
}

func (p *traceParser) tooLong(line int) error {
	return p.errorf(line, "line is longer than %d bytes; a trace line is TIME VERB NODE, e.g. 90s join alice", MaxTraceLine)
}

// line parses and checks one line of the trace.
func (p *traceParser) line(line int, text string) error {
	fields := strings.Fields(text)
	// A field starting with # begins a comment, except in the NODE
	// position, where #K names an initial node (a lone # is still a comment).
	for i, f := range fields {
		if strings.HasPrefix(f, "#") && !(i == 2 && len(f) > 1) {
			fields = fields[:i]
			break
		}
	}
	if len(fields) == 0 {
		return nil
	}
	if len(fields) != 3 {
		hint := ""
		if len(fields) > 3 {
			hint = " (names cannot contain spaces; start a trailing comment with #)"
		}
		return p.errorf(line, "want 3 fields TIME VERB NODE, got %d%s; write e.g. 90s join alice", len(fields), hint)
	}
	at, err := parseTraceTime(fields[0])
	if err != nil {
		return p.errorf(line, "%v", err)
	}
	var ev TraceEvent
	switch fields[1] {
	case "join":
		ev.Verb = VerbJoin
	case "leave":
		ev.Verb = VerbLeave
	case "fail":
		ev.Verb = VerbFail
	default:
		return p.errorf(line, "unknown verb %q; valid verbs are join, leave and fail", fields[1])
	}
	ev.At, ev.Node, ev.Initial = at, fields[2], -1
	if strings.HasPrefix(ev.Node, "#") {
		k, err := p.initialRef(ev.Node)
		if err != nil {
			return p.errorf(line, "%v", err)
		}
		ev.Node, ev.Initial = "#"+strconv.Itoa(k), k
	}
	if len(p.tr.events) > 0 && at < p.prevAt {
		return p.errorf(line, "time %v goes backwards: line %d is at %v; sort the events by time", at, p.prevLine, p.prevAt)
	}
	st := p.state[ev.Node]
	switch {
	case ev.Verb == VerbJoin && ev.Initial >= 0:
		return p.errorf(line, "join of initial node %s: initial nodes are live from the start; to bring a departed initial node back, join it under a new name", ev.Node)
	case ev.Verb == VerbJoin && st != nil && st.live:
		return p.errorf(line, "join of %q, which is already live (joined at line %d); make it fail or leave first, or use another name", ev.Node, st.line)
	case ev.Verb != VerbJoin && ev.Initial < 0 && st == nil:
		return p.errorf(line, "%s of unknown node %q: it never joined; add a line \"TIME join %s\" before it", ev.Verb, ev.Node, ev.Node)
	case ev.Verb != VerbJoin && st != nil && !st.live:
		past := "failed"
		if st.verb == VerbLeave {
			past = "left"
		}
		fix := "join it again first"
		if ev.Initial >= 0 {
			fix = "an initial node can come back only under a new name"
		}
		return p.errorf(line, "%s of unknown node %q: it already %s at line %d; %s", ev.Verb, ev.Node, past, st.line, fix)
	}
	if len(p.tr.events) == math.MaxInt32 {
		return p.errorf(line, "more than %d events; split the trace", math.MaxInt32)
	}
	if st == nil {
		st = &nameState{slot: int32(len(p.state))}
		p.state[ev.Node] = st
	}
	st.live, st.verb, st.line = ev.Verb == VerbJoin, ev.Verb, line
	p.tr.events = append(p.tr.events, ev)
	p.tr.slots = append(p.tr.slots, st.slot)
	p.prevAt, p.prevLine = at, line
	return nil
}

// initialRef parses "#K" and checks K against the initial ring size.
func (p *traceParser) initialRef(s string) (int, error) {
	digits := s[1:]
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, fmt.Errorf("node %q is not #K with a whole number K; #K names the K-th initial node, and other names cannot start with #", s)
		}
	}
	k, err := strconv.Atoi(digits)
	if err != nil || k >= p.tr.initial {
		if p.tr.initial == 0 {
			return 0, fmt.Errorf("node %s does not exist: the initial ring is empty; name the node and join it first", s)
		}
		return 0, fmt.Errorf("node %s does not exist: the initial ring has %d nodes; use #0 to #%d", s, p.tr.initial, p.tr.initial-1)
	}
	return k, nil
}

// parseTraceTime reads a Go duration or a bare number of seconds. Unlike
// configs, traces accept bare numbers: a trace's time column is seconds by
// long convention, and measured traces are written that way.
func parseTraceTime(s string) (sim.Duration, error) {
	const fix = "write a Go duration like 90s or 1h2m3.5s, or seconds like 90 or 12.5"
	// Go's number syntax also takes digit separators and hexadecimal
	// ("1_0", "0x1p-2"); a trace is data, not Go, so only plain decimal.
	if strings.ContainsAny(s, "_xXpP") {
		return 0, fmt.Errorf("time %q is not a plain decimal time; %s", s, fix)
	}
	if v, err := strconv.ParseFloat(s, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		switch {
		case math.IsNaN(v) || math.IsInf(v, 0):
			return 0, fmt.Errorf("time %q is not a finite number; %s", s, fix)
		case v < 0:
			return 0, fmt.Errorf("time %q is negative; times count from the start of churn and must be ≥ 0", s)
		case v*1e9 >= float64(sim.MaxTime):
			return 0, fmt.Errorf("time %q is too large (the clock ends after about 292 years); %s", s, fix)
		}
		return sim.Duration(math.Round(v * 1e9)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("time %q is not a time; %s", s, fix)
	}
	if d < 0 {
		return 0, fmt.Errorf("time %q is negative; times count from the start of churn and must be ≥ 0", s)
	}
	return sim.Duration(d), nil
}

// Filename is the name the trace was parsed under, as used in its errors.
func (tr *Trace) Filename() string { return tr.filename }

// InitialSize is the initial ring size the trace was checked against.
func (tr *Trace) InitialSize() int { return tr.initial }

// Len is the number of events.
func (tr *Trace) Len() int { return len(tr.events) }

// Events returns a copy of the events in replay order.
func (tr *Trace) Events() []TraceEvent { return append([]TraceEvent(nil), tr.events...) }

// End is the time of the last event (0 for an empty trace), for sizing a
// run's churn window.
func (tr *Trace) End() sim.Duration {
	if len(tr.events) == 0 {
		return 0
	}
	return tr.events[len(tr.events)-1].At
}

// WriteTo writes the trace in canonical form, one "TIME VERB NODE" line per
// event with TIME a Go duration; ParseTrace reads it back to the same events.
func (tr *Trace) WriteTo(w io.Writer) (int64, error) {
	var total int64
	buf := make([]byte, 0, 4096)
	flush := func() error {
		n, err := w.Write(buf)
		total += int64(n)
		buf = buf[:0]
		return err
	}
	for _, ev := range tr.events {
		buf = append(buf, ev.At.String()...)
		buf = append(buf, ' ')
		buf = append(buf, ev.Verb.String()...)
		buf = append(buf, ' ')
		buf = append(buf, ev.Node...)
		buf = append(buf, '\n')
		if len(buf) >= 3072 {
			if err := flush(); err != nil {
				return total, err
			}
		}
	}
	return total, flush()
}

// String is the trace in the form WriteTo writes.
func (tr *Trace) String() string {
	var b strings.Builder
	tr.WriteTo(&b)
	return b.String()
}

// Name is "trace".
func (tr *Trace) Name() string { return "trace" }

// Validate reports a missing trace; a parsed trace is valid by construction.
func (tr *Trace) Validate() error {
	if tr == nil {
		return errors.New("trace: no trace loaded; give the path of a trace file")
	}
	return nil
}

type traceRun struct {
	Running
	tr    *Trace
	s     *sim.Scheduler
	t     Target
	id    sim.OwnerID
	from  sim.Time
	until sim.Time
	nodes []Node // by name slot: the node that currently carries the name
}

// Start replays the trace: event i fires at from+At. Events are chained (each
// schedules the next), so the queue holds one of them at a time and events
// with equal times keep file order. rng is not used (a trace has no
// randomness) and may be nil; it is in the signature so that a Trace is a
// Generator like the others.
func (tr *Trace) Start(s *sim.Scheduler, t Target, rng *rand.Rand, from, until sim.Time) *Running {
	mustValidate(tr)
	r := &traceRun{tr: tr, s: s, t: t, from: from, until: window(s, tr.Name(), from, until), nodes: make([]Node, tr.names)}
	for i := range r.nodes {
		r.nodes[i] = -1
	}
	r.id = s.Register(r)
	r.schedule(0)
	return &r.Running
}

// schedule schedules event i if it exists and falls inside the window.
func (r *traceRun) schedule(i int) {
	if i >= len(r.tr.events) {
		return
	}
	if at := later(r.from, r.tr.events[i].At); at < r.until {
		r.s.At(at, r.id, 0, int32(i), 0)
	}
}

// Fire replays event ev.Ref. A fail or leave of a node that another
// generator has already removed is skipped and counted.
func (r *traceRun) Fire(ev *sim.Event) {
	i := int(ev.Ref)
	e := &r.tr.events[i]
	slot := r.tr.slots[i]
	if e.Verb == VerbJoin {
		r.nodes[slot] = r.t.JoinNamed(e.Node)
		r.counts.Joins++
	} else {
		n := r.nodes[slot]
		if e.Initial >= 0 {
			n = r.t.Initial(e.Initial)
		}
		switch {
		case n < 0 || !r.t.Alive(n):
			r.counts.Skipped++
		case e.Verb == VerbFail:
			r.t.Fail(n)
			r.counts.Fails++
		default:
			r.t.Leave(n)
			r.counts.Leaves++
		}
	}
	r.schedule(i + 1)
}
