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
