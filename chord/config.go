package chord

import (
	"errors"
	"fmt"
	"math/bits"
	"strings"

	"github.com/chordsim/chordsim/sim"
)

// LookupMode chooses who drives a lookup.
type LookupMode uint8

const (
	// Iterative: the initiator asks each hop in turn for the next one (the
	// Chord papers' simulator).
	Iterative LookupMode = iota
	// Recursive: each hop forwards the query; the last one answers the initiator.
	Recursive
)

// FixMode chooses how much of the finger table one fix_fingers call repairs.
type FixMode uint8

const (
	// FixOne refreshes the next finger that needs a remote lookup, in round
	// robin order (ToN Fig. 6). Fingers whose start lies in (n, successor]
	// are the successor, so they are set locally on the way.
	FixOne FixMode = iota
	// FixAll refreshes every finger, one lookup after another (S01 §6.5:
	// stabilization "updates all finger entries on every call").
	FixAll
	// FixRandom refreshes one finger level drawn uniformly from 1..m−1
	// (the 2001 churn simulator, sim/new stabilize.c:120, and the
	// statistical theory of Krishnamurthy et al., IPTPS 2005). A level
	// whose start lies in (n, successor] is set locally: the call is spent.
	FixRandom
)

// Timers chooses how the period of a periodic task is drawn.
type Timers uint8

const (
	// TimersUniform draws each period uniformly from
	// [p·(1−jitter), p·(1+jitter)] (the 2001 simulators: uniform [15, 45] s
	// for p = 30 s, sim/new stabilize.c:19, sim/no-rpc stabilize.c:85).
	TimersUniform Timers = iota
	// TimersExponential draws each period, and the first phase,
	// exponentially with mean p: each task is a Poisson process (the
	// memoryless stabilization of Krishnamurthy et al., IPTPS 2005).
	TimersExponential
	// TimersConstant fires every p exactly after a uniform first phase.
	TimersConstant
)

// StabilizeMode chooses what one stabilize round refreshes.
type StabilizeMode uint8

const (
	// StabilizeSuccessor refreshes the successor (and the successor list
	// copied from it); fingers have their own fix_fingers timer (ToN Fig. 6).
	StabilizeSuccessor StabilizeMode = iota
	// StabilizeSuccessorPlusOne refreshes the successor and, with
	// probability 1/2, one finger in the fix_fingers mode; the fix_fingers
	// timer does not run (T03 §V-A: "the successor and one other entry"
	// per round; sim/no-rpc stabilize.c:54–55, 98, 109–113, whose other
	// half refreshes a successor-list entry, which chordsim's list copy
	// from the successor covers already).
	StabilizeSuccessorPlusOne
)

// Detect chooses how a node decides that a peer it asked is dead.
type Detect uint8

const (
	// DetectTimeout: a request unanswered within rpc_timeout (ToN §V-A).
	DetectTimeout Detect = iota
	// DetectOracle: a request to a peer that is alive when it is sent waits
	// lookup_timeout instead of rpc_timeout, so a slow answer is not taken
	// for a death; a request to a dead peer times out after rpc_timeout.
	// Measurement only: the oracle plays the part the 2001 simulators gave
	// their global node table (sim/no-rpc request.c:277, sim/new
	// stabilize.c:42), which leaves them no false timeouts.
	DetectOracle
)

// Forget chooses who drops a peer from its own tables after a request of
// an iterative lookup to it timed out.
type Forget uint8

const (
	// ForgetInitiator: the lookup's initiator forgets the silent peer
	// (chordsim's rule; written true in older configs).
	ForgetInitiator Forget = iota
	// ForgetNone: nobody forgets it after a lookup timeout; stabilize or
	// check_predecessor finds it dead in its own time (T03 Table II's
	// text: "fingers to failed nodes are not removed"; written false in
	// older configs).
	ForgetNone
	// ForgetNamer: the node that named the silent peer forgets it, when
	// the lookup goes back to it carrying the peer's identifier, as T03's
	// simulator does (sim/no-rpc request.c:281–289 sends the request back
	// to the previous node with the dead one's identifier, and that node
	// removes it from its list, request.c:97–101). A silent first hop was
	// named by the initiator, which forgets it itself. The namer acts on
	// this hearsay through its failure detector (suspect_confirm pings).
	ForgetNamer
)

