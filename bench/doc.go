// Package bench measures the simulator itself in wall-clock time (never the
// simulated system): `chordsim bench`'s fixed scenarios on the static and
// event engines and on the key-value service, and the machine's
// random-access memory latency over a buffer as large as the ring's state,
// which a lookup hop's cost is compared with.
//
// The runs are assembled by package run, like every other run, and timed
// phase by phase: the ring's build, then the lookups or requests.
package bench
