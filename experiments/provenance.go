package experiments

import (
	"runtime"
	"runtime/debug"
	"strings"
	"time"
)

// Stamps for builds without VCS information (a source tarball, -buildvcs=false),
// set with -ldflags "-X github.com/chordsim/chordsim/experiments.stampVersion=v1.2.0
// -X github.com/chordsim/chordsim/experiments.stampRevision=<commit>".
var stampVersion, stampRevision string

// Build identifies the chordsim binary: what `chordsim version` prints and
// the manifest records.
type Build struct {
	// Version is the module version of a tagged build, the -ldflags stamp,
	// or "devel".
	Version string `json:"version"`
	// Revision is the VCS commit the binary was built from ("" if
	// unknown), and Dirty whether the work tree had uncommitted changes.
	Revision string `json:"revision"`
	Dirty    bool   `json:"dirty"`
	// GoVersion, OS and Arch are the toolchain and platform.
	GoVersion string `json:"go_version"`
	OS        string `json:"os"`
	Arch      string `json:"arch"`
}

// ReadBuild returns the binary's build identity, from the build info the
// Go toolchain embeds, falling back to the -ldflags stamps.
func ReadBuild() Build {
	bi, _ := debug.ReadBuildInfo()
	return buildFrom(bi, stampVersion, stampRevision)
}

// buildFrom is ReadBuild on given build info (nil if none) and stamps.
func buildFrom(bi *debug.BuildInfo, stampVersion, stampRevision string) Build {
	b := Build{Version: "devel", GoVersion: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH}
	if bi != nil {
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			b.Version = v
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				b.Revision = s.Value
			case "vcs.modified":
				b.Dirty = s.Value == "true"
			}
		}
	}
	if b.Version == "devel" && stampVersion != "" {
		b.Version = stampVersion
	}
	if b.Revision == "" {
		b.Revision = stampRevision
	}
	return b
}

// String is the one line `chordsim version` prints: version, revision
// (with "-dirty" for uncommitted changes), Go version and platform.
func (b Build) String() string {
	rev := b.Revision
	if rev == "" {
		rev = "unknown revision"
	}
	if b.Dirty {
		rev += "-dirty"
	}
	return b.Version + " (" + rev + ", " + b.GoVersion + ", " + b.OS + "/" + b.Arch + ")"
}

// Provenance records how an output folder was made, in manifest.json: the
// build, the machine's parallelism, the command line, the scale and seed,
// and the wall-clock start and end. It varies from machine to machine and
// run to run, so it is kept out of the result files (results.csv,
// summary.json, summary.csv), which stay byte-identical.
type Provenance struct {
	Build
	GOMAXPROCS  int      `json:"gomaxprocs"`
	CommandLine []string `json:"command_line"`
	// Scale is the built-in's scale (quick or paper), "" for a user's
	// config.
	Scale string `json:"scale"`
	Seed  uint64 `json:"seed"`
	// Start and End are wall-clock times in UTC, RFC 3339.
	Start string `json:"start"`
	End   string `json:"end"`
}

// NewProvenance starts a provenance record for a command now: the build,
// GOMAXPROCS, the command line and the scale. The session fills in the seed
// and the end time.
func NewProvenance(args []string, scale string) *Provenance {
	return &Provenance{Build: ReadBuild(), GOMAXPROCS: runtime.GOMAXPROCS(0), CommandLine: args, Scale: scale, Start: now()}
}

// now is the wall clock for provenance only; nothing a run computes reads
// it.
func now() string { return time.Now().UTC().Format(time.RFC3339) }

// CommandString is the command line as one shell-like string.
func (p *Provenance) CommandString() string { return strings.Join(p.CommandLine, " ") }
