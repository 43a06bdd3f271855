package kv

import (
	"fmt"
	"testing"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/sim"
)

// loop is a closed-loop client population for the benchmark.
type loop struct {
	w    *world
	keys []string
	left int
	i    int
}

func (l *loop) OpDone(res *Result) {
	if l.left == 0 {
		return
	}
	l.left--
	l.i++
	o := l.w.ring.Oracle()
	_, origin := o.At(l.i * 7919 % o.Len())
	kind := Query
	if l.i%2 == 0 {
		kind = Insert
	}
	l.w.svc.Start(origin, kind, l.keys[l.i%len(l.keys)], "v", 0)
}

// BenchmarkKVOps measures the simulator's speed on key-value operations:
// a 1,000-node ring, k = 3 chain replication, 100 closed-loop clients,
// half inserts and half queries over 10,000 keys. The target is 10^5
// operations per wall second (ops/s below).
func BenchmarkKVOps(b *testing.B) {
	kc := DefaultConfig()
	kc.Replicas = 3
	w := newWorld(b, 1, chord.DefaultConfig(), kc, 1000)
	keys := make([]string, 10000)
	for i := range keys {
		keys[i] = fmt.Sprintf("key%d", i)
		w.svc.Preload(keys[i], "v0")
	}
	l := &loop{w: w, keys: keys, left: b.N}
	w.svc.SetClient(l)
	b.ReportAllocs()
	b.ResetTimer()
	for c := 0; c < 100 && l.left > 0; c++ {
		l.OpDone(nil)
	}
	for w.svc.Active() > 0 {
		w.sched.Step()
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
	b.ReportMetric(float64(w.sched.Fired())/float64(b.N), "events/op")
	_ = sim.Second
}
