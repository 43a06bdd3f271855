package lincheck

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/anishathalye/porcupine"
)

// Kind says which register operation an [Op] is, because the model needs it
// to decide how the operation may change or observe a key's state.
type Kind uint8

// The operations of the key-value service. Each acts on a single key.
const (
	// Put makes the key present with Op.Value.
	Put Kind = iota
	// Get observes the key: Op.Found and Op.Value are what it returned.
	Get
	// Delete makes the key absent.
	Delete
)

// String returns the lower-case operation name, so error messages and
// visualizations read like the client API.
func (k Kind) String() string {
	switch k {
	case Put:
		return "put"
	case Get:
		return "get"
	case Delete:
		return "delete"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Op is one client operation exactly as the client saw it; the checker must
// not be told anything the client could not have known. See the package
// documentation for how to record Call and Return.
type Op struct {
	Client int    // issuing client; used only to lay out the visualization
	Kind   Kind   // Put, Get or Delete
	Key    string // the key operated on; the history is checked per key
	Value  string // Put: the value written; Get: the value returned (when Found)
	Found  bool   // Get: whether a value was returned ("not found" otherwise)
	Call   int64  // simulated ns when the client issued the operation
	Return int64  // simulated ns when the client got the answer; ignored if Unknown
	// Unknown marks a Put or Delete whose outcome the client never learned
	// (it timed out): it may or may not have taken effect, so it is treated
	// as still pending at the end of the history (porcupine's standard
	// treatment: its return time is after every other event). A Get that
	// timed out must simply not be recorded (callers drop it); Check rejects
	// an Unknown Get with an error.
	Unknown bool
}

// Verdict is the outcome of [Check]. It has three values rather than a bool
// because a bounded check can run out of time without deciding.
type Verdict uint8

// The possible verdicts.
const (
	// Linearizable: some order of the operations, consistent with real time,
	// explains every result.
	Linearizable Verdict = iota
	// NotLinearizable: at least one key's sub-history has no such order.
	NotLinearizable
	// Inconclusive: the timeout expired before every key was decided and no
	// violation had been found.
	Inconclusive
)

// String returns a stable snake_case name, so verdicts can be written to CSV
// and JSON files and compared across runs.
func (v Verdict) String() string {
	switch v {
	case Linearizable:
		return "linearizable"
	case NotLinearizable:
		return "not_linearizable"
	case Inconclusive:
		return "inconclusive"
	}
	return fmt.Sprintf("Verdict(%d)", uint8(v))
}

// Result reports a verdict together with the size of what was checked and,
// on failure, where to look, so that a failing run can be narrowed down to
// the offending keys (and then visualized) without re-running the check.
type Result struct {
	Verdict Verdict
	Ops     int // operations checked, Unknown ones included
	Keys    int // distinct keys (the history is checked per key)
	// BadKeys are the keys, sorted, whose sub-history is not linearizable.
	// It is nil unless Verdict is NotLinearizable. Without a timeout it is
	// complete; with one it may miss keys whose check was cut short.
	BadKeys []string
	// Undecided are the keys, sorted, whose check ran out of its budget
	// (or was cancelled) before deciding; nil if every key was decided.
	Undecided []string
}

// Check decides whether ops is a linearizable history of a key-value store
// in which every key is an independent register that starts absent.
//
// timeout ≤ 0 means no limit, and the verdict is then a deterministic
// function of ops. A positive timeout is a single wall-clock budget for the
// whole call (Budget.Time of [CheckContext], which Check calls with a
// background context and no other limit). If any key is found not
// linearizable within it the verdict is NotLinearizable (porcupine only
// reports a violation it has proved), with BadKeys listing the keys proved
// bad so far; otherwise, if some key was not decided in time, the verdict
// is Inconclusive.
//
// The only error is for malformed input: Return < Call on a completed
// operation, an Unknown Get, or an unknown Kind. The error names the index
// of the first offending op in ops.
func Check(ops []Op, timeout time.Duration) (Result, error) {
	return CheckContext(context.Background(), ops, Budget{Time: timeout})
}

// Budget bounds a check, per key and for the whole call. A zero field is no
// limit. A key whose search runs out of its budget is undecided (listed in
// Result.Undecided), never guessed: the verdict is then Inconclusive unless
// another key was proved bad.
//
// The memory budgets are deterministic: the search's memory is estimated
// from the states it has stored (porcupine keeps every distinct pair of
// "operations linearized so far" and register state it reaches, a bitset of
// one bit per operation of the key plus bookkeeping: 8·⌈n/64⌉ + 96 bytes
// each, see stateBytes), so the same history and budget always give the
// same verdict. The time budgets depend on the machine and its load.
type Budget struct {
	KeyTime   time.Duration // wall-clock time for one key's search
	Time      time.Duration // wall-clock time for the whole call
	KeyMemory int64         // estimated bytes of search state for one key
	// Memory bounds the search state of the keys checked at once: the
	// check runs at most Memory / KeyMemory keys in parallel (at least
	// one), each held to min(KeyMemory, Memory), so the peak stays under
	// Memory and the verdict does not depend on the number of CPUs.
	Memory int64
}

// stateBytes estimates the memory one stored search state costs on a key
// with n operations: porcupine's bitset of n bits (in 64-bit words), its
// slice header and cache entry, the map bucket share and the call-stack
// entry that goes with it (measured order of magnitude, not exact).
func stateBytes(n int) int64 { return 8*int64((n+63)/64) + 96 }

// checkEvery is how many model steps a key's search takes between looks at
// the clock and the context: a step costs well under a microsecond, so a
// cancelled check stops within milliseconds.
const checkEvery = 1024

// guard is one key's budget, consulted by the model at every step. When
// it runs out, every further step fails, which makes porcupine's search
// unwind quickly; the verdict it then returns is discarded (undecided).
type guard struct {
	ctx      context.Context
	deadline time.Time // zero: none
	states   int64     // states the search may still store
	steps    int
	out      bool // the budget ran out (or ctx was cancelled)
}

func (g *guard) spent() bool {
	if g.out {
		return true
	}
	g.steps++
	if g.steps%checkEvery == 0 {
		if g.ctx.Err() != nil || (!g.deadline.IsZero() && time.Now().After(g.deadline)) {
			g.out = true
		}
	}
	return g.out
}

// CheckContext is [Check] with a [Budget] and a context: when ctx is
// cancelled the check stops within milliseconds and returns ctx's error
// (with the result so far, Inconclusive unless a key was proved bad).
//
// Each key's sub-history is checked on its own, with porcupine and no
// partition function, by a pool of workers (GOMAXPROCS, fewer under a
// memory budget); results are stored per key and collected in sorted key
// order, so BadKeys and Undecided do not depend on scheduling. The cost of
// knowing every bad key is that all keys are checked to the end even after
// a violation has been found (porcupine's own partitioned check stops at
// the first one); a failing history therefore costs about as much to check
// as a passing one.
func CheckContext(ctx context.Context, ops []Op, b Budget) (Result, error) {
	h, err := build(ops)
	if err != nil {
		return Result{}, err
	}
	res := Result{Ops: len(ops), Keys: len(h.keys)}

	var deadline time.Time
	if b.Time > 0 {
		deadline = time.Now().Add(b.Time)
	}
	keyMem := b.KeyMemory
	workers := min(runtime.GOMAXPROCS(0), len(h.keys))
	if b.Memory > 0 {
		if keyMem <= 0 || keyMem > b.Memory {
			keyMem = b.Memory
		}
		workers = max(1, min(workers, int(b.Memory/keyMem)))
	}
	results := make([]porcupine.CheckResult, len(h.keys))
	check := func(i int) {
		g := &guard{ctx: ctx, deadline: deadline, states: -1}
		if b.KeyTime > 0 {
			if d := time.Now().Add(b.KeyTime); g.deadline.IsZero() || d.Before(g.deadline) {
				g.deadline = d
			}
		}
		if keyMem > 0 {
			g.states = keyMem / stateBytes(len(h.parts[i]))
		}
		if ctx.Err() != nil || (!g.deadline.IsZero() && !time.Now().Before(g.deadline)) {
			results[i] = porcupine.Unknown
			return
		}
		r := porcupine.CheckOperationsTimeout(boundedModel(g), h.parts[i], 0)
		if g.out && r == porcupine.Illegal {
			r = porcupine.Unknown // the search was cut short: "no order found" means nothing (an order found is still a proof)
		}
		results[i] = r
	}

	if workers <= 1 {
		for i := range h.keys {
			check(i)
		}
	} else {
		next := make(chan int)
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for i := range next {
					check(i)
				}
			})
		}
		for i := range h.keys {
			next <- i
		}
		close(next)
		wg.Wait()
	}

	for i, r := range results {
		switch r {
		case porcupine.Illegal:
			res.BadKeys = append(res.BadKeys, h.keys[i])
		case porcupine.Unknown:
			res.Undecided = append(res.Undecided, h.keys[i])
		}
	}
	switch {
	case len(res.BadKeys) > 0:
		res.Verdict = NotLinearizable
	case len(res.Undecided) > 0:
		res.Verdict = Inconclusive
	default:
		res.Verdict = Linearizable
	}
	return res, ctx.Err()
}

