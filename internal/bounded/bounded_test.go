package bounded

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// zeros is an io.Reader that never ends, like /dev/zero.
type zeros struct{ read int64 }

func (z *zeros) Read(p []byte) (int, error) {
	clear(p)
	z.read += int64(len(p))
	return len(p), nil
}

func TestReadAllStopsAtTheLimit(t *testing.T) {
	z := &zeros{}
	_, err := ReadAll(z, "the stream", 1<<20)
	var tl *TooLargeError
	if !errors.As(err, &tl) || tl.Limit != 1<<20 {
		t.Fatalf("err = %v, want a TooLargeError at 1 MiB", err)
	}
	if z.read > 2<<20 {
		t.Errorf("read %d bytes of an endless stream for a 1 MiB limit", z.read)
	}
	if !strings.Contains(err.Error(), "the stream is larger than 1 MiB") {
		t.Errorf("message %q does not name the stream and the limit", err)
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	for _, tc := range []struct {
		size, limit int64
		ok          bool
	}{{0, 0, true}, {10, 10, true}, {11, 10, false}, {1 << 16, 1 << 16, true}, {1<<16 + 1, 1 << 16, false}} {
		if err := os.WriteFile(p, make([]byte, tc.size), 0o644); err != nil {
			t.Fatal(err)
		}
		b, err := ReadFile(p, tc.limit)
		if tc.ok && (err != nil || int64(len(b)) != tc.size) {
			t.Errorf("size %d limit %d: got %d bytes, %v", tc.size, tc.limit, len(b), err)
		}
		var tl *TooLargeError
		if !tc.ok && !errors.As(err, &tl) {
			t.Errorf("size %d limit %d: err = %v, want TooLargeError", tc.size, tc.limit, err)
		}
	}
	if _, err := ReadFile(dir, 10); err == nil || !strings.Contains(err.Error(), "is a folder") {
		t.Errorf("reading a folder: %v", err)
	}
	if _, err := ReadFile("/dev/zero", 1<<20); err != nil {
		var tl *TooLargeError
		if !errors.As(err, &tl) {
			t.Errorf("/dev/zero: %v, want TooLargeError", err)
		}
	}
}

func TestSize(t *testing.T) {
	for n, want := range map[int64]string{5: "5 bytes", 1024: "1 KiB", 4 << 20: "4 MiB", 1<<30 + 1: "1073741825 bytes", 256 << 20: "256 MiB"} {
		if got := Size(n); got != want {
			t.Errorf("Size(%d) = %q, want %q", n, got, want)
		}
	}
}
