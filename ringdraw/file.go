package ringdraw

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/chordsim/chordsim/chord"
)

// Format is a picture's file format.
type Format uint8

// The formats, chosen by the file name's extension (FormatOf).
const (
	FormatSVG Format = iota + 1 // .svg
	FormatPNG                   // .png
)

// FormatOf is the format of a picture written to path, by its extension
// (.svg or .png, in any case). The error does not name path: the caller
// says which argument it was.
func FormatOf(path string) (Format, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".svg":
		return FormatSVG, nil
	case ".png":
		return FormatPNG, nil
	}
	return 0, errors.New("draw writes SVG or PNG; give a file name ending in .svg or .png")
}

// CheckPath reports, before anything is drawn, what would stop a picture
// from being written to path: an extension other than .svg or .png, a
// folder that does not exist, or a folder in path's place. (A folder that
// cannot be written shows only when WriteFile tries.) The error does not
// name path.
func CheckPath(path string) error {
	if _, err := FormatOf(path); err != nil {
		return err
	}
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("folder %q does not exist; create it first", dir)
	}
	if !st.IsDir() {
		return fmt.Errorf("%q is a file, not a folder; give a path in a folder", dir)
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return errors.New("is a folder; give a file name ending in .svg or .png")
	}
	return nil
}

// Render draws the ring in format f.
func Render(r *chord.Ring, spec Spec, f Format) ([]byte, error) {
	switch f {
	case FormatSVG:
		return SVG(r, spec), nil
	case FormatPNG:
		return PNG(r, spec)
	}
	panic(fmt.Sprintf("ringdraw: unknown format %d", f))
}

// WriteFile writes b to path through a temporary file in the same folder,
// renamed when complete, so that a failure leaves no half-written picture
// (and an earlier picture at path stays whole). The error does not name
// path.
func WriteFile(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".draw-*"+filepath.Ext(path))
	if err != nil {
		return fmt.Errorf("cannot write: %v", bare(err))
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("cannot write: %v", bare(err))
	}
	return nil
}

// bare is err without the temporary file's name, which would only puzzle
// the reader ("permission denied", not "open dir/.draw-123.svg: …").
func bare(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
