// Package bounded reads files and streams with an upper bound on their size,
// so that no input (a device such as /dev/zero, a runaway generator, a file
// picked by mistake) can make chordsim read until the kernel kills it.
// Every reader of user input or of stored results goes through it.
package bounded

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// TooLargeError reports an input longer than its limit. Its text names the
// input and the limit; callers add what to do about it.
type TooLargeError struct {
	Name  string // the path, or a description of the stream
	Limit int64  // bytes
}

// Error reads "NAME is larger than LIMIT".
func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s is larger than %s, the most chordsim reads from it", e.Name, Size(e.Limit))
}

// Size renders a byte count in the largest binary unit that divides it, or
// in bytes.
func Size(n int64) string {
	for _, u := range []struct {
		shift uint
		name  string
	}{{30, "GiB"}, {20, "MiB"}, {10, "KiB"}} {
		if n >= 1<<u.shift && n%(1<<u.shift) == 0 {
			return fmt.Sprintf("%d %s", n>>u.shift, u.name)
		}
	}
	return fmt.Sprintf("%d bytes", n)
}

// ReadAll reads r to its end, or returns a *TooLargeError (under name) as
// soon as more than limit bytes have come, without reading further.
func ReadAll(r io.Reader, name string, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, &TooLargeError{Name: name, Limit: limit}
	}
	return b, nil
}

// ReadFile reads the file at path, at most limit bytes of it: a longer file
// (or a device that never ends) gives a *TooLargeError. Other errors are the
// *fs.PathError of os.
func ReadFile(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return nil, &os.PathError{Op: "read", Path: path, Err: errors.New("is a folder, not a file")}
	}
	b, err := ReadAll(f, path, limit)
	if err != nil {
		var tl *TooLargeError
		if errors.As(err, &tl) {
			return nil, err
		}
		return nil, &os.PathError{Op: "read", Path: path, Err: err}
	}
	return b, nil
}
