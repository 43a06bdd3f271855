// Package config is the experiment config of chordsim: its schema (the
// Config struct, whose tags drive the strict YAML decoder in
// internal/yamlconf, the field table of docs/manual.md and --help), its defaults,
// its validation (every problem at once, each naming the field path, the
// value and a fix) and its conversion into the protocol's and the
// key-value service's own configs.
//
// It runs nothing: package run builds a simulated world from a Config and a
// seed, and package experiments turns a Config with sweep axes into a plan
// of runs.
package config
