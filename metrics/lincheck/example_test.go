package lincheck_test

import (
	"fmt"

	"github.com/chordsim/chordsim/metrics/lincheck"
)

func ExampleCheck() {
	ops := []lincheck.Op{
		// Client 0 writes v1, then v2; both complete.
		{Client: 0, Kind: lincheck.Put, Key: "k", Value: "v1", Call: 0, Return: 10},
		{Client: 0, Kind: lincheck.Put, Key: "k", Value: "v2", Call: 20, Return: 30},
		// Client 1 then reads v1: a stale read.
		{Client: 1, Kind: lincheck.Get, Key: "k", Value: "v1", Found: true, Call: 40, Return: 50},
		// Client 2's write to another key timed out: it may or may not have landed.
		{Client: 2, Kind: lincheck.Put, Key: "other", Value: "x", Call: 5, Unknown: true},
	}
	res, err := lincheck.Check(ops, 0)
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Verdict, res.Ops, res.Keys, res.BadKeys)
	// Output:
	// not_linearizable 4 2 [k]
}
