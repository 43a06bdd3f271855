package yamlconf

import "math"

// Point is one combination of axis values: one sweep point.
type Point struct {
	Index  int          // position in Expand's result, from 0
	Assign []Assignment // one per axis, in the axes' order; nil when there are no axes
}

// Assignment sets one field of a sweep point; apply it with [Apply].
type Assignment struct {
	Path, Value string
}

// Count returns the number of points Expand would return, or math.MaxInt if
// that does not fit in an int. Axes come from user files, so a caller should
// check Count against a sane limit before calling Expand.
func Count(axes []Axis) int {
	n := 1
	for _, a := range axes {
		k := len(a.Values)
		if k == 0 {
			return 0
		}
		if n > math.MaxInt/k {
			return math.MaxInt
		}
		n *= k
	}
	return n
}

// Expand returns the cartesian product of the axes, in odometer order: the
// first axis varies slowest and the last fastest, so points that share the
// leading values are adjacent. No axes give one point with no assignments;
// an axis with no values gives no points. Expand panics if the product does
// not fit in an int (see [Count]).
func Expand(axes []Axis) []Point {
	total := Count(axes)
	if total == math.MaxInt {
		panic("config: Expand: the sweep has more points than fit in an int; check Count first")
	}
	points := make([]Point, total)
	for i := range points {
		points[i].Index = i
		if len(axes) == 0 {
			continue
		}
		assign := make([]Assignment, len(axes))
		rem := i
		for j := len(axes) - 1; j >= 0; j-- {
			k := len(axes[j].Values)
			assign[j] = Assignment{Path: axes[j].Path, Value: axes[j].Values[rem%k]}
			rem /= k
		}
		points[i].Assign = assign
	}
	return points
}
