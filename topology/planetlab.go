package topology

import (
	"bytes"
	"compress/gzip"
	_ "embed" // the PlanetLab matrix
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/chordsim/chordsim/sim"
)

// planetlabRTT is the 490-host PlanetLab matrix in the compact form of
// EncodeRTT, gzipped. See planetlab490/README.md for its source, licence
// and citation.
//
//go:embed planetlab490/rtt.bin.gz
var planetlabRTT []byte

// planetlab is the decoded matrix: immutable once built, so every run in
// the process shares it.
var planetlab = sync.OnceValues(func() (*Matrix, error) { return DecodeRTT(planetlabRTT) })

// PlanetLab490 returns the shipped matrix: the round-trip times between
// 490 PlanetLab hosts, each pair's median over 18 measurement slices, in
// microseconds (Zhu, Liu, Niu, Li, Zhao, IEEE/ACM ToN 25, 2017; MIT
// licence). It is symmetric, with 0 on the diagonal.
func PlanetLab490() *Matrix {
	m, err := planetlab()
	if err != nil {
		panic("topology: the embedded PlanetLab matrix is damaged: " + err.Error())
	}
	return m
}

// rttMagic starts the compact form.
const rttMagic = "chordsim rtt v1\n"

// EncodeRTT writes a symmetric matrix of round trips in whole microseconds
// (rtt[a*n+b], at most 2^24 − 1, 0 on the diagonal) in a compact form,
// gzipped: the magic line, n as a little-endian uint16, then the pairs
// a < b in row order, as three planes of bytes (all the low bytes, then
// the middle ones, then the high ones), which compress far better than
// interleaved or decimal text (256 KB for PlanetLab's 119,805 pairs,
// against 732 KB for the gzipped text).
func EncodeRTT(w io.Writer, n int, rttMicros []uint32) error {
	if n < 1 || n > 1<<16-1 || len(rttMicros) != n*n {
		return fmt.Errorf("EncodeRTT: %d values for %d hosts", len(rttMicros), n)
	}
	var pairs []uint32
	for a := range n {
		if rttMicros[a*n+a] != 0 {
			return fmt.Errorf("EncodeRTT: diagonal entry (%d, %d) is %d, not 0", a+1, a+1, rttMicros[a*n+a])
		}
		for b := a + 1; b < n; b++ {
			v := rttMicros[a*n+b]
			if v != rttMicros[b*n+a] || v >= 1<<24 {
				return fmt.Errorf("EncodeRTT: entry (%d, %d) is %d µs, asymmetric or above 2^24", a+1, b+1, v)
			}
			pairs = append(pairs, v)
		}
	}
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	var head [2]byte
	binary.LittleEndian.PutUint16(head[:], uint16(n))
	zw.Write([]byte(rttMagic))
	zw.Write(head[:])
	plane := make([]byte, len(pairs))
	for k := range 3 {
		for i, v := range pairs {
			plane[i] = byte(v >> (8 * k))
		}
		zw.Write(plane)
	}
	return zw.Close()
}

// DecodeRTT reads EncodeRTT's form into a matrix.
func DecodeRTT(src []byte) (*Matrix, error) {
	zr, err := gzip.NewReader(bytes.NewReader(src))
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(io.LimitReader(zr, 1<<30))
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(raw, []byte(rttMagic)) || len(raw) < len(rttMagic)+2 {
		return nil, errors.New("not a compact RTT matrix")
	}
	raw = raw[len(rttMagic):]
	n := int(binary.LittleEndian.Uint16(raw))
	raw = raw[2:]
	pairs := n * (n - 1) / 2
	if n < 1 || len(raw) != 3*pairs {
		return nil, fmt.Errorf("%d bytes for %d hosts", len(raw), n)
	}
	rtt := make([]int64, n*n)
	i := 0
	for a := range n {
		for b := a + 1; b < n; b++ {
			us := int64(raw[i]) | int64(raw[pairs+i])<<8 | int64(raw[2*pairs+i])<<16
			rtt[a*n+b], rtt[b*n+a] = us*int64(sim.Microsecond), us*int64(sim.Microsecond)
			i++
		}
	}
	return MatrixFromRTT(n, rtt, Require, func(a, b int) string { return fmt.Sprintf("entry (%d, %d)", a+1, b+1) })
}
