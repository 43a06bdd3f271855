package workload_test

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/chordsim/chordsim/workload"
)

func ExampleParse() {
	file := "# a mix workload\ninsert,Hey Jude,The Beatles, 1968\nQUERY,Hey Jude\ndelete,Hey Jude\n"
	reqs, err := workload.Parse(strings.NewReader(file), "ops.txt", workload.ModeMix)
	if err != nil {
		panic(err)
	}
	for _, r := range reqs {
		fmt.Printf("line %d: %v %q %q\n", r.Line, r.Kind, r.Key, r.Value)
	}
	_, err = workload.Parse(strings.NewReader("Hey Jude,\n"), "songs.txt", workload.ModeInsert)
	fmt.Println(err)
	// Output:
	// line 2: insert "Hey Jude" "The Beatles, 1968"
	// line 3: query "Hey Jude" ""
	// line 4: delete "Hey Jude" ""
	// songs.txt:1: empty value (the line was "Hey Jude,"); write KEY,VALUE with a non-empty value (values are trimmed of spaces)
}

func ExampleGenerator() {
	g, err := workload.NewGenerator(workload.Spec{Keys: 1000, Dist: workload.Zipf, ZipfExponent: 1, ReadFraction: 0.5})
	if err != nil {
		panic(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 4 {
		r := g.Next(rng)
		fmt.Println(r.Kind, r.Key, r.Value)
	}
}
