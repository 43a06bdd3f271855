package experiments

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

func writeAll(t *testing.T, dir string, o *Outcome) (results, summary []byte) {
	t.Helper()
	if err := PrepareOutDir(dir); err != nil {
		t.Fatal(err)
	}
	if err := WriteOutputs(dir, o); err != nil {
		t.Fatal(err)
	}
	r, _ := os.ReadFile(filepath.Join(dir, "results.csv"))
	s, _ := os.ReadFile(filepath.Join(dir, "summary.json"))
	return r, s
}

// A sweep cancelled midway and run again with the same runs folder makes
// only the runs that had not finished, and its outputs equal those of an
// uninterrupted sweep byte for byte.
func TestResumeReproducesUninterruptedOutput(t *testing.T) {
	p := mustPlan(t, smallSweep, "replicates=3")
	wantR, wantS := writeAll(t, t.TempDir(), execute(t, p, 0))

	dir := t.TempDir()
	runs := filepath.Join(dir, "runs")
	ctx, cancel := context.WithCancel(context.Background())
	first := map[int]bool{}
	o, err := ExecuteWith(ctx, p, ExecOptions{Workers: 1, RunsDir: runs, Ran: func(i int) {
		first[i] = true
		if len(first) == 4 {
			cancel()
		}
	}})
	cancel()
	if err == nil || o.Finished() >= p.Runs() {
		t.Fatalf("the first sweep was not interrupted (err %v, %d of %d finished)", err, o.Finished(), p.Runs())
	}
	second := map[int]bool{}
	o, err = ExecuteWith(context.Background(), p, ExecOptions{Workers: 2, RunsDir: runs, Ran: func(i int) { second[i] = true }})
	if err != nil {
		t.Fatal(err)
	}
	for i := range first {
		if second[i] {
			t.Errorf("run %d finished before the interruption and was made again", i)
		}
	}
	if len(first)+len(second) != p.Runs() {
		t.Errorf("%d runs before and %d after the interruption; want %d in all", len(first), len(second), p.Runs())
	}
	gotR, gotS := writeAll(t, dir, o)
	if !bytes.Equal(gotR, wantR) || !bytes.Equal(gotS, wantS) {
		t.Fatal("resumed outputs differ from the uninterrupted sweep")
	}
}

func TestParseShard(t *testing.T) {
	for _, ok := range []string{"1/1", "2/3", "8/8"} {
		if _, err := ParseShard(ok); err != nil {
			t.Errorf("ParseShard(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"", "1", "0/3", "4/3", "1/0", "a/b", "1/3/5", "-1/3", "1.5/3", " 1/3"} {
		if _, err := ParseShard(bad); err == nil {
			t.Errorf("ParseShard(%q) accepted", bad)
		}
	}
	s := Shard{I: 2, N: 3}
	if s.Count(10) != 3 || !s.Includes(1) || s.Includes(0) {
		t.Fatal("shard 2/3 does not take runs 1, 4, 7")
	}
}
