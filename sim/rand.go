package sim

import (
	"crypto/sha256"
	"encoding/binary"
	"math/rand/v2"
)

// Seed derives a 64-bit seed from a master seed and a path of names, so that
// every purpose ("ids", "latency", "workload", replicate 3, ...) gets its own
// independent sequence. Changing how many draws one purpose makes never moves
// another's: raising a churn rate does not change node IDs.
//
// The derivation is SHA-256 over the master seed and the names, each name
// length-prefixed so that ("ab","c") and ("a","bc") differ. It is fixed by this
// function and not by any library version, so seeds are stable across Go
// releases.
func Seed(master uint64, names ...string) uint64 {
	a, _ := seedPair(master, names)
	return a
}

func seedPair(master uint64, names []string) (uint64, uint64) {
	h := sha256.New()
	var buf [8]byte
	binary.BigEndian.PutUint64(buf[:], master)
	h.Write(buf[:])
	for _, n := range names {
		binary.BigEndian.PutUint64(buf[:], uint64(len(n)))
		h.Write(buf[:])
		h.Write([]byte(n))
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return binary.BigEndian.Uint64(sum[0:8]), binary.BigEndian.Uint64(sum[8:16])
}

// Stream returns the random stream named by names under the master seed: a
// PCG generator (math/rand/v2, whose output for a given seed is specified by
// the algorithm) seeded from Seed's derivation.
func Stream(master uint64, names ...string) *rand.Rand {
	a, b := seedPair(master, names)
	return rand.New(rand.NewPCG(a, b))
}
