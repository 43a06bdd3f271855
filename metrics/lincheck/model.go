package lincheck

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/anishathalye/porcupine"
)

// state is one key's register: absent, or present with a value. The model
// passes states around as *state so that Step never allocates: a Put's
// resulting state lives in its input, and Get returns the state it was given.
type state struct {
	present bool
	value   string
}

// absent is the initial state, and the state after a Delete.
var absent = &state{}

// input is everything the model and the visualization need about one
// operation. porcupine only ever sees it as an opaque Input (the Output is
// unused), passed by pointer so that Step does not copy strings around.
type input struct {
	index   int // position in the caller's ops slice
	client  int // the caller's client id
	kind    Kind
	key     string
	value   string
	found   bool
	unknown bool
	next    state // the state after a Put
}

func (in *input) set(i int, op *Op) {
	*in = input{
		index:   i,
		client:  op.Client,
		kind:    op.Kind,
		key:     op.Key,
		value:   op.Value,
		found:   op.Found,
		unknown: op.Unknown,
		next:    state{present: true, value: op.Value},
	}
	if op.Kind == Get && !op.Found {
		in.value = "" // ignored by the model; keep descriptions honest
	}
}

// step is the sequential specification of one key.
func step(s, in, _ any) (bool, any) {
	op := in.(*input)
	switch op.kind {
	case Put:
		return true, &op.next
	case Delete:
		return true, absent
	default: // Get
		cur := s.(*state)
		return cur.present == op.found && (!op.found || cur.value == op.value), s
	}
}

// equalState compares states by value: different Puts of the same value
// lead to the same state, and porcupine's memo table should know it.
func equalState(a, b any) bool {
	return *a.(*state) == *b.(*state)
}

// hashState is FNV-1a over the state, so porcupine's memo table can tell
// states apart without comparing them.
func hashState(s any) uint64 {
	st := s.(*state)
	const prime = 1099511628211
	h := uint64(14695981039346656037)
	if st.present {
		h ^= 1
		h *= prime
	}
	for i := 0; i < len(st.value); i++ {
		h ^= uint64(st.value[i])
		h *= prime
	}
	return h
}

func describeOp(in, _ any) string {
	op := in.(*input)
	k := strconv.Quote(op.key)
	var b strings.Builder
	switch op.kind {
	case Put:
		fmt.Fprintf(&b, "put(%s,%s)", k, strconv.Quote(op.value))
	case Delete:
		fmt.Fprintf(&b, "delete(%s)", k)
	default:
		if op.found {
			fmt.Fprintf(&b, "get(%s) → %s", k, strconv.Quote(op.value))
		} else {
			fmt.Fprintf(&b, "get(%s) → not found", k)
		}
	}
	if op.unknown {
		b.WriteString(" (timed out)")
	}
	return b.String()
}

func describeState(s any) string {
	st := s.(*state)
	if !st.present {
		return "not found"
	}
	return strconv.Quote(st.value)
}

func describeMeta(m any) string {
	op, ok := m.(*input)
	if !ok {
		return ""
	}
	s := fmt.Sprintf("op %d, client %d", op.index, op.client)
	if op.unknown {
		s += "; outcome unknown: treated as pending until the end of the history"
	}
	return s
}

// newModel returns the per-key register model. With partition set,
// porcupine splits a whole history by key itself, in sorted key order (used
// for the visualization); without, each call must be given a single key's
// history.
func newModel(partition bool) porcupine.Model {
	m := porcupine.Model{
		Init:                      func() any { return absent },
		Step:                      step,
		Equal:                     equalState,
		Hash:                      hashState,
		DescribeOperation:         describeOp,
		DescribeState:             describeState,
		DescribeOperationMetadata: describeMeta,
	}
	if partition {
		m.Partition = partitionByKey
	}
	return m
}

// partitionByKey splits a history by key, keys in sorted order and
// operations in their original order within a key, so the visualization's
// partition tabs come out in a stable order.
func partitionByKey(all []porcupine.Operation) [][]porcupine.Operation {
	byKey := make(map[string][]porcupine.Operation)
	for _, o := range all {
		k := o.Input.(*input).key
		byKey[k] = append(byKey[k], o)
	}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([][]porcupine.Operation, len(keys))
	for i, k := range keys {
		out[i] = byKey[k]
	}
	return out
}
