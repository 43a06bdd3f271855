package run

import (
	"testing"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/sim"
	"github.com/chordsim/chordsim/topology"
)

// The driver's stretch is a successful lookup's latency over the direct
// round trip between its initiator and the owner, both read from the
// matrix here, and only successful lookups with another owner count.
func TestLookupDoneStretch(t *testing.T) {
	// Round trips: 0–1 40 ms, 0–2 100 ms, 1–2 60 ms.
	m, err := topology.ReadMatrix([]byte("0 40 100\n40 0 60\n100 60 0\n"), "m", topology.Require)
	if err != nil {
		t.Fatal(err)
	}
	topo := topology.OnMatrix(m, 1)
	host := func(e sim.Endpoint) int { return topo.Host(e) }
	rtt := [3][3]float64{{0, 40, 100}, {40, 0, 60}, {100, 60, 0}}
	w := &lookupDriver{res: &Result{}, net: sim.NetConfig{Topology: topo}, total: 10}
	for _, tc := range []struct {
		origin, owner sim.Endpoint
		latency       sim.Duration
		outcome       chord.LookupOutcome
		stretch       float64 // 0: no sample
	}{
		{0, 1, 120 * sim.Millisecond, chord.Correct, 120 / rtt[host(0)][host(1)]},
		{2, 0, 250 * sim.Millisecond, chord.Correct, 250 / rtt[host(2)][host(0)]},
		{1, 1, 80 * sim.Millisecond, chord.Correct, 0},            // the initiator owns the key
		{0, 2, 300 * sim.Millisecond, chord.WrongOwner, 0},        // not a success
		{1, chord.None, 900 * sim.Millisecond, chord.TimedOut, 0}, // no owner at all
	} {
		before := w.res.Stretch.N()
		w.LookupDone(&chord.LookupResult{Origin: tc.origin, Owner: tc.owner, Latency: tc.latency, Outcome: tc.outcome})
		if tc.stretch == 0 {
			if w.res.Stretch.N() != before {
				t.Errorf("%d → %d (%v): a stretch sample was taken", tc.origin, tc.owner, tc.outcome)
			}
			continue
		}
		if w.res.Stretch.N() != before+1 {
			t.Fatalf("%d → %d: no stretch sample", tc.origin, tc.owner)
		}
		if got := w.res.Stretch.Quantile(1); got != tc.stretch && w.res.Stretch.Quantile(0) != tc.stretch {
			t.Errorf("%d → %d: stretch %v, want %v", tc.origin, tc.owner, got, tc.stretch)
		}
	}
	if w.res.OKLatency.N() != 3 {
		t.Errorf("%d successful latencies, want 3", w.res.OKLatency.N())
	}
}
