package kv

import (
	"cmp"
	"slices"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/sim"
)

// Entry is one version of a pair, as stored and as carried in messages.
type Entry struct {
	Key     string
	ID      chord.ID // the key's identifier
	Value   string
	Version uint64 // given by the primary: one more than the version it held
	Op      uint64 // the client operation that wrote it (ties between versions)
	Deleted bool   // a tombstone: the pair was deleted at this version
}

// newer reports whether a supersedes b.
func (a *Entry) newer(b *Entry) bool {
	return a.Version > b.Version || (a.Version == b.Version && a.Op > b.Op)
}

// recentOps is how many operations per key a node remembers, so that a
// client's retry of a write it has applied is not applied twice.
const recentOps = 8

// item is a stored entry with the node's bookkeeping.
type item struct {
	Entry
	refreshed sim.Time // last time a primary wrote or pushed it here
	recent    [recentOps]uint64
	nrecent   uint32
}

func (it *item) applied(op uint64) bool {
	if op == 0 {
		return false
	}
	for _, o := range it.recent[:min(int(it.nrecent), recentOps)] {
		if o == op {
			return true
		}
	}
	return false
}

func (it *item) remember(op uint64) {
	if op == 0 || it.applied(op) {
		return
	}
	it.recent[it.nrecent%recentOps] = op
	it.nrecent++
}

// store is one node's pairs.
type store map[string]*item

// put stores e if it is newer than what st holds (or st holds nothing),
// and reports whether it did. Either way the key counts as refreshed now,
// and e's operation as applied here.
func (st store) put(e *Entry, now sim.Time) bool {
	it := st[e.Key]
	if it == nil {
		it = &item{Entry: *e, refreshed: now}
		it.remember(e.Op)
		st[e.Key] = it
		return true
	}
	it.refreshed = now
	it.remember(e.Op)
	if e.newer(&it.Entry) {
		it.Entry = *e
		return true
	}
	return false
}

// sorted returns the entries of st that keep(e) accepts, in identifier
// order (then name): a fixed order, whatever the map's.
func (st store) sorted(keep func(e *Entry) bool) []Entry {
	var out []Entry
	for _, it := range st {
		if keep == nil || keep(&it.Entry) {
			out = append(out, it.Entry)
		}
	}
	slices.SortFunc(out, func(a, b Entry) int {
		if c := cmp.Compare(a.ID, b.ID); c != 0 {
			return c
		}
		return cmp.Compare(a.Key, b.Key)
	})
	return out
}
