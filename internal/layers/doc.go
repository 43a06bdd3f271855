// Package layers holds no code: its tests check that the packages of this
// module import each other only downward, as ARCHITECTURE.md draws them,
// and that only package run assembles a simulated world (calls chord.New
// and kv.New).
package layers
