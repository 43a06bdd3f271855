package lincheck

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Op constructors for hand-built histories: client, key, value, call, return.

func put(c int, k, v string, call, ret int64) Op {
	return Op{Client: c, Kind: Put, Key: k, Value: v, Call: call, Return: ret}
}

func get(c int, k, v string, call, ret int64) Op {
	return Op{Client: c, Kind: Get, Key: k, Value: v, Found: true, Call: call, Return: ret}
}

func miss(c int, k string, call, ret int64) Op {
	return Op{Client: c, Kind: Get, Key: k, Call: call, Return: ret}
}

func del(c int, k string, call, ret int64) Op {
	return Op{Client: c, Kind: Delete, Key: k, Call: call, Return: ret}
}

// lost marks a write as timed out; its Return is deliberately left garbage
// to show that it is ignored.
func lost(op Op) Op {
	op.Unknown = true
	op.Return = -1
	return op
}

// seqHistory generates a sequential history (no two operations overlap,
// though one may be called at the very time the previous one returned) of n
// operations over nkeys keys, with results taken from an in-memory map, so
// it is linearizable by construction.
func seqHistory(r *rand.Rand, n, nkeys int) []Op {
	store := map[string]string{}
	ops := make([]Op, 0, n)
	var t int64
	for i := range n {
		c := r.IntN(4)
		k := fmt.Sprintf("k%d", r.IntN(nkeys))
		call := t + int64(r.IntN(3)) // gap 0 gives call == previous return
		ret := call + int64(r.IntN(5))
		t = ret
		switch x := r.IntN(10); {
		case x < 4:
			v := fmt.Sprintf("v%d", i)
			store[k] = v
			ops = append(ops, put(c, k, v, call, ret))
		case x < 5:
			delete(store, k)
			ops = append(ops, del(c, k, call, ret))
		default:
			if v, ok := store[k]; ok {
				ops = append(ops, get(c, k, v, call, ret))
			} else {
				ops = append(ops, miss(c, k, call, ret))
			}
		}
	}
	return ops
}

// concHistory simulates nclients clients issuing n operations in total over
// nkeys keys against a correct (atomic) register store: every operation
// takes effect at a random point inside its own [Call, Return], in the order
// of those points. Each client is sequential; clients overlap freely. A
// fraction of the writes time out: some of those took effect, some did not,
// and they are recorded as Unknown; timed-out reads are dropped, as a
// recorder must. The result is linearizable by construction.
func concHistory(r *rand.Rand, n, nkeys, nclients int) []Op {
	type gen struct {
		op    Op
		at    int64 // linearization point
		apply bool  // whether it takes effect
		keep  bool  // whether it is recorded
	}
	gs := make([]gen, 0, n)
	clock := make([]int64, nclients)
	for i := range n {
		c := i % nclients
		call := clock[c] + int64(r.IntN(20))
		at := call + int64(r.IntN(50))
		ret := at + int64(r.IntN(50))
		clock[c] = ret
		g := gen{at: at, apply: true, keep: true}
		g.op = Op{Client: c, Key: fmt.Sprintf("k%d", r.IntN(nkeys)), Call: call, Return: ret}
		switch x := r.IntN(10); {
		case x < 4:
			g.op.Kind = Put
			g.op.Value = fmt.Sprintf("c%d-%d", c, i)
		case x < 5:
			g.op.Kind = Delete
		default:
			g.op.Kind = Get
		}
		if r.IntN(50) == 0 { // timed out
			if g.op.Kind == Get {
				g.keep = false
			} else {
				g.op.Unknown = true
				g.op.Return = math.MinInt64 // ignored
				g.apply = r.IntN(2) == 0
				g.at = call + int64(r.IntN(1000)) // may land after the client gave up
			}
		}
		gs = append(gs, g)
	}
	order := make([]int, len(gs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(gs[a].at, gs[b].at) })
	store := map[string]string{}
	for _, i := range order {
		g := &gs[i]
		if !g.apply {
			continue
		}
		switch g.op.Kind {
		case Put:
			store[g.op.Key] = g.op.Value
		case Delete:
			delete(store, g.op.Key)
		case Get:
			g.op.Value, g.op.Found = store[g.op.Key]
		}
	}
	ops := make([]Op, 0, len(gs))
	for _, g := range gs {
		if g.keep {
			ops = append(ops, g.op)
		}
	}
	return ops
}

// bruteForce decides linearizability of one key's history by trying every
// order of the operations that respects real time with closed intervals (a
// must precede b iff a returned strictly before b was called; an Unknown
// operation never returns). It is exponential and only for tiny histories.
func bruteForce(ops []Op) bool {
	n := len(ops)
	ret := func(o Op) int64 {
		if o.Unknown {
			return math.MaxInt64
		}
		return o.Return
	}
	used := make([]bool, n)
	var rec func(depth int, present bool, value string) bool
	rec = func(depth int, present bool, value string) bool {
		if depth == n {
			return true
		}
	next:
		for i := range n {
			if used[i] {
				continue
			}
			// i may go next only if no other unused op had to precede it.
			for j := range n {
				if j != i && !used[j] && ret(ops[j]) < ops[i].Call {
					continue next
				}
			}
			o := ops[i]
			p, v := present, value
			switch o.Kind {
			case Put:
				p, v = true, o.Value
			case Delete:
				p, v = false, ""
			case Get:
				if o.Found != present || (o.Found && o.Value != value) {
					continue
				}
			}
			used[i] = true
			ok := rec(depth+1, p, v)
			used[i] = false
			if ok {
				return true
			}
		}
		return false
	}
	return rec(0, false, "")
}

// bruteBadKeys applies bruteForce per key and returns the failing keys,
// sorted, or nil.
func bruteBadKeys(ops []Op) []string {
	byKey := map[string][]Op{}
	for _, o := range ops {
		byKey[o.Key] = append(byKey[o.Key], o)
	}
	var bad []string
	for k, h := range byKey {
		if !bruteForce(h) {
			bad = append(bad, k)
		}
	}
	slices.Sort(bad)
	return bad
}

// tinyHistory is a small random history with few values, many timestamp
// ties, overlapping operations, Unknown writes and arbitrary read results,
// so both outcomes are common.
func tinyHistory(r *rand.Rand) []Op {
	n := 1 + r.IntN(7)
	ops := make([]Op, n)
	vals := []string{"a", "b"}
	for i := range ops {
		call := int64(r.IntN(8))
		o := Op{Client: i, Key: []string{"x", "y"}[r.IntN(2)], Call: call, Return: call + int64(r.IntN(4))}
		switch x := r.IntN(10); {
		case x < 4:
			o.Kind = Put
			o.Value = vals[r.IntN(len(vals))]
			o.Unknown = r.IntN(4) == 0
		case x < 5:
			o.Kind = Delete
			o.Unknown = r.IntN(4) == 0
		default:
			o.Kind = Get
			if r.IntN(3) > 0 {
				o.Found = true
				o.Value = vals[r.IntN(len(vals))]
			}
		}
		ops[i] = o
	}
	return ops
}
