// Package experiments turns experiment configs into runs and runs into
// results: the config schema with its defaults and validation, sweeps (the
// cartesian product of list-valued fields × replicates) executed in parallel
// and merged in a fixed order, the built-in reproductions of the Chord
// paper's figures, and the output folder (results.csv, summary.json,
// config.yaml, plots/).
//
// It holds no protocol logic: a run wires chord, sim and metrics together.
package experiments
