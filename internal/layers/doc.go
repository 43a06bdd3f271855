// Package layers holds no code: its test checks that the packages of this
// module import each other only downward, as ARCHITECTURE.md draws them.
package layers
