package chord

import (
	"testing"

	"github.com/chordsim/chordsim/sim"
)

// BenchmarkLookup measures whole iterative lookups (request, reply and
// lazily cancelled timeout per hop) on an ideal ring of 2^16 nodes with
// latency uniform on [10ms, 90ms], about 100 lookups in flight.
func BenchmarkLookup(b *testing.B) {
	cfg := staticConfig(64)
	s := sim.NewScheduler()
	c := &countingObserver{}
	r, err := newObserved(s, Options{Config: cfg, Seed: 1, UniformIDs: true,
		Net: sim.NetConfig{Latency: sim.Latency{Kind: sim.Uniform, A: 10 * sim.Millisecond, B: 90 * sim.Millisecond}}}, c)
	if err != nil {
		b.Fatal(err)
	}
	if err := r.BootstrapIdeal(1 << 16); err != nil {
		b.Fatal(err)
	}
	rng := sim.Stream(1, "bench")
	o := r.Oracle()
	start := func() {
		_, h := o.At(rng.IntN(o.Len()))
		r.Lookup(h, r.Space().FromUint64(rng.Uint64()), userTag(0))
	}
	for i := 0; i < 100; i++ {
		start()
	}
	c.onDone = start
	for c.done < 10000 { // warm the pools
		s.Step()
	}
	b.ReportAllocs()
	b.ResetTimer()
	ev0, done0 := s.Fired(), c.done
	for c.done-done0 < b.N {
		s.Step()
	}
	b.ReportMetric(float64(s.Fired()-ev0)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(c.hops)/float64(c.done), "hops/lookup")
}

type countingObserver struct {
	done, hops int
	onDone     func()
}

func (c *countingObserver) LookupDone(r *LookupResult) {
	c.done++
	c.hops += r.Hops
	if r.Outcome != Correct {
		panic("benchmark lookup failed")
	}
	c.onDone()
}

// BenchmarkBootstrapIdeal measures the ideal bootstrap of 2^20 nodes at
// m = 64, r = 16 (the bench scenario's ring): drawing and sorting the IDs,
// the successor lists, and the finger tables.
//
//	go test ./chord -run '^$' -bench BootstrapIdeal -benchmem
func BenchmarkBootstrapIdeal(b *testing.B) {
	cfg := staticConfig(64)
	b.ReportAllocs()
	for b.Loop() {
		r, err := New(sim.NewScheduler(), Options{Config: cfg, Seed: 1, UniformIDs: true,
			Net: sim.NetConfig{Latency: sim.Latency{Kind: sim.Constant, A: sim.Millisecond}}})
		if err != nil {
			b.Fatal(err)
		}
		if err := r.BootstrapIdeal(1 << 20); err != nil {
			b.Fatal(err)
		}
	}
}

// s01BenchRing is an ideal ring of 2^16 nodes at m = 64, as
// BenchmarkLookup's.
func s01BenchRing(b *testing.B) *Ring {
	b.Helper()
	r, err := New(sim.NewScheduler(), Options{Config: staticConfig(64), Seed: 1, UniformIDs: true,
		Net: sim.NetConfig{Latency: sim.Latency{Kind: sim.Constant, A: sim.Millisecond}}})
	if err != nil {
		b.Fatal(err)
	}
	if err := r.BootstrapIdeal(1 << 16); err != nil {
		b.Fatal(err)
	}
	return r
}

// BenchmarkS01Path measures the oracle's count of a lookup in S01 Fig. 10's
// counting (Ring.S01Path), which runs count for each of the first
// workload.s01_lookups lookups, on the ring of BenchmarkLookup: compare its
// ns/op with that benchmark's.
func BenchmarkS01Path(b *testing.B) {
	r := s01BenchRing(b)
	rng := sim.Stream(1, "bench")
	n := r.Oracle().Len()
	sum := 0
	b.ReportAllocs()
	for b.Loop() {
		sum += r.S01Path(rng.IntN(n), r.Space().FromUint64(rng.Uint64()))
	}
	b.ReportMetric(float64(sum)/float64(b.N), "path/lookup")
}

// BenchmarkS01Paths is BenchmarkS01Path with the paths walked side by side
// (Ring.S01Paths, as the static engine's runs use it), 256 per call.
func BenchmarkS01Paths(b *testing.B) {
	r := s01BenchRing(b)
	rng := sim.Stream(1, "bench")
	n := r.Oracle().Len()
	ps, keys, out := make([]int, 256), make([]ID, 256), make([]int, 256)
	sum, paths := 0, 0
	b.ReportAllocs()
	for b.Loop() {
		for i := range ps {
			ps[i], keys[i] = rng.IntN(n), r.Space().FromUint64(rng.Uint64())
		}
		r.S01Paths(ps, keys, out)
		for _, x := range out {
			sum += x
		}
		paths += len(out)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(paths), "ns/path")
	b.ReportMetric(float64(sum)/float64(paths), "path/lookup")
}
