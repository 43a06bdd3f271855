package chord

import (
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"math/bits"
)

// ID is a point on the identifier ring: an integer in [0, 2^m).
type ID uint64

// Space is an m-bit identifier space, 1 ≤ m ≤ 64. Arithmetic is done in
// uint64 and masked, never modulo 2^m: at m = 64, 2^m does not fit in a
// uint64, and a modulus computed as 1<<m would be zero.
type Space struct {
	bits uint
	mask uint64
}

// NewSpace returns the m-bit identifier space.
func NewSpace(m int) (Space, error) {
	if m < 1 || m > 64 {
		return Space{}, fmt.Errorf("identifier bits m = %d is outside 1..64", m)
	}
	return Space{bits: uint(m), mask: ^uint64(0) >> (64 - uint(m))}, nil
}

// MustSpace is NewSpace for constants known to be valid.
func MustSpace(m int) Space {
	s, err := NewSpace(m)
	if err != nil {
		panic("chord: " + err.Error())
	}
	return s
}

// Bits is m.
func (s Space) Bits() int { return int(s.bits) }

// Max is the largest identifier, 2^m − 1.
func (s Space) Max() ID { return ID(s.mask) }

// Size is 2^m as a float, for statistics (it is not representable as a uint64 at m = 64).
func (s Space) Size() float64 { return float64(s.mask) + 1 }

// Hash maps a name (a node's address, a key) to the top m bits of its
// SHA-1 digest, so that the order of the full 160-bit identifiers is kept.
func (s Space) Hash(name string) ID {
	sum := sha1.Sum([]byte(name))
	return ID(binary.BigEndian.Uint64(sum[:8]) >> (64 - s.bits))
}

// HashBytes is Hash for a byte slice (avoids a string conversion).
func (s Space) HashBytes(name []byte) ID {
	sum := sha1.Sum(name)
	return ID(binary.BigEndian.Uint64(sum[:8]) >> (64 - s.bits))
}

// FromUint64 keeps the top m bits of a uniformly random 64-bit value.
func (s Space) FromUint64(x uint64) ID { return ID(x >> (64 - s.bits)) }

// Dist is the clockwise distance from a to b, in [0, 2^m).
func (s Space) Dist(a, b ID) uint64 { return (uint64(b) - uint64(a)) & s.mask }

// Add returns a + d on the ring.
func (s Space) Add(a ID, d uint64) ID { return ID((uint64(a) + d) & s.mask) }

// Between reports x ∈ (a, b), the open clockwise arc from a to b. The arc
// (a, a) is the whole ring except a: that is what lets a lone node adopt
// the first node that notifies it (ToN Fig. 6; correctness reference §5.1).
func (s Space) Between(a, x, b ID) bool {
	// With d(a,x) and d(a,b) the clockwise distances, x ∈ (a,b) iff
	// 0 < d(a,x) < d(a,b), where d(a,b) = 0 stands for a full turn. Subtracting
	// one in unmasked uint64 maps 0 to the largest value, which makes both
	// cases a single comparison.
	return s.Dist(a, x)-1 < s.Dist(a, b)-1
}

// BetweenIncl reports x ∈ (a, b], the clockwise arc from a (excluded) to b
// (included). The arc (a, a] is the whole ring: a lone node owns every key.
func (s Space) BetweenIncl(a, x, b ID) bool {
	return s.Dist(a, x)-1 <= s.Dist(a, b)-1
}

// FingerStart is n + 2^i, the start of finger i (0-based: finger 0 is the
// successor's interval), for 0 ≤ i < m.
func (s Space) FingerStart(n ID, i int) ID {
	return ID((uint64(n) + 1<<uint(i)) & s.mask)
}

// topFinger is the highest finger level whose start lies strictly before a
// key at clockwise distance d > 1 from the node: the largest i with 2^i < d.
// A correct finger at a higher level starts at or after the key, so it
// cannot precede it; a lookup need not look at those.
func topFinger(d uint64) int { return bits.Len64(d-1) - 1 }
