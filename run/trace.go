package run

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/sim"
)

// TraceOptions asks a run for traces: one JSON line per lookup, and one
// per message event and state change, written as they happen (chordsim
// run --trace-lookups, --trace-events; the formats are in the manual).
type TraceOptions struct {
	// Lookups and Events receive the lines; nil turns a trace off. Each
	// Write is one or more whole lines.
	Lookups, Events io.Writer
	// From and To bound the events' window, in simulated time after the
	// measurement start (the end of settle, as in timeseries.csv): events
	// at times in [From, To]. Lookups are all traced.
	From, To sim.Duration
	// Nodes are the chosen nodes by handle (nil: all): events that concern
	// one of them.
	Nodes []chord.Handle
	// MaxLines caps each file's lines; the trace stops there and the
	// report says so.
	MaxLines int
	// Point and Replicate identify the run in every line.
	Point, Replicate int
}

// TraceReport is what a traced run wrote.
type TraceReport struct {
	LookupLines, EventLines int
	// LookupsCapped and EventsCapped: the file reached MaxLines, at the
	// simulated time (after the measurement start) CappedAt.
	LookupsCapped, EventsCapped     bool
	LookupsCappedAt, EventsCappedAt sim.Duration
	LookupsErr, EventsErr           error // the first write error
}

// lineOut writes whole lines to w, buffered, up to max lines.
type lineOut struct {
	w      io.Writer
	buf    []byte
	lines  int
	max    int
	capped bool
	err    error
}

// flushAt is the buffer size at which lines go out: large enough that a
// write is rare, small enough that an interrupt loses little.
const flushAt = 64 << 10

// add appends one line (without its newline). It reports false once the
// cap is reached or a write failed.
func (o *lineOut) add(line []byte) bool {
	if o.capped || o.err != nil {
		return false
	}
	if o.lines >= o.max {
		o.capped = true
		return false
	}
	o.buf = append(o.buf, line...)
	o.buf = append(o.buf, '\n')
	o.lines++
	if len(o.buf) >= flushAt {
		o.flush()
	}
	return true
}

func (o *lineOut) flush() {
	if o.err == nil && len(o.buf) > 0 {
		_, o.err = o.w.Write(o.buf)
	}
	o.buf = o.buf[:0]
}

// tracer writes a run's trace lines.
type tracer struct {
	w      *World
	opts   TraceOptions
	rep    *TraceReport
	tr     *chord.Tracer
	lk, ev *lineOut
	line   []byte
	prefix []byte // {"point":P,"replicate":R,
}

// Trace makes the run write the traces opts asks for, into rep; call it
// after Build and before the next phase. The run then takes the event
// path for its lookups (the static engine sends no messages; its results
// are the same). Call FlushTraces when the run ends, finished or not.
func (w *World) Trace(opts TraceOptions, rep *TraceReport) {
	t := &tracer{w: w, opts: opts, rep: rep}
	if opts.Lookups != nil {
		t.lk = &lineOut{w: opts.Lookups, max: opts.MaxLines}
	}
	if opts.Events != nil {
		t.ev = &lineOut{w: opts.Events, max: opts.MaxLines}
	}
	t.prefix = fmt.Appendf(nil, `{"point":%d,"replicate":%d,"seed":"%d",`, opts.Point, opts.Replicate, w.Seed)
	win := chord.TraceWindow{From: w.start.Add(opts.From), To: w.start.Add(opts.To), Nodes: opts.Nodes}
	if win.To < w.start { // To past the end of time
		win.To = sim.Time(1<<63 - 1)
	}
	t.tr = w.Ring.Trace(w.lookups.layer, win)
	if t.ev != nil {
		t.tr.OnMessage = t.message
		t.tr.OnState = t.state
	}
	w.tracer = t
	w.lookups.trace = t
}

