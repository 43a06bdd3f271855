package experiments

import (
	"bytes"
	"testing"
)

// With pns: 1 (PNS off) and an i.i.d. latency model, a run gives the same
// bytes as a config that does not mention pns, with maintenance, loss and
// both lookup modes in play (issue 19: "with pns: 1 ... byte-identical").
func TestPNSOneIsTheDefault(t *testing.T) {
	r1, s1 := outputs(t, mustPlan(t, smallSweep, "n=[60]", "replicates=1"), 0)
	r2, s2 := outputs(t, mustPlan(t, smallSweep, "n=[60]", "replicates=1", "chord.pns=1"), 0)
	if !bytes.Equal(r1, r2) || !bytes.Equal(s1, s2) {
		t.Fatal("pns: 1 changed the outputs")
	}
	// The comparison can fail: PNS on changes the maintenance traffic.
	r3, _ := outputs(t, mustPlan(t, smallSweep, "n=[60]", "replicates=1", "chord.pns=4"), 0)
	if bytes.Equal(r1, r3) {
		t.Fatal("pns: 4 gave the same results.csv as pns: 1; the comparison shows nothing")
	}
}
