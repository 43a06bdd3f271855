package invariant

import (
	"strconv"
	"strings"
)

// Violation is one violated invariant with the nodes that show it. The
// fields are data rather than a message so that Check does not format
// text, and so that a report can name nodes its own way (Format).
//
// Nodes and Count depend on the invariant (the first offender is the one
// with the lowest index, so reports are deterministic):
//
//	LiveSuccessor          [m]        m has no member in its list; Count = members like m
//	AtLeastOneRing         [d]        the first member's path ends at dangling d; Count = members
//	AtMostOneRing          [h1 h2 …]  one node per cycle (at most 8); Count = cycles
//	OrderedRing            [a b m]    a → b is a cycle step and cycle member m lies in (a, b); Count = windings of that cycle
//	ConnectedAppendages    [a d]      a's path ends at dangling d ([a] when a = d); Count = stranded members
//	OrderedSuccessorLists  [m x y]    x is just before y in m's list but not clockwise before it; Count = members with such lists
//	NoDuplicates           [m e]      m's list holds e twice, or e = m; Count = members with such lists
//	Principals             [p …]      all principals, fewer than Count = r+1
type Violation struct {
	// Invariant is the property that does not hold.
	Invariant Invariant
	// Nodes are indices into Snapshot.Nodes, as in the table above.
	Nodes []int32
	// IDs are the (masked) identifiers of Nodes, so that a report can be
	// read against the ring without the snapshot.
	IDs []uint64
	// Count says how widespread the problem is, as in the table above.
	Count int
}

// String is the violation on one line, nodes as "#index (id ID)".
func (v Violation) String() string { return v.Format(nil) }

// Format is the violation on one line, each node as "name (id ID)" with
// the caller's name for its index (the simulator's node names), or
// "#index" when name is nil.
func (v Violation) Format(name func(int32) string) string {
	var b strings.Builder
	node := func(k int) {
		if k >= len(v.Nodes) {
			b.WriteString("?")
			return
		}
		if name != nil {
			b.WriteString(name(v.Nodes[k]))
		} else {
			b.WriteByte('#')
			b.WriteString(strconv.Itoa(int(v.Nodes[k])))
		}
		if k < len(v.IDs) {
			b.WriteString(" (id ")
			b.WriteString(strconv.FormatUint(v.IDs[k], 10))
			b.WriteByte(')')
		}
	}
	num := func(n int) { b.WriteString(strconv.Itoa(n)) }
	b.WriteString(v.Invariant.String())
	b.WriteString(": ")
	switch v.Invariant {
	case LiveSuccessor:
		node(0)
		b.WriteString(" has no member in its successor list; ")
		num(v.Count)
		b.WriteString(" such member(s)")
	case AtLeastOneRing:
		b.WriteString("none of the ")
		num(v.Count)
		b.WriteString(" member(s) reaches itself by bestSucc; paths end at members without a live successor, such as ")
		node(0)
	case AtMostOneRing:
		num(v.Count)
		b.WriteString(" cycles, through ")
		for k := range v.Nodes {
			if k > 0 {
				b.WriteString(", ")
			}
			node(k)
		}
		if v.Count > len(v.Nodes) {
			b.WriteString(", …")
		}
	case OrderedRing:
		b.WriteString("a cycle winds round the identifier space ")
		num(v.Count)
		b.WriteString(" times: ")
		node(0)
		b.WriteString(" → ")
		node(1)
		b.WriteString(" skips ring member ")
		node(2)
	case ConnectedAppendages:
		node(0)
		if len(v.Nodes) > 1 {
			b.WriteString(" reaches no cycle: its bestSucc path ends at ")
			node(1)
			b.WriteString(", which has no live successor; ")
		} else {
			b.WriteString(" reaches no cycle: it has no live successor; ")
		}
		num(v.Count)
		b.WriteString(" such member(s)")
	case OrderedSuccessorLists:
		b.WriteString("in the list of ")
		node(0)
		b.WriteString(", ")
		node(1)
		b.WriteString(" is not clockwise before ")
		node(2)
		b.WriteString("; ")
		num(v.Count)
		b.WriteString(" such list(s)")
	case NoDuplicates:
		b.WriteString("the list of ")
		node(0)
		if len(v.Nodes) > 1 && v.Nodes[0] == v.Nodes[1] {
			b.WriteString(" holds its owner")
		} else {
			b.WriteString(" holds ")
			node(1)
			b.WriteString(" twice")
		}
		b.WriteString("; ")
		num(v.Count)
		b.WriteString(" such list(s)")
	case Principals:
		num(len(v.Nodes))
		b.WriteString(" principal(s), fewer than r+1 = ")
		num(v.Count)
		for k := range v.Nodes {
			if k == 0 {
				b.WriteString(": ")
			} else {
				b.WriteString(", ")
			}
			node(k)
		}
	default:
		num(v.Count)
		for k := range v.Nodes {
			b.WriteByte(' ')
			node(k)
		}
	}
	return b.String()
}
