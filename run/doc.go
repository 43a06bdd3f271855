// Package run assembles one simulated world from an experiment config and
// a seed, and runs it: the scheduler, the ring on its network model, the
// key-value service and its clients, the placed keys, churn and mass
// failures, the lookup driver and the invariant watcher. New builds the
// fixed parts; a run is then the phases Build, StartKV, PlaceKeys,
// StartChurn, Drive and Collect (Run does them all). Runs, the shell and
// the benchmark all build their worlds here, so they cannot drift apart.
//
// Every random draw comes from a stream named for its purpose and derived
// from the seed (sim.Stream), the world is advanced by one goroutine, and
// nothing reads the wall clock: the same config and seed give the same
// Result.
package run
