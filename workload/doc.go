// Package workload describes the requests a run sends to the simulator's
// key-value service: either read from a workload file, in the format of the
// reference Python system (CHORD-KV / ToyChord), so its published workloads
// can be replayed unchanged, or drawn from a [Generator] with a chosen key
// popularity and read/delete/insert mix.
//
// # Workload files
//
// A workload file is UTF-8 text with one request per line. How a line is
// read depends on the [Mode] (the reference system's --request-type):
//
//	ModeInsert   KEY,VALUE          insert VALUE under KEY
//	ModeQuery    KEY                query KEY
//	             KEY,ANYTHING       query KEY; the rest is ignored, so an
//	                                insert file can be replayed as queries
//	ModeMix      insert,KEY,VALUE   insert VALUE under KEY
//	             query,KEY          query KEY
//	             delete,KEY         delete KEY
//
// For example, an insert file
//
//	# songs by title
//	Like a Rolling Stone,Bob Dylan
//	Hey Jude,The Beatles, 1968
//
// inserts "Bob Dylan" under "Like a Rolling Stone" and "The Beatles, 1968"
// under "Hey Jude": the key ends at the first comma and the value is the
// rest of the line, commas included. In mix mode the operation word is
// case-insensitive and the value starts after the second comma:
//
//	insert, Hey Jude, The Beatles
//	QUERY,Hey Jude
//	delete,Hey Jude
//	query,*
//
// Keys and values are trimmed of surrounding white space and must be
// non-empty, so neither a key nor (in insert lines) a value can be made of
// spaces, and a key cannot contain a comma. The key "*" means "all pairs":
// it may be queried but not inserted or deleted. Keys and values must be
// valid UTF-8 without control characters (a tab is trimmed around them but
// refused inside them). Blank lines and lines whose first non-space
// character is '#' are skipped, but still count when errors give line
// numbers. A byte order mark at the start of the file and Windows line
// endings are accepted. Lines may be up to 1 MiB long.
//
// [Parse] rejects the whole file at its first bad line, with an error such
// as
//
//	songs.txt:3: empty value (the line was "Hey Jude,"); write KEY,VALUE with a non-empty value (values are trimmed of spaces)
//
// because replaying half a workload would silently change an experiment.
//
// # Generated workloads
//
// A [Spec] draws keys named key0, key1, … from a population of a given
// size, uniformly or with Zipf popularity (key i drawn with probability
// proportional to 1/(i+1)^s, for any s ≥ 0), and makes each request a query,
// a delete or an insert with given probabilities. Every insert writes a
// value never written before (v1, v2, …), so a checker can tell which write
// a read observed. A [Generator] consumes randomness only from the
// *rand.Rand passed to [Generator.Next], so a run is reproducible from its
// seed.
package workload
