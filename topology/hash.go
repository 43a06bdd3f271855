package topology

// mix64 is SplitMix64's finalizer: a bijection of 64-bit words whose
// output bits each depend on every input bit. Placements are hashes of a
// salt (drawn from the run's seed) and the endpoint, so that they need no
// memory per endpoint and do not depend on the order of anything.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
