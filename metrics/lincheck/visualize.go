package lincheck

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/anishathalye/porcupine"
)

// Visualize writes porcupine's interactive HTML view of ops to w, so a
// violation reported by [Check] can be seen rather than inferred: each key
// is a partition (tabs in sorted key order), each client a row, and for a
// bad key the longest partial linearizations show where every explanation
// breaks down. Hovering an operation shows its index in ops and its client;
// an extra "lincheck" row carries the verdict and the bad keys.
//
// Client ids are mapped to rows 0, 1, … in increasing id order, because
// porcupine draws one row per id up to the largest. Unknown operations are
// drawn running to the end of the history and marked "(timed out)".
//
// Visualize runs a full check with no time limit, because porcupine needs
// the complete search to draw the partial linearizations; to bound the
// cost, call [Check] with a timeout first and visualize only the bad keys'
// operations. The error is a malformed-input error as in [Check], or a
// write error from w. The HTML is not byte-for-byte deterministic
// (porcupine orders equally long partial linearizations arbitrarily).
func Visualize(w io.Writer, ops []Op) error {
	h, err := build(ops)
	if err != nil {
		return err
	}

	clients := make([]int, 0, len(ops))
	for i := range ops {
		clients = append(clients, ops[i].Client)
	}
	slices.Sort(clients)
	clients = slices.Compact(clients)

	var all []porcupine.Operation
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for _, part := range h.parts {
		for _, o := range part {
			o.ClientId, _ = slices.BinarySearch(clients, o.ClientId)
			o.Metadata = o.Input
			lo, hi = min(lo, o.Call), max(hi, o.Return)
			all = append(all, o)
		}
	}

	model := newModel(true)
	_, info := porcupine.CheckOperationsVerbose(model, all, 0)

	if len(all) > 0 {
		// Partition p is h.keys[p] (both sorted). A partition is
		// linearizable iff porcupine found a complete linearization of it.
		var bad []string
		for p, partials := range info.PartialLinearizations() {
			longest := 0
			for _, l := range partials {
				longest = max(longest, len(l))
			}
			if longest < len(h.parts[p]) {
				bad = append(bad, strconv.Quote(h.keys[p]))
			}
		}
		a := porcupine.Annotation{
			Tag:             "lincheck",
			Start:           lo,
			End:             hi,
			Description:     Linearizable.String(),
			Details:         fmt.Sprintf("%d ops, %d keys, all linearizable", len(ops), len(h.keys)),
			BackgroundColor: "#c8e6c9",
		}
		if len(bad) > 0 {
			a.Description = NotLinearizable.String() + ": " + strings.Join(bad, ", ")
			a.Details = fmt.Sprintf("%d ops, %d keys, %d not linearizable: %s",
				len(ops), len(h.keys), len(bad), strings.Join(bad, ", "))
			a.BackgroundColor = "#ffcdd2"
		}
		info.AddAnnotations([]porcupine.Annotation{a})
	}
	return porcupine.Visualize(model, info, w)
}
