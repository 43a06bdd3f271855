package metrics

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// dirNames lists the names in dir.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	for _, content := range []string{"first\n", "second, longer content\n", ""} {
		var sawTemp bool
		err := WriteFileAtomic(path, func(w io.Writer) error {
			// While writing, the data lives in a hidden temporary file.
			for _, n := range dirNames(t, dir) {
				if strings.HasPrefix(n, ".") && strings.Contains(n, ".tmp") {
					sawTemp = true
				}
			}
			_, err := io.WriteString(w, content)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if !sawTemp {
			t.Error("no .*.tmp file in the directory during the write")
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != content {
			t.Errorf("file holds %q, want %q", got, content)
		}
		if names := dirNames(t, dir); len(names) != 1 || names[0] != "out.csv" {
			t.Errorf("directory holds %v, want only out.csv", names)
		}
	}
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o644 {
			t.Errorf("mode %v, want 0644", fi.Mode().Perm())
		}
	}
}

func TestWriteFileAtomicFailure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.json")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := WriteFileAtomic(path, func(w io.Writer) error {
		io.WriteString(w, "partial")
		return boom
	})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), path) {
		t.Errorf("error %v, want one wrapping %v and naming %s", err, boom, path)
	}
	checkOld := func() {
		t.Helper()
		got, err := os.ReadFile(path)
		if err != nil || string(got) != "old" {
			t.Errorf("old file now %q, %v; want it untouched", got, err)
		}
		if names := dirNames(t, dir); len(names) != 1 {
			t.Errorf("directory holds %v, want only out.json (temporary file left behind?)", names)
		}
	}
	checkOld()

	func() {
		defer func() {
			if r := recover(); r != "writer panic" {
				t.Errorf("recovered %v, want the writer's panic", r)
			}
		}()
		WriteFileAtomic(path, func(w io.Writer) error { panic("writer panic") })
	}()
	checkOld()

	missing := filepath.Join(dir, "no", "such", "dir", "f.txt")
	err = WriteFileAtomic(missing, func(w io.Writer) error { return nil })
	if err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("writing into a missing directory returned %v, want an error naming the path", err)
	}
	mustPanic(t, "nil write", func() { WriteFileAtomic(path, nil) })
}