// FlushTraces writes out the buffered trace lines (whole lines only, so
// an interrupted run leaves files that end on a whole line) and fills the
// report.
func (w *World) FlushTraces() {
	t := w.tracer
	if t == nil {
		return
	}
	if t.lk != nil {
		t.lk.flush()
		t.rep.LookupLines, t.rep.LookupsCapped, t.rep.LookupsErr = t.lk.lines, t.lk.capped, t.lk.err
	}
	if t.ev != nil {
		t.ev.flush()
		t.rep.EventLines, t.rep.EventsCapped, t.rep.EventsErr = t.ev.lines, t.ev.capped, t.ev.err
	}
}

// ms appends simulated time at as milliseconds after the measurement
// start (exact: nanoseconds are six decimals).
func (t *tracer) ms(b []byte, at sim.Time) []byte {
	return appendMillis(b, at.Sub(t.w.start))
}

func appendMillis(b []byte, d sim.Duration) []byte {
	if d < 0 {
		b = append(b, '-')
		d = -d
	}
	b = strconv.AppendInt(b, int64(d)/1e6, 10)
	if frac := int64(d) % 1e6; frac != 0 {
		s := strconv.FormatInt(frac+1e6, 10)[1:] // six digits
		b = append(b, '.')
		b = append(b, strings.TrimRight(s, "0")...)
	}
	return b
}

// node appends "field":"name","field_id":"id" (null for None).
func (t *tracer) node(b []byte, field string, h chord.Handle) []byte {
	b = append(b, '"')
	b = append(b, field...)
	b = append(b, `":`...)
	if h == chord.None {
		b = append(b, `null,"`...)
		b = append(b, field...)
		return append(b, `_id":null`...)
	}
	r := t.w.Ring
	b = appendString(b, r.Name(h))
	b = append(b, `,"`...)
	b = append(b, field...)
	b = append(b, `_id":"`...)
	b = strconv.AppendUint(b, uint64(r.ID(h)), 10)
	return append(b, '"')
}

func appendString(b []byte, s string) []byte {
	q, _ := json.Marshal(s)
	return append(b, q...)
}

// message writes one message event.
func (t *tracer) message(m *chord.TraceMessage) {
	b := append(t.line[:0], t.prefix...)
	b = append(b, `"type":"message","t_ms":`...)
	b = t.ms(b, m.At)
	b = append(b, `,"event":"`...)
	b = append(b, m.Event.String()...)
	b = append(b, `","msg":`...)
	if m.HasKind {
		b = appendString(b, m.Kind.String())
	} else {
		b = append(b, "null"...)
	}
	b = append(b, ',')
	b = t.node(b, "from", m.From)
	b = append(b, ',')
	b = t.node(b, "to", m.To)
	b = append(b, `,"request":`...)
	b = strconv.AppendBool(b, m.Request)
	b = append(b, `,"response":`...)
	b = strconv.AppendBool(b, m.Response)
	b = append(b, `,"key":`...)
	if m.HasKey {
		b = append(b, '"')
		b = strconv.AppendUint(b, uint64(m.Key), 10)
		b = append(b, '"')
	} else {
		b = append(b, "null"...)
	}
	b = append(b, '}')
	t.event(b, m.At)
}

// event keeps line b (its buffer is reused for the next) and writes it
// to the events file, noting when and where the file's cap was reached.
func (t *tracer) event(b []byte, at sim.Time) {
	t.line = b
	if !t.ev.add(b) && t.ev.capped && !t.rep.EventsCapped {
		t.rep.EventsCapped, t.rep.EventsCappedAt = true, at.Sub(t.w.start)
	}
}

// state writes one state change.
func (t *tracer) state(s *chord.TraceState) {
	b := append(t.line[:0], t.prefix...)
	b = append(b, `"type":"state","t_ms":`...)
	b = t.ms(b, s.At)
	b = append(b, `,"event":"`...)
	b = append(b, s.Kind.String()...)
	b = append(b, `",`...)
	b = t.node(b, "node", s.Node)
	b = append(b, ',')
	b = t.node(b, "other", s.Other)
	b = append(b, `,"finger":`...)
	if s.Kind == chord.LogFinger {
		b = strconv.AppendInt(b, int64(s.Finger), 10)
	} else {
		b = append(b, "null"...)
	}
	b = append(b, '}')
	t.event(b, s.At)
}

