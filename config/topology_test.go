package config

import (
	"path/filepath"
	"strings"
	"testing"
)

// The network section's topology problems: each names its field, its
// value and the fix, from a config file as a user writes it.
func TestTopologyProblems(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"network: {topology: euclidean, latency: exp:10ms}", "network.latency: exp:10ms is the delay of topology none; with network.topology euclidean"},
		{"network:\n  jitter: uniform:1ms,2ms", "network.jitter: uniform:1ms,2ms is added to a topology's delay, but network.topology is none"},
		{"network: {topology: planetlab490}\nchord: {virtual_nodes: 4}", "network.topology: planetlab490 with chord.virtual_nodes = 4"},
		{"network: {topology: matrix}", "network.matrix.file: is empty but network.topology is matrix"},
		{"network: {topology: euclidean, euclidean: {dimensions: 17}}", "network.euclidean.dimensions: 17 is outside 1..16"},
		{"network: {topology: transit-stub, transit_stub: {transit_routers: 0}}", "network.transit_stub.transit_routers: 0"},
		{"network: {matrix: {symmetry: maybe}}", "network.matrix.symmetry"},
		{"network: {topology: euclidean, euclidean: {access: exp:5ms}, draws: keyed}\nengine: static\nchord: {stabilize_every: 0s, fix_fingers_every: 0s, check_predecessor_every: 0s}",
			"engine: static cannot run this config: network.euclidean.access exp:5ms has no upper bound"},
		{"network: {topology: transit-stub, draws: keyed}\nengine: static\nchord: {stabilize_every: 0s, fix_fingers_every: 0s, check_predecessor_every: 0s}",
			"engine: static cannot run this config: a round trip on network.topology transit-stub can take"},
	} {
		c, _, err := Parse([]byte(tc.yaml+"\n"), "c.yaml")
		if err == nil {
			err = c.Validate()
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want one containing %q", tc.yaml, err, tc.want)
		}
	}
	// A topology with jitter, and a matrix file, are fine.
	for _, ok := range []string{
		"network: {topology: euclidean, jitter: exp:2ms}",
		"network: {topology: matrix, matrix: {file: rtt.tsv, symmetry: average}}",
	} {
		c, _, err := Parse([]byte(ok+"\n"), "c.yaml")
		if err == nil {
			err = c.Validate()
		}
		if err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
}

// network.matrix.file is relative to the config file's folder, in the base
// config and in a sweep, like churn.trace and kv.file.
func TestMatrixFileResolvedBesideTheConfig(t *testing.T) {
	c, axes, err := Parse([]byte("network: {topology: matrix, matrix: {file: [a.tsv, /abs/b.tsv]}}\n"), "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ResolvePaths(&c, axes, "conf")
	if len(axes) != 1 || axes[0].Path != "network.matrix.file" {
		t.Fatalf("axes %v", axes)
	}
	if got := axes[0].Values; got[0] != filepath.Join("conf", "a.tsv") || got[1] != "/abs/b.tsv" {
		t.Errorf("resolved sweep values %v", got)
	}
	c, axes, _ = Parse([]byte("network: {topology: matrix, matrix: {file: a.tsv}}\n"), "c.yaml")
	ResolvePaths(&c, axes, "conf")
	if c.Network.Matrix.File != filepath.Join("conf", "a.tsv") {
		t.Errorf("resolved %q", c.Network.Matrix.File)
	}
}
