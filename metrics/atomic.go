package metrics

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// WriteFileAtomic creates or replaces the file at path with the bytes that
// write produces, so that an interrupted or failed run leaves either the
// complete old file or the complete new one, never a truncated mix.
//
// The data goes to a temporary file in the same directory (named
// "."+base(path)+".<random>.tmp", so it is hidden and easy to clean up),
// through a buffer; the file is then flushed, fsynced, closed, given mode
// 0644 and renamed over path. Renaming within one directory is atomic on
// POSIX file systems. On any error, including a panic in write, the
// temporary file is removed; errors are returned wrapped with path.
func WriteFileAtomic(path string, write func(w io.Writer) error) error {
	if write == nil {
		panic("metrics: WriteFileAtomic with nil write function")
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return fmt.Errorf("metrics: write %s: %w", path, err)
	}
	tmp := f.Name()
	done := false
	defer func() {
		// Runs on error returns and on panics alike.
		if !done {
			f.Close()
			os.Remove(tmp)
		}
	}()
	wrap := func(err error) error { return fmt.Errorf("metrics: write %s: %w", path, err) }

	bw := bufio.NewWriterSize(f, 64<<10)
	if err := write(bw); err != nil {
		return wrap(err)
	}
	if err := bw.Flush(); err != nil {
		return wrap(err)
	}
	// CreateTemp uses mode 0600; results are meant to be shared.
	if err := f.Chmod(0o644); err != nil {
		return wrap(err)
	}
	if err := f.Sync(); err != nil {
		return wrap(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		done = true
		return wrap(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		done = true
		return wrap(err)
	}
	done = true
	// Make the rename itself durable. Not every platform can fsync a
	// directory, and the data is already safe, so failures are ignored.
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
