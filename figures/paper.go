package figures

// Published values, from ../shared/reference/chord-paper.md (read from the
// vector data of the S01 PDF, about ±0.5% of each axis).

// fig10 is S01 Fig. 10: path length vs N.
var fig10 = []struct {
	N        int
	Mean     float64
	P1, P99  int
	HalfLogN float64
}{
	{8, 1.72, 1, 3, 1.5}, {16, 2.09, 1, 4, 2}, {32, 2.49, 1, 5, 2.5}, {64, 2.96, 1, 5, 3},
	{128, 3.39, 1, 6, 3.5}, {256, 3.88, 1, 7, 4}, {512, 4.38, 1, 7, 4.5}, {1024, 4.89, 2, 8, 5},
	{2048, 5.36, 2, 9, 5.5}, {4096, 5.85, 2, 10, 6}, {8192, 6.35, 2, 10, 6.5}, {16384, 6.87, 3, 11, 7},
}

// paperLoad is one published point of a load figure.
type paperLoad struct {
	x       int // the figure's x value: keys, or virtual nodes per real node
	mean    float64
	p1, p99 int
}

// fig8 is S01 Fig. 8(a): keys per node by total keys, N = 10^4, no virtual
// nodes.
var fig8 = []paperLoad{
	{100000, 10, 0, 48}, {200000, 20, 0, 91}, {300000, 30, 0, 138}, {400000, 40, 0, 181}, {500000, 50, 0, 228},
	{600000, 60, 0, 273}, {700000, 70, 0, 320}, {800000, 80, 0, 364}, {900000, 90, 0, 411}, {1000000, 100, 1, 463},
}

// fig9 is S01 Fig. 9: keys per real node by virtual nodes per real node,
// 10^4 real nodes, 10^6 keys (so the mean is 100).
var fig9 = []paperLoad{
	{1, 100, 0, 477}, {2, 100, 7, 347}, {5, 100, 24, 220}, {10, 100, 38, 186}, {20, 100, 50, 161},
}

// paperFailed is one published point of a failure figure: the failed
// fraction of lookups and its 95% confidence interval.
type paperFailed struct {
	x              float64 // fraction failed (Fig. 11) or churn rate R per second (Fig. 12)
	mean, lo, high float64
}

// fig11 is S01 Fig. 11: failed lookups after a fraction p of 10^4 nodes
// fail at once and the ring re-stabilizes (lost keys count as failures).
var fig11 = []paperFailed{
	{0.01, 0.0093, 0.0066, 0.0120}, {0.025, 0.0211, 0.0162, 0.0260}, {0.05, 0.0467, 0.0412, 0.0522},
	{0.10, 0.0944, 0.0875, 0.1013}, {0.15, 0.1466, 0.1373, 0.1559}, {0.20, 0.2006, 0.1906, 0.2106},
}

// fig12 is S01 Fig. 12: failed lookups on 500 nodes while nodes join and
// fail at rate R each (lost keys not counted).
var fig12 = []paperFailed{
	{0.01, 0.0030, 0.0003, 0.0055}, {0.02, 0.0095, 0.0073, 0.0117}, {0.05, 0.0245, 0.0180, 0.0310}, {0.10, 0.0645, 0.0580, 0.0710},
}

// paperT03 is one row of T03 Table II or III: the mean path length and
// timeouts per lookup with their 1st and 99th percentiles, and failed
// lookups per 10,000 (Table III only; NaN in Table II, where all lookups
// succeeded).
type paperT03 struct {
	x                       float64 // failed fraction p (Table II) or churn rate R per second (Table III)
	path                    float64
	pathP1, pathP99         int
	timeouts                float64
	timeoutsP1, timeoutsP99 int
	failedPer10k            float64
}

// tab2 is T03 Table II: 1,000 nodes, r = 20, stabilization stopped, each
// node failed with probability p, then 10,000 lookups.
var tab2 = []paperT03{
	{0, 3.84, 2, 5, 0, 0, 0, 0}, {0.1, 4.03, 2, 6, 0.60, 0, 2, 0}, {0.2, 4.22, 2, 6, 1.17, 0, 3, 0},
	{0.3, 4.44, 2, 6, 2.02, 0, 5, 0}, {0.4, 4.69, 2, 7, 3.23, 0, 8, 0}, {0.5, 5.09, 3, 8, 5.10, 0, 11, 0},
}

// tab3 is T03 Table III: about 1,000 nodes, r = 20, joins and graceful
// leaves each at rate R per second.
var tab3 = []paperT03{
	{0.05, 3.90, 1, 9, 0.05, 0, 2, 0}, {0.10, 3.83, 1, 9, 0.11, 0, 2, 0}, {0.15, 3.84, 1, 9, 0.16, 0, 2, 2},
	{0.20, 3.81, 1, 9, 0.23, 0, 3, 5}, {0.25, 3.83, 1, 9, 0.30, 0, 3, 6}, {0.30, 3.91, 1, 9, 0.34, 0, 4, 8},
	{0.35, 3.94, 1, 10, 0.42, 0, 4, 16}, {0.40, 4.06, 1, 10, 0.46, 0, 5, 15},
}

// fig8bAt is the K of S01 Fig. 8(b), the PDF of keys per node; the
// reference gives its summary, not the curve: at K = 5·10^5 on 10^4 nodes
// the mean is 50, the 99th percentile 228 (Fig. 8(a)) and the maximum 457
// (§6.2's text).
const (
	fig8bAt   = 500000
	fig8bMean = 50
	fig8bP99  = 228
	fig8bMax  = 457
)

// fig10bAt is the N of S01 Fig. 10(b), the PDF of the path length; the
// reference gives its summary from Fig. 10(a) (mean 5.85, 1st percentile
// 2, 99th percentile 10), not the curve.
const fig10bAt = 4096

// paperStretch is one cell of T03 Table IV: the median stretch of lookups
// with its 10th and 90th percentiles.
type paperStretch struct {
	p50, p10, p90 float64
}

// tab4 is T03 Table IV (§V-F): 2^16 nodes, 10,000 lookups, by network
// ("euclidean": the 3-d space; "transit-stub": 5,000 routers), lookup mode
// and s, the candidates per finger (1: plain Chord).
var tab4 = map[string]map[string]map[int]paperStretch{
	"euclidean": {
		"iterative": {1: {7.8, 4.4, 19.8}, 2: {7.2, 3.8, 18.0}, 4: {6.1, 3.1, 15.3}, 8: {4.7, 2.4, 11.8}, 16: {3.4, 1.9, 8.4}},
		"recursive": {1: {4.5, 2.5, 11.5}, 2: {3.5, 2.0, 8.7}, 4: {2.7, 1.6, 6.4}, 8: {2.1, 1.4, 4.7}, 16: {1.7, 1.2, 3.5}},
	},
	"transit-stub": {
		"iterative": {1: {7.2, 4.4, 36.0}, 2: {7.1, 4.2, 33.6}, 4: {6.4, 3.2, 30.6}, 8: {4.9, 1.9, 19.0}, 16: {2.2, 1.7, 7.4}},
		"recursive": {1: {4.1, 2.7, 24.0}, 2: {3.6, 2.3, 17.0}, 4: {2.8, 1.8, 12.7}, 8: {2.0, 1.4, 8.9}, 16: {1.5, 1.3, 4.0}},
	},
}
