package experiments

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
