//go:build !amd64 && !arm64

package prefetch

import "unsafe"

// Lines2 hints that the cache lines holding a and b will be read soon.
// On this architecture it does nothing.
func Lines2(a, b unsafe.Pointer) {}

// Lines3 hints the lines holding a, b and c. On this architecture it does
// nothing.
func Lines3(a, b, c unsafe.Pointer) {}
