// Package prefetch issues cache prefetch hints. A hint starts loading the
// line holding an address into the cache and returns at once: unlike a load,
// it never waits for memory, and it cannot fault, so it may be given any
// address. The scheduler has the simulator hint the state an event will
// read a few events before it fires (see sim.Prefetcher), so that a hop's
// cache misses overlap with other work instead of stalling it. (Hinting a
// message when it is sent is too early: its lines leave the cache again
// before it is delivered.)
//
// On amd64 and arm64 the hints are single instructions (PREFETCHT0, PRFM
// PLDL1KEEP); elsewhere they do nothing. A hint changes no value.
package prefetch
