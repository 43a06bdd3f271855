package kv

import (
	"testing"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/sim"
)

// recorder keeps every result (Nodes copied).
type recorder struct{ results []Result }

func (r *recorder) OpDone(res *Result) { r.results = append(r.results, *res) }

func (r *recorder) last(t *testing.T) Result {
	t.Helper()
	if len(r.results) == 0 {
		t.Fatal("no operation finished")
	}
	return r.results[len(r.results)-1]
}

type world struct {
	sched *sim.Scheduler
	ring  *chord.Ring
	svc   *Service
	rec   *recorder
}

// newWorld builds a ring: ideal with n uniformly drawn members when names
// is empty, else the named nodes joined one by one through the first.
func newWorld(t testing.TB, seed uint64, ccfg chord.Config, kcfg Config, n int, names ...string) *world {
	t.Helper()
	return newWorldNet(t, seed, ccfg, kcfg, sim.NetConfig{Latency: sim.Latency{Kind: sim.Exponential, A: 50 * sim.Millisecond}}, n, names...)
}

// newWorldNet is newWorld with the given network model.
func newWorldNet(t testing.TB, seed uint64, ccfg chord.Config, kcfg Config, net sim.NetConfig, n int, names ...string) *world {
	t.Helper()
	s := sim.NewScheduler()
	r, err := chord.New(s, chord.Options{Config: ccfg, Net: net, Seed: seed, UniformIDs: len(names) == 0})
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		if err := r.BootstrapIdeal(n); err != nil {
			t.Fatal(err)
		}
	}
	svc, err := New(s, r, net, seed, kcfg)
	if err != nil {
		t.Fatal(err)
	}
	w := &world{sched: s, ring: r, svc: svc, rec: &recorder{}}
	svc.SetClient(w.rec)
	for i, name := range names {
		h, err := r.AddNamedNode(name)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if err := r.Create(h); err != nil {
				t.Fatal(err)
			}
		} else if err := r.JoinVia(h, 0); err != nil {
			t.Fatal(err)
		}
		w.run(5 * sim.Second)
	}
	return w
}

func (w *world) run(d sim.Duration) { w.sched.RunUntil(w.sched.Now().Add(d)) }

// do runs one operation to completion and returns its result.
func (w *world) do(t *testing.T, origin chord.Handle, kind Kind, key, value string) Result {
	t.Helper()
	n := len(w.rec.results)
	w.svc.Start(origin, kind, key, value, 0)
	deadline := w.sched.Now().Add(3600 * sim.Second)
	for len(w.rec.results) == n {
		if w.sched.Now() > deadline {
			o := w.svc.ops
			t.Fatalf("%s %q did not finish within an hour of simulated time; %d ops active, %d lookups in flight; ops %+v", kind, key, w.svc.Active(), w.ring.InFlight(), o)
		}
		if !w.sched.Step() {
			t.Fatalf("%s %q: the simulation ran out of events before the operation finished", kind, key)
		}
	}
	return w.rec.last(t)
}

func (w *world) byName(t *testing.T, name string) chord.Handle {
	t.Helper()
	for h := chord.Handle(0); int(h) < w.ring.Nodes(); h++ {
		if w.ring.Name(h) == name && w.ring.State(h) == chord.Member {
			return h
		}
	}
	t.Fatalf("no member named %s", name)
	return chord.None
}

// TestCHORDKVTranscript replays the CHORD-KV report's session: three nodes
// 127.0.0.1:5000…5002 with SHA-1 identifiers; song1 and song2 are stored
// at 127.0.0.1:5002, read back, and song1 is deleted.
func TestCHORDKVTranscript(t *testing.T) {
	cfg := chord.DefaultConfig()
	w := newWorld(t, 1, cfg, DefaultConfig(), 0, "127.0.0.1:5000", "127.0.0.1:5001", "127.0.0.1:5002")
	w.run(300 * sim.Second) // let stabilization settle the three-node ring
	n5001, n5002 := w.byName(t, "127.0.0.1:5001"), w.byName(t, "127.0.0.1:5002")

	for _, kv := range [][2]string{{"song1", "artist1"}, {"song2", "artist2"}} {
		res := w.do(t, n5001, Insert, kv[0], kv[1])
		if res.Outcome != OK || w.ring.Name(res.Primary) != "127.0.0.1:5002" {
			t.Fatalf("insert %s: outcome %s at %s; the transcript stores it at 127.0.0.1:5002", kv[0], res.Outcome, w.ring.Name(res.Primary))
		}
		res = w.do(t, n5002, Query, kv[0], "")
		if !res.Found || res.Value != kv[1] {
			t.Fatalf("query %s = %q (found %v), want %q", kv[0], res.Value, res.Found, kv[1])
		}
	}
	if res := w.do(t, n5001, Delete, "song1", ""); res.Outcome != OK || w.ring.Name(res.Primary) != "127.0.0.1:5002" {
		t.Fatalf("delete song1: %s at %s", res.Outcome, w.ring.Name(res.Primary))
	}
	if res := w.do(t, n5001, Query, "song1", ""); res.Outcome != OK || res.Found {
		t.Fatalf("song1 after delete: found %v (%q)", res.Found, res.Value)
	}
	if res := w.do(t, n5001, Query, "song2", ""); !res.Found || res.Value != "artist2" {
		t.Fatalf("song2 after deleting song1: %q found %v", res.Value, res.Found)
	}
	// The transcript's overlay order: 5002 < 5001 < 5000 by SHA-1.
	id := func(name string) chord.ID { return w.ring.ID(w.byName(t, name)) }
	if !(id("127.0.0.1:5002") < id("127.0.0.1:5001") && id("127.0.0.1:5001") < id("127.0.0.1:5000")) {
		t.Fatal("SHA-1 order of the three nodes differs from the CHORD-KV overlay")
	}
}
