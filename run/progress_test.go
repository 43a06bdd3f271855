package run

import (
	"context"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chordsim/chordsim/config"
	"github.com/chordsim/chordsim/sim"
)

// progressConfig is a run on the event path long enough to pass several
// of the points where a run reports its progress: a protocol bootstrap,
// then lookups.
func progressConfig() *config.Config {
	c := config.Defaults()
	c.N = 60
	c.Bootstrap = "protocol"
	c.JoinEvery = sim.Duration(time.Second)
	c.Settle = sim.Duration(30 * time.Second)
	c.Chord.StabilizeEvery = sim.Duration(time.Second)
	c.Chord.FixFingersEvery = sim.Duration(time.Second)
	c.Chord.CheckPredecessorEvery = sim.Duration(time.Second)
	c.Workload.Lookups = 3000
	c.Workload.LookupRate = 20
	return &c
}

// A run's progress stays within what the run does (events, simulated time
// and work never beyond the run's own), only grows, and reading it while
// the run goes changes nothing the run computes.
func TestProgressBoundedAndHarmless(t *testing.T) {
	cfg := progressConfig()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	plain, err := Run(context.Background(), cfg, 5, Inputs{})
	if err != nil {
		t.Fatal(err)
	}
	p := new(Progress)
	var stop atomic.Bool
	var wg sync.WaitGroup
	mono := true
	wg.Add(1)
	go func() {
		defer wg.Done()
		var last [3]int64
		for !stop.Load() {
			cur := [3]int64{int64(p.Events()), int64(p.SimTime()), p.Work()}
			for i := range cur {
				if cur[i] < last[i] {
					mono = false
				}
			}
			last = cur
			time.Sleep(100 * time.Microsecond)
		}
	}()
	watched, err := Run(context.Background(), cfg, 5, Inputs{Progress: p})
	stop.Store(true)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(plain, watched) {
		t.Fatal("a run that reports its progress computed something else")
	}
	if !mono {
		t.Error("progress went backwards")
	}
	if p.Events() == 0 || p.Events() > watched.Events {
		t.Errorf("progress events %d, want 1..%d", p.Events(), watched.Events)
	}
	if p.SimTime() <= 0 || p.SimTime() > watched.SimTime {
		t.Errorf("progress time %v, want in (0, %v]", p.SimTime(), watched.SimTime)
	}
	// The last report comes at a check after the build: the joins are all
	// counted, and some lookups (not necessarily all).
	if w, total := p.Work(), Work(cfg, 0); w < int64(cfg.N) || w > total {
		t.Errorf("progress work %d, want %d..%d", w, cfg.N, total)
	}
}

// Work counts the joins of a protocol bootstrap, the lookups and the
// requests.
func TestWork(t *testing.T) {
	c := config.Defaults()
	c.Workload.Lookups = 100
	if got := Work(&c, 0); got != 100 {
		t.Errorf("ideal, 100 lookups: %d", got)
	}
	c.Bootstrap, c.N = "protocol", 50
	c.KV.Requests = 7
	if got := Work(&c, 3); got != 160 {
		t.Errorf("protocol n=50, 100 lookups, 7+3 requests: %d, want 160", got)
	}
}
