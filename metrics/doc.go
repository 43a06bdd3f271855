// Package metrics turns the plain numbers produced by the chordsim simulator
// (hop counts, latencies, counts) into summaries and CSV and JSON files.
// Figures drawn from those numbers are in the subpackage plot, so this
// package needs no plotting library.
//
// The package deliberately knows nothing about rings, nodes or lookups: it
// receives plain integers and floats, so it can be tested on its own and
// reused by every experiment.
//
// # Determinism
//
// Everything written by this package is a pure function of its inputs: the
// same numbers produce the same CSV and JSON bytes on every machine. To that
// end floats are formatted by one rule (see [Cell.String]), no map iteration
// order reaches the output, statistics over float samples are computed in
// sorted order (so they do not depend on insertion or merge order), and no
// global random source is used.
//
// # Percentiles
//
// [IntHist.Quantile] and [Samples.Quantile] use the nearest-rank definition:
// the p-quantile of N observations is the smallest observed value v such that
// at least ceil(p·N) observations are ≤ v, with rank 1 (the minimum) used for
// p = 0. The result is always an observed value; there is no interpolation.
// This is the definition under which integer hop-count percentiles such as
// "1st and 99th percentile" are reported in the Chord literature.
//
// # Errors
//
// Programmer errors (a negative hop count, a percentile outside [0,1], a
// table row of the wrong width) panic with a message starting "metrics: ".
// Bad data (malformed CSV, I/O failures) is reported
// as an error.
//
// # Files
//
// Files are written through [WriteFileAtomic], so an interrupted run leaves
// either the complete previous or new file, never a truncated one.
package metrics
