package prefetch

import (
	"testing"
	"unsafe"
)

// A hint changes no value, and never faults, not even on nil. (Addresses
// past an allocation are not tried: Go forbids such pointers, even unused.)
func TestHintsChangeNothingAndNeverFault(t *testing.T) {
	s := make([]uint64, 1<<16)
	for i := range s {
		s[i] = uint64(i) * 0x9e3779b97f4a7c15
	}
	for i := 0; i < len(s); i += 8 {
		Lines2(unsafe.Pointer(&s[i]), unsafe.Pointer(&s[len(s)-1-i]))
		Lines3(unsafe.Pointer(&s[i]), nil, unsafe.Pointer(&s[len(s)/2]))
	}
	Lines2(nil, nil)
	for i, x := range s {
		if x != uint64(i)*0x9e3779b97f4a7c15 {
			t.Fatalf("s[%d] changed to %d", i, x)
		}
	}
}
