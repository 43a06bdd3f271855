package chord

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
	"unsafe"

	"github.com/chordsim/chordsim/sim"
)

// State is where a node is in its life.
type State uint8

// Node states.
const (
	Idle    State = iota // created, not started
	Joining              // looking up its successor
	Member               // in the ring
	Failed               // crashed: silent from now on
	Left                 // departed gracefully
)

var stateNames = [...]string{"idle", "joining", "member", "failed", "left"}

func (s State) String() string { return stateNames[s] }

// Options configure a Ring.
type Options struct {
	Config     Config
	Net        sim.NetConfig
	Seed       uint64 // the run's seed; every stream of the ring derives from it
	UniformIDs bool   // draw identifiers uniformly instead of hashing node addresses with SHA-1
	// RTT is the world's round-trip time between two endpoints (a node's
	// endpoint is its handle); the world builder sets it. An ideal
	// bootstrap with chord.pns > 1 chooses fingers by it; nil counts every
	// pair alike.
	RTT RTTFunc
	// Costs is the message-size model (costs.go); nil is DefaultCosts.
	Costs *Costs

	reference bool // see Ring.reference; for tests
}

// Ring is one simulated Chord network: every node's protocol state, the
// network between them, and the oracle that measures them.
type Ring struct {
	cfg     Config
	space   Space
	tr      transport // the only way to the network and the clock
	oracle  Oracle
	uniform bool

	idRng, timerRng, joinRng *rand.Rand
	rendezvousRng            *rand.Rand // detector.go: a stranded member's rendezvous

	// The node table, indexed by handle (structure of arrays: a lookup hop
	// touches ids and fingers only).
	ids     []ID
	addrs   []uint64 // IPv4 address and port, for names
	host    []int32  // the real node a member runs on (virtual nodes, S01 §4.2)
	names   []string // explicit names; nil unless some node was named
	state   []State
	pred    []Handle
	succ    []Handle      // Successors() per node, None-padded
	fingers []fingerEntry // FingerCount() per node; finger 0 mirrors the successor
	// fix is fix_fingers' state per node: the next finger to refresh in
	// the low 15 bits, and fixInFlight when a fix_fingers lookup of the
	// node is in flight (one uint16, so that bases up to MaxBase cost no
	// more memory than the uint8 and bool of base 2 did).
	fix     []uint16
	joining map[ID]Handle
	// created holds the members that created their ring (Create) and whose
	// list has never held another node; for the invariant checker, which
	// allows such a member to list itself alone (see invariant.Node).
	created map[Handle]bool

	// Failure detection (detector.go): confirmations in progress, and the
	// members looking for a new successor after losing all of theirs.
	suspicions     []suspicion
	freeSuspicions []int32
	suspected      map[suspectKey]int32 // the suspicion in progress per (node, peer, action)
	repairing      map[Handle]bool
	// joinWalks: joiners (variant zave) checking that the successor their
	// lookup named skips no live node (membership.go, onJoinReply).
	joinWalks map[Handle]*joinWalk

	// Recursive lookups that route around silent nodes (recursive.go).
	recs         []recStep
	freeRec      []int32
	lookupSerial uint64

	// The finger geometry (Config.Base): nf entries per node, digitBits =
	// log2 of the base, perDigit = base − 1 fingers per digit position.
	nf        int
	digitBits uint
	perDigit  int

	// hiShift turns an identifier into the 32-bit prefix that finger
	// entries carry (fingerEntry.hi): max(m − 32, 0).
	hiShift uint
	// reference makes the ring take its plain code paths only: every
	// routing comparison reads the finger's identifier, every lookup
	// answer is checked by searching the oracle, and Touch hints nothing.
	// Results are the same either way; tests set it to prove that.
	reference bool

	lookups     []lookup
	freeLookups []int32
	inFlight    int // user lookups started and not finished
	sent        [numMsgKinds]uint64
	// Bytes sent (costs.go): by kind, and those of user lookups; the
	// model, and the fixed sizes its Kinds set.
	bytes     [numMsgKinds]uint64
	userBytes uint64
	costs     Costs
	fixedSize [numMsgKinds]int32
	scratch   []Handle
	learnBuf  []Handle // learn's copy of a successor list
	leaving   []bool   // by handle: waiting to leave (LeaveAfter); nil until the first
	result    LookupResult

	// Maintenance timers carry the epoch they were set in; stopping or
	// resuming maintenance starts a new epoch, so older timers lapse.
	maintEpoch uint64
	maintOff   bool

	log    []LogEntry // the last len(log) protocol events, a ring buffer; nil when off
	logPos int        // total entries written
	trace  *Tracer    // reports messages, state changes and lookups (tracer.go); nil when off

	layers []Hooks // the layers above the ring, by LayerID (see Attach)

	// Proximity (proximity.go): each node's measured round-trip times,
	// rttSlots per node (nil unless a feature uses them), and the world's
	// RTT function.
	rtt   []rttEntry
	rttFn RTTFunc

	// fingerAt is when the protocol last wrote each finger (nf per node),
	// for the pointer-state statistics; nil unless TrackFingerAge.
	// Last, so that the fields the lookup path reads keep their offsets.
	fingerAt []float32 // seconds
}

