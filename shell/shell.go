package shell

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/chord/kv"
	"github.com/chordsim/chordsim/config"
	"github.com/chordsim/chordsim/run"
	"github.com/chordsim/chordsim/sim"
)

// Options configure a Session. Zero fields take the shell's defaults.
type Options struct {
	Bits        int            // m, identifier bits; 0 means the config default, 64 (SHA-1's top 64 bits keep the order of the full identifiers)
	Successors  int            // r, successor-list length; 0 means the config default, 16
	Replicas    int            // k, copies of every pair; 0 means the config default, 1
	Consistency kv.Consistency // linearizable (chain replication, the zero value) or eventual
	Seed        uint64         // seeds every random stream of the ring, the service and the shell
	Latency     sim.Latency    // one-way message delay; the zero value means the config default, exp:50ms
	// StabilizeEvery is the period of stabilize, fix_fingers and
	// check_predecessor; 0 means 1s, much faster than the ring's default
	// 30s, so that a human sees the ring converge after a few seconds of
	// simulated time.
	StabilizeEvery sim.Duration
	Echo           bool   // print each line read before its output (scripts, transcripts)
	Prompt         string // printed before reading each line ("chordsim> " when interactive); empty for scripts
	// Config, if set (a validated config of a single sweep point), is the
	// session's base instead of the defaults: the ring of its n nodes is
	// built as a run builds it (bootstrap, then settle), with its chord,
	// network and kv sections; its workload, churn and failure sections
	// are not used. The fields above, when not zero, override it, and
	// StabilizeEvery 0 keeps the config's periods.
	Config *config.Config
}

// DefaultStabilizeEvery is the shell's maintenance period, its one default
// of its own (see Options.StabilizeEvery); every other setting defaults to
// the experiment config's default (config.Defaults).
const DefaultStabilizeEvery = sim.Second

// Time bounds of the commands that advance simulated time.
const (
	joinWait   = 10 * sim.Minute // a joiner must be a ready member by then
	opWait     = sim.Hour        // an operation must have finished by then
	departWait = 5 * sim.Second  // time run after a graceful leave, so the hand-off lands
	maxRun     = 24 * sim.Hour   // the longest run command
)

// Session is one simulated Chord ring running the key-value service,
// driven by commands. Simulated time advances only inside the commands
// that need it: join (until the joiner is a ready member), depart (5s, for
// the hand-off), the operations (until the result comes) and run; between
// commands the ring stands still, however long a human takes to type.
//
// A Session is not safe for concurrent use.
type Session struct {
	opts   Options
	sched  *sim.Scheduler
	ring   *chord.Ring
	svc    *kv.Service
	rng    *rand.Rand // origins of operations not given "at NAME"
	digits int        // hex digits of an identifier
	maxRun sim.Duration

	tag    uint64
	result *kv.Result // the last finished operation, set by OpDone
	quit   bool

	joined, departed, crashed int // nodes, in this session
	opsDone, opsFailed        int // operations

	keys map[string]bool // keys inserted in this session, for tab completion
	last *lastLookup     // the last insert, query, delete or find, for draw … last
}

// New builds a session with an empty ring: the first join creates it.
// The world is assembled by package run from the experiment defaults with
// the options applied, so the shell runs the same ring, network and
// key-value service as a run of the same settings.
func New(o Options) (*Session, error) {
	d := config.Defaults()
	if o.Config != nil {
		d = *o.Config
	}
	if o.Bits == 0 {
		o.Bits = d.Chord.Bits
	}
	if o.Successors == 0 {
		o.Successors = d.Chord.Successors
	}
	if o.Replicas == 0 {
		o.Replicas = d.KV.Replicas
	}
	if o.Latency == (sim.Latency{}) {
		o.Latency = d.Network.Latency
	}
	if o.StabilizeEvery == 0 && o.Config == nil {
		o.StabilizeEvery = DefaultStabilizeEvery
	}
	cfg := d
	if o.Config == nil {
		cfg.N = 0
	}
	cfg.Chord.Bits = o.Bits
	cfg.Chord.Successors = o.Successors
	if o.StabilizeEvery != 0 {
		cfg.Chord.StabilizeEvery = o.StabilizeEvery
		cfg.Chord.FixFingersEvery = o.StabilizeEvery
		cfg.Chord.CheckPredecessorEvery = o.StabilizeEvery
	}
	cfg.KV.Replicas = o.Replicas
	cfg.KV.Consistency = o.Consistency
	cfg.Network.Latency = o.Latency
	if err := cfg.Protocol().Validate(); err != nil {
		return nil, fmt.Errorf("shell: %w", err)
	}
	if err := cfg.KVService().Validate(o.Successors); err != nil {
		return nil, fmt.Errorf("shell: %w", err)
	}
	w, err := run.New(&cfg, o.Seed)
	if err != nil {
		return nil, fmt.Errorf("shell: %w", err)
	}
	if cfg.N > 0 {
		if err := w.Build(context.Background()); err != nil {
			return nil, fmt.Errorf("shell: building the config's ring: %w", err)
		}
	}
	svc, err := w.Service()
	if err != nil {
		return nil, fmt.Errorf("shell: %w", err)
	}
	s := &Session{
		opts:   o,
		sched:  w.Sched,
		ring:   w.Ring,
		svc:    svc,
		rng:    sim.Stream(o.Seed, "shell"),
		digits: (o.Bits + 3) / 4,
		maxRun: maxRun,
		keys:   map[string]bool{},
	}
	svc.SetClient(client{s})
	return s, nil
}

