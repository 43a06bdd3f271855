package topology

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"os"
	"strconv"
	"strings"
	"unsafe"

	"github.com/chordsim/chordsim/internal/prefetch"
	"github.com/chordsim/chordsim/sim"
)

// Symmetry says what to do with a matrix whose entry (a, b) differs from
// (b, a): measured round trips taken from each end rarely agree exactly.
type Symmetry uint8

// The symmetry rules.
const (
	// Require refuses an asymmetric matrix, naming the first pair that
	// differs.
	Require Symmetry = iota
	// Average uses the mean of (a, b) and (b, a) for both: symmetric.
	Average
	// Directed takes a message from a to b as half of (a, b): the round
	// trip a → b → a is then the mean of the two entries.
	Directed
)

// ParseSymmetry reads "require", "average" or "directed".
func ParseSymmetry(s string) (Symmetry, error) {
	switch s {
	case "require":
		return Require, nil
	case "average":
		return Average, nil
	case "directed":
		return Directed, nil
	}
	return 0, fmt.Errorf("%q is not require, average or directed", s)
}

// Limits of a matrix file: MaxHosts rows (a matrix takes 4 bytes a pair, so
// 8,192 hosts take 256 MiB; the King data set has 1,740), and no round trip
// above MaxRTT, which is longer than any measured on the Internet and keeps
// a one-way delay within 32 bits of nanoseconds.
const (
	MaxHosts     = 8192
	MaxRTT       = 8 * sim.Second
	MaxFileBytes = 1 << 30
)

// Matrix is the one-way delay between every ordered pair of hosts, in
// nanoseconds: half of a round-trip time matrix. A symmetric matrix keeps
// only its upper triangle (diagonal included), row by row: half the
// memory, so that more of it stays in cache while a large ring's state
// streams through (on PlanetLab's 490 hosts 481 KB instead of 960 KB).
// A directed one keeps every entry, row-major.
type Matrix struct {
	n         int
	full      []uint32 // directed: entry (a, b) at a*n+b; nil when symmetric
	tri       []uint32 // symmetric: entry (a, b), a ≤ b, at row[a]+b
	row       []int32
	symmetric bool
	max       uint32
}

// Hosts is the number of hosts.
func (m *Matrix) Hosts() int { return m.n }

// OneWay is the delay from host a to host b.
func (m *Matrix) OneWay(a, b int) sim.Duration {
	if m.full != nil {
		return sim.Duration(m.full[a*m.n+b])
	}
	i, j := min(a, b), max(a, b)
	return sim.Duration(m.tri[int(m.row[i])+j])
}

// Symmetric reports whether every pair has the same delay both ways.
func (m *Matrix) Symmetric() bool { return m.symmetric }

// MatrixFromRTT builds a matrix from round trips in nanoseconds, row-major
// (rtt[a*n+b]), under the symmetry rule. It checks what ParseMatrix checks
// of the values; where says where entry (a, b) came from, for messages.
func MatrixFromRTT(n int, rtt []int64, sym Symmetry, where func(a, b int) string) (*Matrix, error) {
	if n < 1 || len(rtt) != n*n {
		panic("topology: MatrixFromRTT with a slice that is not n×n")
	}
	full := make([]uint32, n*n)
	m := &Matrix{n: n, symmetric: true}
	for a := range n {
		for b := range n {
			v := rtt[a*n+b]
			if v < 0 || v > int64(MaxRTT) {
				return nil, fmt.Errorf("%s: round trip %v is outside [0, %v]; a matrix holds measured round trips in milliseconds", where(a, b), sim.Duration(v), MaxRTT)
			}
			if b <= a {
				continue
			}
			w := rtt[b*n+a]
			if v != w {
				switch sym {
				case Require:
					return nil, fmt.Errorf("%s is %s ms but (%d, %d) is %s ms: the matrix is not symmetric; set network.matrix.symmetry to average (use the mean both ways) or directed (one-way a→b is half of (a, b))",
						where(a, b), ms(v), b+1, a+1, ms(w))
				case Average:
					v = (v + w) / 2
					w = v
				case Directed:
					m.symmetric = false
				}
			}
			full[a*n+b], full[b*n+a] = uint32(v/2), uint32(w/2)
		}
		full[a*n+a] = uint32(rtt[a*n+a] / 2)
	}
	for _, v := range full {
		m.max = max(m.max, v)
	}
	if !m.symmetric {
		m.full = full
		return m, nil
	}
	// Row a of the triangle holds entries (a, a) … (a, n−1).
	m.tri = make([]uint32, 0, n*(n+1)/2)
	m.row = make([]int32, n)
	for a := range n {
		m.row[a] = int32(len(m.tri) - a)
		m.tri = append(m.tri, full[a*n+a:a*n+n]...)
	}
	return m, nil
}

