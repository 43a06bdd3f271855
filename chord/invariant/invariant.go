package invariant

import (
	"fmt"
	"strconv"
	"strings"
)

// Invariant names one checked property. The numeric order is the order in
// which Check reports violations, so that two reports of the same state are
// identical and reports of successive states diff line by line.
type Invariant uint8

const (
	// LiveSuccessor: every member has at least one member in its successor
	// list (part (a) of Zave's inductive invariant). Without it a member's
	// bestSucc is undefined and the ring can fall apart.
	LiveSuccessor Invariant = iota
	// AtLeastOneRing: some member reaches itself by following bestSucc.
	// Without a cycle there is no ring for lookups to run round.
	AtLeastOneRing
	// AtMostOneRing: all ring members lie on a single bestSucc cycle. Two
	// cycles are two networks that stabilization can never merge (C4).
	AtMostOneRing
	// OrderedRing: every bestSucc cycle goes round the identifier space
	// exactly once. A "loopy" cycle winds round more than once, is often
	// weakly stable, and stabilization cannot repair it (C5, LBK02).
	OrderedRing
	// ConnectedAppendages: every member that is not on a cycle reaches one by
	// following bestSucc. Otherwise its lookups never reach the ring.
	ConnectedAppendages
	// OrderedSuccessorLists: every member's list, dead entries included, is
	// strictly increasing in clockwise distance from the member. A list that
	// is out of order skips live nodes and seeds loopy rings.
	OrderedSuccessorLists
	// NoDuplicates: no member's list contains the member itself or any node
	// twice, except that a lone member may list itself (ToN create()), and
	// so may the ring's creator alone until it hears of another node. Self
	// and duplicate entries are what turn later failures into self-rings
	// (C4, N1).
	NoDuplicates
	// Principals: there are at least r+1 principals (part (b) of Zave's
	// inductive invariant). It is opt-in because the original protocol
	// makes no attempt to keep it: it starts from one node.
	Principals

	numInvariants
)

var invariantNames = [numInvariants]string{
	LiveSuccessor:         "LiveSuccessor",
	AtLeastOneRing:        "AtLeastOneRing",
	AtMostOneRing:         "AtMostOneRing",
	OrderedRing:           "OrderedRing",
	ConnectedAppendages:   "ConnectedAppendages",
	OrderedSuccessorLists: "OrderedSuccessorLists",
	NoDuplicates:          "NoDuplicates",
	Principals:            "Principals",
}

// String returns the invariant's name as the literature spells it (Zave's
// Alloy models), so that reports can be matched against the papers.
func (i Invariant) String() string {
	if i < numInvariants {
		return invariantNames[i]
	}
	return "Invariant(" + strconv.Itoa(int(i)) + ")"
}

// ParseInvariant is the inverse of String, ignoring case, for command-line
// selection of invariants.
func ParseInvariant(name string) (Invariant, error) {
	for i, n := range invariantNames {
		if strings.EqualFold(n, name) {
			return Invariant(i), nil
		}
	}
	return 0, fmt.Errorf("invariant: unknown invariant %q", name)
}

// Set is a set of invariants, one bit per Invariant, so that a caller can
// select what to check without allocating.
type Set uint16

const (
	// All selects every invariant.
	All Set = 1<<numInvariants - 1
	// CoreValid selects the four ring-shape properties that, per Zave, are
	// all an undisturbed network needs to become ideal by stabilization.
	CoreValid Set = 1<<AtLeastOneRing | 1<<AtMostOneRing | 1<<OrderedRing | 1<<ConnectedAppendages
	// Default is All without Principals: the original protocol does not
	// keep Principals (it grows from a single node), so checking it by
	// default would flag every small ring.
	Default Set = All &^ (1 << Principals)
)

// SetOf returns the set holding exactly the given invariants.
func SetOf(invs ...Invariant) Set {
	var s Set
	for _, i := range invs {
		s |= 1 << i
	}
	return s
}

// Has reports whether i is in the set.
func (s Set) Has(i Invariant) bool { return i < numInvariants && s&(1<<i) != 0 }

// String lists the names in Invariant order, comma-separated, or "none";
// ParseSet reads it back.
func (s Set) String() string {
	if s&All == 0 {
		return "none"
	}
	var b strings.Builder
	for i := Invariant(0); i < numInvariants; i++ {
		if s.Has(i) {
			if b.Len() > 0 {
				b.WriteByte(',')
			}
			b.WriteString(i.String())
		}
	}
	return b.String()
}

// ParseSet reads a comma-separated list of invariant names and of the
// group names "all", "default", "corevalid" and "none" (case ignored,
// spaces around names allowed), for a command-line flag.
func ParseSet(text string) (Set, error) {
	var s Set
	for _, f := range strings.Split(text, ",") {
		f = strings.TrimSpace(f)
		switch strings.ToLower(f) {
		case "all":
			s |= All
		case "default":
			s |= Default
		case "corevalid":
			s |= CoreValid
		case "none", "":
		default:
			i, err := ParseInvariant(f)
			if err != nil {
				return 0, err
			}
			s |= 1 << i
		}
	}
	return s, nil
}

// Violated returns the set of invariants that occur in vs, for callers
// and tests that compare verdicts rather than details.
func Violated(vs []Violation) Set {
	var s Set
	for _, v := range vs {
		s |= 1 << v.Invariant
	}
	return s
}
