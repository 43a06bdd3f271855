package hugepage

import (
	"syscall"
	"unsafe"
)

// Advise asks the kernel to back s with 2 MiB pages (transparent huge
// pages, madvise(MADV_HUGEPAGE)). Only the whole 2 MiB blocks inside s are
// advised. It changes no value in s; errors (a kernel without THP) are
// ignored, since the advice only saves time.
func Advise[T any](s []T) {
	if len(s) == 0 {
		return
	}
	var zero T
	size := uintptr(len(s)) * unsafe.Sizeof(zero)
	start := uintptr(unsafe.Pointer(&s[0]))
	const huge = 2 << 20
	lo := (start + huge - 1) &^ (huge - 1)
	hi := (start + size) &^ (huge - 1)
	if hi <= lo {
		return
	}
	b := unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(&s[0]), lo-start)), hi-lo)
	_ = syscall.Madvise(b, syscall.MADV_HUGEPAGE)
}