// ms renders nanoseconds as milliseconds, as a matrix file writes them.
func ms(ns int64) string { return strconv.FormatFloat(float64(ns)/1e6, 'f', -1, 64) }

// ParseMatrix reads a square matrix of round-trip times in milliseconds,
// one row a line, the values separated by tabs, spaces or commas (a run of
// spaces and tabs, or one comma with spaces around it, is one separator).
// Blank lines and lines starting with # are skipped. Row a, column b is the
// round trip measured from host a to host b; the diagonal is the delay
// between two endpoints on the same host (usually 0). name is the file's
// name in messages, each of which gives the line (and the column) at fault.
func ParseMatrix(r io.Reader, name string, sym Symmetry) (*Matrix, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<28)
	var rtt []int64
	var lines []int // the file line of each row
	n := -1
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\uFEFF"))
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields, err := splitRow(text)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", name, line, err)
		}
		if n < 0 {
			n = len(fields)
			if n > MaxHosts {
				return nil, fmt.Errorf("%s:%d: %d columns is more hosts than a matrix may have (%d); use a smaller matrix", name, line, n, MaxHosts)
			}
			rtt = make([]int64, 0, n*n)
		}
		if len(fields) != n {
			return nil, fmt.Errorf("%s:%d: row %d has %d values but the first row has %d; a matrix is square, one row of n values per host", name, line, len(lines)+1, len(fields), n)
		}
		if len(lines) == n {
			return nil, fmt.Errorf("%s:%d: row %d is one more than the %d columns; a matrix is square (n rows of n values)", name, line, n+1, n)
		}
		for i, f := range fields {
			v, err := strconv.ParseFloat(f, 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%s:%d: column %d: %q is not a number; write round trips in milliseconds, such as 41.25", name, line, i+1, f)
			}
			if v < 0 || v > float64(MaxRTT)/1e6 {
				return nil, fmt.Errorf("%s:%d: column %d: %s ms is outside [0, %d] ms; a missing measurement cannot be simulated, so fill it in or drop the host", name, line, i+1, f, MaxRTT/sim.Millisecond)
			}
			rtt = append(rtt, int64(math.Round(v*1e6)))
		}
		lines = append(lines, line)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("%s:%d: a line is longer than 256 MiB; a matrix row of %d hosts is far shorter", name, line+1, MaxHosts)
		}
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if n < 0 {
		return nil, fmt.Errorf("%s: the file holds no matrix; write one row of round trips (ms) a line", name)
	}
	if len(lines) != n {
		return nil, fmt.Errorf("%s: %d rows of %d values; a matrix is square, so give %d rows", name, len(lines), n, n)
	}
	return MatrixFromRTT(n, rtt, sym, func(a, b int) string {
		return fmt.Sprintf("%s:%d: column %d: entry (%d, %d)", name, lines[a], b+1, a+1, b+1)
	})
}

// splitRow splits a matrix row at tabs, spaces and commas; an empty value
// between two commas is an error.
func splitRow(text string) ([]string, error) {
	if !strings.Contains(text, ",") {
		return strings.Fields(text), nil
	}
	parts := strings.Split(text, ",")
	out := make([]string, 0, len(parts))
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			return nil, fmt.Errorf("value %d is empty (two commas in a row, or a comma at the end); write one number between commas", i+1)
		}
		if strings.ContainsAny(p, " \t") {
			return nil, fmt.Errorf("value %d %q holds a space; separate values with commas or with spaces, not both", i+1, p)
		}
		out = append(out, p)
	}
	return out, nil
}

// ReadMatrix parses a matrix from src (a file's bytes; see ParseMatrix).
func ReadMatrix(src []byte, name string, sym Symmetry) (*Matrix, error) {
	return ParseMatrix(bytes.NewReader(src), name, sym)
}

