package run

import (
	"context"
	"testing"

	"github.com/chordsim/chordsim/config"
	"github.com/chordsim/chordsim/sim"
)

// BenchmarkChurn10k measures how fast a churning ring of 10^4 nodes runs:
// stabilize, fix_fingers and check_predecessor every 30 s on average,
// joins and failures each at 1 per second, lookups at 1 per second, 600
// simulated seconds per iteration. It reports simulated seconds per wall
// second and events per wall second (the target is 10^4 simulated
// seconds per wall second; see the README for what limits it).
//
//	go test ./run -run '^$' -bench Churn10k -benchtime 3x
func BenchmarkChurn10k(b *testing.B) {
	cfg := config.Defaults()
	cfg.N = 10_000
	cfg.IDs = "uniform"
	cfg.Network.Latency = sim.Latency{Kind: sim.Uniform, A: 10 * sim.Millisecond, B: 90 * sim.Millisecond}
	cfg.Workload.Lookups, cfg.Workload.LookupRate = 600, 1
	cfg.Churn.Rate = 1
	if err := cfg.Validate(); err != nil {
		b.Fatal(err)
	}
	var events uint64
	var simSeconds float64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := Run(context.Background(), &cfg, uint64(i+1), Inputs{})
		if err != nil {
			b.Fatal(err)
		}
		events += res.Events
		simSeconds += res.SimTime.Seconds()
	}
	wall := b.Elapsed().Seconds()
	b.ReportMetric(simSeconds/wall, "sim-s/s")
	b.ReportMetric(float64(events)/wall, "events/s")
}