// Ring event kinds (timers).
const (
	evStabilize uint16 = iota
	evFixFingers
	evCheckPredecessor
	evJoin
	evLegTimeout // recursive.go: a leg of a recursive lookup went unanswered
	evLeave      // leave.go: a leaving node's wait is over (LeaveAfter)
)

// New creates an empty ring on scheduler s.
func New(s *sim.Scheduler, o Options) (*Ring, error) {
	if err := o.Config.Validate(); err != nil {
		return nil, err
	}
	costs := DefaultCosts()
	if o.Costs != nil {
		costs = *o.Costs
	}
	if err := costs.Validate(); err != nil {
		return nil, err
	}
	fixed, _ := costs.sizes()
	if o.Net.Loss < 0 || o.Net.Loss >= 1 {
		return nil, fmt.Errorf("network loss %v outside [0,1)", o.Net.Loss)
	}
	r := &Ring{
		cfg:           o.Config,
		space:         MustSpace(o.Config.Bits),
		uniform:       o.UniformIDs,
		idRng:         sim.Stream(o.Seed, "ids"),
		timerRng:      sim.Stream(o.Seed, "timers"),
		joinRng:       sim.Stream(o.Seed, "join"),
		joining:       make(map[ID]Handle),
		repairing:     make(map[Handle]bool),
		hiShift:       uint(max(o.Config.Bits-32, 0)),
		nf:            FingerSlots(o.Config.Bits, o.Config.Base),
		digitBits:     uint(bits.Len(uint(o.Config.Base)) - 1),
		perDigit:      o.Config.Base - 1,
		reference:     o.reference,
		rttFn:         o.RTT,
		costs:         costs,
		fixedSize:     fixed,
		rendezvousRng: sim.Stream(o.Seed, "rendezvous"),
		joinWalks:     make(map[Handle]*joinWalk),
	}
	r.oracle.reference = o.reference
	r.tr.sched = s
	r.tr.owner = s.Register(r)
	net := o.Net
	if net.Drain.On {
		// A stream of its own: turning the queue on moves no delay.
		net.DrainSalt = sim.Stream(o.Seed, "drain").Uint64()
	}
	r.tr.net = sim.NewNetwork[Msg](s, r, net, sim.Stream(o.Seed, "latency"), sim.Stream(o.Seed, "loss"))
	if o.Config.Detect == DetectOracle {
		r.tr.patience = o.Config.LookupTimeout
	}
	return r, nil
}

// Space is the ring's identifier space.
func (r *Ring) Space() Space { return r.space }

// Config is the protocol configuration.
func (r *Ring) Config() Config { return r.cfg }

// Oracle is the ground truth about membership.
func (r *Ring) Oracle() *Oracle { return &r.oracle }

// Host returns the real node that member h runs on. Real nodes are
// numbered 0..n−1; without virtual nodes a member is its own host.
func (r *Ring) Host(h Handle) int { return int(r.host[h]) }

// Nodes is the number of handles ever created.
func (r *Ring) Nodes() int { return len(r.ids) }

// ID returns a node's identifier.
func (r *Ring) ID(h Handle) ID { return r.ids[h] }

// State returns a node's life state.
func (r *Ring) State(h Handle) State { return r.state[h] }

// Predecessor returns what node h believes its predecessor is (None if unknown).
func (r *Ring) Predecessor(h Handle) Handle { return r.pred[h] }

// Successors returns node h's successor list (without padding). The slice
// aliases the ring's state: copy it to keep it.
func (r *Ring) Successors(h Handle) []Handle {
	l := r.succList(h)
	n := 0
	for n < len(l) && l[n] != None {
		n++
	}
	return l[:n]
}