// Protocol names a preset: the protocol and measurement choices of one
// paper's protocol or simulator (docs/papers-simulators.md).
type Protocol uint8

const (
	// ProtocolZave is chordsim's own protocol, today's defaults: Zave's
	// corrections, a confirmed failure detector, ToN's maintenance.
	ProtocolZave Protocol = iota
	// ProtocolToN is the protocol as ToN (T03) publishes it: Fig. 6 with
	// the successor list of §IV-E.3, acting at the first timeout.
	ProtocolToN
	// ProtocolToNSim is T03 §V's simulator (sim/no-rpc): the successor and
	// one other entry per round, the old-predecessor notification, an
	// immediate stabilize on join, no forgetting after a lookup timeout,
	// liveness from the simulator.
	ProtocolToNSim
	// ProtocolS01Sim is S01 §6.5's churn simulator (sim/new): one random
	// finger level per fix_fingers call, fingers-only routing, no
	// immediate stabilize on join, departed nodes purged from every table
	// by the simulator, liveness from the simulator.
	ProtocolS01Sim
	// ProtocolCustom applies no preset's choices beyond the defaults'; it
	// marks a config whose choices were set by hand.
	ProtocolCustom
)

// Routing chooses which entries closest_preceding_node may return.
type Routing uint8

const (
	// FingersAndSuccessors searches the finger table and the successor list
	// (ToN §IV-E.3), which also lets lookups route around dead fingers.
	FingersAndSuccessors Routing = iota
	// FingersOnly searches the finger table alone (S01 Fig. 4), the rule behind
	// S01 Fig. 10's path lengths.
	FingersOnly
)

// Variant chooses between the protocol with the corrections for its known
// flaws and the protocol as published (correctness reference §2.3, §3).
type Variant uint8

const (
	// Zave never adopts a pointer to a node that has not
	// answered (Zave's fixes J and S; Verdi states it as a rule): stabilize
	// asks its successor's predecessor before making it its successor, and
	// a notified node whose predecessor is not displaced by the notifier
	// pings that predecessor and takes the notifier if it is silent (Zave's
	// rectify), instead of waiting for check_predecessor. A joiner walks
	// back from the successor its lookup named through predecessors that
	// answer, so that its list skips no live node, and a member that has
	// lost every successor repairs its list through another node (the
	// rendezvous if it knows none) instead of becoming a ring of one.
	Zave Variant = iota
	// Original is ToN Fig. 6 as published: stabilize adopts the
	// successor's predecessor as soon as it hears of it, and notify keeps
	// a dead predecessor until check_predecessor clears it (for
	// reproducing the papers' figures and the counterexamples of §2).
	Original
)

var variantNames = [...]string{Zave: "zave", Original: "original"}

// ParseVariant parses a variant name ("zave" or "original").
func ParseVariant(s string) (Variant, error) {
	var v Variant
	err := v.UnmarshalText([]byte(s))
	return v, err
}

