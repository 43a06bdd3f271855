//go:build !linux

package hugepage

// Advise does nothing on systems without transparent huge pages.
func Advise[T any](s []T) {}
