package experiments

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"testing"
)

// The manifest records where and how a folder was made, while the result
// files stay the same bytes whatever the provenance says.
func TestProvenanceInManifestOnly(t *testing.T) {
	p := mustPlan(t, smallSweep, "workload.lookups=100", "replicates=2")
	dirs := []string{filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")}
	for i, d := range dirs {
		s := &Session{Plan: p, Dir: d}
		if i == 1 {
			s.Provenance = NewProvenance([]string{"chordsim", "run", "x.yaml"}, "quick")
			s.Provenance.GOMAXPROCS = 99 // another machine
		}
		if _, err := s.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"results.csv", "summary.json", "summary.csv", "hops.csv", "config.yaml"} {
		a, _ := os.ReadFile(filepath.Join(dirs[0], f))
		b, _ := os.ReadFile(filepath.Join(dirs[1], f))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs with provenance recorded", f)
		}
	}
	m, err := ReadManifest(dirs[1])
	if err != nil {
		t.Fatal(err)
	}
	pv := m.Provenance
	if pv == nil {
		t.Fatal("manifest has no provenance")
	}
	if pv.Seed != p.Base.Seed || pv.Scale != "quick" || pv.GOMAXPROCS != 99 || pv.CommandString() != "chordsim run x.yaml" ||
		pv.GoVersion != runtime.Version() || pv.OS != runtime.GOOS || pv.Arch != runtime.GOARCH || pv.Start == "" || pv.End < pv.Start {
		t.Errorf("provenance %+v", *pv)
	}
	if m0, _ := ReadManifest(dirs[0]); m0.Provenance != nil {
		t.Error("provenance written though the session had none")
	}
}

// The build info wins where it knows; the -ldflags stamps stand in where it
// does not.
func TestBuildFrom(t *testing.T) {
	vcs := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "feed"}, {Key: "vcs.modified", Value: "true"}}}
	tagged := &debug.BuildInfo{Main: debug.Module{Version: "v1.0.0"}}
	for _, tc := range []struct {
		name     string
		bi       *debug.BuildInfo
		sv, sr   string
		ver, rev string
		dirty    bool
	}{
		{"nothing", nil, "", "", "devel", "", false},
		{"stamps only", nil, "v2.0.0", "beef", "v2.0.0", "beef", false},
		{"vcs beats stamp", vcs, "v2.0.0", "beef", "v2.0.0", "feed", true},
		{"tag beats stamp", tagged, "v2.0.0", "beef", "v1.0.0", "beef", false},
	} {
		b := buildFrom(tc.bi, tc.sv, tc.sr)
		if b.Version != tc.ver || b.Revision != tc.rev || b.Dirty != tc.dirty || b.GoVersion != runtime.Version() {
			t.Errorf("%s: %+v, want version %s revision %s dirty %v", tc.name, b, tc.ver, tc.rev, tc.dirty)
		}
	}
	b := Build{Version: "v1", Revision: "abc", Dirty: true, GoVersion: "go1.x", OS: "linux", Arch: "arm64"}
	if got, want := b.String(), "v1 (abc-dirty, go1.x, linux/arm64)"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
