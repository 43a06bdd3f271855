package chord

import (
	"strings"
	"testing"

	"github.com/chordsim/chordsim/sim"
)

// Li et al.'s model, worked by hand (20 bytes a message, 4 per identifier
// or address; a node is both): find_successor carries the key (24 bytes);
// its reply the next node and, with retries, 8 fallback nodes (20 + 4·18 =
// 92); ping, pong, notify and get_predecessor nothing (20);
// get_predecessor_reply the predecessor and a full list of 16 (20 + 4·34
// = 156). On an ideal ring of 100 with only stabilize running, and then
// lookups, every kind's bytes are its count times that size, and only
// the lookups' bytes are lookup bytes.
func TestLiCostModel(t *testing.T) {
	cfg := staticConfig(64)
	cfg.StabilizeEvery = sim.Second
	r, s, c := testRing(t, cfg, 3)
	if err := r.BootstrapIdeal(100); err != nil {
		t.Fatal(err)
	}
	s.RunUntil(sim.Time(10 * sim.Second))
	sent, bytes := r.MessagesSent(), r.BytesSent()
	want := map[MsgKind]uint64{MsgGetPredecessor: 20, MsgGetPredecessorReply: 156, MsgNotify: 20}
	for k, size := range want {
		if sent[k] == 0 || bytes[k] != sent[k]*size {
			t.Errorf("%v: %d sent, %d bytes, want %d each", k, sent[k], bytes[k], size)
		}
	}
	if r.LookupBytes() != 0 {
		t.Errorf("stabilization counted %d lookup bytes", r.LookupBytes())
	}
	r.StopMaintenance()
	s.RunUntil(sim.Time(11 * sim.Second)) // answers already on their way arrive
	maint := total(r.BytesSent())
	lookupAll(t, r, s, c, edgeKeys(r, 3)[:20])
	sent, bytes = r.MessagesSent(), r.BytesSent()
	for k, size := range map[MsgKind]uint64{MsgFindSuccessor: 24, MsgFindSuccessorReply: 92, MsgPing: 20, MsgPong: 20} {
		if sent[k] == 0 || bytes[k] != sent[k]*size {
			t.Errorf("%v: %d sent, %d bytes, want %d each", k, sent[k], bytes[k], size)
		}
	}
	if got := r.LookupBytes(); got != total(bytes)-maint || got == 0 {
		t.Errorf("lookup bytes %d, want all %d bytes sent since maintenance stopped", got, total(bytes)-maint)
	}
}

func total(xs [numMsgKinds]uint64) uint64 {
	var t uint64
	for _, x := range xs {
		t += x
	}
	return t
}

// Sizes set per kind replace the model's; a bad list is refused naming
// the field.
func TestCostOverrides(t *testing.T) {
	cfg := staticConfig(64)
	cfg.StabilizeEvery = sim.Second
	costs := Costs{Header: 40, PerID: 8, Kinds: "notify=7, get_predecessor_reply=1000"}
	sched := sim.NewScheduler()
	r, err := New(sched, Options{Config: cfg, Seed: 1, Costs: &costs,
		Net: sim.NetConfig{Latency: sim.Latency{Kind: sim.Constant, A: 10 * sim.Millisecond}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.BootstrapIdeal(50); err != nil {
		t.Fatal(err)
	}
	sched.RunUntil(sim.Time(5 * sim.Second))
	sent, bytes := r.MessagesSent(), r.BytesSent()
	for k, size := range map[MsgKind]uint64{MsgNotify: 7, MsgGetPredecessorReply: 1000, MsgGetPredecessor: 40} {
		if sent[k] == 0 || bytes[k] != sent[k]*size {
			t.Errorf("%v: %d sent, %d bytes, want %d each", k, sent[k], bytes[k], size)
		}
	}
	for _, bad := range []Costs{
		{Header: 20, PerID: 4, Kinds: "pong"},
		{Header: 20, PerID: 4, Kinds: "pung=3"},
		{Header: 20, PerID: 4, Kinds: "pong=0"},
		{Header: -1, PerID: 4},
	} {
		if err := bad.Validate(); err == nil || !(strings.Contains(err.Error(), "kinds:") || strings.Contains(err.Error(), "header_bytes:")) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
}

// A node that forgets a silent successor-list entry stabilizes at once to
// refill its list, but not once maintenance is stopped: T03 Table II
// measures the tables as the failures left them. Planted without the
// maintOff test, the stopped node sends get_predecessor and refills.
func TestForgetDoesNotStabilizeWhenMaintenanceStopped(t *testing.T) {
	for _, stopped := range []bool{false, true} {
		cfg := staticConfig(64)
		r, s, _ := testRing(t, cfg, 5)
		if err := r.BootstrapIdeal(50); err != nil {
			t.Fatal(err)
		}
		if stopped {
			r.StopMaintenance()
		}
		n := r.oracle.handles[0]
		dead := r.Successors(n)[2]
		if err := r.Fail(dead); err != nil {
			t.Fatal(err)
		}
		before := r.MessagesSent()[MsgGetPredecessor]
		r.forget(n, dead)
		s.RunUntil(s.Now() + sim.Time(sim.Second)) // well before any periodic stabilize
		sent := r.MessagesSent()[MsgGetPredecessor] - before
		refilled := len(r.Successors(n)) == cfg.Successors
		if stopped && (sent != 0 || refilled) {
			t.Errorf("maintenance stopped: forget sent %d get_predecessor and refilled the list: %v", sent, refilled)
		}
		if !stopped && (sent == 0 || !refilled) {
			t.Errorf("maintenance running: forget sent %d get_predecessor, list refilled %v; want a stabilize that refills it", sent, refilled)
		}
	}
}