// lookup writes one finished lookup of the run's workload; lost says the
// key went down with a failed node.
func (t *tracer) lookup(r *chord.LookupResult, lost bool) {
	hops := t.tr.Hops(r.Tag)
	if t.lk == nil {
		return
	}
	ring := t.w.Ring
	end := t.w.Sched.Now()
	start := end.Add(-r.Latency)
	b := append(t.line[:0], t.prefix...)
	b = append(b, `"lookup":`...)
	b = strconv.AppendUint(b, r.Tag.Op, 10)
	b = append(b, `,"start_ms":`...)
	b = t.ms(b, start)
	b = append(b, `,"end_ms":`...)
	b = t.ms(b, end)
	b = append(b, `,"latency_ms":`...)
	b = appendMillis(b, r.Latency)
	b = append(b, ',')
	b = t.node(b, "origin", r.Origin)
	b = append(b, `,"key":"`...)
	b = strconv.AppendUint(b, uint64(r.Key), 10)
	b = append(b, `",`...)
	owner := chord.None
	if o := ring.Oracle(); o.Len() > 0 {
		owner = o.Successor(r.Key)
	}
	b = t.node(b, "owner", owner)
	b = append(b, ',')
	b = t.node(b, "answer", r.Owner)
	outcome, cause := "ok", ""
	switch {
	case lost:
		outcome, cause = "failed", "lost_key"
	case r.Outcome == chord.WrongOwner:
		outcome = "wrong_owner"
	case r.Outcome == chord.TimedOut:
		outcome, cause = "failed", "timeout"
	case r.Outcome == chord.HopLimit:
		outcome, cause = "failed", "hop_limit"
	case r.Outcome == chord.Abandoned:
		outcome = "abandoned"
	}
	b = append(b, `,"outcome":"`...)
	b = append(b, outcome...)
	b = append(b, `","cause":`...)
	if cause == "" {
		b = append(b, "null"...)
	} else {
		b = append(b, '"')
		b = append(b, cause...)
		b = append(b, '"')
	}
	b = append(b, `,"hops":`...)
	b = strconv.AppendInt(b, int64(r.Hops), 10)
	b = append(b, `,"timeouts":`...)
	b = strconv.AppendInt(b, int64(r.Timeouts), 10)
	b = append(b, `,"messages":`...)
	b = strconv.AppendInt(b, int64(r.Messages), 10)
	b = append(b, `,"timed_out":[`...)
	n := 0
	for i := range hops {
		if hops[i].TimedOut {
			if n > 0 {
				b = append(b, ',')
			}
			b = appendString(b, ring.Name(hops[i].To))
			n++
		}
	}
	b = append(b, `],"path":[`...)
	for i := range hops {
		h := &hops[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		b = t.node(b, "from", h.From)
		b = append(b, ',')
		b = t.node(b, "to", h.To)
		b = append(b, `,"msg":"`...)
		b = append(b, h.Kind.String()...)
		b = append(b, `","sent_ms":`...)
		b = t.ms(b, h.Sent)
		b = append(b, `,"latency_ms":`...)
		res := "answered"
		switch {
		case h.TimedOut:
			res = "timeout"
		case h.Open:
			res = "unanswered"
		}
		if h.Open {
			b = append(b, "null"...)
		} else {
			b = appendMillis(b, h.Latency)
		}
		b = append(b, `,"result":"`...)
		b = append(b, res...)
		b = append(b, `"}`...)
	}
	b = append(b, "]}"...)
	t.line = b
	if !t.lk.add(b) && t.lk.capped && !t.rep.LookupsCapped {
		t.rep.LookupsCapped, t.rep.LookupsCappedAt = true, start.Sub(t.w.start)
	}
}
