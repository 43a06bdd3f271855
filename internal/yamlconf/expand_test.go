package yamlconf

import (
	"fmt"
	"math"
	"reflect"
	"testing"
)

func TestExpand(t *testing.T) {
	a := Axis{Path: "n", Values: []string{"1", "2"}}
	b := Axis{Path: "bootstrap", Values: []string{"ideal", "protocol", "x"}}
	tests := []struct {
		name string
		axes []Axis
		want []Point
	}{
		{name: "no axes", axes: nil, want: []Point{{Index: 0}}},
		{name: "one axis", axes: []Axis{a}, want: []Point{
			{0, []Assignment{{"n", "1"}}},
			{1, []Assignment{{"n", "2"}}},
		}},
		{name: "first axis slowest", axes: []Axis{a, b}, want: []Point{
			{0, []Assignment{{"n", "1"}, {"bootstrap", "ideal"}}},
			{1, []Assignment{{"n", "1"}, {"bootstrap", "protocol"}}},
			{2, []Assignment{{"n", "1"}, {"bootstrap", "x"}}},
			{3, []Assignment{{"n", "2"}, {"bootstrap", "ideal"}}},
			{4, []Assignment{{"n", "2"}, {"bootstrap", "protocol"}}},
			{5, []Assignment{{"n", "2"}, {"bootstrap", "x"}}},
		}},
		{name: "empty axis", axes: []Axis{a, {Path: "seed"}}, want: []Point{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Expand(tt.axes)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Expand = %+v, want %+v", got, tt.want)
			}
			if c := Count(tt.axes); c != len(tt.want) {
				t.Errorf("Count = %d, want %d", c, len(tt.want))
			}
		})
	}
}

func TestCountSaturates(t *testing.T) {
	big := Axis{Path: "n", Values: make([]string, 1<<16)}
	axes := []Axis{big, big, big, big, big}
	if c := Count(axes); c != math.MaxInt {
		t.Errorf("Count = %d, want math.MaxInt", c)
	}
	defer func() {
		if r := recover(); r == nil {
			t.Error("Expand of an overflowing sweep did not panic")
		}
	}()
	Expand(axes)
}

// Applying every point's assignments to a copy of the base config yields
// the configs of the sweep.
func TestExpandApply(t *testing.T) {
	base := defaults()
	axes, err := Decode([]byte("n: [8, 16]\nchord:\n  stabilize_every: [1s, 2s]\n"), "f", base)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range Expand(axes) {
		c := *base
		for _, a := range p.Assign {
			if err := Apply(&c, a.Path, a.Value); err != nil {
				t.Fatal(err)
			}
		}
		s, _ := c.Chord.StabilizeEvery.MarshalText()
		got = append(got, fmt.Sprintf("%d/%s", c.N, s))
	}
	want := []string{"8/1s", "8/2s", "16/1s", "16/2s"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("points = %q, want %q", got, want)
	}
}
