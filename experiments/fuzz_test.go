package experiments

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzRecord writes arbitrary bytes as a stored run record and checks that
// loading never panics and never accepts anything but a record whose
// checksums match: a record the fuzzer edits is refused.
func FuzzRecord(f *testing.F) {
	plan := mustPlan(f, "n: 8\nworkload:\n  lookups: 20\n")
	pt := &plan.Points[0]
	seed := ReplicateSeed(plan.Base.Seed, 0)
	digest := runDigest(pt, seed)
	o, err := Execute(f.Context(), plan, 1, nil)
	if err != nil {
		f.Fatal(err)
	}
	good, err := json.Marshal(newRecord(digest, o.Results[0]))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(bytes.Replace(good, []byte(`"values":["`), []byte(`"values":["9`), 1)) // issue 22: one value edited
	f.Add([]byte("{}"))
	f.Add([]byte(""))
	f.Add(bytes.Repeat([]byte{0}, 1<<10))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		store := runStore{dir: dir}
		if err := os.WriteFile(store.path(digest[:32]), data, 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := store.load(digest)
		if err != nil {
			if errors.Is(err, errNoRecord) || strings.ContainsAny(err.Error(), "\n\r") {
				t.Fatalf("load of a present file: %q", err)
			}
			return
		}
		var rec runRecord
		if json.Unmarshal(data, &rec) != nil || rec.Checksum != rec.sum() || rec.Config != digest || r == nil {
			t.Fatalf("accepted a record that fails its checks: %s", data)
		}
	})
}

// FuzzManifest checks that ReadManifest never panics and refuses with one
// line whatever manifest.json holds.
func FuzzManifest(f *testing.F) {
	f.Add([]byte(`{"format":"chordsim-output-1","experiment":"x","config_sha256":"ab"}`))
	f.Add([]byte(`{"format":"other"}`))
	f.Add([]byte("\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "manifest.json"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadManifest(dir); err != nil && strings.ContainsAny(err.Error(), "\n\r") {
			t.Fatalf("error is not one line: %q", err)
		}
		_ = CheckOutDir(dir, Manifest{Experiment: "y"})
	})
}

// Stored records and manifests are read with a bound: a file past it is
// refused without being read whole.
func TestStoredFilesBounded(t *testing.T) {
	dir := t.TempDir()
	store := runStore{dir: dir}
	digest := strings.Repeat("ab", 32)
	f, err := os.Create(store.path(digest[:32]))
	if err != nil {
		t.Fatal(err)
	}
	f.Truncate(maxRecordBytes + 1) // sparse: no disk is used
	f.Close()
	if _, err := store.load(digest); err == nil || !strings.Contains(err.Error(), "larger than 64 MiB") {
		t.Fatalf("oversized record: %v", err)
	}
	f, _ = os.Create(filepath.Join(dir, "manifest.json"))
	f.Truncate(maxManifestBytes + 1)
	f.Close()
	if _, err := ReadManifest(dir); err == nil || !strings.Contains(err.Error(), "larger than 1 MiB") {
		t.Fatalf("oversized manifest: %v", err)
	}
}
