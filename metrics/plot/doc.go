// Package plot draws the figures of an experiment as PNG files with
// gonum/plot: line and point series with confidence bars on linear or
// log2 axes ([Figure]) and grouped bar charts ([BarFigure]).
//
// It is kept apart from package metrics so that the numbers (histograms,
// summaries, CSV and JSON) need no plotting library. PNG bytes depend on the
// rasteriser, so they must never be compared byte for byte: tests decode the
// image and check its size and that something was drawn.
//
// Bad data (mismatched series, non-finite or, on a log axis, non-positive
// x values, an invalid size) is reported as an error starting "metrics: ",
// the prefix these figures had before they moved here; gonum/plot's own
// panics while drawing are turned into such errors too.
package plot
