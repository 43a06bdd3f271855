package sim

import "testing"

// gridTopology is a topology for tests: endpoint e sits at e on a line,
// and a message takes |a − b| milliseconds (or twice that from a lower to
// a higher endpoint, when asymmetric).
type gridTopology struct{ asym bool }

func (g gridTopology) OneWay(a, b Endpoint) Duration {
	d := Duration(a-b) * Millisecond
	if d < 0 {
		d = -d
		if g.asym {
			d *= 2
		}
	}
	return d
}
func (g gridTopology) MaxOneWay() (Duration, bool) { return 0, false }
func (g gridTopology) Symmetric() bool             { return !g.asym }
func (g gridTopology) Bytes() int64                { return 0 }
func (g gridTopology) String() string              { return "grid" }

// A message's delay is the topology's plus the latency model's draw, on
// both draw modes; a symmetric topology with constant jitter gives equal
// delays both ways, an asymmetric one does not.
func TestTopologyDelays(t *testing.T) {
	for _, keyed := range []bool{false, true} {
		for _, asym := range []bool{false, true} {
			s := NewScheduler()
			h := &host{s: s, answer: true}
			cfg := NetConfig{Latency: Latency{Kind: Constant, A: 3 * Millisecond}, Topology: gridTopology{asym}, Keyed: keyed}
			n := NewNetwork[pmsg](s, h, cfg, Stream(1, "latency"), Stream(1, "loss"))
			h.net = n
			for e := range Endpoint(8) {
				n.SetAlive(e, true)
			}
			// 2 → 7 and back: 5 ms each way plus 3 ms jitter (10 ms
			// there when asymmetric).
			slot, _ := n.NewMessage()
			n.Request(slot, 2, 7, Second, 1)
			s.Run()
			there := 8 * Millisecond
			if asym {
				there = 13 * Millisecond
			}
			if len(h.at) != 2 || h.at[0] != Time(there) || h.at[1] != Time(there+8*Millisecond) {
				t.Errorf("keyed %v, asymmetric %v: delivered and answered at %v; want %v and %v", keyed, asym, h.at, there, there+8*Millisecond)
			}
			if keyed {
				if got := n.KeyedDelay(7, 2, 0, true); got != 8*Millisecond {
					t.Errorf("KeyedDelay 7 → 2 = %v, want 8ms", got)
				}
			}
			if rtt := cfg.BaseRTT(2, 7); rtt != there-3*Millisecond+5*Millisecond {
				t.Errorf("asymmetric %v: BaseRTT %v", asym, rtt)
			}
		}
	}
	if _, ok := (NetConfig{Latency: Latency{Kind: Constant}, Topology: gridTopology{}}).MaxDelay(); ok {
		t.Error("an unbounded topology gave a bound")
	}
	if rtt := (NetConfig{Latency: Latency{Kind: Exponential, A: 50 * Millisecond}}).BaseRTT(1, 2); rtt != 100*Millisecond {
		t.Errorf("BaseRTT without a topology is %v, want twice the mean", rtt)
	}
}