// client hears of finished operations for its session (kept apart so that
// Session does not export OpDone).
type client struct{ s *Session }

func (c client) OpDone(res *kv.Result) {
	if res.Tag != c.s.tag {
		return // not the operation the session waits for
	}
	r := *res
	r.Nodes = make([]kv.NodePairs, len(res.Nodes))
	for i, np := range res.Nodes {
		r.Nodes[i] = kv.NodePairs{Node: np.Node, Pairs: append([]kv.Entry(nil), np.Pairs...)}
	}
	c.s.result = &r
}

// Done reports whether a quit or exit command has been run.
func (s *Session) Done() bool { return s.quit }

// Members is the number of the ring's members.
func (s *Session) Members() int { return s.ring.Oracle().Len() }

// Now is the session's simulated time.
func (s *Session) Now() sim.Time { return s.sched.Now() }

// Run reads commands line by line from r until EOF or quit, writes their
// output to out and one line per failed command to errOut ("error: …"),
// and returns the number of commands that failed (bad input or failed
// operations). With Options.Prompt set, the prompt is written to out
// before each line is read; with Options.Echo, each line is written to out
// before its output (commands after the prompt, or after "> " when there
// is no prompt; comments and blank lines as they are).
func (s *Session) Run(r io.Reader, out, errOut io.Writer) int {
	br := bufio.NewReaderSize(r, 64<<10)
	failed := 0
	for !s.quit {
		if s.opts.Prompt != "" {
			io.WriteString(out, s.opts.Prompt)
		}
		line, err := readLine(br)
		if errors.Is(err, errLineTooLong) {
			// Not a script of commands (a device, a data file): stop
			// rather than read on without end.
			fmt.Fprintf(errOut, "error: a line is longer than %d bytes, so this is not a script of commands; the session stops (give a file of command lines)\n", MaxLine)
			failed++
			break
		}
		if line == "" && err != nil {
			if err != io.EOF {
				fmt.Fprintf(errOut, "error: reading commands: %v\n", oneLine(err.Error()))
				failed++
			}
			if s.opts.Prompt != "" {
				io.WriteString(out, "\n")
			}
			break
		}
		line = strings.TrimRight(line, "\r\n")
		if s.opts.Echo {
			trimmed := strings.TrimSpace(line)
			if s.opts.Prompt == "" && trimmed != "" && !strings.HasPrefix(trimmed, "#") {
				io.WriteString(out, "> ")
			}
			io.WriteString(out, line+"\n")
		}
		if err := s.Exec(line, out); err != nil {
			fmt.Fprintf(errOut, "error: %s\n", oneLine(err.Error()))
			failed++
		}
	}
	return failed
}

// MaxLine bounds a command line, in bytes: the longest useful one (an
// insert of a long value) is far shorter, and a longer line means the input
// is not a script at all.
const MaxLine = 1 << 20

var errLineTooLong = errors.New("line too long")

// readLine reads one line, with its line ending, of at most MaxLine bytes;
// a longer one gives errLineTooLong after reading at most MaxLine bytes
// and the reader's buffer.
func readLine(br *bufio.Reader) (string, error) {
	var b []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(b)+len(chunk) > MaxLine+2 {
			return "", errLineTooLong
		}
		b = append(b, chunk...)
		if err != bufio.ErrBufferFull {
			return string(b), err
		}
	}
}

// oneLine keeps an error message on one line whatever it quotes.
func oneLine(s string) string {
	return strings.NewReplacer("\r\n", "; ", "\n", "; ", "\r", "; ").Replace(s)
}

// Exec runs one command line, writing its output to out. Blank lines and
// lines starting with # do nothing. A failed command returns an error of
// one line that names the command, the bad value and the fix; the session
// stays usable.
func (s *Session) Exec(line string, out io.Writer) error {
	trimmed := strings.TrimSpace(line)
	if trimmed == "" || strings.HasPrefix(trimmed, "#") {
		return nil
	}
	toks, err := tokenize(line)
	if err != nil {
		if c := lookupCommand(strings.ToLower(strings.Fields(trimmed)[0])); c != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
		return err
	}
	if len(toks) == 0 {
		return nil
	}
	name := strings.ToLower(toks[0].text)
	args := toks[1:]
	c := lookupCommand(name)
	if c == nil {
		msg := fmt.Sprintf("unknown command %q; type help for the commands", toks[0].text)
		if guess := closest(name); guess != "" {
			msg += " (did you mean " + guess + "?)"
		}
		return errors.New(msg)
	}
	return c.run(s, c, args, out)
}