// Finger returns node h's finger i (0 ≤ i < FingerCount()); None if unknown.
func (r *Ring) Finger(h Handle, i int) Handle { return r.fingers[int(h)*r.nf+i].h }

// FingerCount is the number of finger entries per node: m with base 2,
// (b−1)·log_b 2^m with base b (FingerSlots).
func (r *Ring) FingerCount() int { return r.nf }

// FingerStart is the start of node h's finger i: its identifier plus
// FingerOffset(i).
func (r *Ring) FingerStart(h Handle, i int) ID { return r.fingerStart(r.ids[h], i) }

// FingerOffset is the distance from a node to the start of its finger i:
// j·b^k for the j-th finger (j = 1..b−1) of digit position k, i =
// k·(b−1) + j − 1; with base 2 it is 2^i. Offsets grow with i.
func (r *Ring) FingerOffset(i int) uint64 {
	if r.digitBits == 1 {
		return 1 << uint(i)
	}
	k, j := i/r.perDigit, i%r.perDigit+1
	return uint64(j) << (r.digitBits * uint(k))
}

// fingerStart is nid + FingerOffset(i) on the ring.
func (r *Ring) fingerStart(nid ID, i int) ID { return r.space.Add(nid, r.FingerOffset(i)) }

// slotsUpTo is the number of fingers whose offset is at most e: the
// base-b digits of e say how many offsets j·b^k lie at or below it.
func (r *Ring) slotsUpTo(e uint64) int {
	if r.digitBits == 1 {
		return bits.Len64(e)
	}
	if e == 0 {
		return 0
	}
	k := uint(bits.Len64(e)-1) / r.digitBits
	return int(k)*r.perDigit + int(e>>(r.digitBits*k))
}

// Name returns a node's name: its explicit name, or its address "a.b.c.d:port".
func (r *Ring) Name(h Handle) string {
	if r.names != nil && r.names[h] != "" {
		return r.names[h]
	}
	var buf [24]byte
	return string(appendAddr(buf[:0], r.addrs[h]))
}

// MessagesSent returns how many messages of each kind the nodes sent.
func (r *Ring) MessagesSent() [numMsgKinds]uint64 { return r.sent }

// JoinsInProgress is the number of nodes that have started to join and are
// not members yet.
func (r *Ring) JoinsInProgress() int { return len(r.joining) }

// InFlight is the number of user lookups started and not yet finished.
func (r *Ring) InFlight() int { return r.inFlight }

func (r *Ring) succList(h Handle) []Handle {
	R := r.cfg.Successors
	return r.succ[int(h)*R : int(h)*R+R]
}

// fixInFlight is the bit of fix that says a fix_fingers lookup is out.
const fixInFlight = 1 << 15

func (r *Ring) nextFinger(n Handle) int { return int(r.fix[n] &^ fixInFlight) }

func (r *Ring) setNextFinger(n Handle, i int) {
	r.fix[n] = r.fix[n]&fixInFlight | uint16(i)
}

func (r *Ring) fixing(n Handle) bool { return r.fix[n]&fixInFlight != 0 }

func (r *Ring) setFixing(n Handle, on bool) {
	if on {
		r.fix[n] |= fixInFlight
	} else {
		r.fix[n] &^= fixInFlight
	}
}

func (r *Ring) fingerTable(h Handle) []fingerEntry {
	M := r.nf
	return r.fingers[int(h)*M : int(h)*M+M]
}

// StateBytes estimates the memory, in bytes, of the node state of a ring
// of members nodes with f finger entries (FingerSlots: m with base 2) and r
// successors: the node table (identifier, address, host, state,
// predecessor, r successors, f finger entries of 8 bytes, finger
// bookkeeping), the network's liveness flag and
// the oracle's sorted copy. It is what a config is checked against before
// anything is allocated; `chordsim bench` reports the measured figure.
func StateBytes(members, f, r int) uint64 {
	var (
		id    ID
		h     Handle
		fe    fingerEntry
		st    State
		small uint8 // the network's liveness flag
		fix   uint16
	)
	per := 2*unsafe.Sizeof(id) + // ids, and the oracle's sorted copy
		8 + 4 + // address, host
		unsafe.Sizeof(st) + 2*unsafe.Sizeof(h) + // state, predecessor, the oracle's handle
		uintptr(r)*unsafe.Sizeof(h) + uintptr(f)*unsafe.Sizeof(fe) +
		unsafe.Sizeof(small) + unsafe.Sizeof(fix)
	return uint64(members) * uint64(per)
}