// Hosted is a topology of hosts with a delay between every two (a matrix,
// a transit-stub graph's stub routers), on which endpoints are placed: a
// permutation of the hosts drawn from the seed is dealt out to endpoints in
// order, endpoint e on host perm[e mod hosts]. So every host carries one
// endpoint before any carries two, and when endpoints outnumber hosts
// (more nodes than the matrix has rows, or joins under churn, which are
// new endpoints) they share hosts evenly; two endpoints on one host are
// the diagonal's delay apart (0 for a measured matrix, a transit-stub's
// router).
type Hosted struct {
	hosts hostDelays
	m     *Matrix // hosts, if a matrix: read without an interface call
	perm  []int32
	n     uint64
	mod   uint64 // ⌈2^64 / n⌉: e mod n without a division (Lemire's fastmod)
}

// hostDelays is what a Hosted topology places endpoints on.
type hostDelays interface {
	Hosts() int
	OneWay(a, b int) sim.Duration
	Symmetric() bool
	maxOneWay() sim.Duration
	bytes() int64
	name() string
}

func (m *Matrix) maxOneWay() sim.Duration { return sim.Duration(m.max) }
func (m *Matrix) bytes() int64            { return 4 * int64(len(m.full)+len(m.tri)+len(m.row)) }
func (m *Matrix) name() string            { return fmt.Sprintf("matrix of %d hosts", m.n) }

// OnMatrix places endpoints on the hosts of m (see Hosted), by a
// permutation drawn from seed.
func OnMatrix(m *Matrix, seed uint64) *Hosted { return place(m, seed) }

func place(h hostDelays, seed uint64) *Hosted {
	n := h.Hosts()
	perm := make([]int32, n)
	for i, p := range sim.Stream(seed, "topology", "placement").Perm(n) {
		perm[i] = int32(p)
	}
	m, _ := h.(*Matrix)
	return &Hosted{hosts: h, m: m, perm: perm, n: uint64(n), mod: ^uint64(0)/uint64(n) + 1}
}

// Host is the host endpoint e sits on: perm[e mod hosts], the remainder
// taken by two multiplications (exact for 32-bit e; Lemire, Kaser, Kurz,
// "Faster remainder by direct computation", 2019), a division costing as
// much as the rest of a message's delay.
func (t *Hosted) Host(e sim.Endpoint) int {
	hi, _ := bits.Mul64(t.mod*uint64(uint32(e)), t.n)
	return int(t.perm[hi])
}

// OneWay implements sim.Topology.
func (t *Hosted) OneWay(a, b sim.Endpoint) sim.Duration {
	if m := t.m; m != nil {
		// The common case, without the second interface call.
		return m.OneWay(t.Host(a), t.Host(b))
	}
	return t.hosts.OneWay(t.Host(a), t.Host(b))
}

// HintOneWay implements sim.TopologyHinter: it starts loading the matrix
// entry OneWay(a, b) reads (a random one of up to a megabyte, most often
// not in cache on a large ring). Other host delays are small tables.
func (t *Hosted) HintOneWay(a, b sim.Endpoint) {
	m := t.m
	if m == nil {
		return
	}
	ha, hb := t.Host(a), t.Host(b)
	var p unsafe.Pointer
	if m.full != nil {
		p = unsafe.Pointer(&m.full[ha*m.n+hb])
	} else {
		i, j := min(ha, hb), max(ha, hb)
		p = unsafe.Pointer(&m.tri[int(m.row[i])+j])
	}
	prefetch.Lines2(p, p)
}

// MaxOneWay implements sim.Topology.
func (t *Hosted) MaxOneWay() (sim.Duration, bool) { return t.hosts.maxOneWay(), true }

// Symmetric implements sim.Topology.
func (t *Hosted) Symmetric() bool { return t.hosts.Symmetric() }

// Bytes implements sim.Topology: the hosts' delays and the permutation.
func (t *Hosted) Bytes() int64 { return t.hosts.bytes() + 4*int64(len(t.perm)) }

func (t *Hosted) String() string { return t.hosts.name() }

// LoadMatrix reads and parses the matrix file c names. Its errors name the
// file, and the line and column at fault.
func LoadMatrix(c MatrixConfig) (*Matrix, error) {
	sym, err := ParseSymmetry(c.Symmetry)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(c.File)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("cannot read %s: %v; check the path (relative to the config file's folder)", c.File, err)
	}
	defer f.Close()
	return ParseMatrix(io.LimitReader(f, MaxFileBytes), c.File, sym)
}
