package metrics_test

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"

	"github.com/chordsim/chordsim/metrics"
)

func ExampleIntHist_Quantile() {
	var h metrics.IntHist
	// 100 lookups: 1 took 2 hops, 97 took 4 hops, 2 took 7 hops.
	h.AddN(2, 1)
	h.AddN(4, 97)
	h.AddN(7, 2)
	// Nearest rank: the 1st percentile is the value at rank ceil(0.01·100) = 1,
	// the 99th the value at rank 99.
	fmt.Println(h.Quantile(0.01), h.Quantile(0.5), h.Quantile(0.99), h.Max())
	fmt.Println(h.Mean()) // (2 + 97·4 + 2·7) / 100
	// Output:
	// 2 4 7 7
	// 4.04
}

func ExampleSummarize() {
	// Mean hop count of five replicates; the NaN replicate is skipped.
	s := metrics.Summarize([]float64{5, 1, math.NaN(), 4, 2, 3})
	fmt.Printf("n=%d mean=%.3f sd=%.4f ci=[%.4f, %.4f]\n", s.N, s.Mean, s.Stddev, s.CILow, s.CIHigh)
	// Output:
	// n=5 mean=3.000 sd=1.5811 ci=[1.0368, 4.9632]
}

func ExampleTable_WriteCSV() {
	t := metrics.Table{
		Columns: []string{"nodes", "mean_hops", "p99_hops", "note"},
		Rows: [][]metrics.Cell{
			{metrics.Int(1024), metrics.Float(5.85), metrics.Int(9), metrics.Str("")},
			{metrics.Int(1048576), metrics.Float(10.0 / 3), metrics.Int(17), metrics.Str("slow, big")},
			{metrics.Int(0), metrics.Float(math.NaN()), metrics.Int(0), metrics.Str("no lookups")},
		},
	}
	if err := t.WriteCSV(os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// nodes,mean_hops,p99_hops,note
	// 1024,5.85,9,
	// 1048576,3.333333333,17,"slow, big"
	// 0,,0,no lookups
}

func ExampleWriteJSON() {
	type result struct {
		Nodes   int               `json:"nodes"`
		Hops    metrics.Summary   `json:"hops"`
		Latency metrics.JSONFloat `json:"latency_ms"`
	}
	r := result{
		Nodes:   1024,
		Hops:    metrics.Summarize([]float64{5}),
		Latency: 0.0093,
	}
	if err := metrics.WriteJSON(os.Stdout, r); err != nil {
		fmt.Println(err)
	}
	// Output:
	// {
	//   "nodes": 1024,
	//   "hops": {
	//     "n": 1,
	//     "mean": 5,
	//     "stddev": null,
	//     "ci95_low": null,
	//     "ci95_high": null
	//   },
	//   "latency_ms": 0.0093
	// }
}

func ExampleWriteFileAtomic() {
	dir, err := os.MkdirTemp("", "metrics-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)

	path := filepath.Join(dir, "hops.csv")
	t := metrics.Table{Columns: []string{"hops"}, Rows: [][]metrics.Cell{{metrics.Int(3)}}}
	err = metrics.WriteFileAtomic(path, func(w io.Writer) error { return t.WriteCSV(w) })
	fmt.Println(err)
	b, _ := os.ReadFile(path)
	fmt.Printf("%q\n", b)
	// Output:
	// <nil>
	// "hops\n3\n"
}
