// Package figures holds the built-in reproductions of the papers' figures
// (`chordsim repro` and `chordsim list`): each one's config at paper scale
// (embedded YAML under builtin/) and the overrides that shrink it for
// --scale quick, the published numbers we compare with, the plots and
// paper_comparison.csv drawn from a finished sweep, and index.md, the page
// that shows every figure with its verdict.
//
// It runs nothing itself: a figure's sweep runs through package
// experiments like any user config, and only its outcome comes here.
package figures
