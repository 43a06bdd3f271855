package experiments

import (
	"context"
	"os"
	"testing"
)

// Issue 17, symptom 1, exactly as a user met it: `chordsim run
// figures/builtin/failures-nostab.yaml --set chord.successors=5 --set
// failure.fraction=0.5 --set replicates=3 --replicate 2` panicked with
// "metrics: IntHist.Add of negative value": a lookup took one hop off its
// count each time it asked again the hop that had named silent nodes, and
// once it had met more silent nodes than it remembers, that went on until
// the count was negative. The run must finish, with sane hop counts.
func TestFailuresNoStabShortListsHopCount(t *testing.T) {
	yaml, err := os.ReadFile("../figures/builtin/failures-nostab.yaml")
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

// Issue 17, symptom 7: `chordsim run examples/protocol-growth.yaml
// --check-invariants` stopped at t ≈ 1 s with NoDuplicates: the creator of
// a protocol-built ring lists itself alone until its first stabilize after
// the first join, which is a ring of one, not a duplicate. The example at
// a tenth of its size must run through with every check passing.
func TestProtocolBootstrapChecksInvariants(t *testing.T) {
	yaml, err := os.ReadFile("../examples/protocol-growth.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p := mustPlan(t, string(yaml), "replicates=1", "n=50", "workload.lookups=500", "check_invariants=true")
	o := execute(t, p, 1)
	if r := o.Results[0]; r.Checks < 50 || r.Members != 50 {
		t.Fatalf("%d invariant checks, %d members; want at least one check per join and 50 members", r.Checks, r.Members)
	}
}
