package ringdraw

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFormatOf(t *testing.T) {
	for _, tc := range []struct {
		path string
		want Format
	}{
		{"ring.svg", FormatSVG}, {"a/b/RING.SVG", FormatSVG}, {"x.png", FormatPNG}, {"x.Png", FormatPNG},
		{"ring.gif", 0}, {"ring", 0}, {"svg", 0}, {"ring.svg.txt", 0}, {".png/x", 0},
	} {
		got, err := FormatOf(tc.path)
		if got != tc.want || (err == nil) != (tc.want != 0) {
			t.Errorf("FormatOf(%q) = %v, %v; want %v", tc.path, got, err, tc.want)
		}
		if err != nil && !strings.Contains(err.Error(), ".svg or .png") {
			t.Errorf("FormatOf(%q): %q does not name the extensions", tc.path, err)
		}
	}
}

// CheckPath refuses what WriteFile could not write, before anything is
// drawn; WriteFile leaves either the whole new picture or the old file,
// and no temporary file either way.
func TestCheckPathAndWriteFile(t *testing.T) {
	dir := t.TempDir()
	busy := filepath.Join(dir, "busy.svg") // a folder where the picture would go
	if err := os.MkdirAll(filepath.Join(busy, "inside"), 0o755); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "r.svg")
	if err := CheckPath(good); err != nil {
		t.Fatalf("CheckPath(%q): %v", good, err)
	}
	if err := WriteFile(good, []byte("<svg/>")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, mention string }{
		{filepath.Join(dir, "r.gif"), ".svg or .png"},
		{filepath.Join(dir, "no", "r.svg"), "does not exist"},
		{busy, "is a folder"},
		{filepath.Join(dir, "r.svg", "x.svg"), "r.svg\" is a file, not a folder"},
	} {
		err := CheckPath(tc.path)
		if err == nil || !strings.Contains(err.Error(), tc.mention) {
			t.Errorf("CheckPath(%q) = %v; want an error naming %q", tc.path, err, tc.mention)
		}
	}

	if err := WriteFile(busy, []byte("<svg/>")); err == nil || !strings.HasPrefix(err.Error(), "cannot write: ") || strings.Contains(err.Error(), ".draw-") {
		t.Errorf("WriteFile onto a folder: %v; want cannot write, without the temporary name", err)
	}
	if err := WriteFile(filepath.Join(dir, "no", "r.svg"), []byte("x")); err == nil {
		t.Error("WriteFile into a missing folder succeeded")
	}
	if b, err := os.ReadFile(good); err != nil || string(b) != "<svg/>" {
		t.Errorf("the picture: %q, %v", b, err)
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".draw-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}
