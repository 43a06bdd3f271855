//go:build !amd64 && !arm64

package prefetch

import "unsafe"

// Line hints that the cache line holding p will be read soon. On this
// architecture it does nothing.
func Line(p unsafe.Pointer) {}

// Lines2 hints the lines holding a and b. On this architecture it does
// nothing.
func Lines2(a, b unsafe.Pointer) {}

// Lines3 hints the lines holding a, b and c. On this architecture it does
// nothing.
func Lines3(a, b, c unsafe.Pointer) {}
