// Package experiments turns an experiment config into runs and runs into
// results: the plan (the cartesian product of list-valued fields ×
// replicates, with each point's files read once), its execution in
// parallel and in shards, the run records that let an interrupted sweep
// resume, the output columns, and the output folder (results.csv, hops.csv,
// summary.json, config.yaml, manifest.json, runs/), written by one Session
// for `chordsim run`, `repro` and `merge` alike.
//
// It holds no protocol logic and assembles no simulation: each run is
// package run's, from a config of package config. The built-in figures
// (package figures) hand their drawing to a Session as a function.
package experiments