// boundedModel is the register model with g's budget enforced at every
// step: a step that would store a state beyond the budget, or comes after
// the deadline or a cancellation, fails.
func boundedModel(g *guard) porcupine.Model {
	m := newModel(false)
	m.Step = func(s, in, out any) (bool, any) {
		if g.spent() {
			return false, s
		}
		ok, next := step(s, in, out)
		if ok && g.states >= 0 {
			// Every successful step may store one state; counting them all
			// over-estimates (repeats are cached) and so stays on the safe
			// side.
			if g.states == 0 {
				g.out = true
				return false, s
			}
			g.states--
		}
		return ok, next
	}
	return m
}

// history is ops validated and converted to porcupine operations, one
// partition per key, keys sorted.
type history struct {
	keys  []string
	parts [][]porcupine.Operation
}

// build validates ops and splits them by key. Unknown operations get a
// Return strictly after every other time in the history (or MaxInt64, which
// is equivalent under closed intervals, if the history already reaches it).
func build(ops []Op) (history, error) {
	var last int64 = math.MinInt64
	for i := range ops {
		op := &ops[i]
		if op.Kind > Delete {
			return history{}, fmt.Errorf("lincheck: op %d: unknown kind %d", i, uint8(op.Kind))
		}
		if op.Unknown {
			if op.Kind == Get {
				return history{}, fmt.Errorf("lincheck: op %d: get with unknown outcome (drop timed-out gets instead of recording them)", i)
			}
			last = max(last, op.Call)
			continue
		}
		if op.Return < op.Call {
			return history{}, fmt.Errorf("lincheck: op %d: return time %d before call time %d", i, op.Return, op.Call)
		}
		last = max(last, op.Return)
	}
	pending := last
	if pending < math.MaxInt64 {
		pending++
	}

	byKey := make(map[string][]int)
	for i := range ops {
		byKey[ops[i].Key] = append(byKey[ops[i].Key], i)
	}
	h := history{keys: make([]string, 0, len(byKey))}
	for k := range byKey {
		h.keys = append(h.keys, k)
	}
	slices.Sort(h.keys)
	h.parts = make([][]porcupine.Operation, len(h.keys))
	inputs := make([]input, len(ops))
	for p, k := range h.keys {
		idx := byKey[k]
		part := make([]porcupine.Operation, len(idx))
		for j, i := range idx {
			op := &ops[i]
			inputs[i].set(i, op)
			ret := op.Return
			if op.Unknown {
				ret = pending
			}
			part[j] = porcupine.Operation{
				ClientId: op.Client,
				Input:    &inputs[i],
				Call:     op.Call,
				Return:   ret,
			}
		}
		h.parts[p] = part
	}
	return h, nil
}
