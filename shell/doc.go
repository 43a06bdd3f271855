// Package shell is the engine of `chordsim shell`: an interactive or
// scripted session on one simulated Chord ring running the key-value
// service (chord/kv), modelled on the command-line clients of the
// reference systems (CHORD-KV and ToyChord). Nodes are named (an address
// such as 127.0.0.1:5001, or any word) and their identifier is the SHA-1 of
// the name, so a session reproduces those systems' transcripts: with the
// default m = 64 the top 64 bits of SHA-1 keep the order of the full
// 160-bit identifiers.
//
// # Commands
//
// The command word is case-insensitive; words are separated by white
// space; a word may be double-quoted to hold spaces ("a b", with \" and \\
// inside the quotes). Blank lines and lines whose first non-blank character
// is # are ignored (a # later in a line is part of a word).
//
//	join NAME [via NAME]        add a node; the first creates the ring, later ones join
//	                            through the via member or the first member in ring order,
//	                            and the command waits until the joiner is a member whose
//	                            key store is ready (at most 10m of simulated time)
//	join-many N [PREFIX]        join PREFIX1 … PREFIXN (PREFIX: node) one after the other,
//	                            skipping names in use
//	depart NAME                 graceful leave: the node's pairs go to its successor (runs 5s)
//	fail NAME                   crash: pairs without replicas are lost
//	insert KEY VALUE [at NAME]  store or update a pair
//	query KEY [at NAME]         read a pair
//	query * [at NAME]           every node's pairs, walking the ring from the origin
//	delete KEY [at NAME]        delete a pair
//	find KEY [at NAME]          the node that owns KEY (a lookup only)
//	overlay                     the members in identifier order, each with its own pred and succ
//	fingers NAME                a member's finger table (runs of equal fingers collapsed),
//	                            successor list and predecessor
//	draw FILE [node NAME] [lookup KEY|last] [max-dots N]
//	                            a picture of the ring as it stands (package ringdraw, as
//	                            chordsim draw): SVG or PNG by FILE's extension; NAME's
//	                            tables (default #0, the first member by identifier); the
//	                            path a lookup of KEY from NAME takes on the tables now, or
//	                            last: the key and node of the last insert, query, delete
//	                            or find
//	run DURATION                advance simulated time (30s, 5m, 1h; at most 24h at a time)
//	stats                       time, members, chord and kv message counts, operations
//	help [COMMAND]              the commands
//	quit | exit                 end the session
//
// An operation without "at NAME" starts at a member drawn from the
// session's own random stream. Its output follows CHORD-KV's transcript:
//
//	> insert song1 artist1 at 127.0.0.1:5001
//	Key:song1 inserted at node:127.0.0.1:5002 (version 1, 1 hop, 236.9 ms)
//	> query song1
//	Key:song1 has value:artist1 found at node:127.0.0.1:5002 (version 1, 1 hop, 178.1 ms)
//	> delete song1 at 127.0.0.1:5001
//	Key:song1 deleted at node:127.0.0.1:5002 (version 2, 1 hop, 155.6 ms)
//	> query song1
//	Key:song1 not found (asked 127.0.0.1:5002)
//	> find song2 at 127.0.0.1:5000
//	Key:song2 id=b9d187f04249aa8b is owned by node:127.0.0.1:5002 id=785ff6d152184a62 (0 hops)
//
// testdata/transcript.chord replays CHORD-KV's whole session and
// testdata/transcript.golden is its output.
//
// The service writes a tombstone for every delete, whether or not the key
// existed, so delete always reports "deleted".
//
// # Terminal
//
// Session.Terminal runs a session on a terminal through the line editor of
// golang.org/x/term: editing keys, a History that Up and Down walk (kept in
// a file by OpenHistory), Tab completion of commands, members' names and
// the keys inserted in the session, Ctrl-C to abandon a line, Ctrl-D to
// leave. Session.Run reads scripts and pipes.
//
// Options.Config starts the session from an experiment config: the ring of
// its n nodes, built as a run builds it, and its chord, network and kv
// settings.
//
// # Time
//
// Simulated time advances only inside the commands that need it: join and
// join-many (until each joiner is ready), depart (5s, so that the hand-off lands), the
// operations (until the answer comes) and run. Between commands the ring
// stands still. Stabilization, fix_fingers and check_predecessor run every
// second by default (Options.StabilizeEvery), so that a ring converges in
// a few seconds of simulated time.
//
// # Errors and determinism
//
// A bad command or a failed operation prints one line, "error: " followed
// by the command, the bad value and the fix; the session goes on, and
// Session.Run returns how many commands failed. The same commands with the
// same seed print the same bytes.
package shell
