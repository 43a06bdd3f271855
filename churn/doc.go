// Package churn is the workload of membership changes: it decides when nodes
// join, fail or leave, and which ones, and tells a Target. It knows nothing
// about Chord (the target decides what a join or a failure means), so the
// same workloads drive any system and can be tested against a fake.
//
// # Generators
//
// A Generator is a plain configuration value. Start registers it on a
// sim.Scheduler and schedules its events in a window [from, until) of virtual
// time (until = NoEnd leaves it open); the returned Running's Counts say what
// it actually did. Each generator draws from its own random stream (see
// Stream), so that switching one on never changes another's choices, and the
// same seed gives the same calls in the same order. Events carry everything
// they need in their kind and ref, so a running generator allocates nothing
// per event.
//
//   - Poisson: independent Poisson processes of fresh joins, crashes and
//     graceful leaves at system-wide rates (events per second). A crash or
//     leave hits a uniformly random live node.
//   - Sessions: every node live at the start, and every node it starts,
//     alternates between an up time drawn from Session and a down time drawn
//     from Downtime; a session ends in a failure or a leave (Departure), and
//     the node comes back with a fresh identifier, the same identifier, or
//     never (Rejoin).
//   - MassFailure: at one instant, crash round(Fraction·live) distinct live
//     nodes chosen uniformly at random.
//   - Trace: replay a file of timed events on named nodes.
//
// # Distributions
//
// Session and down times are Dist values, written "kind:params":
//
//	exp:1h            exponential with mean 1h
//	pareto:1h,1.5     Pareto with mean 1h and tail index 1.5 (> 1)
//	weibull:1h,0.7    Weibull with mean 1h and shape 0.7 (≥ 0.1; < 1 is heavy-tailed)
//	const:30m         always 30m
//	uniform:30m,90m   uniform between 30m and 90m
//	none              off (also the empty string)
//
// The first parameter of the three random families is the mean, so they can
// be compared at equal average churn. Draws are at least 1 ns and at most
// MaxSample.
//
// # Trace files
//
// One event per line, "TIME VERB NODE", separated by white space:
//
//	# join two nodes, crash one, retire an initial node, rejoin a name
//	0        join  alice
//	12.5     join  10.0.0.7:4000   # a bare number is seconds
//	90s      fail  alice
//	2m       leave #3              # #K: the K-th initial node, in identifier order
//	2m       join  alice           # a name can rejoin once it is gone
//	1h2m3.5s join  bob
//
// TIME is a Go duration or a bare number of seconds, counted from the start
// of churn; times must not decrease, and events at equal times run in file
// order. VERB is join, leave or fail. NODE is a name without white space,
// which cannot start with #, or #K for one of the initial nodes. A join
// calls Target.JoinNamed (so a name rejoins with its old identifier); fail
// and leave act on the node that carries the name at that moment. Blank
// lines are ignored, and a field starting with # begins a comment (except
// #K in the NODE position). Lines are at most MaxTraceLine bytes.
//
// ParseTrace checks the whole file before any run and reports
// "file:LINE: problem; fix" for an unknown verb, a malformed line or time,
// time going backwards, a fail or leave of a name that is not live at that
// point (never joined, or already gone), a join of a name that is live, a
// join of #K (initial nodes exist from the start; bring one back under a
// new name), and a #K beyond the initial ring.
package churn
