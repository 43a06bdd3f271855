//go:build amd64 || arm64

package prefetch

import "unsafe"

// Line hints that the cache line holding p will be read soon.
//
//go:noescape
func Line(p unsafe.Pointer)

// Lines2 hints the lines holding a and b: one call instead of two.
//
//go:noescape
func Lines2(a, b unsafe.Pointer)

// Lines3 hints the lines holding a, b and c: one call instead of three.
//
//go:noescape
func Lines3(a, b, c unsafe.Pointer)
