// Package prefetch issues cache prefetch hints. A hint starts loading the
// line holding an address into the cache and returns at once: unlike a load,
// it never waits for memory, and it cannot fault, so it may be given any
// address. The simulator hints the state a message will read as soon as the
// message is sent, many events before it is delivered, so that a hop's cache
// misses overlap with other work instead of stalling it.
//
// On amd64 and arm64 the hints are single instructions (PREFETCHT0, PRFM
// PLDL1KEEP); elsewhere they do nothing. A hint changes no value.
package prefetch
