//go:build amd64 || arm64

package prefetch

import "unsafe"

// Lines2 hints that the cache lines holding a and b will be read soon.
//
//go:noescape
func Lines2(a, b unsafe.Pointer)

// Lines3 hints that the cache lines holding a, b and c will be read soon.
//
//go:noescape
func Lines3(a, b, c unsafe.Pointer)
