package experiments

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chordsim/chordsim/config"
)

// TestKVRequestFile runs the reference systems' request files: inserts,
// then the same file as queries, then a mix; every request is answered.
func TestKVRequestFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "insert.txt")
	var lines []string
	for _, s := range []string{"Like a Rolling Stone", "Imagine", "Hey Jude", "Smells Like Teen Spirit"} {
		lines = append(lines, s+", artist of "+s)
	}
	os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
	mix := filepath.Join(dir, "requests.txt")
	os.WriteFile(mix, []byte("insert, Imagine, Lennon\nquery, Imagine\ndelete, Imagine\nquery, Imagine\nquery, *\n"), 0o644)
	for _, tc := range []struct{ file, mode string }{{file, "insert"}, {file, "query"}, {mix, "mix"}} {
		p := mustPlan(t, "n: 10\nworkload:\n  lookups: 0\nkv:\n  replicas: 3\n  file: "+tc.file+"\n  request_type: "+tc.mode+"\n")
		o := execute(t, p, 1)
		r := o.Results[0].Values
		want := map[string]float64{"insert": 4, "query": 4, "mix": 5}[tc.mode]
		if got := r[MetricIndex("kv_requests")]; got != want {
			t.Fatalf("%s: %v requests, want %v", tc.mode, got, want)
		}
		if got := r[MetricIndex("kv_ok")]; got != want {
			t.Fatalf("%s: %v answered, want all %v", tc.mode, got, want)
		}
	}
}

// TestKVBadRequestFile: a malformed line is reported with its number
// before anything runs.
func TestKVBadRequestFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "bad.txt")
	os.WriteFile(file, []byte("insert,a,1\nupsert,b,2\n"), 0o644)
	cfg, axes, err := config.Parse([]byte("n: 10\nworkload:\n  lookups: 0\nkv:\n  file: "+file+"\n  request_type: mix\n"), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewPlan(cfg, axes)
	if err == nil || !strings.Contains(err.Error(), "bad.txt:2:") || !strings.Contains(err.Error(), "kv.file") {
		t.Fatalf("error %v; want kv.file and bad.txt:2:", err)
	}
}

// TestKVConfigErrors: impossible kv settings name the field and the fix.
func TestKVConfigErrors(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"kv:\n  replicas: 20\n  requests: 10\n", "kv.replicas: 20 is more than chord.successors = 16"},
		{"kv:\n  requests: 10\n  read_fraction: 0.8\n  delete_fraction: 0.5\n", "read_fraction"},
		{"kv:\n  requests: 10\n  key_dist: zipff\n", "kv.key_dist"},
		{"kv:\n  requests: 10\n  clients: 0\n", "kv.clients: 0"},
		{"kv:\n  requests: 10\n  repair_every: 1m\n  replica_ttl: 1m\n", "kv.replica_ttl"},
		{"kv:\n  requests: 10\n  file: x.txt\n", "set kv.requests to 0"},
	} {
		cfg, _, err := config.Parse([]byte(tc.yaml), "t.yaml")
		if err == nil {
			err = cfg.Validate()
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want it to contain %q", tc.yaml, err, tc.want)
		}
	}
}
