// Command mkplanetlab writes the compact form of a symmetric round-trip
// matrix (topology.EncodeRTT) from a tab-separated matrix in milliseconds,
// plain or gzipped: how topology/planetlab490/rtt.bin.gz was made from the
// data set's per-pair median matrix (see topology/planetlab490/README.md).
//
//	go run ./topology/internal/mkplanetlab MATRIX.tsv[.gz] > topology/planetlab490/rtt.bin.gz
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/chordsim/chordsim/topology"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: mkplanetlab MATRIX.tsv[.gz] > rtt.bin.gz")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "mkplanetlab:", err)
		os.Exit(1)
	}
}

func run(path string, out io.Writer) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var r io.Reader = bytes.NewReader(src)
	if strings.HasSuffix(path, ".gz") {
		if r, err = gzip.NewReader(r); err != nil {
			return err
		}
	}
	var rtt []uint32
	n := 0
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		for _, s := range f {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return err
			}
			us := math.Round(v * 1000)
			if math.Abs(us-v*1000) > 1e-6 {
				return fmt.Errorf("%s is not a whole number of microseconds", s)
			}
			rtt = append(rtt, uint32(us))
		}
		n++
	}
	if err := sc.Err(); err != nil {
		return err
	}
	w := bufio.NewWriter(out)
	if err := topology.EncodeRTT(w, n, rtt); err != nil {
		return err
	}
	return w.Flush()
}
