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
	Client  int32  // the client session that wrote it
	Seq     uint64 // that session's sequence number for the write (0: none, a preload)

	// sessions is the key's exactly-once table: per client session, the
	// highest sequence number of its writes applied to the key and the
	// reply to it. It travels with the entry (down the chain, in hand-offs,
	// repairs and fetches), so a node that becomes primary or tail knows
	// which retries are duplicates. Sorted by client; never modified in
	// place (copies of an Entry share it).
	sessions []session
}

// session is what a key's replicas remember of one client session: its
// highest applied write and the reply that write got. A client session has
// at most one operation outstanding and numbers its operations 1, 2, ...,
// so a write whose number is at most seq has been applied: it is answered
// from the cached reply (seq equal) or ignored (lower: the client has moved
// on and no longer waits for it), never applied again. Unlike a window of
// recent operation ids, this holds however late a retry arrives.
type session struct {
	client  int32
	seq     uint64
	version uint64 // the cached reply: the version the write made
	deleted bool   // and whether it was a delete
}

// newer reports whether a supersedes b.
func (a *Entry) newer(b *Entry) bool {
	return a.Version > b.Version || (a.Version == b.Version && a.Op > b.Op)
}

// session returns the key's record of client c (ok false if none).
func (a *Entry) session(c int32) (session, bool) {
	i, ok := slices.BinarySearchFunc(a.sessions, c, func(s session, c int32) int { return cmp.Compare(s.client, c) })
	if !ok {
		return session{}, false
	}
	return a.sessions[i], true
}

// withWrite returns a's table with the write e recorded (a new slice).
func (a *Entry) withWrite(e *Entry) []session {
	if e.Client < 0 || e.Seq == 0 {
		return a.sessions
	}
	return mergeSessions(a.sessions, []session{{client: e.Client, seq: e.Seq, version: e.Version, deleted: e.Deleted}})
}

// mergeSessions is the union of two tables keeping, per client, the
// higher sequence number. It returns a itself when b adds nothing, so that
// the common case (a replica receiving what it has) allocates nothing.
func mergeSessions(a, b []session) []session {
	grows := false
	for _, y := range b {
		if x, ok := (&Entry{sessions: a}).session(y.client); !ok || x.seq < y.seq {
			grows = true
			break
		}
	}
	if !grows {
		return a
	}
	out := make([]session, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && a[i].client < b[j].client):
			out = append(out, a[i])
			i++
		case i == len(a) || b[j].client < a[i].client:
			out = append(out, b[j])
			j++
		default:
			if a[i].seq >= b[j].seq {
				out = append(out, a[i])
			} else {
				out = append(out, b[j])
			}
			i++
			j++
		}
	}
	return out
}

// item is a stored entry with the node's bookkeeping.
type item struct {
	Entry
	refreshed sim.Time // last time a primary wrote or pushed it here
}

// store is one node's pairs.
type store map[string]*item

// put stores e if it is newer than what st holds (or st holds nothing),
// and reports whether it did. Either way the key counts as refreshed now,
// and the key's session table becomes the union of both (e's write
// included), so that no node forgets a write it has seen applied.
func (st store) put(e *Entry, now sim.Time) bool {
	it := st[e.Key]
	if it == nil {
		it = &item{Entry: *e, refreshed: now}
		it.sessions = e.withWrite(e)
		st[e.Key] = it
		return true
	}
	it.refreshed = now
	sessions := mergeSessions(it.sessions, e.withWrite(e))
	applied := false
	if e.newer(&it.Entry) {
		it.Entry = *e
		applied = true
	}
	it.sessions = sessions
	return applied
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