// String is the variant as configs write it (MarshalText).
func (v Variant) String() string {
	b, err := v.MarshalText()
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// MarshalText writes zave or original.
func (v Variant) MarshalText() ([]byte, error) { return enumText("variant", variantNames[:], v) }

// UnmarshalText reads zave or original.
func (v *Variant) UnmarshalText(b []byte) error {
	return enumParse("variant", variantNames[:], b, v)
}

// Config holds the knobs of the protocol (not of the simulated network).
// Its tags make it the chord section of an experiment config (package
// config, decoded by internal/yamlconf): yaml is the key, doc the line in
// --fields and docs/manual.md, unit and enum what the value may be.
type Config struct {
	Bits                  int          `yaml:"m" doc:"identifier bits; the ring has 2^m identifiers" unit:"bits"`
	Successors            int          `yaml:"successors" doc:"successor-list length r" unit:"nodes"`
	StabilizeEvery        sim.Duration `yaml:"stabilize_every" doc:"mean period of stabilize; 0s turns it off" unit:"duration"`
	FixFingersEvery       sim.Duration `yaml:"fix_fingers_every" doc:"mean period of fix_fingers; 0s turns it off" unit:"duration"`
	CheckPredecessorEvery sim.Duration `yaml:"check_predecessor_every" doc:"mean period of check_predecessor; 0s turns it off" unit:"duration"`
	Jitter                float64      `yaml:"jitter" doc:"timers uniform: each period is drawn uniformly from [p·(1−jitter), p·(1+jitter)]; ignored by the other timers" unit:"fraction"`
	FixFingers            FixMode      `yaml:"fix_fingers" doc:"one: each call repairs the next finger that needs a lookup (ToN); all: each call repairs every finger (S01 §6.5); random: each call repairs one level drawn uniformly from 1..m−1 (the 2001 churn simulator, sim/new stabilize.c:120)" enum:"one|all|random"`
	Lookup                LookupMode   `yaml:"lookup" doc:"iterative: the initiator contacts each hop; recursive: each hop forwards the query" enum:"iterative|recursive"`
	Routing               Routing      `yaml:"routing" doc:"what closest_preceding_node searches: fingers (S01 Fig. 4) or fingers+successors (ToN §IV-E.3)" enum:"fingers|fingers+successors"`
	RPCTimeout            sim.Duration `yaml:"rpc_timeout" doc:"a request unanswered this long means the peer is dead" unit:"duration"`
	LookupTimeout         sim.Duration `yaml:"lookup_timeout" doc:"recursive lookups: a leg (from the initiator's forward to the answer) unanswered this long counts as a timeout, and the initiator starts a new leg until lookup_retries are used up; with 0 retries it gives up" unit:"duration"`
	LookupRetries         int          `yaml:"lookup_retries" doc:"timeouts a lookup survives while it routes around silent nodes (iterative: the initiator tries the next best node, ToN §IV-E.3; recursive: each hop does) and checks that the owner is alive; 0 fails at the first timeout (S01 Fig. 12)" unit:"timeouts"`
	MaxHops               int          `yaml:"max_hops" doc:"a lookup needing more hops fails (guards against routing loops)" unit:"hops"`
	VirtualNodes          int          `yaml:"virtual_nodes" doc:"ring members per real node (S01 §4.2); n counts real nodes and load is counted per real node; bootstrap ideal only" unit:"members/node"`

	// Finger geometry and proximity (issue 19).
	Base int `yaml:"base" doc:"finger base b, a power of two: for each base-b digit position i, b−1 fingers at n + j·b^i (j = 1..b−1), (b−1)·log_b 2^m entries; 2 is the papers' table (p2psim's ChordFinger base)" unit:"base"`
	// RTT-based timeouts (Li et al. 2005): a request to a peer whose
	// round-trip time the node has measured times out after k times that
	// estimate, no sooner than the floor; 0 keeps rpc_timeout for all.
	RTTTimeout    float64      `yaml:"rtt_timeout" doc:"per-request timeout = rtt_timeout × the node's smoothed RTT to the peer (Li et al. 2005), at least rtt_timeout_min; peers not yet measured get rpc_timeout; 0 turns it off (rpc_timeout for every request). A lookup's total budget stays lookup_retries timeouts" unit:"× RTT"`
	RTTTimeoutMin sim.Duration `yaml:"rtt_timeout_min" doc:"floor of the RTT-based timeout" unit:"duration"`
	PNS           int          `yaml:"pns" doc:"proximity neighbour selection: each finger is the lowest-RTT node among the first pns successors of its start that lie before the next finger's start (T03 §V-F); 1 is off; at most successors" unit:"candidates"`

	// Fault handling (issue 17): how the protocol treats nodes that do not
	// answer. See Variant and detector.go.
	Variant        Variant `yaml:"variant" doc:"zave: never adopt a pointer to a node that has not answered (stabilize asks the successor's predecessor first; a notified node pings its predecessor and takes the notifier if it is silent: Zave's rectify); original: ToN Fig. 6 as published (stabilize adopts its successor's predecessor unasked; notify waits for check_predecessor to clear a dead predecessor)" enum:"zave|original"`
	SuspectConfirm int     `yaml:"suspect_confirm" doc:"failure detector: pings a node sends a peer that missed an answer before it drops the peer or replaces its predecessor (a lookup re-checks an owner candidate as often); 0 acts at the first timeout (ToN)" unit:"pings"`

	// The papers' protocol and measurement choices (issue 18; each
	// field's source is in docs/papers-simulators.md). Protocol sets them
	// all; a field the config file sets overrides it (see ApplyPreset).
	Protocol                Protocol      `yaml:"protocol" doc:"preset of the choices below and of fix_fingers, routing, variant and suspect_confirm: zave (chordsim's protocol, the defaults), ton (ToN Fig. 6 as published), ton-sim (T03 §V's simulator), s01-sim (S01 §6.5's churn simulator), custom (the defaults, set by hand); fields set in the file override it" enum:"zave|ton|ton-sim|s01-sim|custom" sweep:"no"`
	Timers                  Timers        `yaml:"timers" doc:"how maintenance periods are drawn: uniform on [p·(1−jitter), p·(1+jitter)] (the 2001 simulators' [15, 45] s), exponential with mean p (memoryless, Krishnamurthy et al. IPTPS 2005), constant p" enum:"uniform|exponential|constant"`
	Stabilize               StabilizeMode `yaml:"stabilize" doc:"what a stabilize round refreshes: successor (ToN Fig. 6; fingers have their own timer) or successor+one (T03 §V-A: with probability 1/2 also one finger in the fix_fingers mode; the fix_fingers timer does not run)" enum:"successor|successor+one"`
	NotifyOldPredecessor    bool          `yaml:"notify_old_predecessor" doc:"a node whose predecessor changes from p to p′ tells p, so that p takes p′ as its successor without waiting for its next stabilize (T03 §V-A)"`
	ForgetOnTimeout         Forget        `yaml:"forget_on_timeout" doc:"who drops a peer from its own tables after a request of an iterative lookup to it timed out: initiator (the lookup's initiator, chordsim; true in older configs), none (nobody: it stays until stabilize or check_predecessor finds it dead, T03 Table II's text: fingers to failed nodes are not removed; false in older configs), namer (the node that named the peer, told by the lookup's next question to it, which carries the peer's identifier: T03's simulator, sim/no-rpc request.c:97–101, 281–289; the initiator for a first hop)" enum:"initiator|none|namer|true|false"`
	FallbackOwners          bool          `yaml:"fallback_owners" doc:"after a hop of an iterative lookup timed out, the lookup may take the key's owner from the successor list of the node that named the hop, though that node is not the key's predecessor (chordsim before December 2026); false (the default) asks the next best predecessor instead, so only the key's apparent predecessor names the owner (ToN §IV-E.3: the lookup proceeds by trying the next best predecessor; T03's simulator, request.c: back to the node that named the silent hop). true can answer a wrong owner: that list may not know a node that joined since, which the nodes nearer the key already know"`
	StabilizeOnJoin         bool          `yaml:"stabilize_on_join" doc:"a joiner stabilizes as soon as it is a member, instead of at a random phase of its timer (T03's simulator, sim/no-rpc join.c:65; Krishnamurthy et al. IPTPS 2005)"`
	PurgeDeparted           bool          `yaml:"purge_departed" doc:"measurement only: when a node fails or leaves, the simulator removes it from every member's successor list, fingers and predecessor at once, as S01's churn simulator does (sim/new leave.c:76–105), so no table names a departed node"`
	PurgeToFinger           bool          `yaml:"purge_to_finger" doc:"measurement only, with purge_departed: the purge rewrites each member's tables as S01's churn simulator does (sim/new leave.c:76–105, deleteRefFromTables): from the top level down, a finger naming the departed node takes the entry above it (the top one none), a departed successor becomes finger 1's new value, however many live nodes lie before it, and the successor list shrinks to it (the simulator keeps one successor, node.h:27); an empty finger on the way makes it the node itself, and a member so left alone takes its predecessor as successor and every finger (leave.c:98–102); a departed predecessor becomes the departed node's predecessor (leave.c:93–96). The skipped live nodes answer for their keys only once a stabilize or a learned answer (learn) finds them. A stabilize that finds its successor leaving (churn.leave_wait) drops it the same way. false closes the successor list up (the next live node) and empties the fingers and predecessor. Ignored without purge_departed"`
	Learn                   bool          `yaml:"learn" doc:"a node that hears of another node in a message (a fix_fingers lookup's answer, a stabilize answer naming the successor's predecessor, the successor a join found, the predecessor a leaving node hands over) takes it into every finger it improves (it lies at or after the finger's start and before the current finger, clockwise), as its successor if it lies between the node and its successor, and as its predecessor if it lies between the predecessor and the node, as S01's churn simulator does (sim/new node.c:135–147, updateNodeState; called from join.c:60, leave.c:37, stabilize.c:63–68, 147). User lookups teach nothing, as there. With purge_departed a node already departed is not learned"`
	FingerLookupRandomStart int           `yaml:"finger_lookup_random_start" doc:"measurement only, with fix_fingers random: a fix_fingers lookup for a level i with i mod k = k − 1 starts at a member drawn uniformly by the simulator instead of at the node itself, even when the level's start lies before the successor (S01's churn simulator, sim/new stabilize.c:131–132, k = 8: one level in eight). The simulator plays a part here that no node could: it knows every member. With learn, the answer can give the node a successor it skipped. 0 is off" unit:"levels"`
	CountRevisits           bool          `yaml:"count_revisits" doc:"measurement only: a user lookup's hops count every time a node other than the initiator handled it, so that after a timeout the node that named the silent hop counts again, as T03's simulator counts (sim/no-rpc request.c:103–105: backtracking re-sends the request to that node); false counts the nodes on the final path from the initiator, less one (S01 Fig. 10's hops). Iterative lookups with lookup_retries > 0 only; the same count otherwise"`
	CountOwnerTimeouts      bool          `yaml:"count_owner_timeouts" doc:"measurement only: a user lookup's timeouts include those of the initiator's check that the owner it found is alive (chordsim); false leaves them out, as T03's simulator counts: its lookup ends at the key's apparent predecessor and never contacts the owner, so a dead owner costs it no timeout (sim/no-rpc request.c:236–253). Iterative lookups with lookup_retries > 0 only; messages still count the checks"`
	Detect                  Detect        `yaml:"detect" doc:"how a dead peer is recognized: timeout (no answer within rpc_timeout) or oracle (measurement only: a request to a live peer waits lookup_timeout, so there are no false timeouts, as in the 2001 simulators that asked their node table)" enum:"timeout|oracle"`
}

// DefaultConfig returns the defaults: m = 64, r = 16 (about 2·log2 of
// 10^2.4 nodes; raise it for large rings under failures), stabilization
// every 30 s as in S01 §6.5, a 500 ms timeout as in ToN §V-A.
func DefaultConfig() Config {
	return Config{
		Bits:                  64,
		Successors:            16,
		StabilizeEvery:        30 * sim.Second,
		FixFingersEvery:       30 * sim.Second,
		CheckPredecessorEvery: 30 * sim.Second,
		Jitter:                0.5,
		FixFingers:            FixOne,
		Lookup:                Iterative,
		Routing:               FingersAndSuccessors,
		RPCTimeout:            500 * sim.Millisecond,
		LookupTimeout:         30 * sim.Second,
		MaxHops:               128,
		LookupRetries:         3,
		VirtualNodes:          1,
		Base:                  2,
		PNS:                   1,
		RTTTimeoutMin:         50 * sim.Millisecond,
		Variant:               Zave,
		SuspectConfirm:        3,
		Protocol:              ProtocolZave,
		Timers:                TimersUniform,
		Stabilize:             StabilizeSuccessor,
		ForgetOnTimeout:       ForgetInitiator,
		FallbackOwners:        false,
		CountOwnerTimeouts:    true,
		Detect:                DetectTimeout,
	}
}

// MaxBase is the largest finger base: 256 gives 255 fingers per digit,
// already 2,040 finger entries (16 KiB) per node at m = 64.
const MaxBase = 256

// FingerSlots is the number of finger entries per node with m-bit
// identifiers and finger base b (a power of two): b−1 per base-b digit
// position, those whose start j·b^i lies within the ring (below 2^m). With
// b = 2 it is m.
func FingerSlots(m, b int) int {
	d := bits.Len(uint(b)) - 1
	n := 0
	for i := 0; i*d < m; i++ {
		for j := 1; j < b; j++ {
			if i*d+bits.Len(uint(j)) > m {
				break
			}
			n++
		}
	}
	return n
}

// Validate lists every problem with c, one line each, as "key: problem;
// fix" with the field's yaml key; a caller that holds c in a larger config
// puts its own path in front (the experiment config writes chord.m).
func (c Config) Validate() error {
	var errs []error
	bad := func(key string, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
	}
	if c.VirtualNodes < 1 {
		bad("virtual_nodes", "%d is less than 1; every real node runs at least one ring member", c.VirtualNodes)
	}
	if c.Bits < 1 || c.Bits > 64 {
		bad("m", "%d is outside 1..64; identifiers are at most 64 bits", c.Bits)
	}
	if c.Successors < 1 {
		bad("successors", "%d is less than 1; a node needs at least one successor (use about 2·log2 n under failures)", c.Successors)
	}
	for _, p := range []struct {
		key string
		d   sim.Duration
	}{{"stabilize_every", c.StabilizeEvery}, {"fix_fingers_every", c.FixFingersEvery}, {"check_predecessor_every", c.CheckPredecessorEvery}} {
		if p.d < 0 {
			bad(p.key, "%v is negative; use a positive duration, or 0s to turn it off", p.d)
		}
	}
	if !(c.Jitter >= 0 && c.Jitter <= 1) {
		bad("jitter", "%v is outside 0..1; it is a fraction of the period", c.Jitter)
	}
	if c.FixFingers > FixRandom {
		bad("fix_fingers", "%d is not one, all or random", c.FixFingers)
	}
	if c.Protocol > ProtocolCustom {
		bad("protocol", "%d is not zave, ton, ton-sim, s01-sim or custom", c.Protocol)
	}
	if c.Timers > TimersConstant {
		bad("timers", "%d is not uniform, exponential or constant", c.Timers)
	}
	if c.Stabilize > StabilizeSuccessorPlusOne {
		bad("stabilize", "%d is not successor or successor+one", c.Stabilize)
	}
	if c.ForgetOnTimeout > ForgetNamer {
		bad("forget_on_timeout", "%d is not initiator, none or namer", c.ForgetOnTimeout)
	}
	if c.Detect > DetectOracle {
		bad("detect", "%d is not timeout or oracle", c.Detect)
	}
	if c.Lookup > Recursive {
		bad("lookup", "%d is not iterative or recursive", c.Lookup)
	}
	if c.Routing > FingersOnly {
		bad("routing", "%d is not fingers or fingers+successors", c.Routing)
	}
	if c.RPCTimeout <= 0 {
		bad("rpc_timeout", "%v must be positive", c.RPCTimeout)
	}
	if c.LookupTimeout <= 0 {
		bad("lookup_timeout", "%v must be positive", c.LookupTimeout)
	}
	if c.SuspectConfirm < 0 || c.SuspectConfirm > 20 {
		bad("suspect_confirm", "%d is outside 0..20; use 0 to act at the first timeout (ToN), or a few pings", c.SuspectConfirm)
	}
	if c.Variant > Original {
		bad("variant", "%d is not zave or original", c.Variant)
	}
	if c.MaxHops < 1 {
		bad("max_hops", "%d is less than 1", c.MaxHops)
	}
	if c.Base < 2 || c.Base > MaxBase || c.Base&(c.Base-1) != 0 {
		bad("base", "%d is not a power of two in 2..%d; use 2 (the papers' fingers), 4, 8, 16, ...", c.Base, MaxBase)
	} else if c.Bits >= 1 && c.Bits <= 64 && bits.Len(uint(c.Base))-1 > c.Bits {
		bad("base", "%d is larger than the %d-bit identifier space (2^m = %d); use a base of at most 2^m", c.Base, c.Bits, uint64(1)<<uint(c.Bits))
	}
	if !(c.RTTTimeout == 0 || c.RTTTimeout >= 1 && c.RTTTimeout <= 100) {
		bad("rtt_timeout", "%v is outside 1..100; a timeout shorter than the round trip fires on every request: use 0 (off) or a multiple such as 3", c.RTTTimeout)
	}
	if c.RTTTimeoutMin < 0 {
		bad("rtt_timeout_min", "%v is negative; use a positive floor such as 50ms", c.RTTTimeoutMin)
	}
	if c.PNS < 1 {
		bad("pns", "%d is less than 1; use 1 to turn proximity neighbour selection off", c.PNS)
	} else if c.Successors >= 1 && c.PNS > c.Successors {
		bad("pns", "%d is larger than the successor list (successors = %d); a node chooses among successors it knows: use at most %d, or lengthen the list", c.PNS, c.Successors, c.Successors)
	}
	if c.LookupRetries < 0 || c.LookupRetries > 1000 {
		bad("lookup_retries", "%d is outside 0..1000; use 0 to fail a lookup at its first timeout", c.LookupRetries)
	}
	if c.FingerLookupRandomStart < 0 || c.FingerLookupRandomStart > 64 {
		bad("finger_lookup_random_start", "%d is outside 0..64; use 0 (off) or 8 (S01's churn simulator)", c.FingerLookupRandomStart)
	}
	return errors.Join(errs...)
}

// Names of the modes, as written in configs; the index is the mode's value.
var (
	fixModeNames    = [...]string{"one", "all", "random"}
	timersNames     = [...]string{"uniform", "exponential", "constant"}
	stabilizeNames  = [...]string{"successor", "successor+one"}
	detectNames     = [...]string{"timeout", "oracle"}
	forgetNames     = [...]string{"initiator", "none", "namer"}
	protocolNames   = [...]string{"zave", "ton", "ton-sim", "s01-sim", "custom"}
	lookupModeNames = [...]string{"iterative", "recursive"}
	routingNames    = [...]string{"fingers+successors", "fingers"}
)

// enumText returns names[v], or an error for a value outside the names.
func enumText[T ~uint8](what string, names []string, v T) ([]byte, error) {
	if int(v) >= len(names) {
		return nil, fmt.Errorf("chord: %s %d is not known", what, v)
	}
	return []byte(names[v]), nil
}

// enumParse sets *v to the value whose name is text.
func enumParse[T ~uint8](what string, names []string, text []byte, v *T) error {
	for i, n := range names {
		if string(text) == n {
			*v = T(i)
			return nil
		}
	}
	return fmt.Errorf("%s %q is not one of %s", what, text, strings.Join(names, ", "))
}

// String is the mode as configs write it (MarshalText).
func (m FixMode) String() string {
	b, err := m.MarshalText()
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// MarshalText writes one, all or random.
func (m FixMode) MarshalText() ([]byte, error) { return enumText("fix mode", fixModeNames[:], m) }

// UnmarshalText reads one, all or random.
func (m *FixMode) UnmarshalText(b []byte) error {
	return enumParse("fix mode", fixModeNames[:], b, m)
}

// String is the mode as configs write it (MarshalText).
func (m LookupMode) String() string {
	b, err := m.MarshalText()
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// MarshalText writes iterative or recursive.
func (m LookupMode) MarshalText() ([]byte, error) {
	return enumText("lookup mode", lookupModeNames[:], m)
}

// UnmarshalText reads iterative or recursive.
func (m *LookupMode) UnmarshalText(b []byte) error {
	return enumParse("lookup mode", lookupModeNames[:], b, m)
}

// String is the rule as configs write it (MarshalText).
func (r Routing) String() string {
	b, err := r.MarshalText()
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// MarshalText writes fingers+successors or fingers.
func (r Routing) MarshalText() ([]byte, error) { return enumText("routing", routingNames[:], r) }

// UnmarshalText reads fingers+successors or fingers.
func (r *Routing) UnmarshalText(b []byte) error {
	return enumParse("routing", routingNames[:], b, r)
}

// String is the timer law as configs write it (MarshalText).
func (t Timers) String() string { return textString(t.MarshalText()) }

// MarshalText writes uniform, exponential or constant.
func (t Timers) MarshalText() ([]byte, error) { return enumText("timers", timersNames[:], t) }

// UnmarshalText reads uniform, exponential or constant.
func (t *Timers) UnmarshalText(b []byte) error { return enumParse("timers", timersNames[:], b, t) }

// String is the mode as configs write it (MarshalText).
func (m StabilizeMode) String() string { return textString(m.MarshalText()) }

// MarshalText writes successor or successor+one.
func (m StabilizeMode) MarshalText() ([]byte, error) {
	return enumText("stabilize", stabilizeNames[:], m)
}

// UnmarshalText reads successor or successor+one.
func (m *StabilizeMode) UnmarshalText(b []byte) error {
	return enumParse("stabilize", stabilizeNames[:], b, m)
}

// String is the detector as configs write it (MarshalText).
func (d Detect) String() string { return textString(d.MarshalText()) }

// MarshalText writes timeout or oracle.
func (d Detect) MarshalText() ([]byte, error) { return enumText("detect", detectNames[:], d) }

// UnmarshalText reads timeout or oracle.
func (d *Detect) UnmarshalText(b []byte) error { return enumParse("detect", detectNames[:], b, d) }

// String is the rule as configs write it (MarshalText).
func (f Forget) String() string { return textString(f.MarshalText()) }

// MarshalText writes initiator, none or namer.
func (f Forget) MarshalText() ([]byte, error) {
	return enumText("forget_on_timeout", forgetNames[:], f)
}

// UnmarshalText reads initiator, none or namer, and the boolean spellings
// of older configs: true (initiator) and false (none).
func (f *Forget) UnmarshalText(b []byte) error {
	switch string(b) {
	case "true":
		*f = ForgetInitiator
		return nil
	case "false":
		*f = ForgetNone
		return nil
	}
	return enumParse("forget_on_timeout", forgetNames[:], b, f)
}

// ParseForget parses a forget_on_timeout value (UnmarshalText).
func ParseForget(s string) (Forget, error) {
	var f Forget
	err := f.UnmarshalText([]byte(s))
	return f, err
}

// String is the preset as configs write it (MarshalText).
func (p Protocol) String() string { return textString(p.MarshalText()) }

// MarshalText writes the preset's name.
func (p Protocol) MarshalText() ([]byte, error) {
	return enumText("protocol", protocolNames[:], p)
}

// UnmarshalText reads a preset's name.
func (p *Protocol) UnmarshalText(b []byte) error {
	return enumParse("protocol", protocolNames[:], b, p)
}

// ParseProtocol parses a preset's name.
func ParseProtocol(s string) (Protocol, error) {
	var p Protocol
	err := p.UnmarshalText([]byte(s))
	return p, err
}

func textString(b []byte, err error) string {
	if err != nil {
		return err.Error()
	}
	return string(b)
}
