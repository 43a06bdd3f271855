package experiments

import (
	"context"
	"os"
	"testing"
)

// Issue 17, symptom 1, exactly as a user met it: `chordsim run
// experiments/builtin/failures-nostab.yaml --set chord.successors=5 --set
// failure.fraction=0.5 --set replicates=3 --replicate 2` panicked with
// "metrics: IntHist.Add of negative value": a lookup took one hop off its
// count each time it asked again the hop that had named silent nodes, and
// once it had met more silent nodes than it remembers, that went on until
// the count was negative. The run must finish, with sane hop counts.
func TestFailuresNoStabShortListsHopCount(t *testing.T) {
	yaml, err := os.ReadFile("builtin/failures-nostab.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p := mustPlan(t, string(yaml), "chord.successors=5", "failure.fraction=0.5", "replicates=3")
	o, err := ExecuteWith(context.Background(), p, ExecOptions{Workers: 1, Replicate: 3})
	if err != nil {
		t.Fatal(err)
	}
	if o.Finished() != 1 {
		t.Fatalf("%d runs finished, want the one run of replicate 2", o.Finished())
	}
	for _, res := range o.Results {
		if res != nil && res.Lookups != 10000 {
			t.Fatalf("%d lookups, want 10000", res.Lookups)
		}
	}
}
