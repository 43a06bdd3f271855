// Package chordtest is an interaction harness for the chord protocol:
// scenario scripts that drive single nodes by hand and, when asked, play
// the network message by message, with golden transcripts.
//
// A script is a sequence of directives in the "datadriven" style:
//
//	# comments and blank lines between directives are kept
//	command args...
//	----
//	expected output (no blank lines)
//	<blank line>
//
// RunFile replays a script and compares what each directive prints with
// what the file expects; with rewrite on it writes the printed outputs
// back instead (tests pass it from their -rewrite flag). Accepted outputs
// must be checked by hand: a script's comments say what the reference
// expects.
//
// The first command is config; periodic maintenance is off, every node
// acts only when a command says so. Latency is a constant 10 ms and
// rpc_timeout 500 ms. Unless the network is held (see below), every action
// then runs the simulation for a fixed step, 2s unless config says step=D.
// Every command prints first the protocol events (join-start, member,
// fail, leave, successor, predecessor, forget) the ring logged while it
// ran, one per line, then its own output.
//
// # Building a ring
//
//	config m=4 r=2 [retries=N] [lookup=iterative|recursive] [variant=zave|original] [confirm=N] [step=D]
//	       [protocol=P] [notify-old-pred=B] [forget=initiator|none|namer] [join-stabilize=B]
//	       [fallback-owners=B] [count-revisits=B] [detect=timeout|oracle]
//	       [learn=B] [purge=B] [purge-to-finger=B]
//	        identifier bits, successor-list length, lookup retries (3),
//	        lookup mode (iterative), and the step of an action (2s);
//	        a preset (chord.Config.Protocol, applied where it stands, so
//	        later keys override it) and the chord.Config fields
//	        notify_old_predecessor, forget_on_timeout, stabilize_on_join,
//	        fallback_owners, count_revisits, detect, learn,
//	        purge_departed and purge_to_finger (forget also reads true
//	        and false, as forget_on_timeout does)
//	node NAME ID    add an idle node with identifier ID, named NAME
//	create NAME     NAME becomes a ring of its own
//	join NAME via OTHER
//	        NAME joins through member OTHER; prints "NAME is STATE"
//	rejoin NAME via OTHER
//	        a new incarnation of the departed NAME (same identifier,
//	        printed NAME#2, NAME#3, ...) joins through OTHER
//	ideal-ring NAME...
//	        the named idle nodes become members, and every member gets
//	        the state of the ideal ring (hand-built; prints no event)
//	set NAME [succ=A,B] [pred=C|none]
//	        hand-build member NAME's successor list or predecessor
//	        (prints no event)
//
// # Driving nodes
//
//	stabilize NAME...    each named member runs stabilize, one step each
//	check-pred NAME...   each runs check_predecessor
//	fix-fingers NAME...  each runs fix_fingers
//	notify TARGET FROM   TARGET receives a notify from FROM, at once
//	fail NAME...         the named nodes crash (then one step)
//	kill NAME...         the same, without the step: between two messages
//	leave NAME           NAME departs gracefully
//	leave-after NAME D   NAME starts a graceful leave that ends after D
//	                     (chord.Ring.LeaveAfter: churn.leave_wait)
//	run-for D            run the simulation for D
//
// # Looking up
//
//	lookup FROM KEY...   each lookup runs to its end, then a step; one key
//	                     prints "owner X (outcome, H hops)", several print
//	                     "key K: owner X (...)" per key
//	lookup-all           every member looks up every key, one at a time;
//	                     prints the count and the wrong ones
//	start-lookup FROM KEY
//	                     start a lookup and return at once; when it ends,
//	                     whichever command is running prints "lookup FROM
//	                     KEY: owner X (outcome, H hops)"
//
// # Checking
//
//	check [all]   the invariants (chord/invariant): "ok" or the violations
//	ideal         whether every member has the ideal ring's pointers
//	ring          every member and every node a member points to, in
//	              identifier order
//
// # Playing the network
//
// While the network is held, every message sent stays in flight until a
// command moves it, a request's deadline runs as usual (rpc_timeout after
// it was sent), and actions do not advance time: only run-for does. A
// message is named by its number (#3, in the order messages were sent),
// or by FROM->TO [KIND], the first in-flight message that matches.
//
//	hold on|off       hold every message sent from now on, or stop
//	                  holding (messages already held stay held)
//	inflight          list the held messages in order: "#N FROM->TO kind"
//	                  and what they carry
//	deliver MSG       MSG arrives now (dropped if its receiver is dead or
//	                  its request is closed); what it causes is held too
//	deliver-all       deliver the held messages in order, those they cause
//	                  included, until none is left (at most 1000)
//	drop MSG          MSG is lost
//	dup MSG           MSG is duplicated; the copy is held right after it;
//	                  prints the copy's number
//	delay MSG D       MSG leaves the hold and arrives after D
//	reorder MSG...    the named messages move, in the order given, ahead
//	                  of the others
//
// # Rotation
//
// Play with a nonzero rot shifts every node ID and every key by rot (mod
// 2^m) on the way in, prints them shifted back, and visits nodes and keys
// in unshifted order (ring, lookup-all), so that a rotation-invariant
// protocol prints the same bytes (correctness reference §5, property R).
package chordtest
